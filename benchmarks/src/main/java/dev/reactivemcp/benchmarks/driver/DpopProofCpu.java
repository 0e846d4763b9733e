package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.oauth.internal.dpop.DpopProofs;
import dev.reactivemcp.oauth.internal.dpop.EcdsaNoncePool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import reactor.core.scheduler.Schedulers;

/**
 * The CPU of one ES256 DPoP proof, as thread CPU time (robust on a busy machine, where JMH's wall time is not):
 * SunEC and BouncyCastle signatures alone, a proof signed with plain JCA, and a proof from a precomputed nonce
 * ({@link EcdsaNoncePool}) split in its two parts: the request path (hash, s = k^-1 (z + r d) mod n, JWS) and the
 * background precomputation of the nonce (the JDK's EC key pair generation). Rounds of {@code n} operations each; the
 * pool is filled between runs (off the clock) so every measured pooled proof takes a nonce (misses are printed).
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.driver.DpopProofCpu [n=2000] [rounds=4]
 * </pre>
 */
public final class DpopProofCpu {

    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final URI MCP = URI.create("https://mcp.example.com/mcp");
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9." + "x".repeat(600) + ".c2lnbmF0dXJl";
    private static volatile Object sink;

    private DpopProofCpu() { }

    private interface Op {
        Object run() throws Exception;
    }

    private static double cpuMicros(int n, Op op) throws Exception {
        long t0 = THREAD.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink = op.run();
        }
        return (THREAD.getCurrentThreadCpuTime() - t0) / 1e3 / n;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        SecureRandom random = SecureRandom.getInstance("DRBG");
        DpopKey key = DpopKey.generate(DpopAlgorithm.ES256, random);
        DpopProofs plain = new DpopProofs(key, Clock.systemUTC(), random);
        String proof = plain.create("POST", MCP, TOKEN, "nonce-1");
        byte[] input = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        PrivateKey other = g.generateKeyPair().getPrivate();
        Signature sun = Signature.getInstance("SHA256withECDSAinP1363Format");
        sun.initSign(other, random);
        Signature bc = Signature.getInstance("SHA256withPLAIN-ECDSA", new BouncyCastleProvider());
        bc.initSign(other, random);
        Queue<Runnable> held = new ArrayDeque<>();
        EcdsaNoncePool pool = new EcdsaNoncePool(n + 16, Schedulers.fromExecutor(held::add), random);
        DpopProofs pooled = new DpopProofs(key, Clock.systemUTC(), random, pool);
        pooled.create("POST", MCP, TOKEN, "nonce-1");   // starts the first refill (held)
        System.out.println("JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; thread CPU in us per operation, " + n + " per run");
        for (int round = 1; round <= rounds; round++) {
            double sunSign = cpuMicros(n, () -> {
                sun.update(input);
                return sun.sign();
            });
            double bcSign = cpuMicros(n, () -> {
                bc.update(input);
                return bc.sign();
            });
            double plainProof = cpuMicros(n, () -> plain.create("POST", MCP, TOKEN, "nonce-1"));
            long generated = pool.generated();
            long t0 = THREAD.getCurrentThreadCpuTime();
            for (Runnable task; (task = held.poll()) != null; ) {
                task.run();
            }
            double perNonce = (THREAD.getCurrentThreadCpuTime() - t0) / 1e3 / Math.max(1, pool.generated() - generated);
            long misses = pool.misses();
            double pooledProof = cpuMicros(n, () -> pooled.create("POST", MCP, TOKEN, "nonce-1"));
            System.out.printf(Locale.ROOT, "round %d: SunEC sign %.1f | BC sign %.1f | proof, JCA %.1f | proof, pooled "
                            + "nonce: request path %.1f + precomputation %.1f = %.1f | pool misses %d%n", round, sunSign,
                    bcSign, plainProof, pooledProof, perNonce, pooledProof + perNonce, pool.misses() - misses);
        }
    }
}
