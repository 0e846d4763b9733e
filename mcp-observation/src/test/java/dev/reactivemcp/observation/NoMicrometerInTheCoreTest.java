package dev.reactivemcp.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * "Without Micrometer on the class path nothing changes and nothing is loaded": the core modules (errors, transport,
 * oauth) run a call with OAuth, a refresh, credential events and a call listener in a class loader that has every
 * jar of this test's class path except Micrometer's.
 */
class NoMicrometerInTheCoreTest {

    @Test
    void theCoreModulesRunACallWithOAuthAndEventsWithoutMicrometerOnTheClassPath() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(classPath.split(File.pathSeparator));
        List<URL> kept = entries.stream().filter(e -> !e.contains("micrometer")).map(e -> {
            try {
                return Path.of(e).toUri().toURL();
            } catch (java.net.MalformedURLException x) {
                throw new IllegalStateException(x);
            }
        }).toList();
        assertThat(entries.size() - kept.size()).as("Micrometer jars left out").isGreaterThanOrEqualTo(2);

        try (URLClassLoader withoutMicrometer = new URLClassLoader(kept.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withoutMicrometer.loadClass("io.micrometer.observation.Observation"))
                    .isInstanceOf(ClassNotFoundException.class);
            @SuppressWarnings("unchecked")
            Callable<String> run = (Callable<String>) withoutMicrometer
                    .loadClass("dev.reactivemcp.observation.CoreWithoutMicrometer").getConstructor().newInstance();

            assertThat(run.call()).isEqualTo("hi [connect, tools/call] [REFRESH_STARTED, REFRESH_SUCCEEDED]");
        }
    }
}
