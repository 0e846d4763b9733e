package dev.reactivemcp.interop;

import static dev.reactivemcp.interop.ServerProcess.enc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
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
final class SpringAuthorizationServer implements AutoCloseable, InteropServers.AuthorizationServer {

    static final String USER = "alice";
    static final String PASSWORD = "password";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

    private final Process process;
    private final URI issuer;

    private SpringAuthorizationServer(Process process, URI issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    /** The server of this JVM (blocking on first use: about 10 s). */
    static SpringAuthorizationServer shared() {
        return InteropServers.perJvm(SpringAuthorizationServer.class, SpringAuthorizationServer::start);
    }

    private static SpringAuthorizationServer start() {
        Path jar = ServerProcess.fromEnv("REACTIVEMCP_SAS_JAR",
                ServerProcess.cache().resolve("spring-authorization-server/spring-authorization-server.jar"));
        ServerProcess.requireInstalled(Files.isRegularFile(jar), "Spring Authorization Server is not built (" + jar
                + "): run interop/spring-authorization-server/ensure.sh");
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

    @Override
    public URI issuer() {
        return issuer;
    }

    @Override
    public String jwks() {
        return ServerProcess.get(issuer, "/oauth2/jwks");
    }

    /** Token requests so far, keyed {@code "<grant_type> <status>"}, e.g. {@code "refresh_token 200"}. */
    Map<String, Long> tokenRequests() {
        Map<String, Long> out = new HashMap<>();
        JsonNode stats = JSON.readTree(ServerProcess.get(issuer, "/admin/stats"));
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
        return ServerProcess.send(request).statusCode();
    }

    @Override
    public void close() {
        ServerProcess.stop(process, Duration.ofSeconds(10));
    }
}
