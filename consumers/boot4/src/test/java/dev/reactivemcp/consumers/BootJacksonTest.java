package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Boot 4's own Jackson 3.0 ({@code tools.jackson}) keeps working beside a built {@link McpClient}. */
class BootJacksonTest {

    record Greeting(@JsonProperty("greeting_text") String text) { }

    @Test
    void bootsJackson3AndTheMcpClientLiveOnOneClasspath() {
        McpClient client = McpClient.builder(URI.create("https://mcp.example.com/mcp")).build();

        String json = JsonMapper.builder().build().writeValueAsString(new Greeting("hi"));

        assertEquals("{\"greeting_text\":\"hi\"}", json);
        System.out.println("Boot's jackson-databind " + JsonMapper.class.getPackage().getImplementationVersion());
        assertEquals("McpClient[https://mcp.example.com/mcp]", client.toString());
    }
}
