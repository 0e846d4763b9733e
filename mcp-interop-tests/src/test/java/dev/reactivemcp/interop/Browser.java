package dev.reactivemcp.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A browser of one user for the tests (blocking; call it from the test thread): a JDK {@link HttpClient} with its own
 * cookie jar ({@link CookieManager}), redirects followed by hand so that every hop is seen, and the authorization
 * server's login and consent forms filled in as the user ({@link LoginForm}). Nothing is shared between two browsers.
 */
final class Browser {

    private static final int MAX_STEPS = 15;

    /** What a navigation ended on: the last URL and its answer. */
    record Page(URI url, int status, String body) { }

    private final String user;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<URI> visited = new ArrayList<>();
    private int logins;
    private int consents;

    Browser(String user) {
        this.user = user;
    }

    /** Opens {@code url} and follows redirects and forms to the page that ends the navigation. */
    Page open(URI url) {
        return navigate(url, next -> false);
    }

    /**
     * Opens {@code url} and follows redirects and forms until the next hop matches {@code stop}; returns that hop's
     * URL, not visited (as a user who closes the tab, or an attacker who copies the link, would).
     */
    URI openUntil(URI url, Predicate<URI> stop) {
        Page page = navigate(url, stop);
        if (page.status() != 0) {
            throw new AssertionError("the navigation ended at " + page.url() + " (" + page.status() + "): " + page.body());
        }
        return page.url();
    }

    /** Every URL this browser requested, in order. */
    List<URI> visited() {
        return List.copyOf(visited);
    }

    /** How many login forms it filled in. */
    int logins() {
        return logins;
    }

    /** How many consent forms it confirmed. */
    int consents() {
        return consents;
    }

    /** Status 0: stopped before {@code url}. */
    private Page navigate(URI url, Predicate<URI> stop) {
        URI at = url;
        String form = null;
        for (int step = 0; step < MAX_STEPS; step++) {
            if (stop.test(at)) {
                return new Page(at, 0, "");
            }
            HttpResponse<String> answer = send(at, form);
            String location = answer.headers().firstValue("Location").orElse(null);
            if (answer.statusCode() / 100 == 3 && location != null) {
                at = at.resolve(location);
                form = null;
            } else if (answer.statusCode() == 200 && isHtml(answer) && answer.body().contains("<form")) {
                LoginForm filled = LoginForm.fill(at, answer.body(), user, "any-password");
                if (filled.kind() == LoginForm.Kind.LOGIN) {
                    logins++;
                } else {
                    consents++;
                }
                at = filled.action();
                form = filled.body();
            } else {
                return new Page(at, answer.statusCode(), answer.body());
            }
        }
        throw new AssertionError("no page after " + MAX_STEPS + " steps from " + url + ": " + visited);
    }

    private static boolean isHtml(HttpResponse<?> answer) {
        return answer.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
    }

    private HttpResponse<String> send(URI url, String form) {
        visited.add(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html,text/plain");
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Browser[" + user + "]";
    }
}
