package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.fakes.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class DpopProofTest {

    private static final URI MCP = URI.create("https://MCP.Example.com:443/mcp?session=1#frag");
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";

    private final TestClock clock = TestClock.manual();

    private DpopProofs proofs(DpopAlgorithm algorithm) {
        return new DpopProofs(Fixtures.key(algorithm), clock, Fixtures.RANDOM);
    }

    @ParameterizedTest
    @EnumSource(DpopAlgorithm.class)
    void aResourceProofVerifiesWithItsOwnJwkAndCarriesEveryClaim(DpopAlgorithm algorithm) throws Exception {
        Fixtures.Proof proof = Fixtures.Proof.verify(proofs(algorithm).create("POST", MCP, TOKEN, "n-1"));

        assertThat(proof.header()).containsEntry("typ", "dpop+jwt").containsEntry("alg", algorithm.name())
                .containsKey("jwk");
        assertThat(proof.claims()).containsOnlyKeys("jti", "htm", "htu", "iat", "ath", "nonce");
        assertThat(proof.claim("htm")).isEqualTo("POST");
        assertThat(proof.claim("htu")).isEqualTo("https://mcp.example.com/mcp");
        assertThat(proof.claim("iat")).isEqualTo(Fixtures.BASE.getEpochSecond());
        assertThat(proof.claim("nonce")).isEqualTo("n-1");
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.US_ASCII));
        assertThat(proof.claim("ath")).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
        assertThat(proof.jwk().computeThumbprint().toString()).isEqualTo(Fixtures.key(algorithm).thumbprint());
    }

    @Test
    void aTokenRequestProofHasNeitherAthNorNonceWhenNoneIsKnown() {
        Fixtures.Proof proof = Fixtures.Proof.verify(
                proofs(DpopAlgorithm.ES256).create("POST", URI.create("https://as.example/token"), null, null));

        assertThat(proof.claims()).containsOnlyKeys("jti", "htm", "htu", "iat");
        assertThat(proof.claim("htu")).isEqualTo("https://as.example/token");
    }

    @ParameterizedTest
    @EnumSource(DpopAlgorithm.class)
    void theHeaderCarriesOnlyPublicKeyMembers(DpopAlgorithm algorithm) {
        Fixtures.Proof proof = Fixtures.Proof.verify(proofs(algorithm).create("GET", MCP, TOKEN, null));
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = (Map<String, Object>) proof.header().get("jwk");

        assertThat(proof.header()).containsOnlyKeys("typ", "alg", "jwk");
        assertThat(jwk.keySet()).doesNotContainAnyElementsOf(List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k"));
        assertThat(jwk.keySet()).containsAnyOf("x", "n");
        String headerJson = new String(Base64.getUrlDecoder().decode(
                proofs(algorithm).create("GET", MCP, null, null).split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(headerJson).doesNotContain("\"d\"");
    }

    @Test
    void iatFollowsTheInjectedClock() {
        DpopProofs proofs = proofs(DpopAlgorithm.ES256);
        long first = (Long) Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null)).claim("iat");
        clock.advance(Duration.ofMinutes(7));
        long later = (Long) Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null)).claim("iat");

        assertThat(first).isEqualTo(Fixtures.BASE.getEpochSecond());
        assertThat(later - first).isEqualTo(420);
    }

    @Test
    void athChangesWithTheAccessToken() {
        DpopProofs proofs = proofs(DpopAlgorithm.ES256);
        Object a = Fixtures.Proof.verify(proofs.create("POST", MCP, "token-a", null)).claim("ath");
        Object b = Fixtures.Proof.verify(proofs.create("POST", MCP, "token-b", null)).claim("ath");
        Object a2 = Fixtures.Proof.verify(proofs.create("POST", MCP, "token-a", null)).claim("ath");

        assertThat(a).isNotEqualTo(b).isEqualTo(a2).isEqualTo(DpopProofs.accessTokenHash("token-a"));
    }

    @Test
    void everyJtiOfTenThousandProofsIsUnique() {
        DpopProofs proofs = proofs(DpopAlgorithm.ES256);
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String payload = proofs.create("POST", MCP, TOKEN, null).split("\\.")[1];
            String json = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
            int start = json.indexOf("\"jti\":\"") + 7;
            jtis.add(json.substring(start, json.indexOf('"', start)));
        }
        assertThat(jtis).hasSize(10_000);
        assertThat(jtis).allSatisfy(jti -> assertThat(Base64.getUrlDecoder().decode(jti)).hasSize(16));
    }

    @Test
    void aNonceWithQuotesOrControlCharactersStaysValidJson() {
        String nonce = "a\"b\\c\u0001d";
        Fixtures.Proof proof = Fixtures.Proof.verify(proofs(DpopAlgorithm.ES256).create("POST", MCP, null, nonce));

        assertThat(proof.claim("nonce")).isEqualTo(nonce);
    }

    @Test
    void proofsAreCreatedOnEventLoopThreadsWithoutBlocking() {
        DpopProofs es = proofs(DpopAlgorithm.ES256);
        DpopProofs ps = proofs(DpopAlgorithm.PS256);
        // BlockHound (installed for every test) fails this if signing or the jti touched a blocking call.
        StepVerifier.create(Flux.range(0, 50)
                        .flatMap(i -> Mono.fromCallable(() -> (i % 2 == 0 ? es : ps).create("POST", MCP, TOKEN, null))
                                .subscribeOn(Schedulers.parallel()))
                        .map(Fixtures.Proof::verify)
                        .count())
                .expectNext(50L)
                .verifyComplete();
    }

    /**
     * Not asserted (speed is not asserted in unit tests): prints the cost per proof next to the cost of the bare JDK
     * signature over an input of the same size, timed alternately in one loop so that the load of a shared machine
     * falls on both alike; the difference is what the layer adds to the signature.
     */
    @Test
    void measuresTheCostOfAProof() throws Exception {
        for (DpopAlgorithm algorithm : DpopAlgorithm.values()) {
            DpopProofs proofs = proofs(algorithm);
            int n = algorithm == DpopAlgorithm.ES256 ? 1_000 : 60;
            java.security.PrivateKey key = algorithm == DpopAlgorithm.ES256
                    ? com.nimbusds.jose.jwk.ECKey.parse(Fixtures.key(algorithm).toPrivateJwk()).toPrivateKey()
                    : com.nimbusds.jose.jwk.RSAKey.parse(Fixtures.key(algorithm).toPrivateJwk()).toPrivateKey();
            String jca = switch (algorithm) {
                case ES256 -> "SHA256withECDSAinP1363Format";
                case RS256 -> "SHA256withRSA";
                case PS256 -> "RSASSA-PSS";
            };
            String sample = proofs.create("POST", MCP, TOKEN, "nonce");
            byte[] input = sample.substring(0, sample.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long proofNanos = 0;
            long signNanos = 0;
            long proofCpu = 0;
            long signCpu = 0;
            long sink = 0;
            for (int i = 0; i < 2 * n; i++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                sink += proofs.create("POST", MCP, TOKEN, "nonce").length();
                long t1 = System.nanoTime();
                long c1 = cpu.getCurrentThreadCpuTime();
                sink += bareSign(jca, key, input);
                long t2 = System.nanoTime();
                long c2 = cpu.getCurrentThreadCpuTime();
                if (i >= n) {   // the first half warms up
                    proofNanos += t1 - t0;
                    signNanos += t2 - t1;
                    proofCpu += c1 - c0;
                    signCpu += c2 - c1;
                }
            }
            System.out.printf("DPoP %s proof: %d ns/op (thread CPU %d ns/op); bare JDK %s signature of the same input:"
                    + " %d ns/op (thread CPU %d ns/op) (%d)%n", algorithm, proofNanos / n, proofCpu / n, jca,
                    signNanos / n, signCpu / n, sink & 1);
        }
    }

    private static int bareSign(String algorithm, java.security.PrivateKey key, byte[] input) throws Exception {
        java.security.Signature signature = java.security.Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            signature.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        signature.initSign(key, Fixtures.RANDOM);
        signature.update(input);
        return signature.sign().length;
    }
}
