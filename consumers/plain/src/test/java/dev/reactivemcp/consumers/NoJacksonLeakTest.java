package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Our Jackson is shaded: a consumer that declares only our artifacts gets no Jackson on its classpath. */
class NoJacksonLeakTest {

    @Test
    void declaringOnlyOurArtifactsPutsNoJacksonOnTheClasspath() {
        McpClient.builder(URI.create("https://mcp.example.com/mcp")).build();

        assertThrows(ClassNotFoundException.class, () -> Class.forName("tools.jackson.databind.ObjectMapper"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("tools.jackson.core.JsonParser"));
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("com.fasterxml.jackson.annotation.JsonProperty"));
    }
}
