package dev.reactivemcp.tokenstore.redis;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A replica of a service, in its own JVM (BlockHound installed), for the multi-process tests:
 * <ul>
 *   <li>{@code callers <redisUri> <n>}: an {@code McpOAuth} on a {@link RedisTokenStore}; prints {@code ready}, waits
 *       for {@code go} on stdin, makes {@code n} concurrent calls through the token filter, prints
 *       {@code done <statuses> <tokens sent>} and exits;</li>
 *   <li>{@code holder <redisUri> <leaseMillis>}: takes the default owner's entry lock in an update whose refresh never
 *       ends, prints {@code holding}, and waits to be killed.</li>
 * </ul>
 */
public final class ReplicaProcess {

    private ReplicaProcess() { }

    public static void main(String[] args) throws Exception {
        BlockHound.install();
        String mode = args[0];
        String redisUri = args[1];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (mode.equals("holder")) {
            RedisTokenStore store = RedisTokenStore.builder(redisUri)
                    .lockLease(Duration.ofMillis(Long.parseLong(args[2]))).build();
            store.update(new CredentialKey(Entries.ENDPOINT, Entries.ISSUER, "client-1"), current -> {
                System.out.println("holding " + current.map(c -> c.tokens().refreshToken()).orElse("none"));
                System.out.flush();
                return Mono.never();
            }).subscribe();
            in.readLine();   // killed before this returns
            System.exit(3);
        }
        int n = Integer.parseInt(args[2]);
        RedisTokenStore store = RedisTokenStore.builder(redisUri).build();
        McpOAuth oauth = McpOAuth.builder().tokenStore(store).build();
        ExchangeFilterFunction filter = oauth.filterFor(URI.create(Entries.ENDPOINT));
        ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        ExchangeFunction server = request -> Mono.fromSupplier(() -> {
            sent.add(request.headers().first("Authorization").orElse("none"));
            return McpHttpResponse.of(200, Headers.empty(), new byte[0]);
        });
        System.out.println("ready");
        System.out.flush();
        if (!"go".equals(in.readLine())) {
            System.exit(2);
        }
        List<Integer> statuses = Flux.range(0, n)
                .flatMap(i -> filter.filter(McpHttpRequest.of("POST", URI.create(Entries.ENDPOINT))
                        .withBody("{}".getBytes(StandardCharsets.UTF_8)), server)
                        .map(McpHttpResponse::status)
                        .onErrorResume(e -> {
                            System.out.println("error " + e);
                            return Mono.just(-1);
                        }), n)
                .collectList().block(Duration.ofSeconds(60));
        Set<Integer> distinctStatuses = new TreeSet<>(statuses);
        long ok = statuses.stream().filter(s -> s == 200).count();
        System.out.println("done " + ok + "/" + statuses.size() + " statuses=" + distinctStatuses + " tokens="
                + new TreeSet<>(sent));
        System.out.flush();
        oauth.shutdown().block(Duration.ofSeconds(20));
        store.shutdown().block(Duration.ofSeconds(20));
        System.exit(0);
    }
}
