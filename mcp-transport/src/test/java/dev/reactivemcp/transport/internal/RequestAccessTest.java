package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestAccessTest {

    /**
     * In a class loader of its own, so that nothing has initialized {@code McpHttpRequest} yet (in this JVM's
     * loader the first call of any test has done so long ago).
     */
    @Test
    void owningBuildsARequestWhenMcpHttpRequestWasNeverInitialized() throws Exception {
        URL classes = RequestAccess.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> access = Class.forName(RequestAccess.class.getName(), true, fresh);
            Class<?> headers = Class.forName("dev.reactivemcp.transport.Headers", true, fresh);
            Class<?> request = Class.forName("dev.reactivemcp.transport.McpHttpRequest", false, fresh);
            assertThat(access).isNotSameAs(RequestAccess.class);
            byte[] body = "{\"jsonrpc\":\"2.0\"}".getBytes(StandardCharsets.UTF_8);

            Object built = access.getMethod("owning", String.class, URI.class, headers, byte[].class, String.class)
                    .invoke(null, "POST", URI.create("http://127.0.0.1/mcp"), headers.getMethod("empty").invoke(null),
                            body, "ping");
            body[0] = '[';   // owned, not copied: the request sees the change

            assertThat(built).isInstanceOf(request);
            assertThat(request.getMethod("bodyAsString").invoke(built)).isEqualTo("[\"jsonrpc\":\"2.0\"}");
            assertThat(request.getMethod("method").invoke(built)).isEqualTo("POST");
        }
    }
}
