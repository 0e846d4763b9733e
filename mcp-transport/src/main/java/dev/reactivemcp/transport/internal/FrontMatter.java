package dev.reactivemcp.transport.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The YAML frontmatter of a {@code SKILL.md} (Agent Skills specification; SEP-2640 "Frontmatter"): the block
 * between a leading {@code ---} line and the next {@code ---} line, parsed with the YAML 1.2 core schema (no
 * duplicate keys, few aliases, bounded size), and a field-by-field comparison with the JSON an entry carries.
 */
final class FrontMatter {

    /** Longest frontmatter read, in code points. */
    static final int MAX_CODE_POINTS = 64 * 1024;

    private static final Pattern BLOCK = Pattern.compile("\\A---\\r?\\n(.*?)\\r?\\n---[ \\t]*(?:\\r?\\n|\\z)",
            Pattern.DOTALL);

    private FrontMatter() { }

    /**
     * The frontmatter of {@code markdown} as a map with string keys.
     *
     * @throws IllegalArgumentException when there is no frontmatter block, or it is not a YAML mapping
     */
    public static Map<String, Object> parse(String markdown) {
        String text = markdown.startsWith("\uFEFF") ? markdown.substring(1) : markdown;
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("SKILL.md does not begin with a ---delimited YAML frontmatter block");
        }
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(16).setAllowRecursiveKeys(false).setCodePointLimit(MAX_CODE_POINTS)
                .setUseMarks(false).build();
        Object yaml;
        try {
            yaml = new Load(settings).loadFromString(m.group(1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the frontmatter is not valid YAML (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (!(yaml instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the frontmatter is not a YAML mapping");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    /**
     * The names of the top-level fields whose values differ between {@code file} and {@code entry}, an absent field
     * counting as null; numbers compare by value, so {@code 2.0} in YAML equals {@code 2.0} in JSON.
     */
    public static List<String> differences(Map<String, Object> file, Map<String, Object> entry) {
        Set<String> keys = new HashSet<>(file.keySet());
        keys.addAll(entry.keySet());
        return keys.stream().filter(k -> !same(file.get(k), entry.get(k))).sorted().toList();
    }

    static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            BigDecimal dx = decimal(x);
            BigDecimal dy = decimal(y);
            return dx != null && dy != null ? dx.compareTo(dy) == 0 : x.equals(y);
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            Map<String, Object> mx = stringKeys(x);
            Map<String, Object> my = stringKeys(y);
            return mx.size() == x.size() && my.size() == y.size() && differences(mx, my).isEmpty();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> result = new LinkedHashMap<>();
        m.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
