package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.spi.JsonCodec;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import dev.reactivemcp.transport.spi.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The flow's HTTP: one exchange per call with a deadline and a bounded body; GETs follow at most
 * {@value #MAX_REDIRECTS} redirects and only within the same origin, everything else is never redirected.
 */
final class FlowHttp {

    static final int MAX_REDIRECTS = 3;
    static final String FORM = "application/x-www-form-urlencoded";

    private final ExchangeFunction exchange;
    private final Duration timeout;
    private final int maxBodyBytes;
    private final Scheduler timer;

    FlowHttp(ExchangeFunction exchange, Duration timeout, int maxBodyBytes, Scheduler timer) {
        this.exchange = exchange;
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
        this.timer = timer;
    }

    /** A complete response; the body is at most the configured size. */
    record Response(String url, int status, Headers headers, byte[] body) {

        boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as one JSON object, else a protocol error naming {@code what}. */
        Map<String, Object> jsonObject(String what) {
            Object value;
            try {
                value = JsonCodec.get().read(body, what);
            } catch (McpException e) {
                throw FlowErrors.protocol("malformed JSON in " + what + " from " + url);
            }
            Map<String, Object> object = Json.asObject(value);
            if (object == null) {
                throw FlowErrors.protocol(what + " from " + url + " is not a JSON object");
            }
            return object;
        }

        @Override
        public String toString() {
            return "Response[" + status + " from " + url + ", " + body.length + " bytes]";
        }
    }

    /** GET {@code url} accepting JSON, following same-origin redirects. */
    Mono<Response> getJson(String url) {
        return get(url, Urls.parse(url, "URL"), MAX_REDIRECTS);
    }

    private Mono<Response> get(String url, Urls.Parts origin, int redirectsLeft) {
        McpHttpRequest request = McpHttpRequest.of("GET", URI.create(url)).withHeader("Accept", "application/json");
        return send(request).flatMap(response -> {
            String location = response.headers().first("Location").orElse(null);
            if (!isRedirect(response.status()) || location == null || redirectsLeft == 0) {
                return Mono.just(response);
            }
            String next = Urls.resolve(url, location);
            Urls.Parts parts = Urls.requireSecure(next, "redirect target");
            return Urls.sameOrigin(origin, parts) ? get(next, origin, redirectsLeft - 1) : Mono.just(response);
        });
    }

    /** POST a form ({@code application/x-www-form-urlencoded}), never redirected. */
    Mono<Response> postForm(String url, String form, Headers extraHeaders) {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create(url))
                .withHeaders(extraHeaders.with("Content-Type", FORM).with("Accept", "application/json"))
                .withBody(form.getBytes(StandardCharsets.UTF_8));
        return send(request);
    }

    /** POST a JSON document, never redirected. */
    Mono<Response> postJson(String url, Object json) {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create(url))
                .withHeader("Content-Type", "application/json").withHeader("Accept", "application/json")
                .withBody(JsonCodec.get().write(json));
        return send(request);
    }

    private Mono<Response> send(McpHttpRequest request) {
        String url = request.uri().toString();
        return Mono.defer(() -> exchange.exchange(request))
                .flatMap(response -> {
                    BoundedBody body = new BoundedBody(maxBodyBytes);
                    // No exception inside the stream: cancelling the connection may complete it re-entrantly,
                    // so overflow is a flag checked once the (cut) stream has ended.
                    return response.body().doOnNext(body::append).takeUntil(chunk -> body.overflow).then(
                            Mono.fromCallable(() -> new Response(url, response.status(), response.headers(),
                                    body.bytes(url))));
                })
                .timeout(timeout, timer)
                .onErrorMap(TimeoutException.class, e -> FlowErrors.timeout(timeout, e))
                .onErrorMap(e -> !(e instanceof McpException),
                        e -> FlowErrors.of(ReactorNettyExchange.connectionKind(e, e.getClass().getSimpleName()
                                + " during " + request.method() + " " + url), e));
    }

    /** A body buffer that stops growing at its limit and remembers that it overflowed. */
    private static final class BoundedBody {
        private final int max;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private volatile boolean overflow;

        BoundedBody(int max) {
            this.max = max;
        }

        void append(byte[] chunk) {
            if (overflow || (long) buf.size() + chunk.length > max) {
                overflow = true;
                return;
            }
            buf.write(chunk, 0, chunk.length);
        }

        byte[] bytes(String url) {
            if (overflow) {
                throw FlowErrors.protocol("response from " + url + " exceeds " + max + " bytes");
            }
            return buf.toByteArray();
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }
}
