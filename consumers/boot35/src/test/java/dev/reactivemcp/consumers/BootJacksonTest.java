package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Boot 3.5's own Jackson 2 (with its jackson-annotations 2.19) keeps working beside a built {@link McpClient}. */
class BootJacksonTest {

    record Greeting(@JsonProperty("greeting_text") String text) { }

    @Test
    void bootsJackson2AndTheMcpClientLiveOnOneClasspath() throws Exception {
        McpClient client = McpClient.builder(URI.create("https://mcp.example.com/mcp")).build();

        String json = new ObjectMapper().writeValueAsString(new Greeting("hi"));

        assertEquals("{\"greeting_text\":\"hi\"}", json);
        assertTrue(JsonProperty.class.getPackage().getImplementationVersion() == null
                || JsonProperty.class.getPackage().getImplementationVersion().startsWith("2.19"),
                "Boot 3.5 manages jackson-annotations 2.19");
        assertEquals("McpClient[https://mcp.example.com/mcp]", client.toString());
        org.junit.jupiter.api.Assertions.assertThrows(ClassNotFoundException.class,
                () -> Class.forName("tools.jackson.databind.ObjectMapper"), "no Jackson 3 leaks into a Boot 3 service");
    }
}
