package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRpcRulesTest {

    @Test
    void unsupportedProtocolVersionCarriesRequestedAndSupportedVersions() {
        TestJsonRpcException error = new TestJsonRpcException(-32022, "Unsupported protocol version",
            Map.of("supported", List.of("2026-07-28", "2025-11-25"), "requested", "2025-01-01"));

        assertThat(McpFailures.classify(error)).isEqualTo(
            new McpFailure.ProtocolVersionUnsupported("2025-01-01", List.of("2026-07-28", "2025-11-25")));
    }

    @Test
    void unsupportedProtocolVersionWithMalformedDataKeepsOnlyWhatIsValid() {
        TestJsonRpcException noData = new TestJsonRpcException(-32022, "no", "not an object");
        TestJsonRpcException mixed = new TestJsonRpcException(-32022, "no",
            Map.of("supported", List.of("2026-07-28", 7, Map.of()), "requested", 3));

        assertThat(McpFailures.classify(noData)).isEqualTo(new McpFailure.ProtocolVersionUnsupported(null, List.of()));
        assertThat(McpFailures.classify(mixed))
            .isEqualTo(new McpFailure.ProtocolVersionUnsupported(null, List.of("2026-07-28")));
    }

    @Test
    void anyOtherCodeIsAJsonRpcErrorThatIsNotRetryable() {
        McpFailure failure = McpFailures.classify(new TestJsonRpcException(-32602, "Invalid params", null));

        assertThat(failure).isEqualTo(new McpFailure.JsonRpcError(-32602, "Invalid params"));
        assertThat(failure.isRetryable()).isFalse();
    }
}
