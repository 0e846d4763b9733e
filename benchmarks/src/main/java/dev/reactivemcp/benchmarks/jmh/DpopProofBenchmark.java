package dev.reactivemcp.benchmarks.jmh;

import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.oauth.internal.dpop.DpopNonces;
import dev.reactivemcp.oauth.internal.dpop.DpopProofs;
import dev.reactivemcp.oauth.internal.dpop.EcdsaNoncePool;
import dev.reactivemcp.oauth.internal.dpop.DpopRequests;
import dev.reactivemcp.oauth.internal.dpop.DpopTarget;
import dev.reactivemcp.transport.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import reactor.core.scheduler.Schedulers;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one DPoP proof (RFC 9449) for an MCP request: {@code proof} (a new signed JWT with jti, htm, htu, iat,
 * ath and nonce), {@code headers} (the proof plus {@code Authorization: DPoP}, as the resource filter sets them), and
 * the yardstick {@code bareSignature}: the JDK signature alone over an input of the proof's size. The difference is
 * what the layer adds; the signature dominates (JDK 17's SunEC P-256 signing is slow; JDK 21+ is several times
 * faster). Target for ES256: < 50 µs per proof. {@code bcSignature}: the same signature with BouncyCastle's provider.
 * {@code proofPooledInline}: a proof with an {@link EcdsaNoncePool} refilled on the calling thread, i.e. the whole CPU
 * of a pooled proof (nonce generation included); the request-path part alone: {@code driver.DpopProofCpu}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DpopProofBenchmark {

    private static final URI MCP = URI.create("https://mcp.example.com/mcp");
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9." + "x".repeat(600) + ".c2lnbmF0dXJl";

    @Param({"ES256", "PS256"})
    public String algorithm;

    private DpopProofs proofs;
    private DpopRequests requests;
    private Signature bare;
    private Signature bc;
    private DpopProofs pooledInline;
    private byte[] input;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = SecureRandom.getInstance("DRBG");
        DpopKey key = DpopKey.generate(DpopAlgorithm.valueOf(algorithm), random);
        proofs = new DpopProofs(key, Clock.systemUTC(), random);
        requests = new DpopRequests(proofs, new DpopNonces());
        String proof = proofs.create("POST", MCP, TOKEN, "nonce-1");
        input = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        PrivateKey other;
        if ("ES256".equals(algorithm)) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            other = g.generateKeyPair().getPrivate();
            bare = Signature.getInstance("SHA256withECDSAinP1363Format");
            bc = Signature.getInstance("SHA256withPLAIN-ECDSA", new BouncyCastleProvider());
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            other = g.generateKeyPair().getPrivate();
            bare = Signature.getInstance("RSASSA-PSS");
            bare.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            bc = Signature.getInstance("SHA256withRSAandMGF1", new BouncyCastleProvider());
        }
        bare.initSign(other, random);
        bc.initSign(other, random);
        pooledInline = new DpopProofs(key, Clock.systemUTC(), random,
                new EcdsaNoncePool(EcdsaNoncePool.DEFAULT_CAPACITY, Schedulers.immediate(), random));
    }

    @Benchmark
    public String proof() {
        return proofs.create("POST", MCP, TOKEN, "nonce-1");
    }

    @Benchmark
    public Headers headers() {
        return requests.headers(DpopTarget.RESOURCE_SERVER, "POST", MCP, TOKEN);
    }

    @Benchmark
    public byte[] bareSignature() throws Exception {
        bare.update(input);
        return bare.sign();
    }

    @Benchmark
    public byte[] bcSignature() throws Exception {
        bc.update(input);
        return bc.sign();
    }

    @Benchmark
    public String proofPooledInline() {
        return pooledInline.create("POST", MCP, TOKEN, "nonce-1");
    }
}
