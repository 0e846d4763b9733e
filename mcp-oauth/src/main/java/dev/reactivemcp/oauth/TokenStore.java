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
 * that has started. Storage failures are {@link TokenStoreException}s.
 *
 * <pre>{@code
 * TokenStore store = FileTokenStore.at(Path.of("tokens.json"));   // or new InMemoryTokenStore(), or your own
 * store.findByEndpoint("https://mcp.example.com/mcp")
 *      .map(c -> c.key().issuer() + (c.rejected() ? ": log in again" : ": ok"))
 *      .subscribe(System.out::println);
 * }</pre>
 *
 * <p>What is stored follows MCP authorization (2026-07-28, "Authorization Server Binding"): credentials are keyed by
 * resource, issuer and client id ({@link CredentialKey}) and never presented to another issuer.
 */
public interface TokenStore {

    /**
     * The entry for {@code key}, or empty.
     *
     * @param key which server, issuer and client
     * @return the stored credentials, or empty when there are none
     */
    Mono<StoredCredentials> load(CredentialKey key);

    /**
     * Every entry stored for the MCP endpoint {@code endpoint} (as configured by the application), of every owner:
     * for inspection and administration. The token engine never picks credentials for a call from it; it uses
     * {@link #findByEndpoint(String, String)}, which returns one owner's only.
     *
     * @param endpoint the MCP endpoint URL, compared as a string
     * @return the entries of every owner, possibly none
     */
    Flux<StoredCredentials> findByEndpoint(String endpoint);

    /**
     * The entries stored for {@code endpoint} that belong to {@code owner} ({@link CredentialKey#owner()}), and no
     * other owner's: what the token engine loads for a call of {@code owner}. The default filters
     * {@link #findByEndpoint(String)}; a store that persists keys must keep their owner (a store that dropped it
     * would file every user's tokens under {@link CredentialKey#DEFAULT_OWNER}).
     *
     * @param endpoint the MCP endpoint URL, compared as a string
     * @param owner    the owner ({@link CredentialKey#DEFAULT_OWNER} for a single-user application)
     * @return that owner's entries, possibly none
     */
    default Flux<StoredCredentials> findByEndpoint(String endpoint, String owner) {
        java.util.Objects.requireNonNull(owner, "owner");
        return findByEndpoint(endpoint).filter(c -> c.key().owner().equals(owner));
    }

    /**
     * Every entry of this store, of every endpoint and owner: for export and migration to another store (see
     * {@link TokenStores#copy}). The token engine never uses it. The default fails with
     * {@link UnsupportedOperationException}: a store that can list its entries overrides it.
     *
     * <pre>{@code
     * store.findAll().map(c -> c.endpoint() + " " + c.key().owner()).subscribe(System.out::println);
     * }</pre>
     *
     * @return every stored entry, in no particular order
     */
    default Flux<StoredCredentials> findAll() {
        return Flux.error(new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot list its entries: it does not implement TokenStore.findAll()"));
    }

    /**
     * Writes (replaces) an entry, atomically: readers see the old entry or the new one, never a part.
     *
     * @param credentials the entry, filed under {@code credentials.key()}
     * @return completes once the entry is persisted
     */
    Mono<Void> save(StoredCredentials credentials);

    /**
     * Removes an entry.
     *
     * @param key which server, issuer and client
     * @return completes once the entry is gone (also when there was none)
     */
    Mono<Void> delete(CredentialKey key);

    /**
     * Under the key's lock: reads the current entry, applies {@code change}, persists what it emits (nothing when
     * it emits empty) and emits the stored value.
     *
     * @param key    which server, issuer and client
     * @param change from the current entry (empty when none) to the entry to store, or empty to store nothing
     * @return the entry stored by this update, or the current one when {@code change} emitted empty (empty when
     *         there is none)
     */
    Mono<StoredCredentials> update(CredentialKey key,
                                   Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change);

    /**
     * The client registration stored for {@code issuer} (exact string), or empty.
     *
     * @param issuer the authorization server issuer, byte-exact
     * @return the registration, or empty when this client has none there yet
     */
    Mono<ClientRegistration> loadRegistration(String issuer);

    /**
     * Stores a client registration under its issuer, replacing one stored before.
     *
     * @param registration the registration, filed under {@code registration.issuer()}
     * @return completes once the registration is persisted
     */
    Mono<Void> saveRegistration(ClientRegistration registration);
}
