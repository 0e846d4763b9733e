package dev.reactivemcp.oauth;

import dev.reactivemcp.oauth.internal.CredentialRules;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Seeding and migrating {@link TokenStore}s: import credentials obtained elsewhere (a test fixture, another tool, an
 * operator) after checking everything the token engine will later require of them, and move every entry of one
 * store into another (a {@link FileTokenStore} into a shared store when a service grows replicas). Problems are
 * reported all at once, in plain words, by an {@link InvalidCredentialsException}, before anything is written.
 *
 * <p>What is checked: the credentials are filed under the MCP endpoint string the client will use
 * ({@code McpOAuth.filterFor(uri)} looks them up by {@code uri.toString()}, character for character); the owner is a
 * user id or {@link CredentialKey#DEFAULT_OWNER}; the registration's issuer and client id are the key's (a refresh
 * checks them); the token endpoint is https, or plain http to a loopback host; the token type is {@code Bearer} or
 * {@code DPoP}, a {@code DPoP} token comes with its key, and a key is a usable private JWK the token is not bound away
 * from ({@code cnf.jkt}); a seed is also usable now (not rejected, not expired without a refresh token).
 *
 * <pre>{@code
 * URI uri = URI.create("https://mcp.example.com/mcp");
 * StoredCredentials alices = new StoredCredentials(uri.toString(),
 *     new CredentialKey(uri.toString(), "https://auth.example.com", "my-service", "alice"),
 *     new ClientRegistration("https://auth.example.com", "my-service", null, "none", List.of()),
 *     new OAuthTokens(accessToken, "Bearer", refreshToken, expiresAt, Set.of("mcp")),
 *     "https://auth.example.com/token", false, Instant.now());
 * TokenStores.seed(store, uri, alices).block();
 *
 * TokenStores.copy(FileTokenStore.at(Path.of("tokens.json")), sharedStore).block();   // migration
 * }</pre>
 *
 * <p>Specifications: RFC 6749 section 6 (refresh, client authentication), RFC 9449 sections 6 and 7 (DPoP-bound
 * tokens), MCP authorization 2026-07-28 "Authorization Server Binding".
 */
public final class TokenStores {

    private TokenStores() {
    }

    /**
     * The problems {@link #seed} would report for {@code credentials}, checked at {@code now}; empty when there are
     * none (the registration already in a store is not checked here).
     *
     * @param mcpEndpoint the MCP endpoint the client will connect to, exactly as given to {@code filterFor}
     * @param credentials the credentials to import
     * @param now         when they must be usable
     * @return the problems, in plain words; empty when the engine can use the credentials
     * @throws NullPointerException when an argument is {@code null}
     */
    public static List<String> problems(URI mcpEndpoint, StoredCredentials credentials, Instant now) {
        return CredentialRules.problems(Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString(), Objects.requireNonNull(now, "now"));
    }

    /**
     * {@link #seed(TokenStore, URI, StoredCredentials, Clock)} on the system UTC clock.
     *
     * @param store       where to import
     * @param mcpEndpoint the MCP endpoint the client will connect to, exactly as given to {@code filterFor}
     * @param credentials the credentials to import
     * @return completes once stored; fails with {@link InvalidCredentialsException} and writes nothing when the
     *         engine could not use them
     * @throws NullPointerException when an argument is {@code null}
     */
    public static Mono<Void> seed(TokenStore store, URI mcpEndpoint, StoredCredentials credentials) {
        return seed(store, mcpEndpoint, credentials, Clock.systemUTC());
    }

