package dev.reactivemcp.oauth.owners;

import static dev.reactivemcp.oauth.owners.ServiceLoginTest.WAIT;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.browse;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.call;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.loginNeeded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.Dpop;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.TokenStores;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * Moving credentials between stores: alice and bob log in through the redirect (DPoP-bound tokens) on a service whose
 * tokens live in a {@link FileTokenStore}; the file is exported into another store ({@code TokenStores.copy}), or one
 * owner's credentials are seeded into a fresh one ({@code TokenStores.seed}); a new service instance on that store
 * serves each owner with their own token and key, with no login and no token request, checked at the servers.
 */
class StoreMigrationTest {

    private final TestClock clock = TestClock.manual();
    private final LoginServer server = new LoginServer(true, clock);
    private final List<McpOAuth> instances = new ArrayList<>();
    private final List<McpClient> clients = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        clients.forEach(c -> c.close().onErrorComplete().block(WAIT));
        instances.forEach(o -> o.shutdown().block(WAIT));
        server.close();
    }

    private McpOAuth service(TokenStore store) {
        McpOAuth oauth = McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI).dpop(Dpop.es256())
                .tokenStore(store).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), LoginServer.CLIENT_ID, null, "none",
                        List.of(LoginServer.REDIRECT_URI)))
                .ownerRequired(true)
                .build();
        instances.add(oauth);
        return oauth;
    }

    private McpClient client(McpOAuth oauth) {
        McpClient client = McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build();
        clients.add(client);
        return client;
    }

    /** Alice and bob log in on a service over {@code file}. */
    private FileTokenStore loggedInFile() {
        FileTokenStore file = FileTokenStore.at(dir.resolve("tokens.json"));
        McpOAuth first = service(file);
        McpClient client = client(first);
        for (String owner : List.of("alice", "bob")) {
            var redirect = browse(loginNeeded(client, "whoami", owner).authorizationUrl(), owner);
            StepVerifier.create(first.completeLogin(redirect).contextWrite(McpOwner.of(owner))).verifyComplete();
        }
        return file;
    }

    private void eachOwnerIsServedWithTheirOwnTokenAndNoTokenRequest(McpClient client, List<String> owners) {
        int codes = server.codesIssued.get();
        for (String owner : owners) {
            StepVerifier.create(call(client, "whoami", owner).map(CallToolResult::text)).expectNext(owner)
                    .verifyComplete();
            assertThat(server.tokenRequests(owner)).as(owner + ": only the login's token request").isEqualTo(1);
        }
        assertThat(server.codesIssued).as("no login").hasValue(codes);
        assertThat(server.problems).as("every proof by the key the token is bound to").isEmpty();
        assertThat(server.crossings).hasValue(0);
    }

    @Test
    void aFileStoreCopiedIntoAnotherStoreServesEveryOwnerWithoutLogin() {
        FileTokenStore file = loggedInFile();
        InMemoryTokenStore target = new InMemoryTokenStore();

        StepVerifier.create(TokenStores.copy(file, target)).expectNext(2).verifyComplete();

        assertThat(TokenStores.export(target).map(c -> c.key().owner()).collectList().block(WAIT))
                .containsExactly("alice", "bob");
        assertThat(target.loadRegistration(server.base()).block(WAIT).clientId()).isEqualTo(LoginServer.CLIENT_ID);
        eachOwnerIsServedWithTheirOwnTokenAndNoTokenRequest(client(service(target)), List.of("alice", "bob"));
    }

    @Test
    void oneOwnersCredentialsSeededIntoAFreshStoreDriveARealCallWithZeroTokenRequests() {
        StoredCredentials alices = TokenStores.export(loggedInFile()).filter(c -> c.key().owner().equals("alice"))
                .blockFirst(WAIT);
        InMemoryTokenStore fresh = new InMemoryTokenStore();

        StepVerifier.create(TokenStores.seed(fresh, server.mcp(), alices, clock)).verifyComplete();

        McpClient client = client(service(fresh));
        eachOwnerIsServedWithTheirOwnTokenAndNoTokenRequest(client, List.of("alice"));
        assertThat(loginNeeded(client, "whoami", "bob").owner()).as("bob was not seeded: he must log in")
                .isEqualTo("bob");
    }

    @Test
    void aStoreThatCannotListItsEntriesFailsTheCopyTypedAndNothingIsWritten() {
        InMemoryTokenStore source = new InMemoryTokenStore();
        TokenStore unlisted = new TokenStore() {
            public reactor.core.publisher.Mono<StoredCredentials> load(dev.reactivemcp.oauth.CredentialKey key) {
                return source.load(key);
            }

            public reactor.core.publisher.Flux<StoredCredentials> findByEndpoint(String endpoint) {
                return source.findByEndpoint(endpoint);
            }

            public reactor.core.publisher.Mono<Void> save(StoredCredentials credentials) {
                return source.save(credentials);
            }

            public reactor.core.publisher.Mono<Void> delete(dev.reactivemcp.oauth.CredentialKey key) {
                return source.delete(key);
            }

            public reactor.core.publisher.Mono<StoredCredentials> update(dev.reactivemcp.oauth.CredentialKey key,
                    java.util.function.Function<java.util.Optional<StoredCredentials>,
                            reactor.core.publisher.Mono<StoredCredentials>> change) {
                return source.update(key, change);
            }

            public reactor.core.publisher.Mono<ClientRegistration> loadRegistration(String issuer) {
                return source.loadRegistration(issuer);
            }

            public reactor.core.publisher.Mono<Void> saveRegistration(ClientRegistration registration) {
                return source.saveRegistration(registration);
            }
        };
        InMemoryTokenStore target = new InMemoryTokenStore();

        StepVerifier.create(TokenStores.copy(unlisted, target))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("cannot list its entries"))
                .verify(WAIT);
        assertThat(target.findAll().collectList().block(WAIT)).isEmpty();
    }
}
