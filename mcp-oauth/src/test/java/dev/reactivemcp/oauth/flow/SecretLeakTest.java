package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.errorOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * No token, client secret, authorization code, PKCE verifier or state appears in an exception (message, causes,
 * suppressed, stack trace text) or in the {@code toString()} of any value the flow creates.
 */
class SecretLeakTest {

    private static final String ACCESS = "AT-s3cret-access-0001";
    private static final String REFRESH = "RT-s3cret-refresh-0002";
    private static final String CLIENT_SECRET = "CS-s3cret-client-0003";
    private static final String CODE = "CODE-s3cret-0004";

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void noSecretAppearsInFailuresOrInTheTextOfAnyValue() throws Exception {
        List<String> rendered = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(ACCESS, REFRESH, CLIENT_SECRET, CODE));

        try (OAuthScenario s = new OAuthScenario()) {
            s.standard(", \"token_endpoint_auth_methods_supported\": [\"client_secret_post\"]");
            s.mock.clear(request().withPath("/register"));
            s.mock.clear(request().withPath("/token"));
            s.dcr("/register", "cid", ", \"client_secret\": \"" + CLIENT_SECRET + "\"");
            s.approve = q -> code(q, s.base);
            s.token("/token", ACCESS, ", \"refresh_token\": \"" + REFRESH + "\"");

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));
            Map<String, String> authorization = OAuthScenario.query(s.only("GET", "/authorize"));
            Map<String, String> token = OAuthScenario.form(s.only("POST", "/token"));
            secrets.add(authorization.get("state"));
            secrets.add(token.get("code_verifier"));
            rendered.add(stored.toString());
            rendered.add(stored.tokens().toString());
            rendered.add(stored.registration().toString());
            rendered.add(s.store.registrations.toString());
            rendered.add(Redirect.fromQuery("code=" + CODE + "&state=" + authorization.get("state")).toString());
            rendered.add(pendingAuthorization(stored, authorization.get("state"), token.get("code_verifier")));
            rendered.add(form(CLIENT_SECRET, CODE));
            rendered.add(s.codeSource.toString());

            // Failures whose bodies and parameters echo secrets back.
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"bad code " + CODE
                    + " verifier " + token.get("code_verifier") + " secret " + CLIENT_SECRET + "\"}");
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, "{\"access_token\": \"" + ACCESS + "\", \"token_type\": \"weird\"}");
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, "{\"access_token\": \"" + ACCESS + "\", ");
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.approve = q -> {
                Map<String, String> r = code(q, "https://evil.example");
                r.put("error_description", "state " + q.get("state"));
                return r;
            };
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.approve = q -> {
                Map<String, String> r = code(q, s.base);
                r.put("state", q.get("state") + "x");
                return r;
            };
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.approve = q -> Map.of("error", "access_denied", "error_description", CODE, "state", q.get("state"),
                    "iss", s.base);
            rendered.add(render(errorOf(s.flow().authorize(s.context(s.challengeWithMetadata())))));

            s.post("/refresh", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token "
                    + REFRESH + " revoked\"}");
            StoredCredentials refreshable = new StoredCredentials(stored.endpoint(), stored.key(),
                    stored.registration(), stored.tokens(), s.base + "/refresh", false, OAuthScenario.NOW);
            rendered.add(render(errorOf(s.flow().refresh(refreshable))));

            s.post("/refresh-5xx", 503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"" + ACCESS
                    + "\"}");
            rendered.add(render(errorOf(s.flow().refresh(new StoredCredentials(stored.endpoint(), stored.key(),
                    stored.registration(), stored.tokens(), s.base + "/refresh-5xx", false, OAuthScenario.NOW)))));
        }

        rendered.add(AuthorizationCodeSource.loopback(u -> { }).toString());
        rendered.add(AuthorizationCodeSource.manual(u -> { }, Mono.just(CODE)).toString());
        rendered.add(AuthorizationCodeSource.headless().toString());
        rendered.add(new ClientRegistration("https://as", "id", CLIENT_SECRET, null, List.of()).toString());
        rendered.add(new OAuthTokens(ACCESS, "Bearer", REFRESH, null, Set.of()).toString());
        rendered.add(new CredentialKey("https://rs", "https://as", "id").toString());

        assertThat(secrets).doesNotContainNull();
        for (String text : rendered) {
            assertThat(text).doesNotContain(secrets);
        }
    }

    private static Map<String, String> code(Map<String, String> query, String iss) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("code", CODE);
        r.put("state", query.get("state"));
        r.put("iss", iss);
        return r;
    }

    private static String render(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String failure = error instanceof McpException e ? e.failure().toString() : "";
        return error + "\n" + failure + "\n" + out;
    }

    /** {@code PendingAuthorization.toString()} (package-private), built reflectively. */
    private static String pendingAuthorization(StoredCredentials stored, String state, String verifier)
            throws Exception {
        Class<?> metadata = Class.forName("dev.reactivemcp.oauth.internal.flow.AuthServerMetadata");
        Method defaults = metadata.getDeclaredMethod("defaults", String.class);
        defaults.setAccessible(true);
        Object server = defaults.invoke(null, stored.key().issuer());
        Class<?> pending = Class.forName("dev.reactivemcp.oauth.internal.flow.PendingAuthorization");
        // the 8-argument one (no DPoP key): getDeclaredConstructors() returns the two in no fixed order
        Constructor<?> ctor = java.util.Arrays.stream(pending.getDeclaredConstructors())
                .filter(c -> c.getParameterCount() == 8).findFirst().orElseThrow();
        ctor.setAccessible(true);
        Object value = ctor.newInstance(server, stored.key().resource(), stored.registration(), "http://localhost/cb",
                List.of("mcp:basic"), state, verifier, null);   // rules: the provider profile, not printed
        return value.toString();
    }

    /** {@code Form.toString()} (package-private), built reflectively. */
    private static String form(String... values) throws Exception {
        Class<?> type = Class.forName("dev.reactivemcp.oauth.internal.flow.Form");
        Constructor<?> ctor = type.getDeclaredConstructor();
        ctor.setAccessible(true);
        Object form = ctor.newInstance();
        Method add = type.getDeclaredMethod("add", String.class, String.class);
        add.setAccessible(true);
        for (int i = 0; i < values.length; i++) {
            add.invoke(form, "p" + i, values[i]);
        }
        return form.toString();
    }
}
