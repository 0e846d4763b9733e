package dev.reactivemcp.oauth.internal.flow;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.OAuthErrorBody;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.spi.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The token endpoint (RFC 6749 sections 4.1.3, 5 and 6): form-encoded requests with the registration's client
 * authentication ({@code none}: {@code client_id} in the body; {@code client_secret_basic}: RFC 6749 section 2.3.1,
 * id and secret form-encoded before Base64; {@code client_secret_post}: both in the body) and the byte-exact RFC 8707
 * {@code resource}.
 *
 * <p>Token responses from hostile or broken servers: an access token outside RFC 6750's {@code b64token} syntax
 * (section 2.1), or a refresh token outside RFC 6749's {@code VSCHAR} (appendix A.17), is a protocol error before
 * anything is stored (it could not be sent in a header: CRLF in a token would fail every later request). A bad
 * {@code expires_in} never discards tokens (an authorization code is spent, a refresh token may have rotated): it is
 * clamped to {@link #MAX_EXPIRES_IN_SECONDS}, fractions are rounded up, and zero, negative or non-numeric values
 * mean an unknown expiry (the JWT {@code exp} when there is one, else valid until a 401).
 */
final class TokenClient {

    /** The longest access-token lifetime believed, in seconds (one year); a larger {@code expires_in} is clamped. */
    static final long MAX_EXPIRES_IN_SECONDS = 365L * 24 * 60 * 60;

    private final FlowHttp http;
    private final Clock clock;

    TokenClient(FlowHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** Redeems an authorization code; failures are typed by status (see {@link FlowErrors#httpStatus}). */
    Mono<OAuthTokens> exchangeCode(PendingAuthorization pending, String code) {
        String endpoint = pending.server().tokenEndpoint();
        KnownSecrets.remember(code, pending.verifier());   // masked in any text a server sends back
        Form form = new Form()
                .add("grant_type", "authorization_code")
                .add("code", code)
                .add("redirect_uri", pending.redirectUri())
                .add("code_verifier", pending.verifier())
                .add("resource", pending.resourceParameter());
        return post(endpoint, pending.registration(), form).map(response -> {
            if (!response.isSuccess()) {
                if (isPublic(pending.registration()) && demandsClientSecret(response)) {
                    throw FlowErrors.clientSecretRequired(pending.server().issuer(), "its token endpoint answered HTTP "
                            + response.status() + " to a request without one");
                }
                throw FlowErrors.httpStatus("token request at " + endpoint, response);
            }
            Map<String, Object> json = response.jsonObject("token response");
            if (!(json.get("access_token") instanceof String) && OAuthErrorBody.parse(response.bodyText()).isPresent()) {
                if (isPublic(pending.registration()) && demandsClientSecret(response)) {   // GitHub answers 200
                    throw FlowErrors.clientSecretRequired(pending.server().issuer(), "its token endpoint answered an"
                            + " error (HTTP " + response.status() + ") to a request without one");
                }
                throw FlowErrors.httpStatus("token request at " + endpoint, new FlowHttp.Response(response.url(), 400,
                        response.headers(), response.body()));
            }
            return tokens(json, pending.scopes());
        });
    }

    /**
     * One refresh-token grant for {@code current}; every failure is a {@code TokenRefreshFailed}: terminal for
     * {@code invalid_grant}, {@code invalid_client}, {@code unauthorized_client} and for credentials that cannot be
     * refreshed at all, transient for 5xx, 429, timeouts, network trouble and malformed answers.
     */
    Mono<OAuthTokens> refresh(StoredCredentials current) {
        return refresh(current, true);
    }

    /** {@link #refresh(StoredCredentials)}, leaving out {@code resource} unless {@code sendResource}. */
    Mono<OAuthTokens> refresh(StoredCredentials current, boolean sendResource) {
        return Mono.defer(() -> {
            ClientRegistration registration = current.registration();
            if (!current.tokens().refreshable()) {
                return Mono.error(terminal("no refresh token is stored"));
            }
            if (!registration.issuer().equals(current.key().issuer())
                    || !registration.clientId().equals(current.key().clientId())) {
                return Mono.error(terminal("the stored registration belongs to another issuer or client"));
            }
            try {
                Urls.requireSecure(current.tokenEndpoint(), "token endpoint");
            } catch (McpException e) {
                return Mono.error(FlowErrors.of(new McpFailure.TokenRefreshFailed(true, null,
                        e.failure().describe()), e));
            }
            Form form = new Form()
                    .add("grant_type", "refresh_token")
                    .add("refresh_token", current.tokens().refreshToken())
                    .add("resource", sendResource ? current.key().resource() : null);
            return post(current.tokenEndpoint(), registration, form)
                    .onErrorMap(e -> !isRefreshFailure(e), TokenClient::transientFailure)
                    .map(response -> refreshed(response, secretsOf(current)));
        });
    }

    /**
     * One client credentials grant (RFC 6749 section 4.4) at {@code tokenEndpoint} of {@code issuer}, with the
     * registration's client authentication ({@code private_key_jwt}: a fresh assertion from {@code signer} whose
     * {@code aud} is {@code issuer}). A renewal fails like a refresh ({@code TokenRefreshFailed}, terminal for
     * {@code invalid_client} and the like); a first acquisition fails by status like a code exchange.
     */
    Mono<OAuthTokens> clientCredentials(String tokenEndpoint, String issuer, ClientRegistration registration,
                                        ClientAssertionSigner signer, String resource, java.util.Collection<String> scopes,
                                        boolean renewal) {
        return grant(tokenEndpoint, issuer, registration, signer,
                new Form().add("grant_type", "client_credentials"), resource, scopes, renewal);
    }

    /**
     * One grant without a user at {@code tokenEndpoint} of {@code issuer}: {@code grantForm} (its
     * {@code grant_type} and grant parameters) plus {@code scope} and {@code resource}, with the registration's
     * client authentication. A renewal fails like a refresh ({@code TokenRefreshFailed}, terminal for
     * {@code invalid_grant}, {@code invalid_client} and the like); a first acquisition fails by status like a code
     * exchange ({@code RequestRejected} with the OAuth error code). Never retried here.
     */
    Mono<OAuthTokens> grant(String tokenEndpoint, String issuer, ClientRegistration registration,
                            ClientAssertionSigner signer, Form grantForm, String resource,
                            java.util.Collection<String> scopes, boolean renewal) {
        return Mono.defer(() -> {
            Form form = grantForm.copy();
            if (!scopes.isEmpty()) {
                form.add("scope", String.join(" ", scopes));
            }
            form.add("resource", resource);
            List<String> secrets = new java.util.ArrayList<>();
            secrets.add(registration.clientSecret());
            Mono<FlowHttp.Response> sent = post(tokenEndpoint, registration, form, signer, issuer);
            if (renewal) {
                return sent.onErrorMap(e -> !isRefreshFailure(e), TokenClient::transientFailure)
                        .map(response -> refreshed(response, secrets));
            }
            return sent.map(response -> {
                if (!response.isSuccess()) {
                    throw FlowErrors.httpStatus(grantForm.first("grant_type") + " request at " + tokenEndpoint,
                            response);
                }
                return tokens(response.jsonObject("token response"), List.copyOf(scopes));
            });
        });
    }

    /**
     * An RFC 8693 token exchange at {@code endpoint} (no client authentication beyond what {@code form} carries):
     * the issued token, which must be of {@code issuedType} when the answer names its type. Fails by status.
     */
    Mono<String> exchange(String endpoint, Form form, String issuedType) {
        return Mono.defer(() -> {
            Urls.requireSecure(endpoint, "token exchange endpoint");
            return http.postForm(endpoint, form.encode(), Headers.empty());
        }).map(response -> {
            if (!response.isSuccess()) {
                throw FlowErrors.httpStatus("token exchange at " + endpoint, response);
            }
            Map<String, Object> json = response.jsonObject("token exchange response");
            String issued = Json.string(json, "access_token");
            if (issued == null || issued.isEmpty()) {
                throw FlowErrors.protocol("token exchange response from " + endpoint + " has no access_token");
            }
            KnownSecrets.remember(issued);
            String type = Json.string(json, "issued_token_type");
            if (type != null && !type.equals(issuedType)) {
                throw FlowErrors.protocol("token exchange at " + endpoint + " issued " + type + ", not " + issuedType);
            }
            return issued;
        });
    }

    private static List<String> secretsOf(StoredCredentials current) {
        List<String> secrets = new java.util.ArrayList<>();
        secrets.add(current.tokens().refreshToken());
        secrets.add(current.tokens().accessToken());
        secrets.add(current.registration().clientSecret());
        return secrets;
    }

    private OAuthTokens refreshed(FlowHttp.Response response, List<String> secrets) {
        int status = response.status();
        if (status == 429 || status >= 500) {
            String code = OAuthErrorBody.parse(response.bodyText()).map(OAuthErrorBody::error).orElse(null);
            throw FlowErrors.of(new McpFailure.TokenRefreshFailed(false, code,
                    "token endpoint answered HTTP " + status));
        }
        if (!response.isSuccess()) {
            throw FlowErrors.refreshFailed(response, secrets);
        }
        Map<String, Object> json;
        try {
            json = response.jsonObject("token response");
            if (!(json.get("access_token") instanceof String)) {
                Optional<OAuthErrorBody> error = OAuthErrorBody.parse(response.bodyText());
                if (error.isPresent()) {
                    throw FlowErrors.of(FlowErrors.refreshFailure(error.get(), secrets));
                }
            }
            return tokens(json, List.of());
        } catch (McpException e) {
            throw isRefreshFailure(e) ? e : transientFailure(e);
        }
    }

    private Mono<FlowHttp.Response> post(String endpoint, ClientRegistration registration, Form request) {
        return post(endpoint, registration, request, null, null);
    }

    private Mono<FlowHttp.Response> post(String endpoint, ClientRegistration registration, Form request,
                                         ClientAssertionSigner signer, String audience) {
        return Mono.defer(() -> {
            Form form = request.copy();
            Headers headers = Headers.empty();
            String method = registration.tokenEndpointAuthMethod();
            String secret = registration.clientSecret();
            KnownSecrets.remember(secret);
            switch (method) {
                case "none" -> form.add("client_id", registration.clientId());
                case "client_secret_post" -> form.add("client_id", registration.clientId())
                        .add("client_secret", requireSecret(secret, method));
                case "client_secret_basic" -> headers = headers.with("Authorization",
                        basic(registration.clientId(), requireSecret(secret, method)));
                case "private_key_jwt" -> {
                    if (signer == null || !signer.clientId().equals(registration.clientId())) {
                        throw FlowErrors.protocol("token endpoint auth method private_key_jwt needs the client's key");
                    }
                    Headers plain = headers;
                    return signer.assertion(audience).flatMap(assertion -> http.postForm(endpoint,
                            form.add("client_assertion_type", ClientAssertionSigner.ASSERTION_TYPE)
                                    .add("client_assertion", assertion).encode(), plain));
                }
                default -> throw FlowErrors.protocol("unsupported token endpoint auth method " + method);
            }
            return http.postForm(endpoint, form.encode(), headers);
        });
    }

    /** {@code Basic base64(formEncode(id) ":" formEncode(secret))}, RFC 6749 section 2.3.1. */
    static String basic(String clientId, String secret) {
        String pair = Form.formEncode(clientId) + ":" + Form.formEncode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a successful token response (RFC 6749 section 5.1). */
    OAuthTokens tokens(Map<String, Object> json, List<String> requestedScopes) {
        String accessToken = Json.string(json, "access_token");
        if (accessToken == null || accessToken.isEmpty()) {
            throw FlowErrors.protocol("token response has no access_token");
        }
        if (!isB64Token(accessToken)) {
            throw FlowErrors.protocol("the access_token in the token response is not an RFC 6750 b64token"
                    + " (it has characters that cannot be sent in an Authorization header)");
        }
        String refreshToken = Json.string(json, "refresh_token");
        KnownSecrets.remember(accessToken, refreshToken);
        if (refreshToken != null && !refreshToken.isEmpty() && !isVsChars(refreshToken)) {
            throw FlowErrors.protocol("the refresh_token in the token response has characters outside RFC 6749"
                    + " VSCHAR (%x20-7E)");
        }
        return new OAuthTokens(accessToken, tokenType(Json.string(json, "token_type")),
                refreshToken == null || refreshToken.isEmpty() ? null : refreshToken,
                expiry(json.get("expires_in"), accessToken), scopes(Json.string(json, "scope"), requestedScopes));
    }

    private static String tokenType(String type) {
        if (type == null || type.equalsIgnoreCase("bearer")) {
            return "Bearer";
        }
        if (type.equalsIgnoreCase("dpop")) {
            return "DPoP";
        }
        throw FlowErrors.protocol("unsupported token_type in token response");
    }

    private Instant expiry(Object expiresIn, String accessToken) {
        Long seconds = expiresInSeconds(expiresIn);
        return seconds != null ? clock.instant().plusSeconds(seconds) : jwtExpiry(accessToken);
    }

    /**
     * {@code expires_in} as whole seconds in {@code [1, MAX_EXPIRES_IN_SECONDS]}: a number or a numeric string,
     * fractions rounded up, larger values clamped; null (unknown) for zero, negative, non-finite or non-numeric.
     */
    static Long expiresInSeconds(Object expiresIn) {
        BigDecimal value;
        if (expiresIn instanceof Double || expiresIn instanceof Float) {
            double d = ((Number) expiresIn).doubleValue();
            if (Double.isNaN(d) || d <= 0) {
                return null;
            }
            value = Double.isInfinite(d) ? BigDecimal.valueOf(MAX_EXPIRES_IN_SECONDS) : BigDecimal.valueOf(d);
        } else if (expiresIn instanceof Number || expiresIn instanceof String) {
            String text = expiresIn.toString().trim();
            if (text.isEmpty() || text.length() > 400) {
                return null;
            }
            try {
                value = new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (value.signum() <= 0) {
            return null;
        }
        if (value.compareTo(BigDecimal.valueOf(MAX_EXPIRES_IN_SECONDS)) >= 0) {
            return MAX_EXPIRES_IN_SECONDS; // compared before any rounding: 1e999999 never becomes a BigInteger
        }
        if (value.compareTo(BigDecimal.ONE) <= 0) {
            return 1L; // nor does 1e-999999
        }
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** RFC 6750 section 2.1: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isB64Token(String token) {
        int n = token.length();
        int end = n;
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6749 appendix A.17: {@code 1*VSCHAR}, {@code VSCHAR = %x20-7E}. */
    static boolean isVsChars(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return !token.isEmpty();
    }

    /** The {@code exp} of a JWT access token, read without verification (it only schedules refreshes); else null. */
    static Instant jwtExpiry(String accessToken) {
        if (accessToken.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        try {
            JWT jwt = JWTParser.parse(accessToken);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims == null ? null : claims.getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    private static Set<String> scopes(String scope, List<String> requested) {
        if (scope == null) {
            return new LinkedHashSet<>(requested);
        }
        Set<String> granted = new LinkedHashSet<>();
        for (String s : scope.split(" ")) {
            if (!s.isEmpty()) {
                granted.add(s);
            }
        }
        return granted;
    }

    /** A client without a secret (auth method {@code none}). */
    static boolean isPublic(ClientRegistration registration) {
        return "none".equals(registration.tokenEndpointAuthMethod());
    }

    /**
     * Whether an error answer says the client must authenticate: {@code invalid_client} (RFC 6749 section 5.2), or an
     * {@code invalid_request} that names the missing {@code client_secret} (Google), or GitHub's
     * {@code incorrect_client_credentials} (sent with HTTP 200).
     */
    private static boolean demandsClientSecret(FlowHttp.Response response) {
        return OAuthErrorBody.parse(response.bodyText()).map(body -> "invalid_client".equals(body.error())
                || "incorrect_client_credentials".equals(body.error())
                || ("invalid_request".equals(body.error()) && body.errorDescription() != null
                        && body.errorDescription().contains("client_secret"))).orElse(false);
    }

    private static String requireSecret(String secret, String method) {
        if (secret == null || secret.isEmpty()) {
            throw FlowErrors.protocol("token endpoint auth method " + method + " needs a client secret");
        }
        return secret;
    }

    private static boolean isRefreshFailure(Throwable e) {
        return e instanceof McpException m && m.failure() instanceof McpFailure.TokenRefreshFailed;
    }

    private static McpException transientFailure(Throwable e) {
        String detail = e instanceof McpException m ? m.failure().describe() : e.getClass().getSimpleName();
        return FlowErrors.of(McpFailure.TokenRefreshFailed.transientFailure(detail), e);
    }

    private static McpException terminal(String detail) {
        return FlowErrors.of(new McpFailure.TokenRefreshFailed(true, null, detail));
    }
}
