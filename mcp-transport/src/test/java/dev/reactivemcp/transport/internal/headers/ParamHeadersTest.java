package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.internal.headers.Binding.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamHeadersTest {

    private static final Binding STRING = new Binding("S", List.of("s"), Type.STRING);
    private static final Binding INTEGER = new Binding("I", List.of("i"), Type.INTEGER);
    private static final Binding BOOLEAN = new Binding("B", List.of("b"), Type.BOOLEAN);

    @Test
    void mirrorsEachTypeWithItsConversion() {
        Map<String, String> headers = ParamHeaders.paramHeaders(List.of(STRING, INTEGER, BOOLEAN),
                Map.of("s", "us-west1", "i", -7, "b", true));

        assertThat(headers).containsExactly(Map.entry("Mcp-Param-S", "us-west1"), Map.entry("Mcp-Param-I", "-7"),
                Map.entry("Mcp-Param-B", "true"));
    }

    @Test
    void readsTheValueAtTheExactNestedPath() {
        Binding nested = new Binding("Region", List.of("target", "region"), Type.STRING);

        assertThat(ParamHeaders.paramHeaders(List.of(nested), Fixtures.json("""
                {"target":{"region":"eu"},"region":"wrong"}"""))).containsExactly(Map.entry("Mcp-Param-Region", "eu"));
        assertThat(ParamHeaders.paramHeaders(List.of(nested), Fixtures.json("""
                {"target":"eu","region":"wrong"}"""))).isEmpty();
        assertThat(ParamHeaders.paramHeaders(List.of(nested), Fixtures.json("""
                {"target":[{"region":"eu"}]}"""))).isEmpty();
    }

    @Test
    void omitsTheHeaderForANullOrAbsentValueOrNoArguments() {
        Map<String, Object> args = new HashMap<>();
        args.put("s", null);

        assertThat(ParamHeaders.paramHeaders(List.of(STRING, INTEGER), args)).isEmpty();
        assertThat(ParamHeaders.paramHeaders(List.of(STRING), null)).isEmpty();
    }

    @Test
    void writesEveryIntegralNumberFormWithinTheSafeRangeInDecimal() {
        assertThat(ParamHeaders.render(Type.INTEGER, 42)).isEqualTo("42");
        assertThat(ParamHeaders.render(Type.INTEGER, 9_007_199_254_740_991L)).isEqualTo("9007199254740991");
        assertThat(ParamHeaders.render(Type.INTEGER, -9_007_199_254_740_991L)).isEqualTo("-9007199254740991");
        assertThat(ParamHeaders.render(Type.INTEGER, BigInteger.valueOf(-9_007_199_254_740_991L)))
                .isEqualTo("-9007199254740991");
        assertThat(ParamHeaders.render(Type.INTEGER, 42.0d)).isEqualTo("42");
        assertThat(ParamHeaders.render(Type.INTEGER, -0.0d)).isEqualTo("0");
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("42.000"))).isEqualTo("42");
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("1E+2"))).isEqualTo("100");
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("0E-30"))).isEqualTo("0");
    }

    @Test
    void omitsAnIntegerOutsideTheSafeRangeOrWithAFraction() {
        assertThat(ParamHeaders.render(Type.INTEGER, 9_007_199_254_740_992L)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, Long.MIN_VALUE)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, BigInteger.ONE.shiftLeft(53).negate())).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, new BigInteger("123456789012345678901234567890"))).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, 9.007199254740992E15)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, 1e300)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, 3.14159)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, Double.NaN)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, Double.POSITIVE_INFINITY)).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("1.5"))).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("1E+999999999"))).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, new BigDecimal("1E-999999999"))).isNull();
    }

    @Test
    void omitsAValueOfTheWrongJsonTypeForItsBinding() {
        assertThat(ParamHeaders.render(Type.STRING, 42)).isNull();
        assertThat(ParamHeaders.render(Type.STRING, true)).isNull();
        assertThat(ParamHeaders.render(Type.STRING, Map.of())).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, "42")).isNull();
        assertThat(ParamHeaders.render(Type.INTEGER, false)).isNull();
        assertThat(ParamHeaders.render(Type.BOOLEAN, "true")).isNull();
        assertThat(ParamHeaders.render(Type.BOOLEAN, 1)).isNull();
        assertThat(ParamHeaders.render(Type.BOOLEAN, List.of(true))).isNull();
    }

    @Test
    void encodesStringValuesWithTheSharedRule() {
        Map<String, String> headers = ParamHeaders.paramHeaders(List.of(STRING), Map.of("s", "=?base64?x?="));

        assertThat(headers).containsExactly(Map.entry("Mcp-Param-S", "=?base64?PT9iYXNlNjQ/eD89?="));
    }
}
