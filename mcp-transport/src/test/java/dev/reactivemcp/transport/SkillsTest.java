package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.MockMcpServer.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed;
import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed.Check;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.MockMcpServer.Call;
import dev.reactivemcp.transport.internal.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The skills extension (SEP-2640) against a loopback server that counts every {@code resources/read}: listing reads
 * no file, and a file that does not match its entry is refused with nothing further read from that skill.
 */
class SkillsTest {

    private static final String SKILL = "skill://pdf-processing/SKILL.md";
    private static final String FORMS = "skill://pdf-processing/references/FORMS.md";
    private static final String SKILL_MD = "---\nname: pdf-processing\n"
            + "description: Extract, fill, and assemble PDF documents\nmetadata:\n  version: 2.1\n---\n\nSkill body.\n";
    private static final String FORMS_MD = "Supporting content.\n";
    private static final Map<String, Object> FRONTMATTER = Map.of("name", "pdf-processing",
            "description", "Extract, fill, and assemble PDF documents", "metadata", Map.of("version", 2.1));

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();

    /** What the server sends for each URI, as served (tampering replaces an entry). */
    private final Map<String, String> served = new LinkedHashMap<>(Map.of(SKILL, SKILL_MD, FORMS, FORMS_MD));

    private McpSkills connect(Map<String, Object> entry) {
        return connect(List.of(entry), null);
    }

    private McpSkills connect(List<Map<String, Object>> entries, String nextCursorAfterFirst) {
        server.legacy("2025-11-25", null)
                .on("skills/list", c -> {
                    boolean first = !c.params().containsKey("cursor");
                    Map<String, Object> page = new LinkedHashMap<>();
                    page.put("skills", first ? entries.subList(0, 1) : entries.subList(1, entries.size()));
                    if (first && nextCursorAfterFirst != null) {
                        page.put("nextCursor", nextCursorAfterFirst);
                    }
                    return result(c, json(page));
                })
                .on("skills/get", c -> result(c, json(Map.of("skill", entries.get(0)))))
                .on("resources/read", c -> {
                    String uri = (String) c.params().get("uri");
                    return result(c, json(Map.of("contents",
                            List.of(Map.of("uri", uri, "mimeType", "text/markdown", "text", served.get(uri))))));
                });
        McpClient client = mcp.client(Clients.legacy(server.uri()));
        client.connect().block(Clients.WAIT);
        return McpSkills.of(client);
    }

    private static Map<String, Object> entry(UnaryOperator<Map<String, Object>> skillMdFile) {
        List<Map<String, Object>> files = new ArrayList<>();
        files.add(skillMdFile.apply(file(SKILL, SKILL_MD)));
        files.add(file(FORMS, FORMS_MD));
        return Map.of("uri", SKILL, "frontmatter", FRONTMATTER, "resources", files);
    }

