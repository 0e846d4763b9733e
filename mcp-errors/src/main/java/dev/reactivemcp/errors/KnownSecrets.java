package dev.reactivemcp.errors;

import dev.reactivemcp.errors.internal.Redaction;
import dev.reactivemcp.errors.internal.SecretIndex;

/**
 * The exact secrets this client knows (access and refresh tokens, client secrets, authorization codes, PKCE
 * verifiers), so that text a server sends back never carries them into a message: every failure's
 * {@code describe()} and {@code toString()}, every {@link McpException} message, HTTP body previews, JSON-RPC error
 * messages and OAuth error descriptions pass through {@link #mask(String)}. The OAuth module remembers what it loads,
 * obtains and sends; an application with credentials of its own (an API key header) remembers them too.
 *
 * <pre>{@code
 * KnownSecrets.remember(apiKey);
 * KnownSecrets.mask("server says: bad key " + apiKey);   // "server says: bad key [REDACTED]"
 * }</pre>
 *
 * <p>Built for services with many users in one process: entries are held weakly (a secret is known while the
 * application still holds that very string, then forgotten), at most 65,536 entries are kept (the oldest go
 * first), and a check costs one pass over the text whatever the number of secrets. It runs only when error text is
 * built, never per request. Strings shorter than {@value #MIN_LENGTH} characters are not remembered (masking them
 * would mangle ordinary text). A secret cut off at the end of a preview is masked when at least
 * {@value #MIN_LENGTH} of its characters are present. Encoded forms (URL-encoded, Base64 in {@code Basic}) are not
 * matched by value; the key- and scheme-based redaction ({@code client_secret=...}, {@code Bearer ...},
 * {@code Basic ...}) covers the usual ones.
 */
public final class KnownSecrets {

    /** The shortest secret remembered. */
    public static final int MIN_LENGTH = SecretIndex.MIN_LENGTH;

    private KnownSecrets() { }

    /**
     * Remembers each non-null secret of at least {@link #MIN_LENGTH} characters, weakly. Cheap when known.
     *
     * @param secrets the secrets (tokens, keys, client secrets); {@code null} (the array or an element) and shorter
     *                strings are ignored
     */
    public static void remember(String... secrets) {
        if (secrets == null) {
            return;
        }
        for (String secret : secrets) {
            SecretIndex.GLOBAL.remember(secret);
        }
    }

    /**
     * {@code text} with every remembered secret, and every value of a secret-bearing key or scheme
     * ({@code access_token}, {@code refresh_token}, {@code client_secret}, {@code code_verifier}, {@code Bearer},
     * {@code DPoP}, ...), replaced by {@code [REDACTED]}; {@code null} stays {@code null}. What every message of
     * this SDK goes through.
     *
     * @param text any text, for example an error message or a server's response body, or {@code null}
     * @return the masked text, or {@code null} for {@code null}
     */
    public static String mask(String text) {
        return Redaction.redact(text);
    }
}
