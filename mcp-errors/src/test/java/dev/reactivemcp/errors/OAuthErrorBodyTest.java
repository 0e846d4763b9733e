package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OAuthErrorBodyTest {

    @Test
    void readsTheErrorDescriptionAndUri() {
        OAuthErrorBody body = OAuthErrorBody.parse(
            "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token expired\",\"error_uri\":\"https://as/e\"}")
            .orElseThrow();

        assertThat(body).isEqualTo(new OAuthErrorBody("invalid_grant", "Refresh token expired", "https://as/e"));
    }

    @Test
    void invalidGrantInvalidClientAndUnauthorizedClientAreTerminalForRefresh() {
        assertThat(new OAuthErrorBody("invalid_grant", null, null).isTerminalForRefresh()).isTrue();
        assertThat(new OAuthErrorBody("invalid_client", null, null).isTerminalForRefresh()).isTrue();
        assertThat(new OAuthErrorBody("unauthorized_client", null, null).isTerminalForRefresh()).isTrue();
        assertThat(new OAuthErrorBody("temporarily_unavailable", null, null).isTerminalForRefresh()).isFalse();
        assertThat(new OAuthErrorBody("invalid_request", null, null).isTerminalForRefresh()).isFalse();
    }

    @Test
    void readsNothingFromBodiesThatAreNotAnOAuthErrorObject() {
        assertThat(OAuthErrorBody.parse(null)).isEmpty();
        assertThat(OAuthErrorBody.parse("<html>502 Bad Gateway</html>")).isEmpty();
        assertThat(OAuthErrorBody.parse("{\"error\":{\"code\":-32600}}")).isEmpty();
        assertThat(OAuthErrorBody.parse("{\"error\":\"bad\\\"quote\"}")).isEmpty();
        assertThat(OAuthErrorBody.parse("{\"error\":\"\"}")).isEmpty();
        assertThat(OAuthErrorBody.parse("{\"error\":\"invalid_grant\"")).isEmpty();
    }

    @Test
    void redactsAndBoundsTheDescription() {
        OAuthErrorBody body = new OAuthErrorBody("invalid_grant",
            "refresh_token=rt-SECRET is revoked " + "x".repeat(2_000), null);

        assertThat(body.errorDescription()).doesNotContain("SECRET").hasSizeLessThanOrEqualTo(515);
    }

    @Test
    void refusesAnInvalidErrorCode() {
        assertThatThrownBy(() -> new OAuthErrorBody("bad\ncode", null, null))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
