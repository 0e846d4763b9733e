package dev.reactivemcp.oauth.internal.dpop;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * ES256 (P-256) signature nonces computed ahead of use, so a DPoP proof on the request path costs a hash and a few
 * scalar multiplications mod n instead of a point multiplication. Each nonce is a pair (k, r = x(kG) mod n) made by
 * the JDK's own {@code KeyPairGenerator("EC")} (k the private scalar, kG the public point: no curve arithmetic here);
 * it is independent of the signing key, so one pool serves every credential of one {@code McpOAuth}.
 *
 * <p>Each nonce is handed out once ({@link #take()} removes it; nothing keeps it) and then forgotten. The pool fills
 * on demand: the first {@link #take()} finds it empty (the caller signs with plain JCA) and starts a refill; a refill
 * starts again whenever a take leaves it at or below half. At most one refill runs, on the injected scheduler, in
 * batches; {@link #shutdown()} stops it and completes once it has ended. This moves the point multiplication off the
 * request path, it does not remove it: the CPU per proof is about the same, spent in the background.
 */
public final class EcdsaNoncePool {

    /** The default number of nonces kept: a burst of this many proofs signs without a point multiplication. */
    public static final int DEFAULT_CAPACITY = 128;
    private static final int BATCH = 16;

    /** One precomputed nonce: the scalar k and r = x(kG) mod n. A secret: never printed. */
    static final class Nonce {
        final BigInteger k;
        final BigInteger r;

        Nonce(BigInteger k, BigInteger r) {
            this.k = k;
            this.r = r;
        }

        @Override
        public String toString() {
            return "Nonce[...]";
        }
    }

    private final int capacity;
    private final Scheduler scheduler;
    private final SecureRandom random;
    private final ConcurrentLinkedQueue<Nonce> nonces = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicReference<Sinks.Empty<Void>> refilling = new AtomicReference<>();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private KeyPairGenerator generator;   // used by the one refill at a time only

    /**
     * A pool of up to {@code capacity} nonces, refilled on {@code scheduler} (CPU work: a bounded-elastic or a
     * dedicated scheduler) with {@code random} (seeded, e.g. DRBG).
     */
    public EcdsaNoncePool(int capacity, Scheduler scheduler, SecureRandom random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A nonce never handed out before, or null when none is ready (sign without the pool); may start a refill. */
    Nonce take() {
        Nonce nonce = nonces.poll();
        int left = nonce == null ? 0 : size.decrementAndGet();
        if (nonce == null) {
            misses.incrementAndGet();
        } else {
            taken.incrementAndGet();
        }
        if (left <= capacity / 2) {
            refill();
        }
        return nonce;
    }

    private void refill() {
        if (stopped.get()) {
            return;
        }
        Sinks.Empty<Void> done = Sinks.empty();
        if (!refilling.compareAndSet(null, done)) {
            return;   // one refill at a time
        }
        if (stopped.get()) {   // shutdown may have looked before the slot was taken
            finish(done);
            return;
        }
        try {
            scheduler.schedule(() -> batch(done));
        } catch (RuntimeException rejected) {   // scheduler disposed: sign with plain JCA
            finish(done);
        }
    }

    /** One batch, then the next batch as a new task, so other work on the scheduler (and shutdown) gets its turn. */
    private void batch(Sinks.Empty<Void> done) {
        try {
            for (int i = 0; i < BATCH && size.get() < capacity && !stopped.get(); i++) {
                nonces.offer(next());
                size.incrementAndGet();
                generated.incrementAndGet();
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            finish(done);   // signing falls back to plain JCA; a later take tries again
            return;
        }
        if (size.get() < capacity && !stopped.get()) {
            try {
                scheduler.schedule(() -> batch(done));
                return;
            } catch (RuntimeException rejected) {   // scheduler disposed
                finish(done);
                return;
            }
        }
        finish(done);
    }

    private void finish(Sinks.Empty<Void> done) {
        refilling.compareAndSet(done, null);
        done.tryEmitEmpty();
    }

    private Nonce next() throws GeneralSecurityException {
        if (generator == null) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            generator = g;
        }
        KeyPair pair = generator.generateKeyPair();
        ECPrivateKey k = (ECPrivateKey) pair.getPrivate();
        BigInteger r = ((ECPublicKey) pair.getPublic()).getW().getAffineX().mod(k.getParams().getOrder());
        return new Nonce(k.getS(), r);
    }

    /**
     * Stops refilling, drops the nonces kept, and completes once a refill in progress has ended (its current batch
     * at most). Proofs after this sign with plain JCA.
     */
    public Mono<Void> shutdown() {
        return Mono.defer(() -> {
            stopped.set(true);
            Sinks.Empty<Void> running = refilling.get();
            Mono<Void> wait = running == null ? Mono.empty() : running.asMono();
            return wait.doFinally(signal -> {
                nonces.clear();
                size.set(0);
            });
        });
    }

    /** How many nonces are ready. */
    public int size() {
        return size.get();
    }

    /** How many nonces were generated in total. */
    public long generated() {
        return generated.get();
    }

    /** How many nonces were handed out (each once). */
    public long taken() {
        return taken.get();
    }

    /** How many times a proof found the pool empty and signed with plain JCA. */
    public long misses() {
        return misses.get();
    }

    /** Whether a refill is in progress. */
    public boolean refilling() {
        return refilling.get() != null;
    }

    @Override
    public String toString() {
        return "EcdsaNoncePool[" + size.get() + "/" + capacity + ", taken=" + taken.get() + ", misses=" + misses.get()
                + "]";
    }
}
