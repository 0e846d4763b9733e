package dev.reactivemcp.oauth.internal.flow;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.reactivemcp.oauth.IdentityProviderProfile;
import dev.reactivemcp.oauth.IdentityProviderProfile.IssuerMatch;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an {@link IdentityProviderProfile} changes in the flow, in one place: issuer comparison, PKCE, scopes,
 * authorization parameters, the {@code resource} parameter and the Entra tenant check. {@link #STANDARD} changes
 * nothing.
 */
final class ProviderRules {

    static final ProviderRules STANDARD = new ProviderRules(IdentityProviderProfile.standard());

    static final String TENANT = "{tenantid}";
    private static final Set<String> MULTI_TENANT = Set.of("common", "organizations", "consumers");
    private static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "email", "phone", Scopes.OFFLINE_ACCESS);
    private static final Pattern TENANT_ID = Pattern.compile("[0-9a-fA-F-]{36}|[A-Za-z0-9.-]{1,64}");

    private final IdentityProviderProfile profile;

    ProviderRules(IdentityProviderProfile profile) {
        this.profile = profile;
    }

    static ProviderRules forIssuer(String issuer, List<IdentityProviderProfile> configured) {
        return new ProviderRules(IdentityProviderProfile.forIssuer(issuer, configured == null ? List.of() : configured));
    }

    String name() {
        return profile.name();
    }

    /** Whether a metadata document whose issuer is {@code actual} may stand for {@code expected}. */
    boolean issuerAccepted(String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        if (actual == null) {
            return false;
        }
        return switch (profile.issuerMatch()) {
            case EXACT -> false;
            case IGNORE_TRAILING_SLASH -> strip(expected).equals(strip(actual));
            case TENANT_PLACEHOLDER -> tenantTemplate(expected).equals(actual);
        };
    }

    /** {@code https://login.microsoftonline.com/common/v2.0} becomes {@code .../{tenantid}/v2.0}; else unchanged. */
    static String tenantTemplate(String issuer) {
        for (String t : MULTI_TENANT) {
            String segment = "/" + t + "/";
            int at = issuer.indexOf(segment);
            if (at > 0) {
                return issuer.substring(0, at) + "/" + TENANT + "/" + issuer.substring(at + segment.length());
            }
            if (issuer.endsWith("/" + t)) {
                return issuer.substring(0, issuer.length() - t.length()) + TENANT;
            }
        }
        return issuer;
    }

    /** Whether the issuer of a pre-registered client names the same server as {@code serverIssuer}. */
    boolean sameIssuer(String configured, String serverIssuer) {
        return configured.equals(serverIssuer) || issuerAccepted(configured, serverIssuer);
    }

    boolean usesS256(AuthServerMetadata server) {
        return server.supportsS256() || (server.codeChallengeMethods() == null && profile.pkceS256Assumed());
    }

    boolean sendsResource() {
        return profile.resourceParameter();
    }

    /** The scopes to request: bare ones qualified, {@code offline_access} by policy. */
    Set<String> scopes(Set<String> selected, String resource, AuthServerMetadata server) {
        String prefix = profile.scopePrefix() == null ? null
                : profile.scopePrefix().replace("{resource}", strip(resource));
        Set<String> out = new LinkedHashSet<>();
        for (String s : selected) {
            if (s.equals(Scopes.OFFLINE_ACCESS)) {
                continue;
            }
            out.add(prefix == null || isQualified(s) ? s : prefix + s);
        }
        boolean offline = switch (profile.offlineAccess()) {
            case WHEN_ADVERTISED -> server.scopesSupported().contains(Scopes.OFFLINE_ACCESS);
            case ALWAYS -> true;
            case NEVER -> false;
        };
        if (offline && !out.isEmpty()) {
            out.add(Scopes.OFFLINE_ACCESS);
        }
        return out;
    }

    /**
     * The scopes of a grant without a user: bare ones qualified as in {@link #scopes}, {@code offline_access} never
     * (there is no user session to keep; the grant is simply repeated).
     */
    Set<String> serviceScopes(Set<String> selected, String resource) {
        String prefix = profile.scopePrefix() == null ? null
                : profile.scopePrefix().replace("{resource}", strip(resource));
        Set<String> out = new LinkedHashSet<>();
        for (String s : selected) {
            if (!s.equals(Scopes.OFFLINE_ACCESS)) {
                out.add(prefix == null || isQualified(s) ? s : prefix + s);
            }
        }
        return out;
    }

    /**
     * {@code form} with the token-request parameters of the profile: {@code audience} (Auth0 wants it in a client
     * credentials request too). The authorization-request extras (Google's {@code access_type}) are not token
     * parameters.
     */
    Form addTokenParameters(Form form, String resource) {
        if (profile.audience() != null && form.first("audience") == null) {
            form.add("audience", profile.audience().replace("{resource}", resource));
        }
        return form;
    }

    /** Parameters added to the authorization request: {@code audience} first, then the profile's extras. */
    void addAuthorizationParameters(Form query, String resource) {
        if (profile.audience() != null) {
            query.add("audience", profile.audience().replace("{resource}", resource));
        }
        for (Map.Entry<String, String> e : profile.authorizationParameters().entrySet()) {
            query.add(e.getKey(), e.getValue());
        }
    }

    /**
     * Entra multi-tenant: the access token names its tenant; its {@code iss} must be the template with that tenant.
     * Other profiles and single-tenant issuers: nothing to check.
     */
    void checkTenant(String issuerTemplate, String accessToken) {
        if (profile.issuerMatch() != IssuerMatch.TENANT_PLACEHOLDER || !issuerTemplate.contains(TENANT)) {
            return;
        }
        String iss = null;
        String tid = null;
        try {
            JWTClaimsSet claims = JWTParser.parse(accessToken).getJWTClaimsSet();
            iss = claims.getIssuer();
            tid = claims.getStringClaim("tid");
        } catch (java.text.ParseException | RuntimeException e) {
            // not a JWT: nothing names the tenant
        }
        if (tid == null || !TENANT_ID.matcher(tid).matches()) {
            throw FlowErrors.issuerMismatch(issuerTemplate, "(access token names no tenant)");
        }
        String expected = issuerTemplate.replace(TENANT, tid);
        if (!expected.equals(iss)) {
            throw FlowErrors.issuerMismatch(expected, iss);
        }
    }

    private static boolean isQualified(String scope) {
        return OPENID_SCOPES.contains(scope) || scope.contains("/") || scope.contains(":");
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
