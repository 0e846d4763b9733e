package dev.reactivemcp.oauth.internal.dpop;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * ECDSA P-256 with SHA-256 (FIPS 186-5 section 6.4.1) from a precomputed nonce (k, r): s = k^-1 (z + r d) mod n, the
 * inversion blinded by a fresh random b (s = (k b)^-1 (b z + b r d)), so its timing does not follow k. Output in the
 * JWS form R || S, 32 bytes each (RFC 7518 section 3.4). The point multiplication that made r is not done here.
 */
final class PrecomputedEcdsa {

    private PrecomputedEcdsa() {
    }

    /**
     * The signature of {@code input} with private scalar {@code d} of order {@code n}, or null when s came out 0 (sign
     * another way). The nonce must never be used again.
     */
    static byte[] sign(byte[] input, BigInteger d, BigInteger n, EcdsaNoncePool.Nonce nonce, SecureRandom random) {
        BigInteger z = new BigInteger(1, sha256(input));   // 256 bits: the bit length of n, no truncation
        BigInteger b;
        do {
            b = new BigInteger(n.bitLength() + 64, random).mod(n);
        } while (b.signum() == 0);
        BigInteger kbInverse = nonce.k.multiply(b).mod(n).modInverse(n);
        BigInteger bzPlusBrd = b.multiply(z.add(nonce.r.multiply(d))).mod(n);
        BigInteger s = kbInverse.multiply(bzPlusBrd).mod(n);
        if (s.signum() == 0 || nonce.r.signum() == 0) {
            return null;
        }
        byte[] signature = new byte[64];
        put(nonce.r, signature, 0);
        put(s, signature, 32);
        return signature;
    }

    private static void put(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();   // big-endian, maybe a leading 0 byte, maybe shorter than 32
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
