package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tokens never reach a message or a toString(), whoever built the failure. */
class SecretRedactionTest {

    private static final String TOKEN_RESPONSE = "{\"access_token\":\"at-SECRET\",\"token_type\":\"Bearer\","
        + "\"refresh_token\":\"rt-SECRET\",\"id_token\":\"id-SECRET\",\"expires_in\":3600}";

    @Test
    void aTokenEndpointBodyInAPayloadNeverReachesTheFailureOrTheBoundaryException() {
        for (int status : new int[] {400, 403, 502}) {
            Throwable error = HttpAnswer.status(status).body(TOKEN_RESPONSE).raise();
            McpFailure failure = McpFailures.classify(error);
            McpException boundary = McpFailures.toException(new RuntimeException("wrapped", error));

            assertThat(failure.toString()).contains("token_type").doesNotContain("SECRET");
            assertThat(failure.describe()).doesNotContain("SECRET");
            assertThat(boundary.getMessage()).doesNotContain("SECRET");
            assertThat(boundary.toString()).doesNotContain("SECRET");
        }
    }

    @Test
    void exceptionMessagesAreRedactedWhoeverWritesThem() {
        McpException error = new McpException(new McpFailure.Unknown("x"),
            "refresh failed: refresh_token=rt-SECRET, Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.e30.SECRET", null);

        assertThat(error.getMessage()).doesNotContain("SECRET");
        assertThat(error.toString()).doesNotContain("SECRET");
    }

    @Test
    void failureRecordsRedactWhatTransportsPutIntoThem() {
        assertThat(new McpFailure.ProtocolError("bad JSON: " + TOKEN_RESPONSE).toString()).doesNotContain("SECRET");
        assertThat(new McpFailure.ServerError(500, TOKEN_RESPONSE).toString()).doesNotContain("SECRET");
        assertThat(new McpFailure.TokenRefreshFailed(false, null, TOKEN_RESPONSE).toString()).doesNotContain("SECRET");
        assertThat(new McpFailure.ConnectionFailure("GET /cb?access_token=at-SECRET").toString()).doesNotContain("SECRET");
        assertThat(new McpFailure.Unknown(TOKEN_RESPONSE).describe()).doesNotContain("SECRET");
    }

    @Test
    void redactingTwiceChangesNothing() {
        McpFailure.ServerError once = new McpFailure.ServerError(500, TOKEN_RESPONSE);

        assertThat(new McpFailure.ServerError(500, once.detail())).isEqualTo(once);
    }
}
