package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed;
import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed.Check;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.SkillChecks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Skills served over MCP: the client side of the skills extension {@code io.modelcontextprotocol/skills}
 * (SEP-2640, "Skills Extension"). Listing reads entries only, never a skill's files; {@link #load(Skill)} reads the
 * {@code SKILL.md} and {@link #read(LoadedSkill, String)} a supporting file at the moment they are needed, and each
 * read is verified against the entry before the content is handed out: its byte size, its SHA-256 digest and, for
 * {@code SKILL.md}, its YAML frontmatter field by field. On any mismatch the call fails with an
 * {@link dev.reactivemcp.errors.McpException} whose failure is
 * {@link dev.reactivemcp.errors.McpFailure.SkillVerificationFailed} and nothing further is read from that skill: a
 * skill that failed to load yields no {@link LoadedSkill}, the only handle its files can be read through, and a loaded
 * skill one of whose files failed refuses every further read without a request. To recover
 * from a stale listing, fetch a fresh entry with {@link #get(String)} and load that.
 *
 * <pre>{@code
 * McpSkills skills = McpSkills.of(client);
 * client.connect()
 *     .thenMany(skills.skills())                       // skills/list: entries only, no file is read
 *     .filter(skill -> skill.name().equals("pdf-processing"))
 *     .next()
 *     .flatMap(skills::load)                           // reads and verifies SKILL.md
 *     .flatMap(loaded -> skills.read(loaded, "references/FORMS.md"))
 *     .onErrorResume(McpFailures.is(McpFailure.SkillVerificationFailed.class),
 *         e -> Mono.empty())                          // tampered or stale: not used
 *     .subscribe(file -> System.out.println(file.text()));
 * }</pre>
 *
 * <p>A client that wants to declare the extension to the server adds it to its capabilities:
 * {@code builder.capabilities(Map.of("extensions", Map.of(McpSkills.EXTENSION_ID, Map.of())))}. Instances are
 * immutable and thread-safe; they hold no cache, so every load and read goes to the server.
 */
public final class McpSkills {

    /** The extension identifier (SEP-2640). */
    public static final String EXTENSION_ID = "io.modelcontextprotocol/skills";

    private final McpClient client;

    private McpSkills(McpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Skills of the server {@code client} talks to.
     *
     * @param client the client to send {@code skills/*} and {@code resources/read} through; not {@code null}
     * @return a view of the server's skills
     * @throws NullPointerException when {@code client} is {@code null}
     */
    public static McpSkills of(McpClient client) {
        return new McpSkills(client);
    }

    /**
     * Whether the server declared the extension ({@code capabilities.extensions["io.modelcontextprotocol/skills"]});
     * false before {@link McpClient#connect()} completed.
     *
     * @return whether the connected server declared the skills extension
     */
    public boolean isDeclaredByServer() {
        InitializeResult init = client.initializeResult();
        return init != null && Json.objectOrEmpty(init.capabilities(), "extensions").containsKey(EXTENSION_ID);
    }

    /**
     * One page of {@code skills/list}; {@code cursor} null for the first page. Reads no skill file.
     *
     * @param cursor the {@link Page#nextCursor()} of the previous page, or {@code null} for the first page
     * @return the page of entries; fails with an {@code McpException} (a server without the extension answers
     *         with a JSON-RPC error)
     */
    public Mono<Page<Skill>> list(String cursor) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return client.request("skills/list", params, Map.class).map(McpSkills::page);
    }

    /**
     * Every skill entry, following {@code nextCursor} across pages. Reads no skill file.
     *
     * @return the entries of every page in order, fetched a page at a time as demanded
     */
    public Flux<Skill> skills() {
        return list(null)
                .expand(p -> p.nextCursor() == null ? Mono.empty() : list(p.nextCursor()))
                .take(10_000)
                .concatMapIterable(Page::items);
    }

    /**
     * The current entry of the skill whose {@code SKILL.md} is at {@code uri} ({@code skills/get}).
     *
     * @param uri the URI of the skill's {@code SKILL.md}; not {@code null}
     * @return the fresh entry; fails with an {@code McpException}
     * @throws NullPointerException when {@code uri} is {@code null}
     */
    public Mono<Skill> get(String uri) {
        Objects.requireNonNull(uri, "uri");
        return client.request("skills/get", Map.of("uri", uri), Map.class)
                .map(result -> Skill.fromJson(Json.objectOrEmpty(asMap(result), "skill")));
    }

    /**
     * Loads {@code skill}: reads its {@code SKILL.md} ({@code resources/read}) and verifies size, digest and
     * frontmatter against the entry. Refuses before reading when the entry lists no well-formed digest for it.
     *
     * @param skill the entry to load, from {@link #skills()} or {@link #get(String)}; not {@code null}
     * @return the loaded skill, the handle for reading its other files; fails with an {@code McpException} whose
     *         failure is {@link SkillVerificationFailed} when the content is not what the entry promised
     * @throws NullPointerException when {@code skill} is {@code null}
     */
    public Mono<LoadedSkill> load(Skill skill) {
        Objects.requireNonNull(skill, "skill");
        return Mono.defer(() -> {
            Skill.FileEntry entry = listed(skill, skill.uri());
            return fetch(skill, entry).map(file -> {
                SkillChecks.verifyFrontmatter(skill.uri(), file.bytes(), skill.frontmatter());
                return new LoadedSkill(skill, file);
            });
        });
    }

    /**
     * Reads a file of a loaded skill and verifies it against the entry the skill was loaded from. {@code fileUri} is
     * a full URI or a path relative to the skill's root (the directory of its {@code SKILL.md}); a file the entry
     * does not list is refused without a request. After a file of {@code skill} failed verification, every further
     * read of it is refused without a request.
     *
     * @param skill   the loaded skill; not {@code null}
     * @param fileUri the file's full URI, or its path relative to the skill's root; not {@code null}
     * @return the verified file; fails with an {@code McpException} whose failure is
     *         {@link SkillVerificationFailed} when the file is unlisted, unverifiable or differs from the entry
     * @throws NullPointerException when {@code skill} or {@code fileUri} is {@code null}
     */
    public Mono<SkillFile> read(LoadedSkill skill, String fileUri) {
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(fileUri, "fileUri");
        return Mono.defer(() -> {
            Skill entry = skill.skill();
            String uri = resolve(entry.uri(), fileUri);
            SkillVerificationFailed earlier = skill.refusal();
            if (earlier != null) {
                throw SkillChecks.refuse(entry.uri(), uri, earlier.check(),
                        "the skill was refused: " + earlier.fileUri() + " failed verification");
            }
            return fetch(entry, listed(entry, uri)).doOnError(e -> {
                if (McpFailures.classify(e) instanceof SkillVerificationFailed failure) {
                    skill.refuse(failure);
                }
            });
        });
    }

    private Mono<SkillFile> fetch(Skill skill, Skill.FileEntry entry) {
        return client.readResource(entry.uri()).map(result -> {
            byte[] bytes = SkillChecks.contentBytes(skill.uri(), entry.uri(), result.contents());
            SkillChecks.verify(skill.uri(), entry.uri(), entry.digest(), entry.size(), bytes);
            String mimeType = result.contents().stream().filter(c -> entry.uri().equals(Json.string(c, "uri")))
                    .map(c -> Json.string(c, "mimeType")).filter(Objects::nonNull).findFirst().orElse(null);
            return new SkillFile(entry.uri(), mimeType, bytes);
        });
    }

    private static Skill.FileEntry listed(Skill skill, String fileUri) {
        if (skill.uri() == null) {
            throw SkillChecks.refuse(null, fileUri, Check.UNVERIFIABLE, "the entry has no uri");
        }
        Skill.FileEntry entry = skill.file(fileUri).orElseThrow(() -> skill.files().isEmpty()
                ? SkillChecks.refuse(skill.uri(), fileUri, Check.UNVERIFIABLE, "the entry lists no resources")
                : SkillChecks.refuse(skill.uri(), fileUri, Check.UNLISTED_FILE, "not in the entry's resources"));
        SkillChecks.requireDigest(skill.uri(), fileUri, entry.digest());
        return entry;
    }

    /** {@code path} against the skill root (the SKILL.md URI without its last segment), or as is when absolute. */
    static String resolve(String skillUri, String path) {
        if (path.contains("://")) {
            return path;
        }
        String root = skillUri.substring(0, skillUri.lastIndexOf('/') + 1);
        return root + (path.startsWith("/") ? path.substring(1) : path);
    }

    private static Page<Skill> page(Map<?, ?> result) {
        Map<String, Object> json = asMap(result);
        return new Page<>(Json.objects(json, "skills").stream().map(Skill::fromJson).toList(),
                Json.string(json, "nextCursor"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    @Override
    public String toString() {
        return "McpSkills[" + client.endpoint() + "]";
    }
}
