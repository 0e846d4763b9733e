package dev.reactivemcp.observation;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.CredentialEvent;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpCallListener;
import dev.reactivemcp.transport.ProtocolEra;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Micrometer observations of MCP clients, through the public hooks of the core modules (which know nothing of
 * Micrometer): {@link #calls} for the handshakes and calls of an {@code McpClient}, {@link #credentials} for the token
 * refreshes, logins, rejections and store failures of an {@link McpOAuth}.
 *
 * <pre>{@code
 * ObservationRegistry registry = ...;                 // from your application (Spring Boot gives one)
 * McpClient client = McpClient.builder(uri)
 *     .filter(oauth.filterFor(uri))
 *     .callListener(McpObservation.calls(registry))
 *     .build();
 * McpObservation.credentials(oauth, registry).subscribe();   // completes at oauth.shutdown()
 * }</pre>
 *
 * <p>Observations and their low-cardinality keys:
 * <ul>
 *   <li>{@value #CALL}: {@code mcp.method}, {@code mcp.tool.name} ({@code none} when not a tool call),
 *       {@code mcp.protocol.era} ({@code legacy}, {@code modern}, {@code none}), {@code mcp.outcome}
 *       ({@code success}, {@code tool_error}, {@code cancelled}, or the failure kind: the simple name of the
 *       {@code McpFailure}, such as {@code AuthenticationRequired} or {@code Timeout}); a call's parent is the
 *       observation in its Reactor context ({@link #PARENT_KEY}), when there is one;</li>
 *   <li>{@value #HANDSHAKE}: the same keys, {@code mcp.method} is {@code connect};</li>
 *   <li>{@value #REFRESH}: one per refresh transaction (lock, reread, token request, persist),
 *       {@code mcp.refresh.reason} ({@code prefetch}, {@code stale}, {@code unauthorized}), {@code mcp.outcome}
 *       ({@code success}, or the failure kind), {@code mcp.oauth.issuer};</li>
 *   <li>{@value #LOGIN}: an instant observation per login completed or required, {@code mcp.outcome}
 *       ({@code completed}, {@code required});</li>
 *   <li>{@value #REJECTED} and {@value #STORE_FAILURE}: instant observations, {@code mcp.outcome} the failure
 *       kind.</li>
 * </ul>
 * The endpoint and the owner are high-cardinality keys ({@code mcp.endpoint}, {@code mcp.owner}). Never a secret.
 * Credential observations are made as the {@link McpOAuth#events() events} are delivered (off the refresh thread), so
 * a refresh's duration includes the delivery of its two events: microseconds, not a measurement of the token endpoint
 * alone.
 */
public final class McpObservation {

    /** The observation of a call: {@code mcp.client.call}. */
    public static final String CALL = "mcp.client.call";
    /** The observation of a handshake: {@code mcp.client.handshake}. */
    public static final String HANDSHAKE = "mcp.client.handshake";
    /** The observation of a token refresh transaction: {@code mcp.oauth.refresh}. */
    public static final String REFRESH = "mcp.oauth.refresh";
    /** The observation of a login completed or required: {@code mcp.oauth.login}. */
    public static final String LOGIN = "mcp.oauth.login";
    /** The observation of credentials rejected by the authorization server: {@code mcp.oauth.rejected}. */
    public static final String REJECTED = "mcp.oauth.rejected";
    /** The observation of a token store failure: {@code mcp.oauth.store.failure}. */
    public static final String STORE_FAILURE = "mcp.oauth.store.failure";

    /**
     * The Reactor context key of the current observation, as Micrometer's context propagation writes it
     * ({@code ObservationThreadLocalAccessor.KEY}): {@code micrometer.observation}.
     */
    public static final String PARENT_KEY = "micrometer.observation";

    private McpObservation() { }

    /**
     * A call listener for {@code McpClient.Builder.callListener} that observes each handshake and call in
     * {@code registry}.
     *
     * @param registry where observations go; with {@code ObservationRegistry.NOOP} nothing is recorded
     * @return the listener
     * @throws NullPointerException when {@code registry} is {@code null}
     */
    public static McpCallListener calls(ObservationRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return (call, context) -> {
            boolean handshake = call.kind() == McpCallListener.Call.Kind.HANDSHAKE;
            Observation observation = Observation.createNotStarted(handshake ? HANDSHAKE : CALL, registry)
                    .lowCardinalityKeyValue("mcp.method", call.method())
                    .lowCardinalityKeyValue("mcp.tool.name", call.toolName() == null ? "none" : call.toolName())
                    .highCardinalityKeyValue("mcp.endpoint", call.endpoint().toString())
                    .parentObservation(parent(context))
                    .start();
            return new McpCallListener.Ending() {
                @Override
                public void succeeded(ProtocolEra era, boolean toolError) {
                    stop(observation, era, toolError ? "tool_error" : "success", null);
                }

                @Override
                public void failed(ProtocolEra era, Throwable error) {
                    stop(observation, era, kind(McpFailures.classify(error)), error);
                }

                @Override
                public void cancelled(ProtocolEra era) {
                    stop(observation, era, "cancelled", null);
                }
            };
        };
    }

    /**
     * Observes the credential events of {@code oauth} in {@code registry} from subscription until {@code oauth} shuts
     * down (or the subscription is disposed): refreshes, logins, rejections and store failures.
     *
     * <pre>{@code
     * Disposable observing = McpObservation.credentials(oauth, registry).subscribe();
     * }</pre>
     *
     * @param oauth    the instance whose {@link McpOAuth#events()} are observed
     * @param registry where observations go
     * @return cold: subscribe to start observing; completes once {@code oauth} has shut down and every event before
     *         was observed; never fails
     * @throws NullPointerException when {@code oauth} or {@code registry} is {@code null}
     */
    public static Mono<Void> credentials(McpOAuth oauth, ObservationRegistry registry) {
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(registry, "registry");
        return Mono.defer(() -> {
            Map<Long, Observation> refreshes = new ConcurrentHashMap<>();
            return oauth.events()
                    .doOnNext(event -> observe(event, registry, refreshes))
                    .doFinally(signal -> refreshes.values().forEach(Observation::stop))
                    .onErrorComplete()
                    .then();
        });
    }

    private static void observe(CredentialEvent event, ObservationRegistry registry, Map<Long, Observation> refreshes) {
        switch (event.kind()) {
            case REFRESH_STARTED -> refreshes.put(event.refreshId(), credentialObservation(REFRESH, event, registry)
                    .lowCardinalityKeyValue("mcp.refresh.reason", event.reason().name().toLowerCase(Locale.ROOT))
                    .start());
            case REFRESH_SUCCEEDED, REFRESH_FAILED -> {
                Observation observation = refreshes.remove(event.refreshId());
                if (observation != null) {
                    observation.lowCardinalityKeyValue("mcp.outcome", event.kind() == CredentialEvent.Kind.REFRESH_SUCCEEDED
                            ? "success" : event.failureKind().map(McpObservation::kind).orElse("rejected")).stop();
                }
            }
            case LOGIN_COMPLETED -> instant(LOGIN, event, registry, "completed");
            case LOGIN_REQUIRED -> instant(LOGIN, event, registry, "required");
            case CREDENTIALS_REJECTED -> instant(REJECTED, event, registry,
                    event.failureKind().map(McpObservation::kind).orElse("rejected"));
            case STORE_FAILED -> instant(STORE_FAILURE, event, registry,
                    event.failureKind().map(McpObservation::kind).orElse("unknown"));
            default -> { }
        }
    }

    private static Observation credentialObservation(String name, CredentialEvent event, ObservationRegistry registry) {
        return Observation.createNotStarted(name, registry)
                .lowCardinalityKeyValue("mcp.oauth.issuer", event.issuer() == null ? "none" : event.issuer())
                .highCardinalityKeyValue("mcp.endpoint", event.endpoint())
                .highCardinalityKeyValue("mcp.owner", event.owner());
    }

    private static void instant(String name, CredentialEvent event, ObservationRegistry registry, String outcome) {
        credentialObservation(name, event, registry).lowCardinalityKeyValue("mcp.outcome", outcome).start().stop();
    }

    private static Observation parent(ContextView context) {
        Object parent = context.getOrDefault(PARENT_KEY, null);
        return parent instanceof Observation o ? o : null;
    }

    private static void stop(Observation observation, ProtocolEra era, String outcome, Throwable error) {
        observation.lowCardinalityKeyValues(io.micrometer.common.KeyValues.of(
                KeyValue.of("mcp.protocol.era", era == null ? "none" : era.name().toLowerCase(Locale.ROOT)),
                KeyValue.of("mcp.outcome", outcome)));
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    private static String kind(McpFailure failure) {
        return failure.getClass().getSimpleName();
    }
}
