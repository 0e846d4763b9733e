package dev.reactivemcp.examples.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ```java} blocks of the README, turned into Java compilation units.
 *
 * <p>Two kinds of snippet, told apart by their text:
 * <ul>
 *   <li><b>a whole unit</b>: it declares a top-level type (a line starting with {@code class}, {@code record},
 *       {@code interface}, {@code enum}, optionally after {@code public} / {@code final}); compiled as written;
 *   <li><b>a fragment</b>: statements, after the imports they need. The imports are kept at the top; a
 *       {@code // given: Type name, Type name} line names what the statements assume (an already built client,
 *       a caught error, ...) and becomes the parameters of the method the statements are the body of. Nothing
 *       else is added: no import, no field, no helper. The local variables the fragment declares at the start
 *       of a line are returned by name, so a test can run the fragment and look at what it built.
 * </ul>
 */
final class ReadmeSnippets {

    private static final Pattern FENCE_OPEN = Pattern.compile("^```java\\s*$");
    private static final Pattern FENCE_CLOSE = Pattern.compile("^```\\s*$");
    private static final Pattern TYPE_DECLARATION =
            Pattern.compile("^(public\\s+)?(final\\s+)?(class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);
    private static final Pattern GIVEN = Pattern.compile("^//\\s*given:\\s*(.+)$");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+[\\w.*\\s]+;\\s*$");
    /** A local variable declared at the start of a line: {@code Type<...> name = ...}. */
    private static final Pattern LOCAL = Pattern.compile("^[A-Z][\\w.]*(<[^=]*>)?(\\[\\])?\\s+(\\w+)\\s*=");

    private ReadmeSnippets() {
    }

    /** The README of this repository, found from the examples module's directory (Surefire's working directory). */
    static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("README.md");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("examples"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("README.md of the repository not found above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code ```java} block of {@code markdown}, in order. */
    static List<Snippet> parse(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Snippet> snippets = new ArrayList<>();
        String heading = "(top)";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
            }
            if (FENCE_OPEN.matcher(line).matches()) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !FENCE_CLOSE.matcher(lines.get(end)).matches()) {
                    end++;
                }
                if (end == lines.size()) {
                    throw new IllegalStateException(markdown + ":" + (i + 1) + ": a ```java block is never closed");
                }
                snippets.add(new Snippet(snippets.size() + 1, start + 1, heading, List.copyOf(lines.subList(start, end))));
                i = end;
            }
        }
        return snippets;
    }

    /**
     * One block.
     *
     * @param number    1-based, in README order
     * @param firstLine the README line number of its first line
     * @param heading   the README heading it is under
     * @param lines     its text
     */
    record Snippet(int number, int firstLine, String heading, List<String> lines) {

        String text() {
            return String.join("\n", lines) + "\n";
        }

        boolean isWholeUnit() {
            return TYPE_DECLARATION.matcher(text()).find();
        }

        /** The name of the class the snippet compiles to. */
        String className() {
            if (isWholeUnit()) {
                Matcher m = TYPE_DECLARATION.matcher(text());
                m.find();
                return m.group(4);
            }
            return "ReadmeSnippet" + number;
        }

        /** The parameters of the fragment's method, from its {@code // given:} line (empty if none). */
        List<String> given() {
            for (String line : lines) {
                Matcher m = GIVEN.matcher(line.trim());
                if (m.matches()) {
                    return splitTopLevel(m.group(1).trim());
                }
            }
            return List.of();
        }

        /** The local variables the fragment's method returns: those declared at the start of a line. */
        List<String> locals() {
            List<String> names = new ArrayList<>();
            for (String line : lines) {
                Matcher m = LOCAL.matcher(line);
                if (m.find()) {
                    names.add(m.group(3));
                }
            }
            return names;
        }

        /** The compilation unit, with the README line of each of its lines. */
        Unit unit() {
            List<Integer> readmeLines = new ArrayList<>();
            if (isWholeUnit()) {
                for (int i = 0; i < lines.size(); i++) {
                    readmeLines.add(firstLine + i);
                }
                return new Unit(className(), text(), readmeLines);
            }
            StringBuilder source = new StringBuilder();
            int body = 0;
            while (body < lines.size() && (lines.get(body).isBlank() || IMPORT.matcher(lines.get(body)).matches())) {
                if (!lines.get(body).isBlank()) {
                    source.append(lines.get(body)).append('\n');
                    readmeLines.add(firstLine + body);
                }
                body++;
            }
            source.append("final class ").append(className()).append(" {\n");
            source.append("    static java.util.Map<String, Object> run(").append(String.join(", ", given())).append(") throws Exception {\n");
            readmeLines.add(firstLine);
            readmeLines.add(firstLine);
            for (int i = body; i < lines.size(); i++) {
                source.append(lines.get(i)).append('\n');
                readmeLines.add(firstLine + i);
            }
            source.append("        java.util.Map<String, Object> locals$ = new java.util.LinkedHashMap<>();\n");
            locals().forEach(name -> source.append("        locals$.put(\"").append(name).append("\", ").append(name)
                    .append(");\n"));
            source.append("        return locals$;\n    }\n}\n");
            return new Unit(className(), source.toString(), readmeLines);
        }

        private static List<String> splitTopLevel(String list) {
            List<String> parts = new ArrayList<>();
            int depth = 0;
            int from = 0;
            for (int i = 0; i < list.length(); i++) {
                char c = list.charAt(i);
                if (c == '<') {
                    depth++;
                } else if (c == '>') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    parts.add(list.substring(from, i).trim());
                    from = i + 1;
                }
            }
            parts.add(list.substring(from).trim());
            return parts;
        }
    }

    /**
     * A compilation unit made from a snippet.
     *
     * @param className   its top-level class
     * @param source      its text
     * @param readmeLines the README line number of each source line (index 0 for source line 1)
     */
    record Unit(String className, String source, List<Integer> readmeLines) {

        /** The README line of source line {@code line} (1-based); the snippet's last line past the end. */
        int readmeLine(long line) {
            int index = (int) Math.min(Math.max(line - 1, 0), readmeLines.size() - 1);
            return readmeLines.get(index);
        }
    }
}
