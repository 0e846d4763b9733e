package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A skill entry of {@code skills/list} or {@code skills/get} (the skills extension, SEP-2640
 * "Enumeration via skills/list"): the URI of its {@code SKILL.md}, its frontmatter as JSON, and the files it is made
 * of with their digests. An entry is a promise about content: {@link McpSkills#load(Skill)} checks the content
 * against it. Building an entry reads no file.
 *
 * <pre>{@code
 * skills.skills().map(skill -> skill.name() + ": " + skill.description()).subscribe(System.out::println);
 * }</pre>
 *
 * @param uri         the resource URI of the skill's {@code SKILL.md}, exactly as sent
 * @param frontmatter the {@code SKILL.md} YAML frontmatter rendered as JSON (free-form values), possibly empty
 * @param files       the skill's files ({@code resources}), empty when the server listed none
 * @param json        the whole entry as sent
 */
public record Skill(String uri, Map<String, Object> frontmatter, List<FileEntry> files, Map<String, Object> json) {

    /** Makes the collections unmodifiable. */
    public Skill {
        frontmatter = frontmatter == null ? Map.of() : Collections.unmodifiableMap(frontmatter);
        files = files == null ? List.of() : List.copyOf(files);
        json = json == null ? Map.of() : Collections.unmodifiableMap(json);
    }

    /** From wire JSON of one entry. */
    public static Skill fromJson(Map<String, Object> json) {
        List<FileEntry> files = new ArrayList<>();
        for (Map<String, Object> f : Json.objects(json, "resources")) {
            Number size = Json.number(f, "size");
            files.add(new FileEntry(Json.string(f, "uri"), Json.string(f, "digest"),
                    size == null ? null : size.longValue()));
        }
        return new Skill(Json.string(json, "uri"), Json.objectOrEmpty(json, "frontmatter"), files, json);
    }

    /** The frontmatter {@code name}, or null. */
    public String name() {
        return Json.string(frontmatter, "name");
    }

    /** The frontmatter {@code description}, or null. */
    public String description() {
        return Json.string(frontmatter, "description");
    }

    /** The listed file at exactly {@code fileUri}, if any. */
    public Optional<FileEntry> file(String fileUri) {
        return files.stream().filter(f -> f.uri() != null && f.uri().equals(fileUri)).findFirst();
    }

    /**
     * One file of a skill as its entry lists it.
     *
     * @param uri    the resource URI of the file
     * @param digest the SHA-256 digest of its raw bytes, {@code sha256:} and 64 lowercase hex digits
     * @param size   its length in bytes, or null when the entry gives none
     */
    public record FileEntry(String uri, String digest, Long size) { }
}
