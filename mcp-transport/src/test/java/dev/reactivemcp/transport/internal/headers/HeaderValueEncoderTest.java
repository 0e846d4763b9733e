package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HeaderValueEncoderTest {

    @ParameterizedTest
    @ValueSource(strings = {"us-west1", "us west 1", "my-hyphenated-tool", "file:///path/to/file%20name.txt",
            "https://example.com/resource?id=123", "a", "~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}", "=?base64?x",
            "base64?x?=", "=?BASE64?SGVsbG8=?="})
    void sendsHeaderSafeValuesAsTheyAre(String value) {
        assertThat(HeaderValueEncoder.isPlainSafe(value)).isTrue();
        assertThat(HeaderValueEncoder.encode(value)).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "Hello, 世界          | SGVsbG8sIOS4lueVjA==",
        "' padded '          | IHBhZGRlZCA=",
        "' us-west1'         | IHVzLXdlc3Qx",
        "'us-west1 '         | dXMtd2VzdDEg",
        "' us-west1 '        | IHVzLXdlc3QxIA==",
        "日本語               | 5pel5pys6Kqe",
        "=?base64?literal?=  | PT9iYXNlNjQ/bGl0ZXJhbD89",
    })
    void encodesTheSpecExamplesAsBase64(String value, String base64) {
        assertThat(HeaderValueEncoder.encode(value)).isEqualTo("=?base64?" + base64 + "?=");
    }

    @Test
    void encodesControlCharactersAsBase64() {
        assertThat(HeaderValueEncoder.encode("line1\nline2")).isEqualTo("=?base64?bGluZTEKbGluZTI=?=");
        assertThat(HeaderValueEncoder.encode("line1\r\nline2")).isEqualTo("=?base64?bGluZTENCmxpbmUy?=");
        assertThat(HeaderValueEncoder.encode("\tindented")).isEqualTo("=?base64?CWluZGVudGVk?=");
        assertThat(HeaderValueEncoder.encode("nul\u0000")).startsWith("=?base64?");
        assertThat(HeaderValueEncoder.encode("del\u007f")).startsWith("=?base64?");
    }

    @Test
    void encodesATabInsideAValueBecauseTheRefereeRequiresBase64ForAnyTab() {
        assertThat(HeaderValueEncoder.isPlainSafe("a\tb")).isFalse();
        assertThat(HeaderValueEncoder.decode(HeaderValueEncoder.encode("a\tb"))).isEqualTo("a\tb");
    }

    @Test
    void encodesTheEmptyStringAsBase64SoStacksThatDropEmptyHeadersCannotLoseIt() {
        assertThat(HeaderValueEncoder.isPlainSafe("")).isFalse();
        assertThat(HeaderValueEncoder.encode("")).isEqualTo("=?base64??=");
        assertThat(HeaderValueEncoder.decode("=?base64??=")).isEmpty();
    }

    @Test
    void encodesAnOverlappingSentinelShapeToo() {
        assertThat(HeaderValueEncoder.encode("=?base64?=")).isEqualTo("=?base64?PT9iYXNlNjQ/PQ==?=");
    }

    @Test
    void encodesALoneSurrogateAsTheReplacementCharacterLikeTextEncoder() {
        assertThat(HeaderValueEncoder.decode(HeaderValueEncoder.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
        assertThat(HeaderValueEncoder.decode(HeaderValueEncoder.encode("\uDC00"))).isEqualTo("\uFFFD");
        assertThat(HeaderValueEncoder.decode(HeaderValueEncoder.encode("\uD83D\uDE00\uD83D")))
                .isEqualTo("\uD83D\uDE00\uFFFD");
    }

    @Test
    void decodesPlainValuesAsTheyAre() {
        assertThat(HeaderValueEncoder.decode("us west 1")).isEqualTo("us west 1");
        assertThat(HeaderValueEncoder.decode("=?BASE64?SGVsbG8=?=")).isEqualTo("=?BASE64?SGVsbG8=?=");
        assertThat(HeaderValueEncoder.decode("SGVsbG8=")).isEqualTo("SGVsbG8=");
        assertThat(HeaderValueEncoder.decode("=?base64?SGVsbG8=")).isEqualTo("=?base64?SGVsbG8=");
    }

    @Test
    void decodesTheSentinelForm() {
        assertThat(HeaderValueEncoder.decode("=?base64?SGVsbG8=?=")).isEqualTo("Hello");
        assertThat(HeaderValueEncoder.decode("=?base64?SGVsbG8sIOS4lueVjA==?=")).isEqualTo("Hello, 世界");
    }

    @ParameterizedTest
    @ValueSource(strings = {"=?base64?SGVsbG8?=", "=?base64?SGVs!!!bG8=?=", "=?base64?SGVsbG9=?=", "=?base64?/w==?=",
            "=?base64?SGVs bG8=?="})
    void refusesAMalformedSentinelPayload(String header) {
        assertThatThrownBy(() -> HeaderValueEncoder.decode(header)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload");
    }

    @Test
    void refusesAPlainValueWithCharactersNoHeaderMayCarry() {
        assertThatThrownBy(() -> HeaderValueEncoder.decode("line1\nline2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValueEncoder.decode("Région")).isInstanceOf(IllegalArgumentException.class);
    }
}
