package dev.reactivemcp.spring.webflux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** The reader loads its Spring side only when Spring WebFlux is there. */
class WebClientPayloadReaderTest {

    @Test
    void springIsSeenAsAbsentOnAClassLoaderWithoutIt() throws Exception {
        try (URLClassLoader withoutSpring = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThat(WebClientPayloadReader.present(withoutSpring)).isFalse();
        }
        assertThat(WebClientPayloadReader.present(getClass().getClassLoader())).isTrue();
    }

    @Test
    void aReaderWithoutSpringReadsNothingAndLoadsNoSpringClass() throws Exception {
        URL classes = WebClientPayloadReader.class.getProtectionDomain().getCodeSource().getLocation();
        URL errors = dev.reactivemcp.errors.ForeignPayloadReader.class.getProtectionDomain().getCodeSource().getLocation();
        URL reactor = reactor.core.publisher.Mono.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutSpring = new URLClassLoader(new URL[] {classes, errors, reactor},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = withoutSpring.loadClass(WebClientPayloadReader.class.getName());
            Object instance = type.getConstructor().newInstance();

            assertThat(instance).hasToString("WebClientPayloadReader[no Spring WebFlux]");
            Object answer = type.getMethod("httpPayload", Throwable.class).invoke(instance, new IllegalStateException());
            assertThat(answer).isEqualTo(java.util.Optional.empty());
        }
    }
}
