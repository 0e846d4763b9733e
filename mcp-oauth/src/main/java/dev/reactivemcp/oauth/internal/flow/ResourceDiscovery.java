package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.transport.spi.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Protected resource metadata discovery (RFC 9728; MCP 2025-11-25 and 2026-07-28 authorization, "Protected
 * Resource Metadata Discovery Requirements"): the challenge's {@code resource_metadata} when present, else the
 * path-based well-known URL, then the root one. A candidate that errors, redirects to another origin, answers
 * something other than a JSON object or drops the connection does not end the search ({@link Discovery#probe}).
 * When every candidate answers "not here" (404 and other 4xx) the server predates RFC 9728 (2025-03-26) and the
 * endpoint's origin stands in as the authorization server; when any failed otherwise, the failure lists each URL and
 * its answer, with a transient kind when one was transient. The document's {@code resource} must cover the endpoint (same
 * origin, path prefix) or the flow stops with {@code ResourceMismatch} before any authorization request.
 */
final class ResourceDiscovery {

    private final FlowHttp http;

    ResourceDiscovery(FlowHttp http) {
        this.http = http;
    }

    Mono<ProtectedResource> discover(String endpoint, WwwAuthenticate.Challenge challenge) {
        return Mono.defer(() -> {
            Urls.requireSecure(endpoint, "MCP endpoint");
            List<String> candidates = candidates(endpoint, challenge);
            Discovery.Attempts attempts = new Discovery.Attempts();
            return Flux.fromIterable(candidates)
                    .concatMap(url -> Discovery.probe(http, url, "protected resource metadata", attempts))
                    .next()
                    .map(response -> validate(response, endpoint))
                    .switchIfEmpty(Mono.defer(() -> attempts.absentEverywhere()
                            ? Mono.fromSupplier(() -> legacy(endpoint))
                            : Mono.error(attempts.failure("no protected resource metadata found for " + endpoint))));
        });
    }

    private static List<String> candidates(String endpoint, WwwAuthenticate.Challenge challenge) {
        String advertised = challenge == null ? null : challenge.resourceMetadata().orElse(null);
        if (advertised != null && !advertised.isBlank()) {
            String url = Urls.resolve(endpoint, advertised.strip());
            Urls.requireSecure(url, "resource_metadata URL");
            return List.of(url);
        }
        return Urls.protectedResourceCandidates(endpoint);
    }

    private static ProtectedResource validate(FlowHttp.Response response, String endpoint) {
        Map<String, Object> json = response.jsonObject("protected resource metadata");
        String resource = Json.string(json, "resource");
        if (resource == null || resource.isEmpty()) {
            throw FlowErrors.protocol("protected resource metadata at " + response.url() + " has no resource");
        }
        if (!Urls.resourceCovers(resource, endpoint)) {
            throw FlowErrors.resourceMismatch(endpoint, resource);
        }
        List<String> servers = strings(json, "authorization_servers");
        if (servers.isEmpty()) {
            throw FlowErrors.protocol("protected resource metadata at " + response.url()
                    + " names no authorization server");
        }
        return new ProtectedResource(resource, servers, strings(json, "scopes_supported"), false, response.url());
    }

    private static ProtectedResource legacy(String endpoint) {
        Urls.Parts parts = Urls.parse(endpoint, "MCP endpoint");
        String resource = parts.fragment() == null ? endpoint : endpoint.substring(0, endpoint.indexOf('#'));
        return new ProtectedResource(resource, List.of(parts.origin()), List.of(), true, null);
    }

    /** The non-blank strings of a JSON array member, in order, without duplicates. */
    static List<String> strings(Map<String, Object> json, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : Json.array(json, key)) {
            if (o instanceof String s && !s.isBlank() && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
