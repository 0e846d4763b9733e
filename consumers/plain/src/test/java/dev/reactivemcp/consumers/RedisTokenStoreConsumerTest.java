package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.tokenstore.redis.RedisTokenStore;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.TlsTrust;
import io.netty.util.Version;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * mcp-token-store-redis declared without a version (from the BOM) beside the core modules: Lettuce brings no Netty of
 * its own, and, when {@code REACTIVEMCP_REDIS_SERVER} names a {@code redis-server} binary, two replicas share a login
 * through a real Redis this test starts and stops.
 */
class RedisTokenStoreConsumerTest {

    @Test
    void lettuceAndReactorNettyShareOneNettyVersion() {
        Map<String, String> netty = new TreeMap<>();
        Version.identify().forEach((artifact, v) -> netty.put(artifact, v.artifactVersion()));
        Set<String> versions = netty.values().stream().collect(Collectors.toSet());

        System.out.println("netty modules with redis store: " + netty);
        assertTrue(netty.containsKey("netty-handler") && netty.containsKey("netty-codec-http"), netty::toString);
        assertEquals(1, versions.size(), "one Netty version on the classpath: " + netty);
        assertEquals("RedisTokenStore", RedisTokenStore.class.getSimpleName());
    }

    @Test
    void twoReplicasShareALoginThroughARealRedis(@TempDir Path dir) throws Exception {
        String binary = System.getenv("REACTIVEMCP_REDIS_SERVER");
        assumeTrue(binary != null && !binary.isBlank(), "REACTIVEMCP_REDIS_SERVER names no redis-server binary");
        int port = freePort();
        Process redis = new ProcessBuilder(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        HttpsSmokeTest fixture = new HttpsSmokeTest();
        KeyPair keys = HttpsSmokeTest.keys();
        X509Certificate cert = HttpsSmokeTest.selfSigned(keys);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(HttpsSmokeTest.forServer(keys, cert)))
                .handle(fixture::handle).bindNow();
        try {
            awaitListening(port, redis);
            URI uri = URI.create("https://127.0.0.1:" + server.port() + "/mcp");
            TlsTrust trust = TlsTrust.certificates(cert);
            String redisUri = "redis://127.0.0.1:" + port;
            RedisTokenStore first = RedisTokenStore.builder(redisUri).keyPrefix("consumer:").build();
            RedisTokenStore second = RedisTokenStore.builder(redisUri).keyPrefix("consumer:").build();
            McpOAuth replicaA = McpOAuth.builder().tokenStore(first).tlsTrust(trust)
                    .codeSource(AuthorizationCodeSource.headless("http://localhost:3000/callback",
                            Duration.ofSeconds(30), trust))
                    .build();
            McpOAuth replicaB = McpOAuth.builder().tokenStore(second).tlsTrust(trust).build();

            McpClient a = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).tlsTrust(trust).filter(replicaA.filterFor(uri)).build();
            CallToolResult byA = a.connect().then(a.callTool("echo", Map.of("message", "hi")))
                    .block(Duration.ofSeconds(60));
            a.close().block(Duration.ofSeconds(30));
            AuthState seenByB = replicaB.storedAuthState(uri).block(Duration.ofSeconds(10));
            McpClient b = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).tlsTrust(trust).filter(replicaB.filterFor(uri)).build();
            CallToolResult byB = b.connect().then(b.callTool("echo", Map.of("message", "hi")))
                    .block(Duration.ofSeconds(60));
            b.close().block(Duration.ofSeconds(30));
            replicaA.shutdown().then(replicaB.shutdown()).then(first.shutdown()).then(second.shutdown())
                    .block(Duration.ofSeconds(30));

            assertEquals("smoke over https", byA.text());
            assertEquals(AuthState.OAUTH, seenByB, "replica B finds replica A's tokens in Redis");
            assertEquals("smoke over https", byB.text(), "replica B calls with the shared token, no login of its own");
            assertEquals(1, fixture.count("POST /token"), "one token request for both replicas, counted by the server");
            assertEquals(1, fixture.count("POST /register"));
        } finally {
            server.disposeNow();
            redis.destroy();
            redis.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Test setup outside any reactive path: polls the port until redis-server accepts (at most 10 s). */
    private static void awaitListening(int port, Process redis) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!redis.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + redis.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port);
    }
}