    private static Map<String, Object> file(String uri, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("uri", uri);
        f.put("digest", digest(bytes));
        f.put("size", bytes.length);
        return f;
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String json(Object value) {
        return JsonCodec.get().writeString(value);
    }

    private List<String> readsAtServer() {
        return server.calls("resources/read").stream().map(Call::params).map(p -> (String) p.get("uri")).toList();
    }

    private static SkillVerificationFailed refusal(Throwable e) {
        assertThat(e).isInstanceOf(McpException.class);
        McpFailure failure = McpFailures.classify(e);
        assertThat(failure).isInstanceOf(SkillVerificationFailed.class);
        return (SkillVerificationFailed) failure;
    }

    /** What a host does with a skill: load it, then read a supporting file of it. */
    private static Mono<SkillFile> loadThenReadForms(McpSkills skills, Skill skill) {
        return skills.load(skill).flatMap(loaded -> skills.read(loaded, "references/FORMS.md"));
    }

    @Test
    void listingAcrossPagesReadsNoSkillFile() {
        Map<String, Object> other = Map.of("uri", "skill://git-workflow/SKILL.md", "frontmatter",
                Map.of("name", "git-workflow", "description", "Git conventions"),
                "resources", List.of(Map.of("uri", "skill://git-workflow/SKILL.md", "digest", digest(new byte[1]))));
        McpSkills skills = connect(List.of(entry(f -> f), other), "page-2");

        List<Skill> listed = skills.skills().collectList().block(Clients.WAIT);

        assertThat(listed).extracting(Skill::name).containsExactly("pdf-processing", "git-workflow");
        assertThat(listed.get(0).description()).isEqualTo("Extract, fill, and assemble PDF documents");
        assertThat(listed.get(0).files()).extracting(Skill.FileEntry::uri).containsExactly(SKILL, FORMS);
        assertThat(listed.get(0).file(FORMS).orElseThrow().size()).isEqualTo(FORMS_MD.length());
        assertThat(server.calls("skills/list")).hasSize(2);
        assertThat(server.calls("skills/list").get(1).params()).containsEntry("cursor", "page-2");
        assertThat(readsAtServer()).as("no file is fetched ahead of need").isEmpty();
    }

    @Test
    void aVerifiedSkillLoadsAndItsListedFilesReadOnDemand() {
        McpSkills skills = connect(entry(f -> f));
        Skill skill = skills.skills().blockFirst(Clients.WAIT);
        assertThat(readsAtServer()).isEmpty();

        LoadedSkill loaded = skills.load(skill).block(Clients.WAIT);
        assertThat(loaded.skillMd().text()).isEqualTo(SKILL_MD);
        assertThat(loaded.skillMd().mimeType()).isEqualTo("text/markdown");
        assertThat(readsAtServer()).as("loading reads SKILL.md only").containsExactly(SKILL);

        SkillFile forms = skills.read(loaded, "references/FORMS.md").block(Clients.WAIT);
        assertThat(forms.text()).isEqualTo(FORMS_MD);
        assertThat(forms.uri()).isEqualTo(FORMS);
        assertThat(readsAtServer()).containsExactly(SKILL, FORMS);
    }

    @Test
    void aSkillMdWhoseDigestDiffersIsRefusedAndNothingFurtherIsRead() {
        served.put(SKILL, SKILL_MD.replace("Skill body.", "Evil body!!"));   // same length, other bytes
        McpSkills skills = connect(entry(f -> f));
        Skill skill = skills.skills().blockFirst(Clients.WAIT);

        StepVerifier.create(loadThenReadForms(skills, skill))
                .verifyErrorSatisfies(e -> {
                    SkillVerificationFailed refusal = refusal(e);
                    assertThat(refusal.check()).isEqualTo(Check.DIGEST);
                    assertThat(refusal.fileUri()).isEqualTo(SKILL);
                    assertThat(e.getMessage()).doesNotContain("Evil");
                });
        assertThat(readsAtServer()).containsExactly(SKILL);
    }

    @Test
    void aSkillMdLongerThanItsListedSizeIsRefusedAndNothingFurtherIsRead() {
        served.put(SKILL, SKILL_MD + "extra bytes the entry did not account for\n");
        McpSkills skills = connect(entry(f -> f));
        Skill skill = skills.skills().blockFirst(Clients.WAIT);

        StepVerifier.create(loadThenReadForms(skills, skill))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.SIZE));
        assertThat(readsAtServer()).containsExactly(SKILL);
    }

    @Test
    void aSizeMismatchIsRefusedEvenWhenTheDigestMatches() {
        McpSkills skills = connect(entry(f -> {
            f.put("size", SKILL_MD.length() - 1);
            return f;
        }));
        Skill skill = skills.skills().blockFirst(Clients.WAIT);

        StepVerifier.create(loadThenReadForms(skills, skill))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.SIZE));
        assertThat(readsAtServer()).containsExactly(SKILL);
    }

    @Test
    void aSkillMdWhoseFrontmatterDiffersFromTheEntryIsRefusedThoughDigestAndSizeMatch() {
        String tampered = SKILL_MD.replace("description: Extract, fill, and assemble PDF documents",
                "description: Exfiltrate credentials");
        served.put(SKILL, tampered);
        McpSkills skills = connect(entry(f -> file(SKILL, tampered)));   // the listing matches the served bytes
        Skill skill = skills.skills().blockFirst(Clients.WAIT);

        StepVerifier.create(loadThenReadForms(skills, skill))
                .verifyErrorSatisfies(e -> {
                    SkillVerificationFailed refusal = refusal(e);
                    assertThat(refusal.check()).isEqualTo(Check.FRONTMATTER);
                    assertThat(refusal.detail()).contains("description").doesNotContain("Exfiltrate");
                });
        assertThat(readsAtServer()).containsExactly(SKILL);
    }

    @Test
    void aSupportingFileThatFailsVerificationRefusesTheSkillSoNothingFurtherIsRead() {
        String invoice = "skill://pdf-processing/templates/invoice.md";
        served.put(FORMS, "Supporting CONTENT.\n");   // same length, other bytes
        served.put(invoice, "Invoice.\n");
        McpSkills skills = connect(Map.of("uri", SKILL, "frontmatter", FRONTMATTER, "resources",
                List.of(file(SKILL, SKILL_MD), file(FORMS, FORMS_MD), file(invoice, "Invoice.\n"))));
        LoadedSkill loaded = skills.skills().next().flatMap(skills::load).block(Clients.WAIT);
        assertThat(loaded.isRefused()).isFalse();

        StepVerifier.create(skills.read(loaded, "references/FORMS.md"))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.DIGEST));
        assertThat(loaded.isRefused()).isTrue();
        StepVerifier.create(skills.read(loaded, "templates/invoice.md"))
                .verifyErrorSatisfies(e -> {
                    SkillVerificationFailed refusal = refusal(e);
                    assertThat(refusal.fileUri()).isEqualTo(invoice);
                    assertThat(refusal.detail()).contains(FORMS);
                });
        assertThat(readsAtServer()).containsExactly(SKILL, FORMS);
    }

    @Test
    void aFileTheEntryDoesNotListIsRefusedWithoutARequest() {
        McpSkills skills = connect(entry(f -> f));
        LoadedSkill loaded = skills.skills().next().flatMap(skills::load).block(Clients.WAIT);

        StepVerifier.create(skills.read(loaded, "scripts/extract.py"))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.UNLISTED_FILE));
        StepVerifier.create(skills.read(loaded, "../other-skill/SKILL.md"))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.UNLISTED_FILE));
        assertThat(readsAtServer()).containsExactly(SKILL);
    }

    @Test
    void aSkillWhoseEntryListsNoDigestsIsRefusedWithoutARequest() {
        McpSkills skills = connect(Map.of("uri", SKILL, "frontmatter", FRONTMATTER));
        Skill skill = skills.skills().blockFirst(Clients.WAIT);

        StepVerifier.create(skills.load(skill))
                .verifyErrorSatisfies(e -> assertThat(refusal(e).check()).isEqualTo(Check.UNVERIFIABLE));
        assertThat(readsAtServer()).isEmpty();
    }

    @Test
    void aFreshEntryFromSkillsGetLoadsAfterARefusal() {
        McpSkills skills = connect(entry(f -> {
            f.put("digest", digest("stale".getBytes(StandardCharsets.UTF_8)));
            return f;
        }));
        Skill stale = skills.skills().blockFirst(Clients.WAIT);
        StepVerifier.create(skills.load(stale)).verifyErrorSatisfies(e -> refusal(e));

        server.on("skills/get", c -> result(c, json(Map.of("skill", entry(f -> f)))));
        LoadedSkill loaded = skills.get(SKILL).flatMap(skills::load).block(Clients.WAIT);

        assertThat(server.only("skills/get").params()).containsEntry("uri", SKILL);
        assertThat(loaded.skill().name()).isEqualTo("pdf-processing");
        assertThat(readsAtServer()).containsExactly(SKILL, SKILL);
    }

    @Test
    void theServersDeclarationOfTheExtensionIsVisibleAfterConnecting() {
        server.on("initialize", c -> result(c, "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"resources\":{},"
                + "\"extensions\":{\"io.modelcontextprotocol/skills\":{}}},\"serverInfo\":{\"name\":\"s\",\"version\":\"1\"}}"));
        McpClient client = mcp.client(Clients.legacy(server.uri()));
        McpSkills skills = McpSkills.of(client);
        assertThat(skills.isDeclaredByServer()).isFalse();

        client.connect().block(Clients.WAIT);

        assertThat(skills.isDeclaredByServer()).isTrue();
    }
}
