package dev.reactivemcp.examples.readme;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles README snippets with the JDK's compiler against this module's test class path. */
final class SnippetCompiler {

    private SnippetCompiler() {
    }

    /**
     * The result of compiling one snippet.
     *
     * @param errors  compiler errors, as {@code README.md:<line>: <message>}; empty when it compiled
     * @param classes the directory holding its classes
     */
    record Result(List<String> errors, Path classes) {

        boolean compiled() {
            return errors.isEmpty();
        }

        /** Loads the compiled snippet class with this test's class loader as parent. */
        Class<?> load(String className) {
            try {
                URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                        SnippetCompiler.class.getClassLoader());
                return loader.loadClass(className);
            } catch (MalformedURLException | ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Compiles {@code unit} into a new directory under {@code workDir}. */
    static Result compile(ReadmeSnippets.Unit unit, Path workDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: the tests need a JDK, not a JRE");
        }
        try {
            Path dir = Files.createDirectories(workDir.resolve(unit.className()));
            Path source = dir.resolve(unit.className() + ".java");
            Files.writeString(source, unit.source());
            Path classes = Files.createDirectories(dir.resolve("classes"));
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
                List<String> options = List.of("--release", "17", "-proc:none", "-classpath", classPath(),
                        "-d", classes.toString());
                StringWriter out = new StringWriter();
                javac.getTask(out, files, diagnostics, options, null, files.getJavaFileObjects(source.toFile())).call();
            }
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    errors.add("README.md:" + unit.readmeLine(d.getLineNumber()) + ": " + d.getMessage(Locale.ROOT));
                }
            }
            return new Result(List.copyOf(errors), classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire's full test class path (its booter jar only names it in a manifest), else the JVM's. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String path = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        return String.join(File.pathSeparator, path.split(File.pathSeparator));
    }
}
