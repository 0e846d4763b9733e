package dev.reactivemcp.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void masksTokenValuesInJson() {
        String body = "{\"access_token\":\"at-SECRET\", \"refresh_token\" : \"rt-SECRET\",\"id_token\":\"ey.SECRET\","
            + "\"token_type\":\"Bearer\",\"expires_in\":3600}";

        String redacted = Redaction.redact(body);

        assertThat(redacted).doesNotContain("SECRET").contains("\"token_type\":\"Bearer\"").contains("3600")
            .contains("\"access_token\":\"[REDACTED]\"");
    }

    @Test
    void masksTokenValuesInFormAndQueryParameters() {
        String redacted = Redaction.redact("grant_type=refresh_token&refresh_token=rt-SECRET&client_secret=cs-SECRET"
            + " GET /cb?access_token=at-SECRET&state=ok");

        assertThat(redacted).doesNotContain("SECRET").contains("grant_type=refresh_token").contains("state=ok");
    }

    @Test
    void masksTheCredentialAfterBearerOrDpopButNotAuthParams() {
        assertThat(Redaction.redact("Authorization: Bearer eyJhbGciOi.payload.sig-SECRET"))
            .isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(Redaction.redact("DPoP abc+/SECRET==")).isEqualTo("DPoP [REDACTED]");
        assertThat(Redaction.redact("Bearer realm=\"mcp\", error=invalid_token"))
            .isEqualTo("Bearer realm=\"mcp\", error=invalid_token");
    }

    @Test
    void leavesProseAfterTheSchemeNameAloneButNotATokenThatLooksLikeAWord() {
        String prose = "the DPoP key was not found; no Bearer token; DPoP nonce required";

        assertThat(Redaction.redact(prose)).isSameAs(prose);
        assertThat(Redaction.redact("Authorization: DPoP Key")).isEqualTo("Authorization: DPoP [REDACTED]");
        assertThat(Redaction.redact("Bearer keyboard")).isEqualTo("Bearer [REDACTED]");
        assertThat(Redaction.redact("DPoP key-SECRET")).isEqualTo("DPoP [REDACTED]");
    }

    @Test
    void masksAnUnterminatedQuotedValueToTheEnd() {
        assertThat(Redaction.redact("{\"access_token\":\"at-SECRET-cut-off")).doesNotContain("SECRET");
    }

    @Test
    void leavesTextWithoutSecretsUntouched() {
        String text = "the refresh_token was rejected; access_tokens are short-lived; my_access_token stays";

        assertThat(Redaction.redact(text)).isSameAs(text);
        assertThat(Redaction.redact(null)).isNull();
    }

    @Test
    void snippetsAreRedactedThenBounded() {
        String longSecret = "{\"access_token\":\"" + "S".repeat(5_000) + "\"}";
        String longText = "{\"x\":\"" + "y".repeat(5_000) + "\",\"refresh_token\":\"rt-SECRET\"}";

        assertThat(Redaction.snippet(longSecret, 100)).isEqualTo("{\"access_token\":\"[REDACTED]");
        assertThat(Redaction.snippet(longText, 100)).hasSize(103).endsWith("...").doesNotContain("SECRET");
        assertThat(Redaction.snippet("{\"refresh_token\":\"rt-SECRET\",\"x\":1}", 100))
            .isEqualTo("{\"refresh_token\":\"[REDACTED]\",\"x\":1}");
    }
}
