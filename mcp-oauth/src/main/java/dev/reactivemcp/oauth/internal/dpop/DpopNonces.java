package dev.reactivemcp.oauth.internal.dpop;

import dev.reactivemcp.transport.Headers;
import java.net.URI;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last server-provided nonce (RFC 9449 sections 8 and 9) per target and origin, updated from every
 * {@code DPoP-Nonce} response header. Nonces are not secrets and not persisted: after a restart the server simply
 * challenges once more. Bounded: at most {@value #MAX_ORIGINS} origins are remembered. Thread-safe, lock-free.
 */
public final class DpopNonces {

    /** The response header carrying a new nonce. */
    public static final String HEADER = "DPoP-Nonce";
    static final int MAX_ORIGINS = 256;
    static final int MAX_NONCE_LENGTH = 1024;

    private final ConcurrentHashMap<String, String> nonces = new ConcurrentHashMap<>();

    /** The nonce to put in the next proof for {@code uri}, or null when none is known. */
    public String current(DpopTarget target, URI uri) {
        return nonces.get(key(target, uri));
    }

    /**
     * Remembers the {@code DPoP-Nonce} of a response from {@code uri}, if it has a well-formed one; returns it, or
     * null when the response has none (then the remembered nonce is kept).
     */
    public String observe(DpopTarget target, URI uri, Headers responseHeaders) {
        String nonce = responseHeaders.first(HEADER).orElse(null);
        if (nonce == null || !isWellFormed(nonce)) {
            return null;
        }
        String key = key(target, uri);
        if (!nonce.equals(nonces.put(key, nonce)) && nonces.size() > MAX_ORIGINS) {
            Iterator<String> oldest = nonces.keySet().iterator();
            while (nonces.size() > MAX_ORIGINS && oldest.hasNext()) {
                String k = oldest.next();
                if (!k.equals(key)) {
                    oldest.remove();
                }
            }
        }
        return nonce;
    }

    /** {@code nonce = 1*NQCHAR}, {@code NQCHAR = %x21 / %x23-5B / %x5D-7E} (RFC 9449 section 8.1), bounded. */
    static boolean isWellFormed(String nonce) {
        if (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String key(DpopTarget target, URI uri) {
        Objects.requireNonNull(target, "target");
        return (target == DpopTarget.AUTHORIZATION_SERVER ? "as " : "rs ") + Htu.origin(uri);
    }

    @Override
    public String toString() {
        return "DpopNonces[" + nonces.size() + " origins]";
    }
}
