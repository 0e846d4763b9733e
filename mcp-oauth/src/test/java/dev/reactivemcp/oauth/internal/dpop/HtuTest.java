package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HtuTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "https://mcp.example.com/mcp, https://mcp.example.com/mcp",
        "https://mcp.example.com/mcp?session=1, https://mcp.example.com/mcp",
        "https://mcp.example.com/mcp#part, https://mcp.example.com/mcp",
        "https://mcp.example.com/mcp?a=1#part, https://mcp.example.com/mcp",
        "HTTPS://MCP.Example.COM/Mcp, https://mcp.example.com/Mcp",
        "https://mcp.example.com:443/mcp, https://mcp.example.com/mcp",
        "http://localhost:80/mcp, http://localhost/mcp",
        "http://localhost:443/mcp, http://localhost:443/mcp",
        "https://localhost:80/mcp, https://localhost:80/mcp",
        "http://127.0.0.1:3000/token, http://127.0.0.1:3000/token",
        "https://as.example, https://as.example/",
        "https://as.example?x=1, https://as.example/",
        "https://as.example/, https://as.example/",
        "https://as.example/mcp/, https://as.example/mcp/",
        "https://user:pw@as.example/token, https://as.example/token",
        "https://as.example/a%2Fb/c%20d, https://as.example/a%2Fb/c%20d",
        "http://[::1]:8080/mcp, http://[::1]:8080/mcp",
    })
    void theHtuIsTheTargetUriWithoutQueryOrFragmentNormalised(String uri, String htu) {
        assertThat(Htu.of(URI.create(uri))).isEqualTo(htu);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mailto:a@b.example", "/relative/path", "ftp://as.example/x", "urn:ietf:x"})
    void aUriThatIsNotAnAbsoluteHttpUriIsRefused(String uri) {
        assertThatThrownBy(() -> Htu.of(URI.create(uri))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "HTTPS://AS.example:443/token?x, https://as.example",
        "http://as.example:8080/a/b, http://as.example:8080",
    })
    void theOriginIsNormalisedTheSameWay(String uri, String origin) {
        assertThat(Htu.origin(URI.create(uri))).isEqualTo(origin);
    }
}
