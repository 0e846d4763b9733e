package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.LoopbackCodeSource;
import dev.reactivemcp.oauth.StoredCredentials;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The three authorization code sources: headless follower, loopback receiver, print-URL/paste-back. */
class CodeSourceTest {

    private static final URI AUTHORIZATION_URL = URI.create("https://as.example/authorize?client_id=c&state=st-1");

    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void headlessReadsTheRedirectFromLocationWithoutFollowingIt() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.mock.when(request().withPath("/authorize")).respond(response().withStatusCode(302)
                    .withHeader("Location", s.base + "/callback?code=c%2B1&state=st-1&iss=" + s.base));
            AuthorizationCodeSource source = AuthorizationCodeSource.headless(s.base + "/callback",
                    Duration.ofSeconds(30));

            Redirect redirect = valueOf(source.authorize(redirectUri -> {
                assertThat(redirectUri).isEqualTo(s.base + "/callback");
                return Mono.just(URI.create(s.base + "/authorize?state=st-1"));
            }));

            assertThat(redirect.code()).contains("c+1");
            assertThat(redirect.state()).contains("st-1");
            assertThat(redirect.iss()).contains(s.base);
            assertThat(s.trace()).containsExactly("GET /authorize");
        }
    }

    @Test
    void headlessFailsWhenTheAuthorizationServerWantsAnInteractiveLogin() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.mock.when(request().withPath("/authorize")).respond(response().withStatusCode(200).withBody("<form>"));
            McpFailure.ProtocolError e = failureOf(AuthorizationCodeSource.headless()
                    .authorize(r -> Mono.just(URI.create(s.base + "/authorize"))), McpFailure.ProtocolError.class);
            assertThat(e.detail()).contains("HTTP 200");
        }
    }

    @Test
    void headlessRefusesARedirectThatDoesNotTargetTheRedirectUri() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.mock.when(request().withPath("/authorize")).respond(response().withStatusCode(302)
                    .withHeader("Location", "https://login.example/?next=1"));
            failureOf(AuthorizationCodeSource.headless().authorize(r -> Mono.just(URI.create(s.base + "/authorize"))),
                    McpFailure.ProtocolError.class);
        }
    }

    @Test
    void loopbackReceivesTheRedirectWithTheExpectedStateAndClosesItsListener() throws Exception {
        LinkedBlockingQueue<URI> opened = new LinkedBlockingQueue<>();
        AtomicReference<String> redirectUri = new AtomicReference<>();
        LoopbackCodeSource source = AuthorizationCodeSource.loopback(opened::add).withPath("/cb");

        StepVerifier.create(source.authorize(uri -> {
            redirectUri.set(uri);
            return Mono.just(AUTHORIZATION_URL);
        }))
                .then(() -> {
                    assertThat(take(opened)).isEqualTo(AUTHORIZATION_URL);
                    assertThat(redirectUri.get()).matches("http://127\\.0\\.0\\.1:\\d+/cb");
                    assertThat(get(redirectUri.get() + "?code=x&state=forged").statusCode()).isEqualTo(400);
                    assertThat(get(redirectUri.get().replace("/cb", "/favicon.ico")).statusCode()).isEqualTo(404);
                    HttpResponse<String> page = get(redirectUri.get() + "?code=the-code&state=st-1&iss=https%3A%2F%2Fas");
                    assertThat(page.statusCode()).isEqualTo(200);
                    assertThat(page.body()).contains("return to the application").doesNotContain("the-code");
                })
                .assertNext(r -> assertThat(r.parameters())
                        .isEqualTo(Map.of("code", "the-code", "state", "st-1", "iss", "https://as")))
                .expectComplete()
                .verify(Failures.WAIT);

        assertClosed(redirectUri.get());
    }

    @Test
    void loopbackNamesLocalhostOnAFixedPortAndPathWhenConfiguredAndStillListensOnlyOn127() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        LinkedBlockingQueue<URI> opened = new LinkedBlockingQueue<>();
        AtomicReference<String> redirectUri = new AtomicReference<>();
        LoopbackCodeSource source = AuthorizationCodeSource.loopback(opened::add).withHost("localhost").withPort(port)
                .withPath("/oauth/callback");

        StepVerifier.create(source.authorize(uri -> {
            redirectUri.set(uri);
            return Mono.just(AUTHORIZATION_URL);
        }))
                .then(() -> {
                    take(opened);
                    assertThat(redirectUri.get()).isEqualTo("http://localhost:" + port + "/oauth/callback");
                    assertThat(get("http://127.0.0.1:" + port + "/oauth/callback?code=c&state=st-1").statusCode())
                            .isEqualTo(200);
                })
                .assertNext(r -> assertThat(r.code()).contains("c"))
                .expectComplete()
                .verify(Failures.WAIT);

        assertClosed("http://127.0.0.1:" + port + "/oauth/callback");
        assertThatThrownBy(() -> AuthorizationCodeSource.loopback(opened::add).withHost("0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Virtual time advances on the listener's own event loop (the one that handed the URL to the browser), so it
     * runs after that loop has subscribed to the redirect and only one thread ever touches the
     * {@link VirtualTimeScheduler}. Advanced from the test thread instead, a loop descheduled for a moment under load
     * subscribed after the timeout had fired and disposed the fired timer itself, contending with the test thread for
     * the scheduler's queue lock (a park on an event loop: BlockHound failed the test now and then).
     */
    @Test
    void loopbackTimesOutInVirtualTimeAndClosesItsListener() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        LinkedBlockingQueue<URI> opened = new LinkedBlockingQueue<>();
        AtomicReference<String> redirectUri = new AtomicReference<>();
        AtomicReference<EventExecutor> listenerLoop = new AtomicReference<>();
        LoopbackCodeSource source = AuthorizationCodeSource.loopback(url -> {
            listenerLoop.set(ThreadExecutorMap.currentExecutor());
            opened.add(url);
        }).withTimeout(Duration.ofMinutes(2)).withScheduler(time);

        StepVerifier.create(source.authorize(uri -> {
            redirectUri.set(uri);
            return Mono.just(AUTHORIZATION_URL);
        }))
                .then(() -> {
                    take(opened);
                    assertThat(listenerLoop.get()).as("the browser is opened from the listener's event loop")
                            .isNotNull();
                    onLoop(listenerLoop.get(), () -> time.advanceTimeBy(Duration.ofMinutes(1)));
                })
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> onLoop(listenerLoop.get(), () -> time.advanceTimeBy(Duration.ofMinutes(1))))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isEqualTo(new McpFailure.Timeout(Duration.ofMinutes(2))))
                .verify(Failures.WAIT);

        assertClosed(redirectUri.get());
    }

    private static void onLoop(EventExecutor loop, Runnable task) {
        try {
            loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void loopbackClosesItsListenerWhenCancelled() {
        LinkedBlockingQueue<URI> opened = new LinkedBlockingQueue<>();
        AtomicReference<String> redirectUri = new AtomicReference<>();

        StepVerifier.create(AuthorizationCodeSource.loopback(opened::add).authorize(uri -> {
            redirectUri.set(uri);
            return Mono.just(AUTHORIZATION_URL);
        }))
                .then(() -> take(opened))
                .thenCancel()
                .verify(Failures.WAIT);

        assertClosed(redirectUri.get());
    }

    @Test
    void logsInThroughTheLoopbackReceiverWhenABrowserFollowsTheRedirect() {
        try (OAuthScenario s = new OAuthScenario()) {
            LinkedBlockingQueue<URI> opened = new LinkedBlockingQueue<>();
            s.codeSource = AuthorizationCodeSource.loopback(opened::add);
            s.standard("");

            StoredCredentials[] stored = new StoredCredentials[1];
            StepVerifier.create(s.flow().authorize(s.context(s.challengeWithMetadata())))
                    .then(() -> assertThat(send(take(opened)).statusCode()).isEqualTo(200))
                    .assertNext(c -> stored[0] = c)
                    .expectComplete()
                    .verify(Failures.WAIT);

            assertThat(stored[0].tokens().accessToken()).isEqualTo("test-token-1");
            assertThat(OAuthScenario.form(s.only("POST", "/token")).get("redirect_uri"))
                    .startsWith("http://127.0.0.1:").endsWith("/callback");
        }
    }

    @Test
    void manualSourceDecodesAPastedRedirectUrl() {
        URI[] shown = new URI[1];
        Redirect r = valueOf(AuthorizationCodeSource.manual(u -> shown[0] = u,
                Mono.just("  http://127.0.0.1/callback?code=abc&state=st-1&iss=https%3A%2F%2Fas.example \n"))
                .authorize(uri -> Mono.just(AUTHORIZATION_URL)));
        assertThat(shown[0]).isEqualTo(AUTHORIZATION_URL);
        assertThat(r.parameters()).isEqualTo(Map.of("code", "abc", "state", "st-1", "iss", "https://as.example"));
    }

    @Test
    void manualSourcePairsABareCodeWithTheStateItShowed() {
        Redirect r = valueOf(AuthorizationCodeSource.manual(u -> { }, Mono.just("abc"))
                .authorize(uri -> Mono.just(AUTHORIZATION_URL)));
        assertThat(r.parameters()).isEqualTo(Map.of("code", "abc", "state", "st-1"));
    }

    @Test
    void manualSourceFailsWhenNothingIsPasted() {
        failureOf(AuthorizationCodeSource.manual(u -> { }, Mono.empty()).authorize(uri -> Mono.just(AUTHORIZATION_URL)),
                McpFailure.ProtocolError.class);
    }

    @Test
    void redirectParametersRefuseRepetitionAndNeverPrintTheCodeOrState() {
        assertThatThrownBy(() -> Redirect.fromQuery("code=a&state=s&code=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("a&");
        Redirect r = Redirect.fromQuery("code=secret-code&state=secret-state&iss=https%3A%2F%2Fas");
        assertThat(r.toString()).doesNotContain("secret-code", "secret-state");
    }

    private static URI take(LinkedBlockingQueue<URI> queue) {
        try {
            URI uri = queue.poll(60, TimeUnit.SECONDS);
            assertThat(uri).as("the authorization URL handed to the browser").isNotNull();
            return uri;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(String url) {
        return send(URI.create(url));
    }

    private HttpResponse<String> send(URI url) {
        try {
            return browser.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The listener of {@code redirectUri} refuses connections (retried briefly: closing is asynchronous). */
    private static void assertClosed(String redirectUri) {
        URI uri = URI.create(redirectUri);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("listener still open at " + redirectUri);
            }
            Thread.onSpinWait();
        }
    }
}
