package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WwwAuthenticateTest {

    @Test
    void readsTheOAuthParametersOfABearerChallenge() {
        WwwAuthenticate header = WwwAuthenticate.parse("Bearer realm=\"mcp\", error=\"invalid_token\", "
            + "error_description=\"The access token expired\", scope=\"files:read files:write\", "
            + "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"");

        Challenge bearer = header.oauthChallenge().orElseThrow();
        assertThat(header.isWellFormed()).isTrue();
        assertThat(bearer.scheme()).isEqualTo("Bearer");
        assertThat(bearer.error()).contains("invalid_token");
        assertThat(bearer.errorDescription()).contains("The access token expired");
        assertThat(bearer.scopes()).containsExactly("files:read", "files:write");
        assertThat(bearer.resourceMetadata())
            .contains("https://mcp.example.com/.well-known/oauth-protected-resource");
    }

    @Test
    void readsSeveralChallengesFromOneHeaderLine() {
        WwwAuthenticate header = WwwAuthenticate.parse(
            "Basic realm=\"simple\", Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Bearer");

        assertThat(header.challenges()).extracting(Challenge::scheme).containsExactly("Basic", "Newauth", "Bearer");
        assertThat(header.challenges().get(1).params())
            .containsExactly(Map.entry("realm", "apps"), Map.entry("type", "1"), Map.entry("title", "Login to \"apps\""));
        assertThat(header.isWellFormed()).isTrue();
    }

    @Test
    void readsChallengesAcrossHeaderLinesInOrder() {
        WwwAuthenticate header = WwwAuthenticate.parse(List.of("Basic realm=\"a\"", "DPoP algs=\"ES256 PS256\""));

        assertThat(header.challenges()).extracting(Challenge::scheme).containsExactly("Basic", "DPoP");
        assertThat(header.find("dpop").flatMap(c -> c.param("ALGS"))).contains("ES256 PS256");
    }

    @Test
    void keepsCommasEqualsSignsAndEscapedQuotesInsideQuotedStrings() {
        WwwAuthenticate header = WwwAuthenticate.parse(
            "Bearer realm=\"a, b=c\", error_description=\"say \\\"hi\\\", then \\\\ leave\", Basic realm=\"x\"");

        Challenge bearer = header.challenges().get(0);
        assertThat(bearer.param("realm")).contains("a, b=c");
        assertThat(bearer.errorDescription()).contains("say \"hi\", then \\ leave");
        assertThat(header.challenges()).hasSize(2);
    }

    @Test
    void readsToken68CredentialsWithAndWithoutPadding() {
        WwwAuthenticate header = WwwAuthenticate.parse("Negotiate YIIB+/x==, Other abc, Basic realm=\"x\"");

        assertThat(header.challenges()).extracting(Challenge::token68).containsExactly("YIIB+/x==", "abc", null);
        assertThat(header.isWellFormed()).isTrue();
    }

    @Test
    void comparesSchemeAndParameterNamesCaseInsensitively() {
        Challenge challenge = WwwAuthenticate.parse("bEaReR ERROR=\"invalid_token\", Scope=x").challenges().get(0);

        assertThat(challenge.isScheme("Bearer")).isTrue();
        assertThat(challenge.params()).containsOnlyKeys("error", "scope");
        assertThat(challenge.param("Error")).contains("invalid_token");
        assertThat(WwwAuthenticate.parse("bearer error=invalid_token").oauthChallenge()).isPresent();
    }

    @Test
    void acceptsTokenValuesWhitespaceAroundEqualsAndEmptyListElements() {
        WwwAuthenticate header = WwwAuthenticate.parse(" , ,Bearer error = invalid_token ,\tscope=\"a b\" ,, ");

        assertThat(header.isWellFormed()).isTrue();
        assertThat(header.challenges()).singleElement().satisfies(c -> {
            assertThat(c.error()).contains("invalid_token");
            assertThat(c.scopes()).containsExactly("a", "b");
        });
    }

    @Test
    void splitsScopesOnSpacesDroppingBlanksAndDuplicates() {
        Challenge challenge = Challenge.of("Bearer", Map.of("scope", "  read  write read "));

        assertThat(challenge.scopes()).containsExactly("read", "write");
    }

    @Test
    void reportsAMalformedPartAndKeepsTheWellFormedChallengesAroundIt() {
        WwwAuthenticate header = WwwAuthenticate.parse(List.of(
            "Bearer realm=\"x\", =oops, error=\"invalid_token\"", "Basic realm=\"unterminated", "DPoP algs=ES256"));

        assertThat(header.isWellFormed()).isFalse();
        assertThat(header.problems()).hasSize(2);
        assertThat(header.challenges()).extracting(Challenge::scheme).containsExactly("Bearer", "Basic", "DPoP");
        assertThat(header.challenges().get(0).error()).contains("invalid_token");
    }

    @Test
    void keepsTheFirstOfDuplicateParametersAndReportsTheSecond() {
        WwwAuthenticate header = WwwAuthenticate.parse("Bearer error=\"invalid_token\", ERROR=\"other\"");

        assertThat(header.challenges().get(0).error()).contains("invalid_token");
        assertThat(header.problems()).singleElement().asString().contains("duplicate");
    }

    @Test
    void refusesAnAuthParamAfterAToken68() {
        WwwAuthenticate header = WwwAuthenticate.parse("Negotiate abc==, realm=\"x\"");

        assertThat(header.challenges()).singleElement().extracting(Challenge::token68).isEqualTo("abc==");
        assertThat(header.problems()).singleElement().asString().contains("after a token68");
    }

    @Test
    void skipsAnOversizedHeaderValueWithoutReadingIt() {
        String huge = "Bearer realm=\"" + "x".repeat(20_000) + "\"";

        WwwAuthenticate header = WwwAuthenticate.parse(List.of(huge, "Basic realm=\"ok\""));

        assertThat(header.challenges()).extracting(Challenge::scheme).containsExactly("Basic");
        assertThat(header.problems()).singleElement().asString().contains("longer than");
    }

    @Test
    void problemsNameThePositionButNeverEchoTheHeaderText() {
        WwwAuthenticate header = WwwAuthenticate.parse("Bearer \u0001secretvalue");

        assertThat(header.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain("secretvalue"));
    }

    @Test
    void prefersABearerOrDpopChallengeThatCarriesAnError() {
        WwwAuthenticate header = WwwAuthenticate.parse(
            "Basic realm=\"x\", Bearer realm=\"mcp\", DPoP error=\"invalid_token\", algs=\"ES256\"");

        assertThat(header.oauthChallenge()).map(Challenge::scheme).contains("DPoP");
        assertThat(WwwAuthenticate.parse("Basic realm=\"x\", Bearer realm=\"mcp\"").oauthChallenge())
            .map(Challenge::scheme).contains("Bearer");
        assertThat(WwwAuthenticate.parse("Basic realm=\"x\"").oauthChallenge()).isEmpty();
    }

    @Test
    void nullOrEmptyHeaderListsParseToNoChallenges() {
        assertThat(WwwAuthenticate.parse((List<String>) null)).isEqualTo(WwwAuthenticate.EMPTY);
        assertThat(WwwAuthenticate.parse(java.util.Arrays.asList((String) null, ""))).satisfies(h -> {
            assertThat(h.challenges()).isEmpty();
            assertThat(h.isWellFormed()).isTrue();
        });
    }

    @Test
    void rendersValuesQuotedWithEscapes() {
        Challenge challenge = Challenge.of("Bearer", Map.of("error_description", "a \"b\" \\ c"));

        assertThat(challenge.toHeaderValue()).isEqualTo("Bearer error_description=\"a \\\"b\\\" \\\\ c\"");
        assertThat(new Challenge("Negotiate", Map.of(), "abc=").toHeaderValue()).isEqualTo("Negotiate abc=");
    }

    @Test
    void aChallengeRefusesAnInvalidSchemeOrToken68MixedWithParams() {
        assertThatThrownBy(() -> Challenge.of("Bad Scheme", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Challenge("Basic", Map.of("realm", "x"), "abc"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Challenge("Basic", Map.of(), "=abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
