package dev.reactivemcp.examples.webclient;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Runs in a fresh JVM started by {@link FreshJvmClassificationTest}; prints one {@code VERDICT} line.
 * <ul>
 *   <li>{@code webclient}: builds an {@code McpClient} (which loads the declared readers), then the JVM's very first
 *       classification runs on a Reactor Netty event loop, for a real {@code WebClientResponseException} (401 with a
 *       Bearer challenge) wrapped as the reference client wraps startup errors;</li>
 *   <li>{@code webclient-nohook}: the same without building a client first (the old behaviour, for comparison);</li>
 *   <li>{@code missing-library}: Spring is not on the class path, but the WebClient reader is declared; an
 *       {@code McpClient} 401 must still reach {@code onErrorResume(McpFailures::isAuthenticationRequired)}.</li>
 * </ul>
 */
public final class FreshJvmMain {

    private FreshJvmMain() { }

    public static void main(String[] args) {
        String mode = args[0];
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.route(request -> true, (request, response) -> response.status(401)
                        .header("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\"https://r/prm\"")
                        .send()))
                .bindNow();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
        try {
            System.out.println("VERDICT " + (mode.equals("missing-library") ? missingLibrary(uri) : webClient(uri, mode)));
        } finally {
            server.disposeNow();
        }
    }

    private static String webClient(URI uri, String mode) {
        if (mode.equals("webclient")) {
            McpClient.builder(uri).build();
        }
        return org.springframework.web.reactive.function.client.WebClient.create().get().uri(uri).retrieve()
                .bodyToMono(String.class)
                .map(body -> "no-error")
                .onErrorResume(e -> {
                    Throwable wrapped = new RuntimeException("Client failed to initialize",
                            new IllegalStateException("Sending request failed", e));
                    McpFailure failure = McpFailures.classify(wrapped);
                    return Mono.just(failure.getClass().getSimpleName() + " " + (e instanceof
                            org.springframework.web.reactive.function.client.WebClientResponseException
                            ? "WebClientResponseException" : e.getClass().getName())
                            + " thread=" + Thread.currentThread().getName() + " " + Thread.currentThread().getClass().getName()
                            + " nonBlocking=" + reactor.core.scheduler.Schedulers.isNonBlockingThread(Thread.currentThread()));
                })
                .block(Duration.ofSeconds(30));
    }

    private static String missingLibrary(URI uri) {
        McpClient client = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly()).listeningStream(false)
                .build();
        String first = client.connect().map(init -> "connected")
                .onErrorResume(McpFailures::isAuthenticationRequired,
                        e -> Mono.just("AuthenticationRequired thread=" + Thread.currentThread().getName()))
                .block(Duration.ofSeconds(30));
        String again = McpFailures.classify(new ConnectException("Connection refused")).getClass().getSimpleName();
        String third = McpFailures.classify(new ConnectException("Connection refused")).getClass().getSimpleName();
        return first + " then " + again + " " + third;
    }
}
