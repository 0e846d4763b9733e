package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;

/**
 * The default {@link AuthDiscovery}: GETs protected resource metadata (RFC 9728 section 3.1, path-inserted then
 * at the root) and, for 2025-03-26 servers, authorization server metadata at the root (RFC 8414 section 3).
 * Any 200 means OAuth; 4xx everywhere means none; 5xx and network failures are errors, never a verdict, but they
 * do not stop the search. It shares the candidate policy of login discovery, not its code: it answers only "is
 * OAuth advertised" (no document is parsed), runs on its own client without redirects, and lives below the flow.
 */
public final class WellKnownProbe implements AuthDiscovery {

    private final HttpClient client;
    private final Duration timeout;
    private final Scheduler timer;

    /** A probe over {@code client}, each request bounded by {@code timeout} measured on {@code timer}. */
    public WellKnownProbe(HttpClient client, Duration timeout, Scheduler timer) {
        this.client = client.followRedirect(false);
        this.timeout = timeout;
        this.timer = timer;
    }

    /**
     * Tries every candidate in order, as login discovery does ({@code internal/flow/Discovery}): one that answers
     * 5xx, times out or drops the connection does not end the search, a later 200 still means OAuth. With no 200,
     * the first such failure is the answer (an overloaded server is not a server without OAuth); else false.
     */
    @Override
    public Mono<Boolean> advertisesOAuth(URI endpoint) {
        return Mono.defer(() -> {
            AtomicReference<McpException> failed = new AtomicReference<>();
            return Flux.fromIterable(candidates(endpoint))
                    .concatMap(uri -> status(uri).onErrorResume(McpException.class, e -> {
                        failed.compareAndSet(null, e);
                        return Mono.empty();
                    }))
                    .filter(status -> status == 200)
                    .next()
                    .map(ok -> true)
                    .switchIfEmpty(Mono.defer(() -> failed.get() == null ? Mono.just(false)
                            : Mono.error(failed.get())));
        });
    }

    static List<URI> candidates(URI endpoint) {
        String origin = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<URI> out = new ArrayList<>();
        if (!path.isEmpty()) {
            out.add(URI.create(origin + "/.well-known/oauth-protected-resource" + path));
        }
        out.add(URI.create(origin + "/.well-known/oauth-protected-resource"));
        out.add(URI.create(origin + "/.well-known/oauth-authorization-server"));
        return out;
    }

    private Mono<Integer> status(URI uri) {
        return client.get().uri(uri)
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                .timeout(timeout, timer)
                .onErrorMap(e -> !(e instanceof McpException), e -> {
                    McpFailure failure = ReactorNettyExchange.connectionKind(e,
                            e.getClass().getSimpleName() + " during OAuth discovery at " + uri);
                    return new McpException(failure, failure.describe(), e);
                })
                .flatMap(code -> code >= 500
                        ? Mono.error(new McpException(new McpFailure.ServerError(code, "discovery at " + uri),
                                "OAuth discovery failed with HTTP " + code + " at " + uri, null))
                        : Mono.just(code));
    }
}
