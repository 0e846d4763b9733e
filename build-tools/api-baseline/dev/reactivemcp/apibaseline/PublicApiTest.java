package dev.reactivemcp.apibaseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's public API equals its checked-in baseline, {@code api/<module>.api}: an accidental API change fails
 * the build. To accept a deliberate change, run {@code scripts/api-baseline.sh accept <module>...} (it reruns this
 * test with {@code -Dapi.accept=true}, which rewrites the baseline) and commit the changed {@code .api} file.
 *
 * <p>Shared by every published module (added as a test source by the {@code published-module} profile).
 */
class PublicApiTest {

    @Test
    void publicApiMatchesTheCheckedInBaseline() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        Path descriptor = module.resolve("src/main/module/module-info.java");
        Path baseline = module.resolve("api").resolve(module.getFileName() + ".api");
        List<String> packages = ApiSignatures.exportedPackages(descriptor);
        if (packages.isEmpty()) {
            throw new AssertionError(descriptor + " exports no package");
        }
        String actual = ApiSignatures.dump(module.resolve("target/classes"), packages,
                PublicApiTest.class.getClassLoader());
        if (Boolean.getBoolean("api.accept")) {
            Files.createDirectories(baseline.getParent());
            Files.writeString(baseline, actual);
            System.out.println("API baseline written: " + baseline + " (" + countTypes(actual) + " public types)");
            return;
        }
        String expected = Files.exists(baseline) ? Files.readString(baseline) : "";
        if (!expected.equals(actual)) {
            throw new AssertionError("The public API of " + module.getFileName() + " differs from " + baseline
                    + " (" + countTypes(expected) + " types there, " + countTypes(actual) + " now).\n"
                    + diff(expected, actual)
                    + "If the change is deliberate: scripts/api-baseline.sh accept " + module.getFileName()
                    + ", then commit the .api file.");
        }
    }

    /**
     * Module boundaries hold on the class path too: no class of this module refers to another module's
     * {@code internal} packages (on the module path such a reference fails at run time, as they are not exported).
     */
    @Test
    void noClassRefersToAnotherModulesInternals() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String own = ApiSignatures.moduleName(module.resolve("src/main/module/module-info.java"));
        Pattern foreign = Pattern.compile("dev/reactivemcp/(?!" + Pattern.quote(own.substring(own.lastIndexOf('.') + 1))
                + "/)[a-z]+/internal/[\\w/$]+");
        List<String> offenders = new ArrayList<>();
        Path classes = module.resolve("target/classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                Matcher m = foreign.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    offenders.add(classes.relativize(f) + " -> " + m.group());
                }
            }
        }
        if (!offenders.isEmpty()) {
            throw new AssertionError(own + " uses other modules' internals (use their API, e.g."
                    + " dev.reactivemcp.transport.spi):\n  " + String.join("\n  ", offenders));
        }
    }

    private static long countTypes(String dump) {
        return dump.lines().filter(l -> !l.isEmpty() && !l.startsWith(" ")).count();
    }

    /** The lines only in the baseline ("- ") and only in the build ("+ "), with the type each belongs to. */
    private static String diff(String expected, String actual) {
        Set<String> before = qualified(expected);
        Set<String> after = qualified(actual);
        List<String> out = new ArrayList<>();
        before.stream().filter(l -> !after.contains(l)).forEach(l -> out.add("  - " + l));
        after.stream().filter(l -> !before.contains(l)).forEach(l -> out.add("  + " + l));
        return String.join("\n", out.subList(0, Math.min(out.size(), 60))) + (out.size() > 60 ? "\n  ..." : "")
                + "\n";
    }

    private static Set<String> qualified(String dump) {
        Set<String> lines = new LinkedHashSet<>();
        String type = "";
        for (String l : dump.lines().toList()) {
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith(" ")) {
                lines.add(type + " ::" + l.substring(1));
            } else {
                type = l.replaceAll("^.*?(?:class|interface|enum|record) (\\S+).*$", "$1");
                lines.add(l);
            }
        }
        return lines;
    }
}
