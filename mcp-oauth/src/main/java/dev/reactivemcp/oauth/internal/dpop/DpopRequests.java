package dev.reactivemcp.oauth.internal.dpop;

import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One client's DPoP layer on the request side: its proofs and the nonces its servers gave. Gives the headers to set
 * for a request ({@code DPoP: <proof>}, and {@code Authorization: DPoP <token>} with an access token, RFC 9449
 * section 7.1), and two filters: one for the token endpoint ({@link #tokenEndpointFilter()}) and one for the MCP
 * server ({@link #resourceFilter()}), each re-sending a request once when the server demands a nonce.
 *
 * <pre>{@code
 * DpopRequests dpop = new DpopRequests(new DpopProofs(key, clock, random), new DpopNonces());
 * Headers h = dpop.headers(DpopTarget.RESOURCE_SERVER, "POST", URI.create("https://mcp.example/mcp"), accessToken);
 * }</pre>
 */
public final class DpopRequests {

    /** The request header carrying the proof. */
    public static final String HEADER = "DPoP";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final DpopProofs proofs;
    private final DpopNonces nonces;

    /** The layer over {@code proofs}, remembering nonces in {@code nonces}. */
    public DpopRequests(DpopProofs proofs, DpopNonces nonces) {
        this.proofs = Objects.requireNonNull(proofs, "proofs");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
    }

    /** The proofs. */
    public DpopProofs proofs() {
        return proofs;
    }

    /** The remembered nonces. */
    public DpopNonces nonces() {
        return nonces;
    }

    /**
     * The headers for one request: a new proof with the nonce last seen from that origin, and, when
     * {@code accessToken} is not null, {@code Authorization: DPoP <accessToken>} and the proof's {@code ath}.
     */
    public Headers headers(DpopTarget target, String method, URI uri, String accessToken) {
        String proof = proofs.create(method, uri, accessToken, nonces.current(target, uri));
        Headers headers = Headers.empty().with(HEADER, proof);
        return accessToken == null ? headers : headers.with("Authorization", "DPoP " + accessToken);
    }

    /** {@code request} with the headers of {@link #headers} set (an earlier proof is replaced: one DPoP header). */
    public McpHttpRequest prepare(DpopTarget target, McpHttpRequest request, String accessToken) {
        return request.withHeaders(request.headers().withAll(
                headers(target, request.method(), request.uri(), accessToken)));
    }

    /**
     * A filter for the authorization server: a proof on every form POST (token endpoint, also PAR and revocation),
     * none on metadata GETs or JSON registration; the nonce demand of section 8 answered once.
     */
    public ExchangeFilterFunction tokenEndpointFilter() {
        return new DpopFilter(this, DpopTarget.AUTHORIZATION_SERVER, DpopRequests::isFormPost);
    }

    /**
     * A filter for the MCP server, placed after the filter that sets {@code Authorization: DPoP <token>}: a proof
     * with that token's {@code ath} on every request carrying it; the nonce demand of section 9 answered once.
     */
    public ExchangeFilterFunction resourceFilter() {
        return new DpopFilter(this, DpopTarget.RESOURCE_SERVER, request -> dpopToken(request) != null);
    }

    /** The token of an {@code Authorization: DPoP <token>} header, else null. */
    static String dpopToken(McpHttpRequest request) {
        String authorization = request.headers().first("Authorization").orElse(null);
        if (authorization == null || authorization.length() <= 5
                || !authorization.regionMatches(true, 0, "DPoP ", 0, 5)) {
            return null;
        }
        String token = authorization.substring(5).trim();
        return token.isEmpty() ? null : token;
    }

    static boolean isFormPost(McpHttpRequest request) {
        return "POST".equals(request.method()) && request.headers().first("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith(FORM)).orElse(false);
    }

    @Override
    public String toString() {
        return "DpopRequests[" + proofs.key() + ", " + nonces + "]";
    }
}
