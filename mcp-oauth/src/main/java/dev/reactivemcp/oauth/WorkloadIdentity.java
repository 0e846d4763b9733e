package dev.reactivemcp.oauth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A workload that proves its identity with a JWT its platform issues (a Kubernetes service account token, a cloud
 * metadata endpoint, a CI job token) and exchanges it for MCP tokens with the JWT-bearer grant (RFC 7523 section
 * 2.1; MCP workload identity federation, SEP-1933): {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer},
 * {@code assertion=<the JWT>}, no user and no browser. The assertion source is subscribed for every token request
 * (platform tokens rotate), so it can read a file or call an endpoint each time. After a failed token request the
 * failure is reported as is: no retry with the same assertion (a source that returns it again fails without a
 * request until it yields a new one) and no fallback to another grant. Immutable.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .workloadIdentity(WorkloadIdentity.fromFile("my-workload",
 *             Path.of("/var/run/secrets/tokens/mcp-token")))
 *     .build();
 * }</pre>
 */
public final class WorkloadIdentity {

    private final String clientId;
    private final Mono<String> assertions;
    private final Set<String> scopes;

    private WorkloadIdentity(String clientId, Mono<String> assertions, Set<String> scopes) {
        this.clientId = clientId;
        this.assertions = assertions;
        this.scopes = scopes;
    }

    /**
     * Assertions from {@code source}, subscribed once per token request; {@code clientId} is sent as is.
     *
     * @param clientId the client id at the MCP authorization server
     * @param source   emits the platform's current JWT; subscribed once per token request
     * @return the setting for {@link McpOAuth.Builder#workloadIdentity}
     * @throws IllegalArgumentException when {@code clientId} is {@code null} or blank
     * @throws NullPointerException     when {@code source} is {@code null}
     */
    public static WorkloadIdentity jwtBearer(String clientId, Mono<String> source) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("client id must not be blank");
        }
        return new WorkloadIdentity(clientId, Objects.requireNonNull(source, "source"), Set.of());
    }

    /**
     * Assertions read from {@code file} (trimmed) for every token request, off the event loop.
     *
     * @param clientId the client id at the MCP authorization server
     * @param file     the file the platform keeps the current JWT in (a projected service account token)
     * @return the setting for {@link McpOAuth.Builder#workloadIdentity}
     * @throws IllegalArgumentException when {@code clientId} is {@code null} or blank
     * @throws NullPointerException     when {@code file} is {@code null}
     */
    public static WorkloadIdentity fromFile(String clientId, Path file) {
        Objects.requireNonNull(file, "file");
        return jwtBearer(clientId, Mono.fromCallable(() -> Files.readString(file, StandardCharsets.UTF_8).strip())
                .subscribeOn(Schedulers.boundedElastic()));
    }

    /**
     * A copy requesting {@code scopes} when neither the server's challenge nor its metadata names any.
     *
     * @param scopes the fallback scopes; copied
     * @return the copy
     * @throws NullPointerException when {@code scopes} or one of them is {@code null}
     */
    public WorkloadIdentity withScopes(Set<String> scopes) {
        return new WorkloadIdentity(clientId, assertions, Set.copyOf(scopes));
    }

    /**
     * The client id.
     *
     * @return the client id at the MCP authorization server
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The fallback scopes.
     *
     * @return the scopes, possibly empty
     */
    public Set<String> scopes() {
        return scopes;
    }

    Mono<String> assertions() {
        return assertions;
    }

    @Override
    public String toString() {
        return "WorkloadIdentity[" + clientId + "]";
    }
}
