package dev.reactivemcp.oauth.flow;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A map-backed store for the flow tests (the real stores are tested elsewhere). */
final class InMemoryTokenStore implements TokenStore {

    final Map<CredentialKey, StoredCredentials> entries = new ConcurrentHashMap<>();
    final Map<String, ClientRegistration> registrations = new ConcurrentHashMap<>();

    @Override
    public Mono<StoredCredentials> load(CredentialKey key) {
        return Mono.justOrEmpty(entries.get(key));
    }

    @Override
    public Flux<StoredCredentials> findByEndpoint(String endpoint) {
        return Flux.fromIterable(entries.values()).filter(c -> c.endpoint().equals(endpoint));
    }

    @Override
    public Mono<Void> save(StoredCredentials credentials) {
        return Mono.fromRunnable(() -> entries.put(credentials.key(), credentials));
    }

    @Override
    public Mono<Void> delete(CredentialKey key) {
        return Mono.fromRunnable(() -> entries.remove(key));
    }

    @Override
    public Mono<StoredCredentials> update(CredentialKey key,
                                          Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change) {
        // no lock (the flow tests do not race on a key); empty from change keeps and emits the current entry
        return Mono.defer(() -> {
            Optional<StoredCredentials> current = Optional.ofNullable(entries.get(key));
            return change.apply(current).flatMap(c -> save(c).thenReturn(c))
                    .switchIfEmpty(Mono.justOrEmpty(current));
        });
    }

    @Override
    public Mono<ClientRegistration> loadRegistration(String issuer) {
        return Mono.justOrEmpty(registrations.get(issuer));
    }

    @Override
    public Mono<Void> saveRegistration(ClientRegistration registration) {
        return Mono.fromRunnable(() -> registrations.put(registration.issuer(), registration));
    }
}
