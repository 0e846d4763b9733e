package dev.reactivemcp.oauth.internal.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random values of the flow: PKCE verifiers (RFC 7636 section 4.1, 256 bits) and {@code state} (256 bits). The
 * generator is seeded when the flow is built, so drawing from it later never touches the OS entropy device on an
 * event loop.
 */
final class Secrets {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    Secrets() {
        SecureRandom r;
        try {
            r = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            r = new SecureRandom();
        }
        r.nextBytes(new byte[32]);
        this.random = r;
    }

    /** The seeded generator (for JOSE signers that need randomness). */
    java.security.SecureRandom random() {
        return random;
    }

    /** 32 random bytes, base64url without padding (43 characters of the RFC 7636 unreserved set). */
    String next() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return URL.encodeToString(bytes);
    }

    /** {@code BASE64URL(SHA256(ASCII(verifier)))}, RFC 7636 section 4.2. */
    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return URL.encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Compares without an early exit, so timing does not reveal how much of a secret matched. */
    static boolean equalsConstantTime(String expected, String actual) {
        if (actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
