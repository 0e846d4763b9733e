package dev.reactivemcp.errors;

import dev.reactivemcp.errors.internal.JsonReader;
import dev.reactivemcp.errors.internal.Redaction;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An OAuth 2.0 error response body (RFC 6749 section 5.2, also used by RFC 6750 section 3.1 and RFC 7591
 * section 3.2.2): {@code {"error": "invalid_grant", "error_description": "...", "error_uri": "..."}}.
 * Read with a small strict JSON reader (no Jackson); anything that is not one JSON object with a valid
 * {@code error} code reads as empty. The description is redacted and bounded.
 *
 * <pre>{@code
 * OAuthErrorBody.parse("{\"error\":\"invalid_grant\"}")
 *     .filter(OAuthErrorBody::isTerminalForRefresh)
 *     .isPresent();   // true: the refresh token is no longer usable
 * }</pre>
 *
 * @param error            the error code, for example {@code invalid_grant}; never {@code null}
 * @param errorDescription the human-readable description, or {@code null}
 * @param errorUri         the {@code error_uri}, or {@code null}
 */
public record OAuthErrorBody(String error, String errorDescription, String errorUri) {

    /** Longest kept description, in characters. */
    public static final int MAX_DESCRIPTION = 512;

    /** Codes after which a refresh token or client registration cannot be used again (RFC 6749 section 5.2). */
    private static final Set<String> TERMINAL = Set.of("invalid_grant", "invalid_client", "unauthorized_client");
    /** Every code RFC 6749 section 5.2 defines for the token endpoint. */
    private static final Set<String> TOKEN_ENDPOINT = Set.of("invalid_request", "invalid_client", "invalid_grant",
        "unauthorized_client", "unsupported_grant_type", "invalid_scope");

    /**
     * Validates the code (RFC 6749 section 5.2 character set) and redacts the description.
     *
     * @param error            the error code: 1 to 128 printable ASCII characters without {@code "} or {@code \}
     * @param errorDescription the description, or {@code null}; redacted and cut to {@link #MAX_DESCRIPTION}
     * @param errorUri         the {@code error_uri}, or {@code null}; redacted and cut to {@link #MAX_DESCRIPTION}
     * @throws IllegalArgumentException when {@code error} is {@code null} or not a valid error code
     */
    public OAuthErrorBody {
        if (error == null || !isErrorCode(error)) {
            throw new IllegalArgumentException("error must be a non-empty RFC 6749 error code");
        }
        error = Redaction.redact(error);
        errorDescription = errorDescription == null ? null : Redaction.snippet(errorDescription, MAX_DESCRIPTION);
        errorUri = errorUri == null ? null : Redaction.snippet(errorUri, MAX_DESCRIPTION);
    }

    /**
     * Reads an error body; empty unless {@code body} is a JSON object with a valid string {@code error}.
     *
     * @param body the response body text, or {@code null}
     * @return the error body, or empty for anything else (HTML, malformed JSON, no {@code error}); never throws
     */
    public static Optional<OAuthErrorBody> parse(String body) {
        if (body == null || body.isBlank() || body.strip().charAt(0) != '{') {
            return Optional.empty();
        }
        return JsonReader.parseObject(body).flatMap(OAuthErrorBody::fromJson);
    }

    /** Reads the members of an already parsed JSON object. */
    static Optional<OAuthErrorBody> fromJson(Map<String, Object> json) {
        Object error = json.get("error");
        if (!(error instanceof String) || !isErrorCode((String) error)) {
            return Optional.empty();
        }
        return Optional.of(new OAuthErrorBody((String) error,
            stringOrNull(json.get("error_description")), stringOrNull(json.get("error_uri"))));
    }

    /**
     * Whether the grant or client is unusable: {@code invalid_grant}, {@code invalid_client},
     * {@code unauthorized_client}.
     *
     * @return {@code true} when refreshing again cannot help and the user must log in again
     */
    public boolean isTerminalForRefresh() {
        return TERMINAL.contains(error);
    }

    /**
     * Whether this is one of the token endpoint codes of RFC 6749 section 5.2.
     *
     * @return {@code true} for {@code invalid_request}, {@code invalid_client}, {@code invalid_grant},
     *         {@code unauthorized_client}, {@code unsupported_grant_type} and {@code invalid_scope}
     */
    public boolean isTokenEndpointError() {
        return TOKEN_ENDPOINT.contains(error);
    }

    private static String stringOrNull(Object value) {
        return value instanceof String ? (String) value : null;
    }

    private static boolean isErrorCode(String code) {
        if (code.isEmpty() || code.length() > 128) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
