package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern INPUT = Pattern.compile("<input[^>]*>");

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

    /**
     * The page's first form, filled in: hidden inputs as they are (a CSRF token, oidc-provider's {@code prompt}), the
     * user name into {@code login} or {@code username}, the password into the password input.
     */
    private Step fill(URI page, String html) {
        Matcher action = FORM_ACTION.matcher(html);
        if (!action.find()) {
            throw new IllegalStateException("no form at " + page.getPath());
        }
        int formEnd = html.indexOf("</form>", action.end());
        String form = html.substring(action.start(), formEnd < 0 ? html.length() : formEnd);
        StringBuilder body = new StringBuilder();
        boolean password = false;
        String prompt = null;
        Matcher input = INPUT.matcher(form);
        while (input.find()) {
            String tag = input.group();
            String name = attribute(tag, "name");
            String type = attribute(tag, "type");
            if (name == null) {
                continue;
            }
            String value;
            if ("password".equals(type)) {
                value = secret;
                password = true;
            } else if ("login".equals(name) || "username".equals(name)) {
                value = user;
            } else if ("hidden".equals(type)) {
                value = attribute(tag, "value") == null ? "" : attribute(tag, "value");
                prompt = "prompt".equals(name) ? value : prompt;
            } else {
                continue;
            }
            body.append(body.length() == 0 ? "" : "&").append(enc(name)).append('=').append(enc(value));
        }
        if (password || "login".equals(prompt)) {
            logins.incrementAndGet();
        } else if ("consent".equals(prompt)) {
            consents.incrementAndGet();
        } else {
            throw new IllegalStateException("neither a login nor a consent form at " + page.getPath());
        }
        return new Step("POST", page.resolve(action.group(1).replace("&amp;", "&")), body.toString());
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : null;
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "FormLoginCodeSource[" + REDIRECT_URI + "]";
    }
}
