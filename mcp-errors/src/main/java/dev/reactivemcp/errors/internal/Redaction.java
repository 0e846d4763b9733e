package dev.reactivemcp.errors.internal;

/**
 * Removes credentials from text before it is rendered in a message or a {@code toString()}: the values of
 * {@code access_token}, {@code refresh_token}, {@code id_token} and a few other secret-bearing keys (JSON
 * members, form or query parameters), and the credential after {@code Bearer} or {@code DPoP}.
 * Every exact secret the client knows ({@link SecretIndex#GLOBAL}) is masked first. A linear scan; no regular
 * expressions. Not API.
 */
public final class Redaction {

    /** What a removed secret is replaced with. */
    public static final String MASK = "[REDACTED]";

    private static final String[] SECRET_KEYS = {
        "access_token", "refresh_token", "id_token", "client_secret", "code_verifier",
        "device_code", "subject_token", "actor_token",
    };
    private static final String[] CREDENTIAL_SCHEMES = {"bearer", "dpop"};

    /**
     * Words that follow a scheme's name in prose ("DPoP key", "Bearer token", "DPoP nonce"): lower-case English, so
     * never a credential (a token equal to one of them would guard nothing). Any other word is taken as a credential.
     */
    private static final java.util.Set<String> PROSE_AFTER_SCHEME = java.util.Set.of(
        "a", "an", "and", "or", "the", "is", "are", "was", "not", "no", "on", "off", "for", "with", "of", "to", "in",
        "key", "keys", "proof", "proofs", "token", "tokens", "nonce", "nonces", "layer", "scheme", "schemes",
        "challenge", "challenges", "grant", "grants", "binding", "bound", "request", "requests", "header", "headers",
        "error", "errors", "auth", "authorization", "authentication", "credential", "credentials", "only", "support",
        "supported", "required", "algorithm", "algorithms", "signing", "signature", "jwt", "thumbprint");

    private Redaction() { }

    /** The text with every secret value masked; {@code null} stays {@code null}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        text = SecretIndex.GLOBAL.mask(text);
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < text.length()) {
            int[] span = secretAt(text, i);
            if (span == null) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, span[0]).append(MASK);
            copied = span[1];
            i = Math.max(span[1], i + 1);
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** The redacted text cut to at most {@code max} characters (an ellipsis marks the cut). */
    public static String snippet(String text, int max) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > 4 * max + 256 ? text.substring(0, 4 * max + 256) : text;
        String safe = redact(cut).strip();
        return safe.length() <= max ? safe : safe.substring(0, max) + "...";
    }

    /** The [start, end) of a secret value that begins a key or scheme at {@code i}, or {@code null}. */
    private static int[] secretAt(String s, int i) {
        if (i > 0 && isWordChar(s.charAt(i - 1))) {
            return null;
        }
        for (String key : SECRET_KEYS) {
            if (s.regionMatches(true, i, key, 0, key.length())) {
                return keyedValue(s, i + key.length());
            }
        }
        for (String scheme : CREDENTIAL_SCHEMES) {
            if (s.regionMatches(true, i, scheme, 0, scheme.length())) {
                return schemeCredential(s, i + scheme.length());
            }
        }
        return null;
    }

    /** After a key: optional closing quote, {@code :} or {@code =}, then a quoted or bare value. */
    private static int[] keyedValue(String s, int j) {
        int n = s.length();
        if (j < n && isWordChar(s.charAt(j))) {
            return null;
        }
        if (j < n && (s.charAt(j) == '"' || s.charAt(j) == '\'')) {
            j++;
        }
        j = skipSpaces(s, j);
        if (j >= n || (s.charAt(j) != ':' && s.charAt(j) != '=')) {
            return null;
        }
        j = skipSpaces(s, j + 1);
        if (s.startsWith(MASK, j) || s.startsWith(MASK, j + 1)) {
            return null;
        }
        if (j < n && s.charAt(j) == '"') {
            int end = j + 1;
            while (end < n && s.charAt(end) != '"') {
                end += s.charAt(end) == '\\' ? 2 : 1;
            }
            return new int[] {j + 1, Math.min(end, n)};
        }
        int end = j;
        while (end < n && !isValueEnd(s.charAt(end))) {
            end++;
        }
        return end > j ? new int[] {j, end} : null;
    }

    /** After {@code Bearer}/{@code DPoP}: a token68 credential, unless it is an auth-param name. */
    private static int[] schemeCredential(String s, int j) {
        int n = s.length();
        if (j >= n || s.charAt(j) != ' ') {
            return null;
        }
        j = skipSpaces(s, j);
        int end = j;
        while (end < n && HttpSyntax.isToken68Char(s.charAt(end))) {
            end++;
        }
        int afterPad = end;
        while (afterPad < n && s.charAt(afterPad) == '=') {
            afterPad++;
        }
        boolean isParamName = afterPad == end + 1 && afterPad < n
            && (s.charAt(afterPad) == '"' || HttpSyntax.isToken68Char(s.charAt(afterPad)));
        boolean isProse = afterPad == end && PROSE_AFTER_SCHEME.contains(s.substring(j, end));
        return end == j || isParamName || isProse ? null : new int[] {j, afterPad};
    }

    private static int skipSpaces(String s, int j) {
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
            j++;
        }
        return j;
    }

    private static boolean isWordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static boolean isValueEnd(char c) {
        return c == '&' || c == ',' || c == ';' || c == '}' || c == ']' || c == '"' || c == '\''
            || Character.isWhitespace(c);
    }
}
