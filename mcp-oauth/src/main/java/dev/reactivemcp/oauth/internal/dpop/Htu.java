package dev.reactivemcp.oauth.internal.dpop;

import java.net.URI;
import java.util.Locale;

/**
 * The {@code htu} claim of a proof (RFC 9449 section 4.2): the HTTP target URI of the request without query and
 * fragment, in the form servers compare after syntax- and scheme-based normalisation (section 4.3 step 9,
 * RFC 3986 section 6.2.2 and 6.2.3): scheme and host lower-cased, the default port dropped, an empty path sent as
 * {@code /}, user information dropped (not part of an HTTP target URI). The path is kept byte for byte as it is sent.
 */
final class Htu {

    private Htu() {
    }

    /** The {@code htu} for a request to {@code uri}; an {@link IllegalArgumentException} for a non-HTTP(S) URI. */
    public static String of(URI uri) {
        StringBuilder out = origin(uri, new StringBuilder(64));
        String path = uri.getRawPath();
        out.append(path == null || path.isEmpty() ? "/" : path);
        return out.toString();
    }

    /** The origin ({@code scheme://host[:port]}, RFC 6454) of {@code uri}, normalised as {@link #of(URI)}. */
    public static String origin(URI uri) {
        return origin(uri, new StringBuilder(48)).toString();
    }

    private static StringBuilder origin(URI uri, StringBuilder out) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!("https".equals(scheme) || "http".equals(scheme)) || host == null || uri.isOpaque()) {
            throw new IllegalArgumentException("a proof of possession (RFC 9449) needs an absolute http(s) URI with a host");
        }
        out.append(scheme).append("://").append(host.toLowerCase(Locale.ROOT));
        int port = uri.getPort();
        if (port != -1 && !(port == 443 && "https".equals(scheme)) && !(port == 80 && "http".equals(scheme))) {
            out.append(':').append(port);
        }
        return out;
    }
}
