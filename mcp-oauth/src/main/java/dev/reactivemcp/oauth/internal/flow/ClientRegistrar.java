package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.ClientRegistrationRequiredException;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.transport.spi.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The client identity at one authorization server, in the MCP priority order (2026-07-28 "Client Registration"):
 * the pre-registered client, bound to its own issuer; a Client ID Metadata Document URL where the server supports
 * it; a registration stored for this issuer; else Dynamic Client Registration (RFC 7591), stored per issuer. One
 * issuer's client id is never presented to another.
 */
final class ClientRegistrar {

    /** Registration answers that mean "not for you": absent (404, 405, 501) or gated (401, 403). */
    static final Set<Integer> REFUSED = Set.of(401, 403, 404, 405, 501);

    static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");

    private final FlowSettings settings;
    private final FlowHttp http;

    ClientRegistrar(FlowSettings settings, FlowHttp http) {
        this.settings = settings;
        this.http = http;
    }

    Mono<ClientRegistration> identify(AuthServerMetadata server, String redirectUri) {
        return identify(server, redirectUri, ProviderRules.STANDARD);
    }

    Mono<ClientRegistration> identify(AuthServerMetadata server, String redirectUri, ProviderRules rules) {
        return Mono.defer(() -> {
            ClientRegistration pre = settings.preRegistered();
            if (pre != null && "none".equals(pre.tokenEndpointAuthMethod()) && takesNoPublicClient(server)
                    && (pre.issuer().isEmpty() || rules.sameIssuer(pre.issuer(), server.issuer()))) {
                return Mono.error(FlowErrors.clientSecretRequired(server.issuer(), "its token_endpoint_auth_methods_"
                        + "supported is " + server.tokenEndpointAuthMethods() + ", without none"));
            }
            if (pre != null && pre.issuer().isEmpty()) {
                // pre-registered without an issuer: usable with whichever authorization server the resource names
                return Mono.just(new ClientRegistration(server.issuer(), pre.clientId(), pre.clientSecret(),
                        pre.tokenEndpointAuthMethod(), List.of(redirectUri)));
            }
            if (pre != null) {
                return rules.sameIssuer(pre.issuer(), server.issuer())
                        ? Mono.just(new ClientRegistration(server.issuer(), pre.clientId(), pre.clientSecret(),
                                pre.tokenEndpointAuthMethod(), pre.redirectUris()))
                        : Mono.error(FlowErrors.issuerMismatch(pre.issuer(), server.issuer()));
            }
            String document = settings.clientMetadataDocument();
            if (document != null && server.clientIdMetadataDocumentSupported() && isMetadataDocumentUrl(document)) {
                return Mono.just(new ClientRegistration(server.issuer(), document, null, "none", List.of(redirectUri)));
            }
            return settings.store().loadRegistration(server.issuer())
                    .filter(stored -> stored.issuer().equals(server.issuer()) && accepts(stored, redirectUri))
                    .switchIfEmpty(Mono.defer(() -> register(server, redirectUri)));
        });
    }

    private Mono<ClientRegistration> register(AuthServerMetadata server, String redirectUri) {
        String endpoint = server.registrationEndpoint();
        if (endpoint == null) {
            return Mono.error(new ClientRegistrationRequiredException(server.issuer(), null, 0, authMethods(server)));
        }
        String method = preferredAuthMethod(server.tokenEndpointAuthMethods());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_name", settings.clientName() == null ? "MCP client" : settings.clientName());
        body.put("redirect_uris", List.of(redirectUri));
        body.put("grant_types", List.of("authorization_code", "refresh_token"));
        body.put("response_types", List.of("code"));
        body.put("token_endpoint_auth_method", method);
        body.put("application_type", settings.applicationType() == null ? "native" : settings.applicationType());
        return http.postJson(endpoint, body)
                .flatMap(response -> response.isSuccess() ? Mono.just(parse(response, server.issuer(), method, redirectUri))
                        : Mono.error(REFUSED.contains(response.status())
                                ? new ClientRegistrationRequiredException(server.issuer(), endpoint, response.status(),
                                        authMethods(server))
                                : FlowErrors.httpStatus("client registration at " + endpoint, response)))
                .flatMap(registration -> settings.store().saveRegistration(registration).thenReturn(registration));
    }

