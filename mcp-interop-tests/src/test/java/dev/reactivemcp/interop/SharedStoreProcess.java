package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The second process of {@link SharedTokenStoreAcrossProcessesTest}: a separate JVM that uses the same token file
 * as the test, with no way to log in. Prints {@code ready}, waits for {@code go} on stdin, connects and fires bursts
 * of concurrent calls, closes, and prints {@code calls=N failures=M}; exit status 0 when nothing failed.
 *
 * <p>Arguments: MCP endpoint, token file, client clock offset in ms, calls per burst, bursts.
 */
public final class SharedStoreProcess {

    private SharedStoreProcess() { }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        Path tokenFile = Path.of(args[1]);
        AdjustableClock clock = new AdjustableClock(Duration.ofMillis(Long.parseLong(args[2])));
        int perBurst = Integer.parseInt(args[3]);
        int bursts = Integer.parseInt(args[4]);
        McpOAuth oauth = Interop.oauth(tokenFile, null, clock);
        McpClient client = Interop.client(endpoint, oauth);
        System.out.println("ready");
        System.out.flush();
        String go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (!"go".equals(go)) {
            System.exit(3);
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        burst(client, perBurst, bursts, ok, failed, "second process");
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();
        System.out.println("calls=" + ok.get() + " failures=" + failed.get());
        System.out.flush();
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    /** Connects (once) and fires {@code bursts} bursts of {@code perBurst} concurrent calls; counts outcomes. */
    static void burst(McpClient client, int perBurst, int bursts, AtomicInteger ok, AtomicInteger failed, String who) {
        Mono<Void> connect = client.connect().then().onErrorResume(e -> {
            failed.incrementAndGet();
            System.out.println(who + " connect failed: " + e);
            return Mono.empty();
        });
        connect.thenMany(Flux.range(0, bursts).concatMap(b -> Flux.range(0, perBurst)
                .flatMap(i -> client.callTool("echo", Map.of("message", who + " " + b + "." + i))
                        .doOnNext(r -> ok.incrementAndGet())
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            System.out.println(who + " call failed: " + e);
                            return Mono.empty();
                        }))
                .then(Mono.delay(Duration.ofMillis(100)))))
                .blockLast(Duration.ofSeconds(60));
    }
}
