package dev.reactivemcp.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles, with the imports it shows and nothing added (see
 * {@link ReadmeSnippets} for how a fragment becomes a method). A failure names the README line.
 */
class ReadmeSnippetsCompileTest {

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetOfTheReadmeCompilesAsWritten() {
        List<ReadmeSnippets.Snippet> snippets = ReadmeSnippets.parse(ReadmeSnippets.readme());
        return snippets.stream().map(snippet -> DynamicTest.dynamicTest(
                "snippet " + snippet.number() + " (README.md:" + snippet.firstLine() + ", " + snippet.heading() + ")",
                () -> {
                    SnippetCompiler.Result result = SnippetCompiler.compile(snippet.unit(), work);
                    assertThat(result.errors()).as("compiler errors of\n%s", snippet.text()).isEmpty();
                }));
    }

    @Test
    void theReadmeShowsItsCodeWithImports() {
        List<ReadmeSnippets.Snippet> snippets = ReadmeSnippets.parse(ReadmeSnippets.readme());
        assertThat(snippets).as("java blocks in the README").hasSizeGreaterThanOrEqualTo(9);
        assertThat(snippets).allSatisfy(s -> assertThat(s.text()).as("snippet at README.md:%d", s.firstLine())
                .containsPattern("(?m)^import "));
    }

    @Test
    void aSnippetThatDoesNotCompileIsReportedAtItsReadmeLine() throws IOException {
        Path markdown = work.resolve("BROKEN.md");
        Files.writeString(markdown, String.join("\n",
                "# Broken", "", "```java", "import java.time.Duration;", "", "// given: String name",
                "Duration d = Duration.ofSeconds(1);", "log.info(\"{}\", name);", "```", ""));
        ReadmeSnippets.Snippet snippet = ReadmeSnippets.parse(markdown).get(0);

        SnippetCompiler.Result result = SnippetCompiler.compile(snippet.unit(), work);

        assertThat(result.errors()).singleElement().asString().startsWith("README.md:8: ").contains("log");
    }

    @Test
    void aFragmentBecomesAMethodOfItsGivenNamesReturningItsVariables() {
        Path markdown = ReadmeSnippets.readme().resolveSibling("README.md");
        ReadmeSnippets.Snippet snippet = new ReadmeSnippets.Snippet(99, 10, "Test", List.of(
                "import java.util.Map;", "", "// given: Map<String, Object> args, int n",
                "String text = args.toString();", "Integer twice = n * 2;"));

        ReadmeSnippets.Unit unit = snippet.unit();

        assertThat(markdown).exists();
        assertThat(snippet.given()).containsExactly("Map<String, Object> args", "int n");
        assertThat(unit.source()).startsWith("import java.util.Map;\nfinal class ReadmeSnippet99 {\n")
                .contains("static java.util.Map<String, Object> run(Map<String, Object> args, int n) throws Exception {")
                .contains("locals$.put(\"text\", text);").contains("locals$.put(\"twice\", twice);");
        assertThat(unit.readmeLine(1)).isEqualTo(10);
        assertThat(unit.readmeLine(5)).isEqualTo(12 + 1);
    }
}
