package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SKILL.md frontmatter: found, parsed as YAML 1.2 core schema, compared with the entry's JSON by value. */
class FrontMatterTest {

    @Test
    void parsesTheLeadingBlockWithNestedMapsListsAndBlockScalars() {
        String md = "\uFEFF---\r\nname: refunds\r\ndescription: >\r\n  Process customer\r\n  refunds\r\n"
                + "license: 'Apache-2.0'\r\nmetadata:\r\n  version: 2.1\r\n  tags: [billing, \"support\"]\r\n---\r\n# Body\n";

        Map<String, Object> fm = FrontMatter.parse(md);

        assertThat(fm).containsEntry("name", "refunds").containsEntry("description", "Process customer refunds\n")
                .containsEntry("license", "Apache-2.0");
        Map<String, Object> entry = Map.of("name", "refunds", "description", "Process customer refunds\n",
                "license", "Apache-2.0", "metadata", Map.of("version", 2.1, "tags", List.of("billing", "support")));
        assertThat(FrontMatter.differences(fm, entry)).isEmpty();
    }

    @Test
    void numbersCompareByValueAndAnAbsentFieldEqualsNull() {
        Map<String, Object> file = FrontMatter.parse("---\nname: a\nversion: 2\nratio: 0.50\nnote: null\n---\n");

        assertThat(FrontMatter.differences(file, Map.of("name", "a", "version", 2L, "ratio", 0.5))).isEmpty();
        assertThat(FrontMatter.differences(file, Map.of("name", "a", "version", "2", "ratio", 0.5)))
                .containsExactly("version");
    }

    @Test
    void namesEveryFieldThatDiffersIncludingOnesOnlyOneSideHas() {
        Map<String, Object> file = FrontMatter.parse("---\nname: a\ndescription: x\nallowed-tools: Bash\n---\n");

        assertThat(FrontMatter.differences(file, Map.of("name", "a", "description", "y", "license", "MIT")))
                .containsExactly("allowed-tools", "description", "license");
    }

    @Test
    void nestedMapsMustMatchKeyForKey() {
        Map<String, Object> file = FrontMatter.parse("---\nname: a\nmetadata:\n  version: '1'\n  owner: x\n---\n");

        assertThat(FrontMatter.differences(file, Map.of("name", "a", "metadata", Map.of("version", "1"))))
                .containsExactly("metadata");
    }

    @Test
    void refusesMarkdownWithoutALeadingFrontmatterBlock() {
        assertThatThrownBy(() -> FrontMatter.parse("# Title\n---\nname: a\n---\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frontmatter");
        assertThatThrownBy(() -> FrontMatter.parse("---\nname: a\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesDuplicateKeysAndNonMappingFrontmatter() {
        assertThatThrownBy(() -> FrontMatter.parse("---\nname: a\nname: b\n---\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> FrontMatter.parse("---\n- a\n- b\n---\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mapping");
    }

    @Test
    void refusesAnAliasBombInsteadOfExpandingIt() {
        StringBuilder yaml = new StringBuilder("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 30; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("---\n");

        assertThatThrownBy(() -> FrontMatter.parse(yaml.toString())).isInstanceOf(IllegalArgumentException.class);
    }
}
