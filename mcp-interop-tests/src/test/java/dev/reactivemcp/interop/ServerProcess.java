package dev.reactivemcp.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the real servers run as separate processes ({@link OidcProviderServer}, {@link SpringAuthorizationServer})
 * share: where the {@code ensure.sh} scripts cache them, the skip-or-fail rule for a server that is not installed,
 * blocking HTTP to their admin endpoints, and stopping the process.
 */
final class ServerProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess() { }

    /** {@code REACTIVEMCP_CACHE}, else {@code ~/.cache/reactivemcp}: where the ensure scripts install. */
    static Path cache() {
        return Path.of(firstNonBlank(System.getenv("REACTIVEMCP_CACHE"),
                Path.of(firstNonBlank(System.getenv("HOME"), System.getProperty("user.home")), ".cache", "reactivemcp")
                        .toString()));
    }

    /** The environment variable {@code name}, else {@code fallback} (a path in the cache). */
    static Path fromEnv(String name, Path fallback) {
        return Path.of(firstNonBlank(System.getenv(name), fallback.toString()));
    }

    /** A server that is not installed skips the test, except under {@code CI}, where it fails. */
    static void requireInstalled(boolean installed, String problem) {
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException(problem);
        }
        assumeTrue(installed, problem);
    }

    /** GET {@code path} with {@code Accept: application/json}; the body of a 200 (blocking). */
    static String get(URI base, String path) {
        return ok("GET " + path, send(HttpRequest.newBuilder(base.resolve(path))
                .header("Accept", "application/json").GET().build()));
    }

    /** POST {@code body} of {@code type} to {@code path}; the body of a 200 (blocking). */
    static String post(URI base, String path, String body, String type) {
        return ok("POST " + path, send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build()));
    }

    private static String ok(String what, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** Sends {@code request} (blocking). */
    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Asks {@code process} to stop, then kills it after {@code grace}. */
    static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalArgumentException("no value");
    }
}
