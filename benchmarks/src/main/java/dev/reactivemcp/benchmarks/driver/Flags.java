package dev.reactivemcp.benchmarks.driver;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The driver's command-line flags: {@code --name=value} and bare {@code --name} switches, the last of a repeated
 * flag winning. Each reader names its flags with a default; {@link #rejectUnknown()} then refuses any flag no one
 * read, naming it, and a value that does not parse is refused naming its flag.
 *
 * <pre>
 * Flags f = Flags.parse(args);
 * int rounds = f.integer("rounds", 3);
 * boolean histo = f.isSet("histo");
 * f.rejectUnknown();
 * </pre>
 */
final class Flags {

    private final Map<String, String> values = new LinkedHashMap<>();   // name -> value, null for a bare switch
    private final Map<String, String> given = new LinkedHashMap<>();    // name -> the argument as given
    private final Set<String> read = new HashSet<>();

    private Flags() { }

    static Flags parse(String[] args) {
        Flags f = new Flags();
        for (String a : args) {
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unknown argument: " + a);
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            f.values.put(name, eq < 0 ? null : a.substring(eq + 1));
            f.given.put(name, a);
        }
        return f;
    }

    /** Whether the bare switch {@code --name} was given ({@code --name=value} is refused). */
    boolean isSet(String name) {
        read.add(name);
        if (!values.containsKey(name)) {
            return false;
        }
        if (values.get(name) != null) {
            throw new IllegalArgumentException("--" + name + " takes no value: " + given.get(name));
        }
        return true;
    }

    /** {@code --name=value} as given (possibly empty), or {@code otherwise}. */
    String string(String name, String otherwise) {
        return value(name, otherwise, Function.identity());
    }

    int integer(String name, int otherwise) {
        return value(name, otherwise, Integer::valueOf);
    }

    long longInteger(String name, long otherwise) {
        return value(name, otherwise, Long::valueOf);
    }

    double decimal(String name, double otherwise) {
        return value(name, otherwise, Double::valueOf);
    }

    /** {@code --name=a,b,c} split at commas, or {@code otherwise}. */
    List<String> list(String name, List<String> otherwise) {
        return value(name, otherwise, v -> Arrays.asList(v.split(",")));
    }

    /** {@code --name=path}; an empty value ({@code --name=}) means none: null. */
    Path path(String name, Path otherwise) {
        return value(name, otherwise, v -> v.isEmpty() ? null : Path.of(v));
    }

    /** Refuses the first flag that no reader asked for, naming it as given. */
    void rejectUnknown() {
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!read.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown argument: " + e.getValue());
            }
        }
    }

    private <T> T value(String name, T otherwise, Function<String, T> parse) {
        read.add(name);
        if (!values.containsKey(name)) {
            return otherwise;
        }
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " needs a value: --" + name + "=...");
        }
        try {
            return parse.apply(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad value for --" + name + ": " + v, e);
        }
    }
}
