package dev.reactivemcp.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The standalone Spring Authorization Server of {@code interop/spring-authorization-server} (Boot 4.0.7), run as its
 * own JVM on a free loopback port: 30 s JWT access tokens with {@code aud} = the resource, rotating refresh tokens,
 * open dynamic registration, PKCE, {@code iss} in the authorization response, form login (alice / password).
 *
 * <p>The jar comes from {@code interop/spring-authorization-server/ensure.sh} ({@code REACTIVEMCP_SAS_JAR}, else the
 * default cache path); missing, the test is skipped, or fails under {@code CI}. {@link #tokenRequests()} reads the
 * token requests the server counted, by grant type and HTTP status.
 */
final class SpringAuthorizationServer implements AutoCloseable {

    static final String USER = "alice";
    static final String PASSWORD = "password";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static SpringAuthorizationServer shared;

    private final Process process;
    private final URI issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SpringAuthorizationServer(Process process, URI issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    /** The server of this JVM (blocking on first use: about 10 s). */
    static synchronized SpringAuthorizationServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "spring-authorization-server-stop"));
        }
        return shared;
    }

    private static SpringAuthorizationServer start() {
        Path cache = Path.of(firstNonBlank(System.getenv("REACTIVEMCP_CACHE"),
                Path.of(firstNonBlank(System.getenv("HOME"), System.getProperty("user.home")), ".cache", "reactivemcp")
                        .toString()));
        Path jar = Path.of(firstNonBlank(System.getenv("REACTIVEMCP_SAS_JAR"),
                cache.resolve("spring-authorization-server/spring-authorization-server.jar").toString()));
        String problem = "Spring Authorization Server is not built (" + jar
                + "): run interop/spring-authorization-server/ensure.sh";
        if (!Files.isRegularFile(jar) && System.getenv("CI") != null) {
            throw new IllegalStateException(problem);
        }
        assumeTrue(Files.isRegularFile(jar), problem);
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    jar.toString()).redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "sas-reaper"));
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        log.append(line).append('\n');
                        Matcher m = STARTED.matcher(line);
                        if (m.find()) {
                            return Integer.parseInt(m.group(1));
                        }
                    }
                    throw new IllegalStateException("exited:\n" + log);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                int p = port.get(90, TimeUnit.SECONDS);
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                }, "sas-output");
                drain.setDaemon(true);
                drain.start();
                return new SpringAuthorizationServer(process, URI.create("http://127.0.0.1:" + p));
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("Spring Authorization Server did not start:\n" + log, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI issuer() {
        return issuer;
    }

    String jwks() {
        return get("/oauth2/jwks");
    }

    /** Token requests so far, keyed {@code "<grant_type> <status>"}, e.g. {@code "refresh_token 200"}. */
    Map<String, Long> tokenRequests() {
        Map<String, Long> out = new HashMap<>();
        JsonNode stats = JSON.readTree(get("/admin/stats"));
        stats.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    /** Revokes a token (RFC 7009) as the confidential client {@code clientId}; returns the HTTP status. */
    int revoke(String token, String clientId, String clientSecret) {
        String basic = java.util.Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(issuer.resolve("/oauth2/revoke"))
                .header("Authorization", "Basic " + basic)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + enc(token) + "&token_type_hint=refresh_token"))
                .build();
        return send(request).statusCode();
    }

    private String get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(issuer.resolve(path))
                .header("Accept", "application/json").GET().build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalArgumentException("no value");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
