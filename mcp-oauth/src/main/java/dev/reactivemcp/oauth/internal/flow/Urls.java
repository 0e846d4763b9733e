package dev.reactivemcp.oauth.internal.flow;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * URL rules of the flow. Identifiers ({@code resource}, {@code issuer}) are compared as the strings the servers
 * published, never through {@link URI#equals} or normalisation; {@link URI} only splits them into parts.
 */
final class Urls {

    static final String PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource";
    static final String OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server";
    static final String OIDC_WELL_KNOWN = "/.well-known/openid-configuration";

    private Urls() { }

    /** The raw parts of an absolute http(s) URL. */
    record Parts(String scheme, String authority, String host, int port, String path, String query, String fragment) {

        /** {@code scheme://authority} exactly as written. */
        String origin() {
            return scheme + "://" + authority;
        }

        int effectivePort() {
            return port >= 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
        }
    }

    /** Splits an absolute http or https URL; anything else is a protocol error naming {@code what}. */
    static Parts parse(String url, String what) {
        if (url == null || url.isEmpty()) {
            throw FlowErrors.protocol(what + " is missing");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw FlowErrors.protocol(what + " is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || uri.isOpaque() || uri.getRawAuthority() == null || uri.getHost() == null
                || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
            throw FlowErrors.protocol(what + " is not an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw FlowErrors.protocol(what + " must not carry user information");
        }
        return new Parts(scheme, uri.getRawAuthority(), uri.getHost(), uri.getPort(),
                uri.getRawPath() == null ? "" : uri.getRawPath(), uri.getRawQuery(), uri.getRawFragment());
    }

    /**
     * Refuses URLs the flow must not contact: anything but https, except plain http to a loopback host
     * ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}; OAuth 2.1 section 1.5, RFC 8252 section 8.3).
     */
    static Parts requireSecure(String url, String what) {
        Parts parts = parse(url, what);
        if (parts.fragment() != null) {
            throw FlowErrors.protocol(what + " must not have a fragment: " + url);
        }
        if (parts.scheme().equalsIgnoreCase("http") && !isLoopbackHost(parts.host())) {
            throw FlowErrors.protocol(what + " uses plain http to a non-loopback host: " + url);
        }
        return parts;
    }

    /** Whether {@code host} names the loopback interface, without any DNS lookup. */
    static boolean isLoopbackHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
                || h.equals("[0:0:0:0:0:0:0:1]") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return octets[0].equals("127");
    }

    /** Same scheme, host and port (RFC 6454 origin); scheme and host compared case-insensitively. */
    static boolean sameOrigin(Parts a, Parts b) {
        return a.scheme().equalsIgnoreCase(b.scheme()) && a.host().equalsIgnoreCase(b.host())
                && a.effectivePort() == b.effectivePort();
    }

    /**
     * Whether the protected resource {@code resource} covers the MCP endpoint: the same {@code scheme://authority}
     * string and a path that is a segment prefix of the endpoint's path. Queries are ignored; a fragment never
     * matches.
     */
    static boolean resourceCovers(String resource, String endpoint) {
        Parts r;
        Parts e;
        try {
            r = parse(resource, "resource");
            e = parse(endpoint, "endpoint");
        } catch (RuntimeException invalid) {
            return false;
        }
        if (r.fragment() != null || !r.origin().equals(e.origin())) {
            return false;
        }
        String rp = r.path();
        String ep = e.path();
        return rp.isEmpty() || rp.equals("/") || ep.equals(rp) || ep.startsWith(rp.endsWith("/") ? rp : rp + "/");
    }

    /** RFC 9728 section 3.1 probes: path-based first (when the endpoint has a path), then the root. */
    static List<String> protectedResourceCandidates(String endpoint) {
        Parts e = parse(endpoint, "MCP endpoint");
        String path = stripTrailingSlash(e.path());
        List<String> urls = new ArrayList<>(2);
        if (!path.isEmpty()) {
            urls.add(e.origin() + PRM_WELL_KNOWN + path);
        }
        urls.add(e.origin() + PRM_WELL_KNOWN);
        return urls;
    }

    /**
     * Authorization server metadata URLs in the MCP order: for an issuer with a path, RFC 8414 path insertion,
     * OIDC path insertion, OIDC path append (never the root document); without a path, RFC 8414 then OIDC.
     */
    static List<String> authorizationServerCandidates(String issuer) {
        Parts i = parse(issuer, "issuer");
        String path = stripTrailingSlash(i.path());
        if (path.isEmpty()) {
            return List.of(i.origin() + OAUTH_WELL_KNOWN, i.origin() + OIDC_WELL_KNOWN);
        }
        return List.of(i.origin() + OAUTH_WELL_KNOWN + path, i.origin() + OIDC_WELL_KNOWN + path,
                i.origin() + path + OIDC_WELL_KNOWN);
    }

    /** Resolves a {@code Location} or {@code resource_metadata} reference against {@code base}. */
    static String resolve(String base, String reference) {
        try {
            return new URI(base).resolve(new URI(reference)).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw FlowErrors.protocol("invalid URL reference");
        }
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
