package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.transport.spi.Json;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Authorization server metadata discovery (RFC 8414, OpenID Connect Discovery 1.0; MCP "Authorization Server
 * Metadata Discovery"): the well-known URLs of {@link Urls#authorizationServerCandidates} in order, the first
 * document found wins, and its {@code issuer} must equal the issuer used to build the URL, byte for byte (RFC 8414
 * section 3.3), or its endpoints are never used. Without protected resource metadata (2025-03-26) the issuer is the
 * endpoint's origin, only {@code /.well-known/oauth-authorization-server} is tried and the default endpoints
 * {@code /authorize}, {@code /token}, {@code /register} stand in when it is absent.
 */
final class AuthServerDiscovery {

    private final FlowHttp http;

    AuthServerDiscovery(FlowHttp http) {
        this.http = http;
    }

    Mono<AuthServerMetadata> discover(ProtectedResource resource) {
        return discover(resource, ProviderRules.STANDARD);
    }

    /**
     * Tries every candidate URL in order: one that answers an error status, redirects to another origin, answers
     * something other than a JSON object, or drops the connection is noted and the next one is tried. A JSON document
     * ends the search (its issuer is then checked, under {@code rules}). When none answers, the failure lists each URL
     * and what it answered; it keeps the kind of a transient answer (5xx, 429, timeout, connection) so that an
     * overloaded server does not read as one without metadata. Never falls back to endpoints on the MCP server's host
     * when an authorization server was advertised.
     */
    Mono<AuthServerMetadata> discover(ProtectedResource resource, ProviderRules rules) {
        return Mono.defer(() -> {
            String issuer = resource.issuer();
            Urls.Parts parts = Urls.requireSecure(issuer, "authorization server issuer");
            if (parts.query() != null) {
                throw FlowErrors.protocol("authorization server issuer must not have a query: " + issuer);
            }
            List<String> candidates = resource.legacy()
                    ? List.of(parts.origin() + Urls.OAUTH_WELL_KNOWN)
                    : Urls.authorizationServerCandidates(issuer);
            Discovery.Attempts attempts = new Discovery.Attempts();
            Mono<AuthServerMetadata> fallback = resource.legacy()
                    ? Mono.defer(() -> attempts.noTransientFailure()
                            ? Mono.fromSupplier(() -> AuthServerMetadata.defaults(parts.origin()))
                            : Mono.error(attempts.failure(summary(issuer))))
                    : Mono.error(() -> attempts.failure(summary(issuer)));
            return Flux.fromIterable(candidates)
                    .concatMap(url -> Discovery.probe(http, url, "authorization server metadata", attempts))
                    .next()
                    .map(response -> resource.legacy()
                            ? validateLegacy(response, parts.origin())
                            : validate(response, issuer, rules))
                    .switchIfEmpty(fallback)
                    .flatMap(AuthServerDiscovery::announce);
        });
    }

    private static String summary(String issuer) {
        return "no authorization server metadata found for " + issuer;
    }

    /** Tells the {@link MetadataListener} of the subscriber context, if any, what the server supports. */
    private static Mono<AuthServerMetadata> announce(AuthServerMetadata metadata) {
        return Mono.deferContextual(ctx -> ctx.getOrEmpty(MetadataListener.class)
                .map(l -> ((MetadataListener) l).discovered(metadata.issuer(), metadata.dpopSigningAlgs()))
                .orElse(Mono.empty())
                .thenReturn(metadata));
    }

    static AuthServerMetadata validate(FlowHttp.Response response, String expectedIssuer) {
        return validate(response, expectedIssuer, ProviderRules.STANDARD);
    }

    static AuthServerMetadata validate(FlowHttp.Response response, String expectedIssuer, ProviderRules rules) {
        Map<String, Object> json = response.jsonObject("authorization server metadata");
        String issuer = Json.string(json, "issuer");
        if (!rules.issuerAccepted(expectedIssuer, issuer)) {
            throw FlowErrors.issuerMismatch(expectedIssuer, issuer);
        }
        return metadata(json, issuer);
    }

    /**
     * 2025-03-26 discovery: the metadata URL was built from the MCP server's origin, not from an advertised issuer,
     * so there is no issuer to compare byte for byte (RFC 8414 section 3.3 binds the document to the issuer it was
     * looked up for). The document's issuer must still live on that same origin (the conformance 0.1.16 mock
     * publishes {@code <origin>/oauth}); credentials are then keyed by that issuer.
     */
    static AuthServerMetadata validateLegacy(FlowHttp.Response response, String origin) {
        Map<String, Object> json = response.jsonObject("authorization server metadata");
        String issuer = Json.string(json, "issuer");
        if (issuer == null || !(issuer.equals(origin) || issuer.startsWith(origin + "/"))) {
            throw FlowErrors.issuerMismatch(origin, issuer);
        }
        return metadata(json, issuer);
    }

    private static AuthServerMetadata metadata(Map<String, Object> json, String issuer) {
        String authorization = endpoint(json, "authorization_endpoint", true);
        String token = endpoint(json, "token_endpoint", true);
        String registration = endpoint(json, "registration_endpoint", false);
        List<String> responseTypes = ResourceDiscovery.strings(json, "response_types_supported");
        if (json.containsKey("response_types_supported") && !responseTypes.contains("code")) {
            throw FlowErrors.protocol("authorization server " + issuer + " does not support response type code");
        }
        return new AuthServerMetadata(issuer, authorization, token, registration,
                ResourceDiscovery.strings(json, "scopes_supported"),
                json.containsKey("token_endpoint_auth_methods_supported")
                        ? ResourceDiscovery.strings(json, "token_endpoint_auth_methods_supported") : null,
                json.containsKey("code_challenge_methods_supported")
                        ? ResourceDiscovery.strings(json, "code_challenge_methods_supported") : null,
                Json.bool(json, "authorization_response_iss_parameter_supported", false),
                Json.bool(json, "client_id_metadata_document_supported", false),
                false,
                json.containsKey("grant_types_supported")
                        ? ResourceDiscovery.strings(json, "grant_types_supported") : null,
                json.containsKey("dpop_signing_alg_values_supported")
                        ? ResourceDiscovery.strings(json, "dpop_signing_alg_values_supported") : null);
    }

    private static String endpoint(Map<String, Object> json, String name, boolean required) {
        Object value = json.get(name);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String url) || url.isEmpty()) {
            throw FlowErrors.protocol("authorization server metadata lacks a valid " + name);
        }
        Urls.requireSecure(url, name);
        return url;
    }
}
