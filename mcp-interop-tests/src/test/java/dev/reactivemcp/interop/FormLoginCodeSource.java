package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A user agent that logs in through the authorization server's own HTML forms, through the public
 * {@link AuthorizationCodeSource} SPI: it follows no redirect by itself, keeps a cookie jar, fills the login form
 * (any user name and password) and the consent form it is shown, and hands the redirect to the loopback redirect URI
 * back to the SDK, which checks {@code state} and {@code iss}. Nothing listens on the redirect URI.
 *
 * <p>Counts how many forms of each kind it submitted and remembers the last redirect's parameter names.
 */
final class FormLoginCodeSource implements AuthorizationCodeSource {

    static final String REDIRECT_URI = "http://127.0.0.1:1/callback";
    private static final int MAX_STEPS = 12;

    private final HttpClient http = HttpClient.create().followRedirect(false);
    private final String user;
    private final String secret;
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger consents = new AtomicInteger();
    final AtomicInteger authorizations = new AtomicInteger();
    volatile Redirect lastRedirect;

    FormLoginCodeSource(String user) {
        this(user, "any-password");
    }

    FormLoginCodeSource(String user, String password) {
        this.user = user;
        this.secret = password;
    }

    @Override
    public Mono<Redirect> authorize(Function<String, Mono<URI>> authorizationUrl) {
        return Mono.defer(() -> authorizationUrl.apply(REDIRECT_URI)).flatMap(url -> {
            authorizations.incrementAndGet();
            Map<String, String> jar = new ConcurrentHashMap<>();
            return step(new Step("GET", url, null), jar, 0);
        }).doOnNext(r -> lastRedirect = r);
    }

    private record Step(String method, URI url, String form) { }

    private record Answer(int status, String location, String body) { }

    private Mono<Redirect> step(Step step, Map<String, String> jar, int n) {
        if (n >= MAX_STEPS) {
            return Mono.error(new IllegalStateException("login did not reach the redirect URI in " + MAX_STEPS + " steps"));
        }
        return send(step, jar).flatMap(answer -> {
            if (answer.status() >= 300 && answer.status() < 400 && answer.location() != null) {
                URI next = step.url().resolve(answer.location());
                if (next.toString().startsWith(REDIRECT_URI)) {
                    return Mono.just(Redirect.fromQuery(next.getRawQuery()));
                }
                return step(new Step("GET", next, null), jar, n + 1);
            }
            if (answer.status() == 200) {
                return step(fill(step.url(), answer.body()), jar, n + 1);
            }
            return Mono.error(new IllegalStateException("authorization server answered " + answer.status()
                    + " at " + step.url().getPath()));
        });
    }

    /** The page's form ({@link LoginForm}), filled in; counts logins and consents. */
    private Step fill(URI page, String html) {
        LoginForm form = LoginForm.fill(page, html, user, secret);
        (form.kind() == LoginForm.Kind.LOGIN ? logins : consents).incrementAndGet();
        return new Step("POST", form.action(), form.body());
    }

    private Mono<Answer> send(Step step, Map<String, String> jar) {
        HttpClient client = http.headers(h -> {
            if (!jar.isEmpty()) {
                h.set("Cookie", String.join("; ", jar.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            h.set("Accept", "text/html");
            if (step.form() != null) {
                h.set("Content-Type", "application/x-www-form-urlencoded");
            }
        });
        HttpClient.ResponseReceiver<?> receiver = step.form() == null
                ? client.get().uri(step.url())
                : client.post().uri(step.url()).send(reactor.netty.ByteBufFlux.fromString(Mono.just(step.form())));
        return receiver.responseSingle((response, body) -> {
            for (String cookie : response.responseHeaders().getAll("Set-Cookie")) {
                String pair = cookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).strip();
                    String value = pair.substring(eq + 1).strip();
                    if (value.isEmpty() || cookie.toLowerCase().contains("expires=thu, 01 jan 1970")) {
                        jar.remove(name);
                    } else {
                        jar.put(name, value);
                    }
                }
            }
            return body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                    .map(text -> new Answer(response.status().code(), response.responseHeaders().get("Location"), text));
        });
    }

    @Override
    public String toString() {
        return "FormLoginCodeSource[" + REDIRECT_URI + "]";
    }
}
