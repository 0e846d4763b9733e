package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A call of one owner needs that owner to log in (or to grant more scopes: step-up), and the service logs its users
 * in through redirects ({@link McpOAuth.Builder#serviceLogin(String)}): send the user's browser to
 * {@link #authorizationUrl()}; the service's callback endpoint then hands the redirect to
 * {@link McpOAuth#completeLogin(URI)}, after which the owner's calls carry the new token. Its failure is a
 * {@code McpFailure.AuthenticationRequired}, so code that only classifies failures still sees "log in".
 *
 * <pre>{@code
 * client.callTool("search", args).contextWrite(McpOwner.of(user.id()))
 *     .onErrorResume(AuthorizationRequiredException.class,
 *         e -> redirectTo(e.authorizationUrl()));   // your web layer: HTTP 302 to the URL
 * }</pre>
 *
 * <p>The URL carries the PKCE challenge and a {@code state} the library keeps (with the verifier) for this owner,
 * this MCP endpoint and this authorization server until {@link #expiresAt()}; it is good for one completion. Neither
 * the message nor {@link #toString()} shows the URL (it holds the {@code state}). MCP authorization 2025-11-25 and
 * 2026-07-28 ("Authorization Code Protection", "Scope Challenge Handling"); RFC 6749 section 4.1; RFC 7636.
 */
public final class AuthorizationRequiredException extends McpException {

    private static final long serialVersionUID = 1L;

    /** Where to send the user agent; never null. */
    private final transient URI authorizationUrl;
    /** The owner the login is for; never null. */
    private final String owner;
    /** The MCP endpoint the credentials are for; never null. */
    private final String endpoint;
    /** The authorization server's issuer; never null. */
    private final String issuer;
    /** The scopes requested, in request order, unmodifiable. */
    private final List<String> scopes;
    /** When the kept state and verifier are forgotten; never null. */
    private final Instant expiresAt;

    /**
     * The failure of a call that needs {@code owner} to log in.
     *
     * @param authorizationUrl the complete authorization request URL
     * @param owner            the owner the login is for
     * @param endpoint         the MCP endpoint the credentials are for
     * @param issuer           the authorization server's issuer
     * @param scopes           the scopes the URL requests (on a step-up, the union with those held before)
     * @param expiresAt        when the library forgets this login's state and verifier
     * @param challenges       the challenges of the response that required the login, possibly empty
     * @throws NullPointerException when an argument is {@code null}
     */
    public AuthorizationRequiredException(URI authorizationUrl, String owner, String endpoint, String issuer,
                                          List<String> scopes, Instant expiresAt,
                                          List<WwwAuthenticate.Challenge> challenges) {
        super(new McpFailure.AuthenticationRequired(challenges, false),
                "the user must log in at " + issuer + " for " + endpoint + " (scopes " + scopes + "): redirect the "
                        + "user agent to authorizationUrl(), then hand the redirect to McpOAuth.completeLogin before "
                        + expiresAt, null);
        this.authorizationUrl = Objects.requireNonNull(authorizationUrl, "authorizationUrl");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.scopes = List.copyOf(scopes);
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * The authorization request URL to send the owner's user agent to (HTTP 302 from the service's web layer).
     *
     * @return the complete URL, with {@code state}, PKCE challenge, {@code resource} and {@code scope}
     */
    public URI authorizationUrl() {
        return authorizationUrl;
    }

    /**
     * The owner the login is for: only a completion running for this owner is accepted.
     *
     * @return the owner id, {@link CredentialKey#DEFAULT_OWNER} for a call that named none
     */
    public String owner() {
        return owner;
    }

    /**
     * The MCP endpoint the credentials will be stored for.
     *
     * @return the endpoint, as given to {@link McpOAuth#filterFor(URI)}
     */
    public URI endpoint() {
        return URI.create(endpoint);
    }

    /**
     * The authorization server the user logs in at.
     *
     * @return its issuer identifier
     */
    public String issuer() {
        return issuer;
    }

    /**
     * The scopes the URL requests; on a step-up ({@code 403 insufficient_scope}) the union of the scopes held
     * before and those the server asked for.
     *
     * @return the scopes in request order, unmodifiable
     */
    public List<String> scopes() {
        return scopes;
    }

    /**
     * When the library forgets the {@code state} and PKCE verifier of this login; a completion after it fails with
     * {@link LoginCompletionException.Reason#EXPIRED}.
     *
     * @return the instant, on the clock of {@link McpOAuth.Builder#clock}
     */
    public Instant expiresAt() {
        return expiresAt;
    }
}
