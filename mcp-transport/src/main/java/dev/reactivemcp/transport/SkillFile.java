package dev.reactivemcp.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The content of one skill file that passed verification against its skill entry (SEP-2640 "Integrity and
 * verification"): its bytes have the listed size and SHA-256 digest (and, for {@code SKILL.md}, the listed
 * frontmatter). Only {@link McpSkills} creates one. Immutable.
 *
 * <pre>{@code
 * skills.read(loaded, "references/FORMS.md").map(SkillFile::text).subscribe(System.out::println);
 * }</pre>
 */
public final class SkillFile {

    private final String uri;
    private final String mimeType;
    private final byte[] bytes;

    SkillFile(String uri, String mimeType, byte[] bytes) {
        this.uri = uri;
        this.mimeType = mimeType;
        this.bytes = bytes.clone();
    }

    /**
     * The resource URI of the file.
     *
     * @return the URI as listed in the skill entry
     */
    public String uri() {
        return uri;
    }

    /**
     * The MIME type the server gave, or null.
     *
     * @return the {@code mimeType} of the resource contents, or {@code null} when the server gave none
     */
    public String mimeType() {
        return mimeType;
    }

    /**
     * A copy of the verified bytes.
     *
     * @return a fresh array on each call
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The verified bytes as UTF-8 text.
     *
     * @return the content decoded as UTF-8 (malformed sequences replaced)
     */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The length in bytes.
     *
     * @return the verified size, equal to the entry's listed {@code size} when it lists one
     */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SkillFile f && uri.equals(f.uri) && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return uri.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SkillFile[" + uri + ", " + bytes.length + " bytes]";
    }
}
