package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The authorization server lets no client register itself (RFC 7591 dynamic registration absent, admin-gated or
 * refused; MCP 2025-11-25 and 2026-07-28 "Client Registration"), and no pre-registered client or Client ID
 * Metadata Document is configured for it: register the application at the provider and configure it with
 * {@link McpOAuth.Builder#preRegisteredClient}. Its failure is a {@code McpFailure.ProtocolError}; the message
 * says what to configure.
 *
 * <pre>{@code
 * client.connect().onErrorResume(ClientRegistrationRequiredException.class, e -> {
 *     log.warn("register a client at {} and configure its id", e.issuer());
 *     return Mono.empty();
 * });
 * }</pre>
 */
public final class ClientRegistrationRequiredException extends McpException {

    private static final long serialVersionUID = 1L;

    /** The authorization server's issuer; never null. */
    private final String issuer;
    /** Its {@code registration_endpoint}, or null when it advertises none. */
    private final String registrationEndpoint;
    /** The HTTP status registration answered, or 0 when registration was not attempted. */
    private final int status;
    /** Its {@code token_endpoint_auth_methods_supported}, unmodifiable, empty when it advertises none. */
    private final List<String> authMethods;

    /**
     * @param issuer               the authorization server's issuer
     * @param registrationEndpoint its {@code registration_endpoint}, or null when it advertises none
     * @param status               the HTTP status registration answered, or 0 when it was not attempted
     * @param authMethods          its {@code token_endpoint_auth_methods_supported}, possibly empty
     */
    public ClientRegistrationRequiredException(String issuer, String registrationEndpoint, int status,
                                               List<String> authMethods) {
        super(new McpFailure.ProtocolError("authorization server " + issuer + " offers no client registration"),
                message(issuer, registrationEndpoint, status, authMethods), null);
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.registrationEndpoint = registrationEndpoint;
        this.status = status;
        this.authMethods = authMethods == null ? List.of() : List.copyOf(authMethods);
    }

    private static String message(String issuer, String endpoint, int status, List<String> methods) {
        String why = endpoint == null ? "it advertises no registration_endpoint"
                : "registration at " + endpoint + " answered HTTP " + status;
        boolean secret = methods != null && !methods.isEmpty() && !methods.contains("none");
        return "authorization server " + issuer + " offers no client registration (" + why + "): register this "
                + "application at the provider and configure McpOAuth.builder().preRegisteredClient(new "
                + "ClientRegistration(\"" + issuer + "\", clientId, clientSecret, method, redirectUris)) with the "
                + "client id, and " + (secret ? "the client secret (the server takes no public clients)"
                : "the client secret if the provider issued one")
                + " with client_secret_post or client_secret_basic"
                + (methods == null || methods.isEmpty() ? "" : " (it supports " + String.join(", ", methods) + ")");
    }

    /**
     * The authorization server's issuer.
     *
     * @return the issuer URL, never null
     */
    public String issuer() {
        return issuer;
    }

    /**
     * Its registration endpoint, empty when it advertises none.
     *
     * @return the advertised {@code registration_endpoint}, or empty when the metadata has none
     */
    public Optional<String> registrationEndpoint() {
        return Optional.ofNullable(registrationEndpoint);
    }

    /**
     * The HTTP status registration answered, empty when registration was not attempted.
     *
     * @return the status of the refused registration request, or empty when no request was sent (no endpoint)
     */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /**
     * The client authentication methods the token endpoint supports, as advertised.
     *
     * @return the advertised {@code token_endpoint_auth_methods_supported}, unmodifiable; empty when none were
     *         advertised
     */
    public List<String> tokenEndpointAuthMethods() {
        return authMethods;
    }
}
