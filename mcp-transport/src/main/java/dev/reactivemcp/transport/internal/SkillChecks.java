package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed;
import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed.Check;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Verification of skill content against its entry (SEP-2640 "Integrity and verification"): the byte length against
 * {@code size}, the SHA-256 of the raw bytes against {@code digest}, the {@code SKILL.md} frontmatter against the
 * entry's {@code frontmatter}. Every refusal is an {@link McpException} carrying {@link SkillVerificationFailed};
 * messages never quote the content.
 */
public final class SkillChecks {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private SkillChecks() { }

    /**
     * The raw bytes of {@code fileUri} in a {@code resources/read} result: the content item with that URI (or the
     * only item), its {@code text} as UTF-8 or its base64 {@code blob} decoded.
     */
    public static byte[] contentBytes(String skillUri, String fileUri, List<Map<String, Object>> contents) {
        Map<String, Object> item = contents.stream().filter(c -> fileUri.equals(Json.string(c, "uri"))).findFirst()
                .orElse(contents.size() == 1 ? contents.get(0) : null);
        if (item == null) {
            throw refuse(skillUri, fileUri, Check.UNVERIFIABLE, "the server returned no content for the file");
        }
        String text = Json.string(item, "text");
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        String blob = Json.string(item, "blob");
        if (blob != null) {
            try {
                return Base64.getDecoder().decode(blob);
            } catch (IllegalArgumentException e) {
                throw refuse(skillUri, fileUri, Check.UNVERIFIABLE, "the blob is not valid base64");
            }
        }
        throw refuse(skillUri, fileUri, Check.UNVERIFIABLE, "the content has neither text nor blob");
    }

    /** Refuses when the entry gives no well-formed digest for the file; call before reading it. */
    public static void requireDigest(String skillUri, String fileUri, String digest) {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw refuse(skillUri, fileUri, Check.UNVERIFIABLE,
                    "the entry gives no sha256:<64 lowercase hex> digest for the file");
        }
    }

    /** Refuses unless {@code bytes} have {@code size} (when given) and {@code digest}. */
    public static void verify(String skillUri, String fileUri, String digest, Long size, byte[] bytes) {
        requireDigest(skillUri, fileUri, digest);
        if (size != null && size != bytes.length) {
            throw refuse(skillUri, fileUri, Check.SIZE, "listed " + size + " bytes, read " + bytes.length);
        }
        byte[] expected = HexFormat.of().parseHex(digest.substring("sha256:".length()));
        if (!MessageDigest.isEqual(expected, sha256(bytes))) {
            throw refuse(skillUri, fileUri, Check.DIGEST, "the SHA-256 of the content differs from the listed digest");
        }
    }

    /** Refuses unless the frontmatter of {@code skillMd} equals {@code entryFrontmatter} field by field. */
    public static void verifyFrontmatter(String skillUri, byte[] skillMd, Map<String, Object> entryFrontmatter) {
        Map<String, Object> file;
        try {
            file = FrontMatter.parse(new String(skillMd, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw refuse(skillUri, skillUri, Check.FRONTMATTER, e.getMessage());
        }
        List<String> fields = FrontMatter.differences(file, entryFrontmatter);
        if (!fields.isEmpty()) {
            throw refuse(skillUri, skillUri, Check.FRONTMATTER, "fields differ from the entry: " + fields);
        }
    }

    /** The refusal for {@code fileUri} of skill {@code skillUri}. */
    public static McpException refuse(String skillUri, String fileUri, Check check, String detail) {
        SkillVerificationFailed failure = new SkillVerificationFailed(skillUri, fileUri, check, detail);
        return new McpException(failure, failure.describe(), null);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
