package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.oauth.ClientRegistration;
import java.net.URI;
import java.util.List;

/**
 * One authorization in flight: what was sent and must be checked or reused when the redirect comes back (MCP
 * 2026-07-28 "Authorization Response Validation": the issuer is recorded alongside the verifier and state).
 * {@link #toString()} never shows the state or the verifier.
 *
 * @param server      the validated authorization server metadata (its issuer is the expected {@code iss})
 * @param resource    the RFC 8707 resource, byte-exact
 * @param registration the client identity used
 * @param redirectUri the redirect URI sent
 * @param scopes      the requested scopes, in request order
 * @param state       the {@code state} sent
 * @param verifier    the PKCE code verifier
 * @param rules       the identity provider profile's adaptations
 * @param dpopJkt     the thumbprint of the DPoP key the code is to be bound to (RFC 9449 section 10), or null
 */
record PendingAuthorization(AuthServerMetadata server, String resource, ClientRegistration registration,
                            String redirectUri, List<String> scopes, String state, String verifier,
                            ProviderRules rules, String dpopJkt) {

    PendingAuthorization {
        scopes = List.copyOf(scopes);
    }

    PendingAuthorization(AuthServerMetadata server, String resource, ClientRegistration registration,
                         String redirectUri, List<String> scopes, String state, String verifier, ProviderRules rules) {
        this(server, resource, registration, redirectUri, scopes, state, verifier, rules, null);
    }

    /** The authorization request URL (RFC 6749 section 4.1.1, RFC 7636 section 4.3, RFC 8707 section 2). */
    URI authorizationUrl() {
        Form query = new Form()
                .add("response_type", "code")
                .add("client_id", registration.clientId())
                .add("redirect_uri", redirectUri)
                .add("state", state)
                .add("code_challenge", Secrets.s256(verifier))
                .add("code_challenge_method", "S256")
                .add("resource", resourceParameter())
                .add("dpop_jkt", dpopJkt);
        if (!scopes.isEmpty()) {
            query.add("scope", String.join(" ", scopes));
        }
        rules.addAuthorizationParameters(query, resource);
        String endpoint = server.authorizationEndpoint();
        return URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + query.encodeForQuery());
    }

    /** The RFC 8707 {@code resource} to send, or null where the profile leaves it out. */
    String resourceParameter() {
        return rules.sendsResource() ? resource : null;
    }

    @Override
    public String toString() {
        return "PendingAuthorization[issuer=" + server.issuer() + ", resource=" + resource + ", client="
                + registration.clientId() + ", redirectUri=" + redirectUri + ", scopes=" + scopes + "]";
    }
}
