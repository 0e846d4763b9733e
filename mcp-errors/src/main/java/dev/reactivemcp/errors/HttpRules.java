package dev.reactivemcp.errors;

import dev.reactivemcp.errors.internal.JsonReader;
import dev.reactivemcp.errors.internal.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP answers to failures. Order: a 401 whose body is a token endpoint's terminal error ({@code invalid_grant}
 * and the like) with no OAuth challenge is a terminal refresh failure; then the authorization rules that the OAuth
 * filter decides with too ({@link AuthRules}: the challenge's {@code error}, then 401); then a 4xx JSON body
 * (JSON-RPC or OAuth error); then the status. An exchange that ran through the OAuth filter reaches this only
 * when the filter delivered the answer as is; the rules are the same, so the verdict is the same.
 */
final class HttpRules {

    /** Body text beyond this is not parsed. */
    static final int MAX_BODY = JsonReader.MAX_LENGTH;
    private static final int PREVIEW = 200;

    private HttpRules() { }

    static McpFailure classify(HttpFailurePayload payload) {
        int status = payload.status();
        WwwAuthenticate header = WwwAuthenticate.parse(orEmpty(payload.headerValues("WWW-Authenticate")));
        String body = payload.bodyPreview() == null ? "" : payload.bodyPreview();
        Optional<OAuthErrorBody> oauth401 = status == 401
            ? json(body).flatMap(OAuthErrorBody::fromJson) : Optional.empty();
        if (oauth401.isPresent() && oauth401.get().isTerminalForRefresh() && header.oauthChallenge().isEmpty()) {
            return McpFailure.TokenRefreshFailed.of(oauth401.get()); // a token endpoint's answer, not a resource's
        }
        // A payload may not know whether its request carried a token (another client's exception): an
        // invalid_token answer is then the evidence that one was sent.
        boolean tokenSent = payload.requestCarriedCredentials()
            || oauth401.map(o -> o.error().equals("invalid_token")).orElse(false)
            || header.oauthChallenge().flatMap(WwwAuthenticate.Challenge::error).filter("invalid_token"::equals)
                .isPresent();
        McpFailure auth = AuthRules.decide(status, header, tokenSent).orElse(null);
        if (auth != null) {
            return auth;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            McpFailure fromBody = json(body).map(json -> fromBody(json, header)).orElse(null);
            if (fromBody != null) {
                return fromBody;
            }
        }
        return byStatus(payload, status, body);
    }

    private static McpFailure fromBody(Map<String, Object> json, WwwAuthenticate header) {
        McpFailure jsonRpc = JsonRpcRules.fromJson(json.get("error"));
        if (jsonRpc != null) {
            return jsonRpc;
        }
        OAuthErrorBody oauth = OAuthErrorBody.fromJson(json).orElse(null);
        if (oauth == null) {
            return null;
        }
        if (oauth.error().equals("insufficient_scope")) {
            return new McpFailure.InsufficientScope(List.of(), header.challenges());
        }
        if (oauth.error().equals("invalid_token")) {
            return new McpFailure.AuthenticationRequired(header.challenges(), true);
        }
        return oauth.isTokenEndpointError() ? McpFailure.TokenRefreshFailed.of(oauth) : null;
    }

    private static McpFailure byStatus(HttpFailurePayload payload, int status, String body) {
        String detail = "HTTP " + status + (body.isBlank() ? "" : ": " + Redaction.snippet(body, PREVIEW));
        if (status == 408) {
            return new McpFailure.Timeout(null, Delivery.ANSWERED, payload.requestIdempotent());
        }
        if (status == 429) {
            return rateLimited(orEmpty(payload.headerValues("Retry-After")));
        }
        if (status == 503) {
            List<String> retryAfter = orEmpty(payload.headerValues("Retry-After"));
            return new McpFailure.ServerError(status, detail, payload.requestIdempotent(), delaySeconds(retryAfter),
                delaySeconds(retryAfter) == null ? httpDate(first(retryAfter)) : null);
        }
        if (status >= 500 && status < 600) {
            return new McpFailure.ServerError(status, detail, payload.requestIdempotent(), null, null);
        }
        if (status >= 400 && status < 500) {
            return new McpFailure.RequestRejected(status, detail);
        }
        return new McpFailure.ProtocolError("unexpected " + detail);
    }

    /** {@code Retry-After} (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. */
    static McpFailure.RateLimited rateLimited(List<String> values) {
        Duration seconds = delaySeconds(values);
        return seconds != null ? new McpFailure.RateLimited(seconds) : new McpFailure.RateLimited(null, httpDate(first(values)));
    }

    /** The delay-seconds form of {@code Retry-After}, or {@code null}. */
    private static Duration delaySeconds(List<String> values) {
        String value = first(values);
        if (!value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        return null;
    }

    private static String first(List<String> values) {
        return values.isEmpty() || values.get(0) == null ? "" : values.get(0).strip();
    }

    private static Instant httpDate(String value) {
        if (value.isEmpty() || value.length() > 64) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    private static Optional<Map<String, Object>> json(String body) {
        if (body.length() > MAX_BODY) {
            return Optional.empty();
        }
        String trimmed = body.strip();
        if (trimmed.isEmpty() || trimmed.charAt(0) != '{') {
            return Optional.empty();
        }
        return JsonReader.parseObject(trimmed);
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
