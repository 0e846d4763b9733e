package dev.reactivemcp.consumers.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The published jars are named modules that export their API packages only, and work on the module path. */
class ModulePathTest {

    @Test
    void theConsumerAndOurJarsRunAsNamedModules() {
        assertEquals("dev.reactivemcp.consumers.modular", getClass().getModule().getName());
        assertEquals("dev.reactivemcp.transport", McpClient.class.getModule().getName());
        assertEquals("dev.reactivemcp.oauth", McpOAuth.class.getModule().getName());
    }

    @Test
    void onlyApiPackagesAreExported() {
        Module transport = McpClient.class.getModule();
        assertTrue(transport.isExported("dev.reactivemcp.transport"));
        assertTrue(transport.isExported("dev.reactivemcp.transport.spi"));
        assertFalse(transport.isExported("dev.reactivemcp.transport.internal"));
        assertFalse(transport.isExported("dev.reactivemcp.transport.internal.shaded.jackson.databind"));
        assertTrue(transport.getPackages().contains("dev.reactivemcp.transport.internal.shaded.jackson.databind"),
                "the shaded JSON implementation is part of the transport module");
        assertFalse(McpOAuth.class.getModule().isExported("dev.reactivemcp.oauth.internal"));
        assertThrows(IllegalAccessException.class, () -> Class.forName("dev.reactivemcp.transport.internal.Json")
                .getMethod("string", Map.class, String.class).invoke(null, Map.of(), "k"));
    }

    @Test
    void jsonIsReadAndConvertedIntoTheConsumersRecordsInsideTheTransportModule() {
        JsonCodec json = JsonCodec.get();
        Object value = json.read("{\"city\":\"Oslo\",\"celsius\":-3.5,\"alerts\":[\"ice\"]}", "weather");

        Weather weather = json.convert(value, Weather.class);

        assertEquals(new Weather("Oslo", -3.5, List.of("ice")), weather);
        assertEquals("{\"city\":\"Oslo\",\"celsius\":-3.5,\"alerts\":[\"ice\"]}", json.writeString(weather));
        assertThrows(McpTransportException.class, () -> json.read("{\"city\":", "weather"));
    }
}
