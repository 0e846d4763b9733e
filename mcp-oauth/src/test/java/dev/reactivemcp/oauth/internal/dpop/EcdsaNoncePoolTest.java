package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import java.util.ArrayDeque;
import java.util.Queue;
import reactor.core.scheduler.Scheduler;

class EcdsaNoncePoolTest {

    private static final URI MCP = URI.create("https://mcp.example.com/mcp");
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";

    private final TestClock clock = TestClock.manual();

    /** A scheduler whose tasks wait until the test runs them. */
    private static final class HeldTasks {
        final Queue<Runnable> tasks = new ArrayDeque<>();
        final Scheduler scheduler = Schedulers.fromExecutor(tasks::add);

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }

    @Test
    void thousandsOfProofsSignedWithPooledNoncesVerifyWithTheJdkAndNimbusAndNoNonceIsUsedTwice() throws Exception {
        EcdsaNoncePool pool = new EcdsaNoncePool(256, Schedulers.immediate(), Fixtures.RANDOM);   // refills inline
        Set<String> rs = new HashSet<>();
        int proofsMade = 0;
        for (int keys = 0; keys < 40; keys++) {
            DpopKey key = DpopKey.generate(DpopAlgorithm.ES256, Fixtures.drbg());
            DpopProofs proofs = new DpopProofs(key, clock, Fixtures.RANDOM, pool);
            Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
            jdk.initVerify(ECKey.parse(key.publicJwkJson()).toECPublicKey());
            for (int i = 0; i < 50; i++) {
                String proof = proofs.create("POST", MCP, TOKEN, "n-" + i);
                proofsMade++;
                Fixtures.Proof.verify(proof);   // Nimbus, with the jwk of the proof's own header
                int dot = proof.lastIndexOf('.');
                byte[] signature = Base64.getUrlDecoder().decode(proof.substring(dot + 1));
                jdk.update(proof.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
                assertThat(jdk.verify(signature)).as("JDK verifier, proof %d", proofsMade).isTrue();
                rs.add(new BigInteger(1, Arrays.copyOf(signature, 32)).toString(16));
            }
        }

        assertThat(pool.misses()).as("only the very first proof found the pool empty").isEqualTo(1);
        assertThat(pool.taken()).isEqualTo(proofsMade - 1);
        assertThat(rs).as("r = x(kG) differs on every proof: no k was used twice").hasSize(proofsMade);
        assertThat(pool.generated()).isGreaterThanOrEqualTo(pool.taken());
    }

    @Test
    void anEmptyPoolSignsWithPlainJcaAndStartsOneRefillInTheBackground() {
        HeldTasks scheduler = new HeldTasks();
        EcdsaNoncePool pool = new EcdsaNoncePool(32, scheduler.scheduler, Fixtures.RANDOM);
        DpopProofs proofs = new DpopProofs(Fixtures.key(DpopAlgorithm.ES256), clock, Fixtures.RANDOM, pool);

        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));
        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));

        assertThat(pool.misses()).as("both proofs signed without a nonce").isEqualTo(2);
        assertThat(pool.generated()).as("nothing is computed on the request path").isZero();
        assertThat(pool.refilling()).isTrue();
        scheduler.runAll();
        assertThat(pool.size()).as("one refill filled the pool, in batches").isEqualTo(32);
        assertThat(pool.generated()).isEqualTo(32);
        assertThat(pool.refilling()).isFalse();

        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));
        assertThat(pool.taken()).isEqualTo(1);
        assertThat(pool.size()).isEqualTo(31);
        assertThat(pool.refilling()).as("no refill above half").isFalse();
    }

    @Test
    void aPoolNobodyTakesFromComputesNothing() {
        HeldTasks scheduler = new HeldTasks();
        EcdsaNoncePool pool = new EcdsaNoncePool(32, scheduler.scheduler, Fixtures.RANDOM);

        scheduler.runAll();

        assertThat(pool.generated()).isZero();
        assertThat(pool.refilling()).isFalse();
    }

    @Test
    void shutdownWaitsForTheRefillInProgressAndNoneStartsAfterIt() {
        HeldTasks scheduler = new HeldTasks();
        EcdsaNoncePool pool = new EcdsaNoncePool(64, scheduler.scheduler, Fixtures.RANDOM);
        DpopProofs proofs = new DpopProofs(Fixtures.key(DpopAlgorithm.ES256), clock, Fixtures.RANDOM, pool);
        proofs.create("POST", MCP, TOKEN, null);   // starts a refill, queued on the scheduler

        StepVerifier.create(pool.shutdown())
                .expectSubscription()
                .expectNoEvent(Duration.ZERO).as("the refill has not run yet: shutdown waits")
                .then(scheduler::runAll)
                .verifyComplete();

        assertThat(pool.refilling()).isFalse();
        assertThat(pool.size()).isZero();
        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));   // plain JCA after shutdown
        scheduler.runAll();
        assertThat(pool.generated()).as("the stopped refill made nothing; none started after shutdown").isZero();
        assertThat(pool.refilling()).isFalse();
    }

    @Test
    void aPoolWhoseSchedulerIsGoneFallsBackToJca() {
        var scheduler = Schedulers.newSingle("gone");
        scheduler.dispose();
        EcdsaNoncePool pool = new EcdsaNoncePool(8, scheduler, Fixtures.RANDOM);
        DpopProofs proofs = new DpopProofs(Fixtures.key(DpopAlgorithm.ES256), clock, Fixtures.RANDOM, pool);

        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));
        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));

        assertThat(pool.misses()).isEqualTo(2);
        assertThat(pool.refilling()).isFalse();
    }

    @Test
    void noncesNeverShowInToString() {
        EcdsaNoncePool pool = new EcdsaNoncePool(4, Schedulers.immediate(), Fixtures.RANDOM);
        pool.take();
        EcdsaNoncePool.Nonce nonce = pool.take();

        assertThat(nonce).isNotNull();
        for (String shown : new String[] {nonce.toString(), pool.toString()}) {
            assertThat(shown).doesNotContain(nonce.k.toString()).doesNotContain(nonce.k.toString(16))
                    .doesNotContain(nonce.r.toString()).doesNotContain(nonce.r.toString(16));
        }
    }

    @Test
    void rsaKeysIgnoreThePool() {
        EcdsaNoncePool pool = new EcdsaNoncePool(4, Schedulers.immediate(), Fixtures.RANDOM);
        DpopProofs proofs = new DpopProofs(Fixtures.key(DpopAlgorithm.PS256), clock, Fixtures.RANDOM, pool);

        Fixtures.Proof.verify(proofs.create("POST", MCP, TOKEN, null));

        assertThat(pool.taken() + pool.misses()).isZero();
    }
}
