package dev.reactivemcp.oauth.internal.dpop;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.OAuthErrorBody;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.transport.Headers;

/**
 * Recognises a server's demand for a nonce and decides "retry once with a new proof": at the token endpoint an HTTP
 * 400 with {@code {"error":"use_dpop_nonce"}} (RFC 9449 section 8), at a resource a 401 whose {@code DPoP} challenge
 * has {@code error="use_dpop_nonce"} (section 9); both carry the new nonce in {@code DPoP-Nonce}. Never loops: a
 * second demand in a row, or a demand without a usable nonce, is an {@link McpException} with a
 * {@link McpFailure.ProtocolError}.
 */
final class DpopNonceRetry {

    /** The error code of both challenges. */
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";

    /** What to do with a response to a request that carried a proof. */
    public enum Decision {
        /** Not a nonce demand: the response is the answer. */
        USE_RESPONSE,
        /** A nonce demand, the first: send the request again with a new proof carrying the new nonce. */
        RETRY_WITH_NEW_PROOF
    }

    private DpopNonceRetry() {
    }

    /**
     * Whether the body must be read to decide: only a token-endpoint 400 that carries a {@code DPoP-Nonce} can be a
     * nonce demand (the server must send the nonce with it), so other responses are never read.
     */
    public static boolean needsBody(DpopTarget target, int status, Headers headers) {
        return target == DpopTarget.AUTHORIZATION_SERVER && status == 400 && headers.contains(DpopNonces.HEADER);
    }

    /** Whether the response demands a nonce; {@code body} is read only for the token endpoint (null: not read). */
    public static boolean isNonceDemand(DpopTarget target, int status, Headers headers, String body) {
        if (target == DpopTarget.AUTHORIZATION_SERVER) {
            return status == 400 && body != null
                    && OAuthErrorBody.parse(body).map(e -> USE_DPOP_NONCE.equals(e.error())).orElse(false);
        }
        return status == 401 && isNonceChallenge(WwwAuthenticate.parse(headers.all("WWW-Authenticate")));
    }

    /** Whether already parsed resource challenges demand a nonce: a {@code DPoP} challenge with that error. */
    public static boolean isNonceChallenge(WwwAuthenticate challenges) {
        return challenges.challenges().stream()
                .anyMatch(c -> c.isScheme("DPoP") && c.error().filter(USE_DPOP_NONCE::equals).isPresent());
    }

    /**
     * The decision for a response; {@code nonceRetries} is how many times this request was already re-sent for a
     * nonce (0 for the first answer).
     *
     * @throws McpException a {@link McpFailure.ProtocolError} for a second demand in a row or a demand without a
     *                      well-formed {@code DPoP-Nonce}
     */
    public static Decision decide(DpopTarget target, int status, Headers headers, String body, int nonceRetries) {
        if (!isNonceDemand(target, status, headers, body)) {
            return Decision.USE_RESPONSE;
        }
        return demanded(target, headers, nonceRetries);
    }

    /** As {@link #decide} for a resource response whose challenges the caller has already parsed. */
    public static Decision decide(int status, WwwAuthenticate challenges, Headers headers, int nonceRetries) {
        if (status != 401 || !isNonceChallenge(challenges)) {
            return Decision.USE_RESPONSE;
        }
        return demanded(DpopTarget.RESOURCE_SERVER, headers, nonceRetries);
    }

    private static Decision demanded(DpopTarget target, Headers headers, int nonceRetries) {
        String who = target == DpopTarget.AUTHORIZATION_SERVER ? "the token endpoint" : "the MCP server";
        String nonce = headers.first(DpopNonces.HEADER).orElse(null);
        if (nonce == null || !DpopNonces.isWellFormed(nonce)) {
            throw failure(who + " demanded a nonce (use_dpop_nonce) without a well-formed DPoP-Nonce header");
        }
        if (nonceRetries > 0) {
            throw failure(who + " demanded a new nonce (use_dpop_nonce) again right after a retry with its nonce; not retried"
                    + " twice");
        }
        return Decision.RETRY_WITH_NEW_PROOF;
    }

    private static McpException failure(String detail) {
        return new McpException(new McpFailure.ProtocolError(detail), detail, null);
    }
}
