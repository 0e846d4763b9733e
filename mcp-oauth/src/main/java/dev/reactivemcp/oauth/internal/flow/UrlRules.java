package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;

/** The flow's URL rules for other internal packages. */
public final class UrlRules {

    private UrlRules() {
    }

    /**
     * Why the flow would refuse to contact {@code url} (not an absolute http(s) URL, user information, a fragment,
     * plain http to a host that is not loopback), naming it {@code what}; null when it would not.
     */
    public static String insecure(String url, String what) {
        try {
            Urls.requireSecure(url, what);
            return null;
        } catch (McpException e) {
            return e.failure().describe();
        }
    }
}
