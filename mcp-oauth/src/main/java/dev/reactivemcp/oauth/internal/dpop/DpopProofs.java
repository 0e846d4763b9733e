package dev.reactivemcp.oauth.internal.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;

/**
 * Creates DPoP proofs (RFC 9449 section 4.2) with one key: claims {@code jti} (128 random bits), {@code htm},
 * {@code htu} ({@link Htu}), {@code iat} from the injected clock, {@code ath} (section 4.1: base64url SHA-256 of the
 * access token) on resource requests and {@code nonce} when the server gave one. A new proof per call: a proof is
 * never reused, not even for a retry. Thread-safe; signing is CPU only (no I/O, no lock).
 */
public final class DpopProofs {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final DpopKey key;
    private final Clock clock;
    private final SecureRandom random;
    private final EcdsaNoncePool pool;
    /** The last access token hashed and its {@code ath}: the same token is sent many times in a row. */
    private volatile Ath lastAth;

    private record Ath(String token, String hash) {
        @Override
        public String toString() {
            return "Ath[...]";
        }
    }

    /** Proofs signed with {@code key}; {@code random} (seeded, e.g. DRBG) draws the {@code jti}s. */
    public DpopProofs(DpopKey key, Clock clock, SecureRandom random) {
        this(key, clock, random, null);
    }

    /** As above; ES256 proofs take their signature nonce from {@code pool} (may be null) when one is ready. */
    public DpopProofs(DpopKey key, Clock clock, SecureRandom random, EcdsaNoncePool pool) {
        this.pool = pool;
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The key the proofs are signed with. */
    public DpopKey key() {
        return key;
    }

    /**
     * A fresh proof for {@code method uri}; {@code accessToken} (for {@code ath}) and {@code nonce} may be null.
     *
     * <pre>{@code
     * String proof = proofs.create("POST", URI.create("https://as.example/token"), null, nonces.current(...));
     * }</pre>
     */
    public String create(String method, URI uri, String accessToken, String nonce) {
        Objects.requireNonNull(method, "method");
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        StringBuilder json = new StringBuilder(160);
        json.append("{\"jti\":\"").append(B64URL.encodeToString(jti)).append("\",\"htm\":");
        JsonText.string(json, method);   // as sent: methods are case-sensitive
        json.append(",\"htu\":");
        JsonText.string(json, Htu.of(uri));
        json.append(",\"iat\":").append(clock.instant().getEpochSecond());
        if (accessToken != null) {
            json.append(",\"ath\":\"").append(ath(accessToken)).append('"');
        }
        if (nonce != null) {
            json.append(",\"nonce\":");
            JsonText.string(json, nonce);
        }
        json.append('}');
        return key.sign(B64URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8)), pool);
    }

    private String ath(String accessToken) {
        Ath last = lastAth;
        if (last != null && last.token.equals(accessToken)) {
            return last.hash;
        }
        String hash = accessTokenHash(accessToken);
        lastAth = new Ath(accessToken, hash);
        return hash;
    }

    /** {@code BASE64URL(SHA-256(ASCII(accessToken)))}, RFC 9449 section 4.2. */
    public static String accessTokenHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return B64URL.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "DpopProofs[" + key + "]";
    }
}
