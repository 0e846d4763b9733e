package dev.reactivemcp.oauth;

import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where credentials live: a reactive SPI keyed by server, issuer, client and owner ({@link CredentialKey}), plus
 * client registrations per issuer, shared by all owners (the client is the service, not the user).
 * Implementations never block the calling thread, never leave an entry half-written, and never drop a
 * refresh token.
 *
 * <p>{@link #update} is the refresh transaction: it runs under the key's lock (in-process, and across processes
 * where the store is shared), rereads the entry, lets the caller adopt a token someone else already refreshed or
 * fetch a new one, and persists the result before emitting it. Cancelling the caller does not abort a persist
 * that has started.
 */
public interface TokenStore {

    /** The entry for {@code key}, or empty. */
    Mono<StoredCredentials> load(CredentialKey key);

    /**
     * Every entry stored for the MCP endpoint {@code endpoint} (as configured by the application), of every owner:
     * for inspection and administration. The token engine never picks credentials for a call from it; it uses
     * {@link #findByEndpoint(String, String)}, which returns one owner's only.
     */
    Flux<StoredCredentials> findByEndpoint(String endpoint);

    /**
     * The entries stored for {@code endpoint} that belong to {@code owner} ({@link CredentialKey#owner()}), and no
     * other owner's: what the token engine loads for a call of {@code owner}. The default filters
     * {@link #findByEndpoint(String)}; a store that persists keys must keep their owner (a store that dropped it
     * would file every user's tokens under {@link CredentialKey#DEFAULT_OWNER}).
     */
    default Flux<StoredCredentials> findByEndpoint(String endpoint, String owner) {
        java.util.Objects.requireNonNull(owner, "owner");
        return findByEndpoint(endpoint).filter(c -> c.key().owner().equals(owner));
    }

    /** Writes (replaces) an entry. */
    Mono<Void> save(StoredCredentials credentials);

    /** Removes an entry. */
    Mono<Void> delete(CredentialKey key);

    /**
     * Under the key's lock: reads the current entry, applies {@code change}, persists what it emits (nothing when
     * it emits empty) and emits the stored value.
     */
    Mono<StoredCredentials> update(CredentialKey key,
                                   Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change);

    /** The client registration stored for {@code issuer} (exact string), or empty. */
    Mono<ClientRegistration> loadRegistration(String issuer);

    /** Stores a client registration under its issuer. */
    Mono<Void> saveRegistration(ClientRegistration registration);
}
