package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.AuthenticationRequired;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** A foreign HTTP client's exception, read through the ServiceLoader SPI (issue 3, item 5). */
class ForeignPayloadSpiTest {

    @Test
    void aForeignExceptionsPrivateAnswerIsClassifiedThroughTheServiceLoaderSpi() {
        FakeWebClientResponseException foreign = new FakeWebClientResponseException(401,
            Map.of("WWW-Authenticate", List.of("Bearer error=\"invalid_token\", resource_metadata=\"https://r/prm\"")), "");
        Throwable error = new RuntimeException("Client failed to initialize",
            new IllegalStateException("Sending request failed", foreign));

        McpFailure failure = McpFailures.classify(error);

        assertThat(failure).isInstanceOf(AuthenticationRequired.class);
        assertThat(((AuthenticationRequired) failure).challenge().flatMap(c -> c.resourceMetadata()))
            .contains("https://r/prm");
    }

    @Test
    void aForeignInsufficientScopeAnswerIsInsufficientScope() {
        FakeWebClientResponseException foreign = new FakeWebClientResponseException(403,
            Map.of("www-authenticate", List.of("Bearer error=\"insufficient_scope\", scope=\"admin\"")), "");

        assertThat(McpFailures.classify(foreign)).isEqualTo(new McpFailure.InsufficientScope(List.of("admin"),
            WwwAuthenticate.parse("Bearer error=\"insufficient_scope\", scope=\"admin\"").challenges()));
    }

    @Test
    void aListedButMissingProviderIsSkipped() {
        // A fresh instance: the installed one also holds readers other tests registered in code.
        assertThat(new ForeignReaders(ForeignReaders::load).current()).extracting(Object::getClass)
            .containsExactly(FakeWebClientPayloadReader.class, ExplodingPayloadReader.class);
    }

    @Test
    void aReaderThatThrowsDoesNotHideWhatTheExceptionTypeSays() {
        McpFailure failure = McpFailures.classify(new ExplodingPayloadReader.Bomb());

        assertThat(failure).isInstanceOf(McpFailure.ConnectionFailure.class);
    }

    @Test
    void aNonBlockingThreadNeverLoadsReadersItselfButStartsTheLoadInTheBackground() {
        // The background load waits until the non-blocking caller has its answer: without the gate it can finish
        // first (it is quick), and the caller would rightly see the readers.
        CountDownLatch answered = new CountDownLatch(1);
        ForeignReaders fresh = new ForeignReaders(() -> {
            try {
                answered.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ForeignReaders.load();
        });

        StepVerifier.create(Mono.fromCallable(fresh::current).subscribeOn(Schedulers.parallel())
                .doFinally(signal -> answered.countDown()))
            .assertNext(readers -> assertThat(readers).isEmpty())
            .verifyComplete();
        StepVerifier.create(fresh.whenLoaded())
            .assertNext(readers -> assertThat(readers).hasSize(2))
            .verifyComplete();
        StepVerifier.create(Mono.fromCallable(fresh::current).subscribeOn(Schedulers.parallel()))
            .assertNext(readers -> assertThat(readers).hasSize(2))
            .verifyComplete();
    }

    @Test
    void aThreadThatMayBlockLoadsTheReadersInPlace() {
        ForeignReaders fresh = new ForeignReaders(ForeignReaders::load);

        assertThat(fresh.current()).hasSize(2);
    }

    @Test
    void blockHoundIsWatchingTheseTests() {
        // A zero-length sleep: not a wait, only a blocking call for BlockHound to catch on a non-blocking thread.
        Mono<Integer> blocking = Mono.fromCallable(() -> {
            Thread.sleep(0);
            return 1;
        }).subscribeOn(Schedulers.parallel());

        StepVerifier.create(blocking)
            .expectErrorSatisfies(e -> assertThat(e.getClass().getName()).contains("BlockingOperationError"))
            .verify();
    }
}
