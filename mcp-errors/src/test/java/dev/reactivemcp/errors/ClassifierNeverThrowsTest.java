package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpFailure.AuthenticationRequired;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Hostile Throwable subclasses and broken readers: classify answers, it never throws (issue 9, item 5). */
class ClassifierNeverThrowsTest {

    private static final HttpAnswer EXPIRED = HttpAnswer.status(401).withToken()
        .challenge("Bearer error=\"invalid_token\"");

    @Test
    void aGetCauseThatSneakilyThrowsACheckedExceptionHidesOnlyItsCause() {
        Throwable hostile = new ConnectException("Connection refused") {
            private static final long serialVersionUID = 1L;

            @Override public synchronized Throwable getCause() {
                throw sneaky(new IOException("from getCause"));
            }
        };

        assertThat(McpFailures.classify(hostile)).isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(McpFailures.classify(new RuntimeException("wrapper", hostile)))
            .isInstanceOf(McpFailure.ConnectionFailure.class);
    }

    @Test
    void aGetMessageThatSneakilyThrowsGivesUnknownNamingTheType() {
        Throwable hostile = new IllegalStateException() {
            private static final long serialVersionUID = 1L;

            @Override public String getMessage() {
                throw sneaky(new Exception("from getMessage"));
            }
        };

        McpFailure failure = McpFailures.classify(hostile);

        assertThat(failure).isInstanceOf(McpFailure.Unknown.class);
        assertThat(failure.describe()).contains("ClassifierNeverThrowsTest");
    }

    @Test
    void aGetCauseThatThrowsALinkageErrorStillLetsTheSuppressedExceptionsBeRead() {
        Throwable hostile = new RuntimeException("wrapper") {
            private static final long serialVersionUID = 1L;

            @Override public synchronized Throwable getCause() {
                throw new NoClassDefFoundError("org/example/Missing");
            }
        };
        hostile.addSuppressed(EXPIRED.raise());

        assertThat(McpFailures.classify(hostile)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void aGetCauseThatRecursesForeverIsAStackOverflowTheClassifierSurvives() {
        Throwable recursive = new RuntimeException("recursive") {
            private static final long serialVersionUID = 1L;

            @Override public synchronized Throwable getCause() {
                return getCause();
            }
        };

        assertThat(McpFailures.classify(recursive)).isInstanceOf(McpFailure.Unknown.class);
        assertThat(McpFailures.isAuthenticationRequired(recursive)).isFalse();
    }

    @Test
    void anMcpExceptionSubclassWhoseFailureThrowsIsUnknown() {
        McpException hostile = new McpException(new McpFailure.Cancelled(), "x", null) {
            private static final long serialVersionUID = 1L;

            @Override public McpFailure failure() {
                throw new NoClassDefFoundError("org/example/Missing");
            }
        };

        assertThat(McpFailures.classify(hostile)).isInstanceOf(McpFailure.Unknown.class);
        assertThat(McpFailures.isRetryable(hostile)).isFalse();
    }

    @Test
    void aPayloadWhoseAccessorsThrowCheckedExceptionsSaysNothingButTheCauseStillSpeaks() {
        Throwable hostile = new HostilePayload(EXPIRED.raise());

        assertThat(McpFailures.classify(hostile)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void anOutOfMemoryErrorWhileClassifyingIsTheOnlyThingRethrown() {
        Throwable dying = new RuntimeException("dying") {
            private static final long serialVersionUID = 1L;

            @Override public synchronized Throwable getCause() {
                throw new OutOfMemoryError("simulated");
            }
        };

        assertThatThrownBy(() -> McpFailures.classify(dying)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void aRegisteredReaderWhoseLibraryIsMissingIsSkippedAndThePipelineStillSignals() {
        AtomicInteger calls = new AtomicInteger();
        McpFailures.addReader(new ForeignPayloadReader() {
            @Override public Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
                calls.incrementAndGet();
                throw new NoClassDefFoundError("org/springframework/web/reactive/function/client/WebClientResponseException");
            }
        });
        Mono<String> call = Mono.<String>error(new RuntimeException("Client failed to initialize", EXPIRED.raise()))
            .publishOn(Schedulers.parallel())
            .onErrorResume(McpFailures::isAuthenticationRequired, e -> Mono.just("login"));

        StepVerifier.create(call).expectNext("login").verifyComplete();
        StepVerifier.create(call).expectNext("login").verifyComplete();
        assertThat(McpFailures.classify(new ConnectException("refused")))
            .isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(calls).as("called once, then skipped").hasValue(1);
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** A payload whose every accessor throws a checked exception without declaring it. */
    static final class HostilePayload extends RuntimeException implements HttpFailurePayload, JsonRpcErrorPayload {
        private static final long serialVersionUID = 1L;

        HostilePayload(Throwable cause) {
            super("hostile payload", cause);
        }

        @Override public int status() {
            throw sneaky(new IOException("status"));
        }

        @Override public java.util.Map<String, java.util.List<String>> headers() {
            throw sneaky(new IOException("headers"));
        }

        @Override public String bodyPreview() {
            throw sneaky(new IOException("body"));
        }

        @Override public boolean requestCarriedCredentials() {
            throw sneaky(new IOException("credentials"));
        }

        @Override public int code() {
            throw sneaky(new Exception("code"));
        }

        @Override public String errorMessage() {
            throw sneaky(new Exception("message"));
        }

        @Override public Object data() {
            return null;
        }
    }
}