    /**
     * Imports {@code credentials} into {@code store}, replacing an entry with the same key, after checking them (see
     * the class description) and that the registration does not conflict with one the store already holds for the
     * issuer (registrations are shared by all owners); the registration is stored when the store has none for the
     * issuer. A client of {@code mcpEndpoint} on this store then uses the tokens without a login, and refreshes them.
     *
     * @param store       where to import
     * @param mcpEndpoint the MCP endpoint the client will connect to, exactly as given to {@code filterFor}
     * @param credentials the credentials to import
     * @param clock       the clock that says whether the access token has expired
     * @return completes once stored; fails with {@link InvalidCredentialsException} naming every problem, and writes
     *         nothing, when the engine could not use them
     * @throws NullPointerException when an argument is {@code null}
     */
    public static Mono<Void> seed(TokenStore store, URI mcpEndpoint, StoredCredentials credentials, Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(credentials, "credentials");
        String endpoint = Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString();
        Objects.requireNonNull(clock, "clock");
        return Mono.fromCallable(() -> new ArrayList<>(CredentialRules.problems(credentials, endpoint, clock.instant())))
                .subscribeOn(Schedulers.boundedElastic())   // a DPoP key check signs once: keep it off event loops
                .zipWith(registrationProblems(store, List.of(credentials)), (mine, theirs) -> {
                    mine.addAll(theirs);
                    return mine;
                })
                .flatMap(problems -> problems.isEmpty() ? write(store, credentials)
                        : Mono.error(new InvalidCredentialsException(problems)));
    }

    /**
     * Every entry of {@code store} ({@link TokenStore#findAll}), ordered by endpoint, then owner, then issuer.
     *
     * @param store the store to read
     * @return its entries; fails as {@link TokenStore#findAll} does for a store that cannot list them
     * @throws NullPointerException when {@code store} is {@code null}
     */
    public static Flux<StoredCredentials> export(TokenStore store) {
        return Objects.requireNonNull(store, "store").findAll().sort(Comparator
                .comparing(StoredCredentials::endpoint)
                .thenComparing(c -> c.key().owner())
                .thenComparing(c -> c.key().issuer())
                .thenComparing(c -> c.key().resource())
                .thenComparing(c -> c.key().clientId()));
    }

    /**
     * Copies every entry of {@code from} into {@code to} as it is (rejected or expired entries too: their state moves
     * with them), each with its registration where {@code to} has none for the issuer. Every entry is checked first,
     * as by {@link #seed} except the endpoint and usability checks; one bad entry, or a registration conflicting with
     * one {@code to} holds, fails the copy before anything is written.
     *
     * @param from the store to read ({@link TokenStore#findAll} must be supported)
     * @param to   the store to write
     * @return the number of entries copied; fails with {@link InvalidCredentialsException} (every problem, each
     *         naming its endpoint and owner) and writes nothing when an entry could not be used
     * @throws NullPointerException when an argument is {@code null}
     */
    public static Mono<Integer> copy(TokenStore from, TokenStore to) {
        Objects.requireNonNull(to, "to");
        return export(from).collectList().flatMap(all -> Mono.fromCallable(() -> {
            List<String> problems = new ArrayList<>();
            for (StoredCredentials c : all) {
                CredentialRules.problems(c, null, null).forEach(p -> problems.add(where(c) + p));
            }
            return problems;
        }).subscribeOn(Schedulers.boundedElastic()).zipWith(registrationProblems(to, all), (mine, theirs) -> {
            mine.addAll(theirs);
            return mine;
        }).flatMap(problems -> problems.isEmpty()
                ? Flux.fromIterable(all).concatMap(c -> write(to, c)).then(Mono.just(all.size()))
                : Mono.error(new InvalidCredentialsException(problems))));
    }

    private static String where(StoredCredentials c) {
        return c.endpoint() + (c.key().hasDefaultOwner() ? "" : " (owner " + c.key().owner() + ")") + ": ";
    }

    /** Conflicts between the registrations of {@code entries} and the ones {@code store} holds for their issuers. */
    private static Mono<List<String>> registrationProblems(TokenStore store, List<StoredCredentials> entries) {
        return Flux.fromIterable(entries).concatMap(c -> store.loadRegistration(c.registration().issuer())
                        .filter(held -> !held.clientId().equals(c.registration().clientId()))
                        .map(held -> where(c) + "the store already holds the client registration \"" + held.clientId()
                                + "\" for issuer \"" + held.issuer() + "\", not \"" + c.registration().clientId()
                                + "\" (registrations are shared by all owners)"))
                .collectList();
    }

    private static Mono<Void> write(TokenStore store, StoredCredentials c) {
        return store.loadRegistration(c.registration().issuer()).hasElement()
                .flatMap(held -> held ? Mono.<Void>empty() : store.saveRegistration(c.registration()))
                .then(store.save(c));
    }
}