    /** The server advertises its token endpoint's client authentication methods, and {@code none} is not one. */
    private static boolean takesNoPublicClient(AuthServerMetadata server) {
        List<String> methods = server.tokenEndpointAuthMethods();
        return methods != null && !methods.isEmpty() && !methods.contains("none");
    }

    private static List<String> authMethods(AuthServerMetadata server) {
        return server.tokenEndpointAuthMethods() == null ? List.of() : server.tokenEndpointAuthMethods();
    }

    static ClientRegistration parse(FlowHttp.Response response, String issuer, String requestedMethod,
                                    String redirectUri) {
        Map<String, Object> json = response.jsonObject("client registration response");
        String clientId = Json.string(json, "client_id");
        if (clientId == null || clientId.isEmpty()) {
            throw FlowErrors.protocol("client registration response from " + response.url() + " has no client_id");
        }
        String secret = Json.string(json, "client_secret");
        secret = secret == null || secret.isEmpty() ? null : secret;
        String method = Json.string(json, "token_endpoint_auth_method");
        if (method == null) {
            // Omitted in the answer: what was asked for, as long as it is usable (a secret method needs a secret).
            method = requestedMethod.equals("none") || secret != null ? requestedMethod : "none";
        }
        if (!AUTH_METHODS.contains(method)) {
            throw FlowErrors.protocol("unsupported token endpoint auth method " + method);
        }
        if (!method.equals("none") && secret == null) {
            throw FlowErrors.protocol("registration uses " + method + " but returned no client_secret");
        }
        List<String> redirects = ResourceDiscovery.strings(json, "redirect_uris");
        return new ClientRegistration(issuer, clientId, secret, method, redirects.isEmpty() ? List.of(redirectUri)
                : redirects);
    }

    /**
     * The method to ask for: {@code none} (a public native client with PKCE) where offered, else
     * {@code client_secret_basic}, else {@code client_secret_post}; RFC 8414's default {@code client_secret_basic}
     * when the server lists nothing. The server's answer decides in the end.
     */
    static String preferredAuthMethod(List<String> supported) {
        if (supported == null || supported.isEmpty()) {
            return "client_secret_basic";
        }
        for (String m : List.of("none", "client_secret_basic", "client_secret_post")) {
            if (supported.contains(m)) {
                return m;
            }
        }
        return "none";
    }

    /** Whether a stored registration may be used with {@code redirectUri}; loopback IP ports may differ (RFC 8252 7.3). */
    static boolean accepts(ClientRegistration registration, String redirectUri) {
        List<String> registered = registration.redirectUris();
        if (registered.isEmpty() || registered.contains(redirectUri)) {
            return true;
        }
        return registered.stream().anyMatch(r -> sameLoopbackIgnoringPort(r, redirectUri));
    }

    private static boolean sameLoopbackIgnoringPort(String a, String b) {
        try {
            Urls.Parts x = Urls.parse(a, "redirect URI");
            Urls.Parts y = Urls.parse(b, "redirect URI");
            boolean loopbackIp = x.host().equals("127.0.0.1") || x.host().equals("[::1]");
            return loopbackIp && x.scheme().equals("http") && y.scheme().equals("http") && x.host().equals(y.host())
                    && x.path().equals(y.path());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A CIMD client id: an https URL with a path (MCP "Client ID Metadata Documents"). */
    static boolean isMetadataDocumentUrl(String url) {
        try {
            Urls.Parts p = Urls.parse(url, "client metadata document");
            return p.scheme().equals("https") && p.path().length() > 1 && p.fragment() == null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
