package dev.reactivemcp.errors;

import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
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
 * HTTP answers to failures. Order: an OAuth challenge's {@code error} (RFC 6750 section 3.1) decides first;
 * then 401 is always authentication required (a token-endpoint {@code invalid_grant}-like body without an OAuth
 * challenge is a terminal refresh failure); then a 4xx JSON body (JSON-RPC or OAuth error); then the status.
 */
final class HttpRules {

    /** Body text beyond this is not parsed. */
    static final int MAX_BODY = JsonReader.MAX_LENGTH;
    private static final int PREVIEW = 200;

    private HttpRules() { }

    static McpFailure classify(HttpFailurePayload payload) {
        int status = payload.status();
        WwwAuthenticate header = WwwAuthenticate.parse(orEmpty(payload.headerValues("WWW-Authenticate")));
        McpFailure fromChallenge = fromChallenge(header);
        if (fromChallenge != null) {
            return fromChallenge;
        }
        String body = payload.bodyPreview() == null ? "" : payload.bodyPreview();
        if (status == 401) {
            return unauthorized(payload, header, json(body));
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            McpFailure fromBody = json(body).map(json -> fromBody(json, header)).orElse(null);
            if (fromBody != null) {
                return fromBody;
            }
        }
        return byStatus(payload, status, body);
    }

    private static McpFailure fromChallenge(WwwAuthenticate header) {
        Optional<Challenge> challenge = header.oauthChallenge();
        String error = challenge.flatMap(Challenge::error).orElse("");
        if (error.equals("insufficient_scope")) {
            return new McpFailure.InsufficientScope(challenge.get().scopes(), header.challenges());
        }
        if (error.equals("invalid_token")) {
            return new McpFailure.AuthenticationRequired(header.challenges(), true);
        }
        return null;
    }

    private static McpFailure unauthorized(HttpFailurePayload payload, WwwAuthenticate header,
                                           Optional<Map<String, Object>> json) {
        Optional<OAuthErrorBody> oauth = json.flatMap(OAuthErrorBody::fromJson);
        if (oauth.isPresent() && oauth.get().isTerminalForRefresh() && header.oauthChallenge().isEmpty()) {
            return McpFailure.TokenRefreshFailed.of(oauth.get());
        }
        boolean rejected = payload.requestCarriedCredentials()
            || oauth.map(o -> o.error().equals("invalid_token")).orElse(false);
        return new McpFailure.AuthenticationRequired(header.challenges(), rejected);
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
