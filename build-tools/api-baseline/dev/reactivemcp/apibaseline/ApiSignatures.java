package dev.reactivemcp.apibaseline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A text dump of a module's public API: every public type of the packages its module descriptor exports without
 * qualification, with its supertypes, permitted subtypes and public or protected members, generic signatures
 * included, one line each, sorted. Two dumps differ exactly when the API does.
 */
final class ApiSignatures {

    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private ApiSignatures() { }

    /** The name of the module {@code descriptor} (a module-info.java) declares. */
    static String moduleName(Path descriptor) {
        try {
            String source = Files.readString(descriptor).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            Matcher m = Pattern.compile("\\bmodule\\s+([\\w.]+)\\s*\\{").matcher(source);
            if (!m.find()) {
                throw new IllegalStateException("no module declaration in " + descriptor);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packages {@code descriptor} (a module-info.java) exports to everyone. */
    static List<String> exportedPackages(Path descriptor) {
        try {
            String source = Files.readString(descriptor).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            List<String> packages = new ArrayList<>();
            Matcher m = EXPORTS.matcher(source);
            while (m.find()) {
                packages.add(m.group(1));
            }
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dump of the public types of {@code packages} compiled into {@code classes}. */
    static String dump(Path classes, List<String> packages, ClassLoader loader) {
        List<String> out = new ArrayList<>();
        for (String pkg : packages) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .sorted().collect(Collectors.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String name : names) {
                Class<?> type;
                try {
                    type = Class.forName(name, false, loader);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("cannot load " + name, e);
                }
                if (Modifier.isPublic(type.getModifiers())) {
                    type(type, out);
                }
            }
        }
        return String.join("\n", out) + "\n";
    }

    private static void type(Class<?> type, List<String> out) {
        out.add(header(type));
        List<String> members = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (visible(f)) {
                members.add("  " + strip(f.toGenericString(), type));
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c)) {
                members.add("  " + strip(c.toGenericString(), type));
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m) && !m.isBridge()) {
                members.add("  " + strip(m.toGenericString(), type));
            }
        }
        members.sort(null);
        out.addAll(members);
        Class<?>[] nested = type.getDeclaredClasses();
        Arrays.sort(nested, (a, b) -> a.getName().compareTo(b.getName()));
        for (Class<?> n : nested) {
            int mod = n.getModifiers();
            if (Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(type.getModifiers()))) {
                type(n, out);
            }
        }
    }

    private static String header(Class<?> type) {
        StringBuilder s = new StringBuilder();
        int mod = type.getModifiers();
        if (type.isInterface()) {
            mod &= ~Modifier.ABSTRACT; // implied
        }
        String modifiers = Modifier.toString(mod & ~Modifier.INTERFACE);
        if (!modifiers.isEmpty()) {
            s.append(modifiers).append(' ');
        }
        if (type.isSealed()) {
            s.append("sealed ");
        }
        s.append(type.isAnnotation() ? "@interface" : type.isInterface() ? "interface" : type.isEnum() ? "enum"
                : type.isRecord() ? "record" : "class").append(' ').append(type.getTypeName());
        if (type.getTypeParameters().length > 0) {
            s.append(Arrays.stream(type.getTypeParameters()).map(ApiSignatures::typeVariable)
                    .collect(Collectors.joining(", ", "<", ">")));
        }
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && superclass != Record.class && !type.isEnum()) {
            s.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0) {
            s.append(type.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        if (type.isSealed()) {
            s.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getTypeName)
                    .sorted().collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    private static String typeVariable(java.lang.reflect.TypeVariable<?> v) {
        Type[] bounds = v.getBounds();
        if (bounds.length == 1 && bounds[0] == Object.class) {
            return v.getName();
        }
        return v.getName() + " extends "
                + Arrays.stream(bounds).map(Type::getTypeName).collect(Collectors.joining(" & "));
    }

    private static boolean visible(Member m) {
        if (m.isSynthetic()) {
            return false;
        }
        int mod = m.getModifiers();
        return Modifier.isPublic(mod) || Modifier.isProtected(mod);
    }

    /** A member's generic string without its declaring type's name before the member name. */
    private static String strip(String signature, Class<?> type) {
        String owner = type.getTypeName() + ".";
        int paren = signature.indexOf('(');
        int at = signature.lastIndexOf(owner, paren < 0 ? signature.length() : paren);
        if (at >= 0) {
            signature = signature.substring(0, at) + signature.substring(at + owner.length());
        } else if (paren >= 0) { // a constructor: the type name is the member name
            signature = signature.replace(type.getTypeName() + "(", type.getSimpleName() + "(");
        }
        return signature;
    }

}
