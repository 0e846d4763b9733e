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

    /**
     * Makes the collections unmodifiable.
     *
     * @param uri         the resource URI of the skill's {@code SKILL.md}, or {@code null} when the entry has none
     *                    (such a skill cannot be loaded)
     * @param frontmatter the frontmatter as JSON, or {@code null} for empty; wrapped, not copied
     * @param files       the listed files, or {@code null} for none; copied
     * @param json        the whole entry, or {@code null} for empty; wrapped, not copied
     */
    public Skill {
        frontmatter = frontmatter == null ? Map.of() : Collections.unmodifiableMap(frontmatter);
        files = files == null ? List.of() : List.copyOf(files);
        json = json == null ? Map.of() : Collections.unmodifiableMap(json);
    }

    /**
     * From wire JSON of one entry.
     *
     * @param json one entry of {@code skills/list}, or the {@code skill} of {@code skills/get}; not {@code null}
     * @return the entry; members of the wrong type read as absent
     */
    public static Skill fromJson(Map<String, Object> json) {
        List<FileEntry> files = new ArrayList<>();
        for (Map<String, Object> f : Json.objects(json, "resources")) {
            Number size = Json.number(f, "size");
            files.add(new FileEntry(Json.string(f, "uri"), Json.string(f, "digest"),
                    size == null ? null : size.longValue()));
        }
        return new Skill(Json.string(json, "uri"), Json.objectOrEmpty(json, "frontmatter"), files, json);
    }

    /**
     * The frontmatter {@code name}, or null.
     *
     * @return the skill's name, or {@code null} when the frontmatter has no string {@code name}
     */
    public String name() {
        return Json.string(frontmatter, "name");
    }

    /**
     * The frontmatter {@code description}, or null.
     *
     * @return the skill's description, or {@code null} when the frontmatter has no string {@code description}
     */
    public String description() {
        return Json.string(frontmatter, "description");
    }

    /**
     * The listed file at exactly {@code fileUri}, if any.
     *
     * @param fileUri a full file URI, compared exactly (not resolved against the skill's root)
     * @return the entry's listing of that file, or empty when the entry does not list it
     */
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
