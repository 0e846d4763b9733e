package dev.reactivemcp.oauth;

import dev.reactivemcp.oauth.internal.store.Detached;
import dev.reactivemcp.oauth.internal.store.KeyedGate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link TokenStore} in memory, for one process: the default of {@link McpOAuth}. {@link #update} runs under
 * a reactive per-key gate (no thread waits), rereads the entry, and completes its write even if the subscriber
 * cancels.
 *
 * <pre>{@code
 * TokenStore store = new InMemoryTokenStore();
 * McpOAuth oauth = McpOAuth.builder().tokenStore(store).build();
 * }</pre>
 */
public final class InMemoryTokenStore implements TokenStore {

    private final ConcurrentMap<CredentialKey, StoredCredentials> entries = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClientRegistration> registrations = new ConcurrentHashMap<>();
    private final KeyedGate<CredentialKey> gate = new KeyedGate<>();

    /** An empty store. */
    public InMemoryTokenStore() {
    }

    @Override
    public Mono<StoredCredentials> load(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        return Mono.fromSupplier(() -> entries.get(key));
    }

    @Override
    public Flux<StoredCredentials> findByEndpoint(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return Flux.defer(() -> Flux.fromIterable(entries.values())).filter(c -> c.endpoint().equals(endpoint));
    }

    @Override
    public Flux<StoredCredentials> findAll() {
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(entries.values())));
    }

    @Override
    public Mono<Void> save(StoredCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return gate.withPermit(credentials.key(), Mono.fromRunnable(() -> entries.put(credentials.key(), credentials)));
    }

    @Override
    public Mono<Void> delete(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        return gate.withPermit(key, Mono.fromRunnable(() -> entries.remove(key)));
    }

    @Override
    public Mono<StoredCredentials> update(CredentialKey key,
                                          Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(change, "change");
        return Detached.run(gate.withPermit(key, Mono.defer(() -> {
            Optional<StoredCredentials> current = Optional.ofNullable(entries.get(key));
            return change.apply(current)
                    .map(next -> {
                        if (!next.key().equals(key)) {
                            throw new IllegalArgumentException("update must keep the key");
                        }
                        entries.put(key, next);
                        return next;
                    })
                    .switchIfEmpty(Mono.justOrEmpty(current));
        })));
    }

    @Override
    public Mono<ClientRegistration> loadRegistration(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        return Mono.fromSupplier(() -> registrations.get(issuer));
    }

    @Override
    public Mono<Void> saveRegistration(ClientRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        return Mono.fromRunnable(() -> registrations.put(registration.issuer(), registration));
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[entries=" + entries.size() + "]";
    }
}
