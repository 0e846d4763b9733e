package dev.reactivemcp.tokenstore.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals stored values with AES-GCM (JDK): {@code aesgcm:v1:<key id>:<nonce>:<ciphertext and tag>} (base64url), a fresh
 * 96-bit nonce per value, the item's identity as additional data (a value moved to another item does not open).
 * Without a key, values are stored as their JSON. A store with a key refuses unsealed values (the seal is also what
 * proves that nobody without the key wrote them); a sealed value needs its key id among the keys given.
 */
public final class Sealer {

    /** The form of a key id: short, and free of the separator. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final String PREFIX = "aesgcm:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String currentId;
    private final Map<String, SecretKey> keys;
    private final SecureRandom random;

    private Sealer(String currentId, Map<String, SecretKey> keys) {
        this.currentId = currentId;
        this.keys = Map.copyOf(keys);
        if (currentId == null) {
            this.random = null;
            return;
        }
        try {
            // DRBG seeds itself once, here (on the caller's thread, at build time), and never reads the OS entropy
            // source on the reactive path afterwards; the first cipher lookup is made here too.
            this.random = SecureRandom.getInstance("DRBG");
            this.random.nextBytes(new byte[NONCE_BYTES]);
            Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** Stores values unsealed. */
    public static Sealer none() {
        return new Sealer(null, Map.of());
    }

    /** Seals with {@code currentId}'s key; opens values sealed with any of {@code keys} (which holds the current one). */
    public static Sealer with(String currentId, Map<String, SecretKey> keys) {
        if (!keys.containsKey(currentId)) {
            throw new IllegalArgumentException("the current key id must be one of the keys");
        }
        return new Sealer(currentId, new LinkedHashMap<>(keys));
    }

    /** Whether values are sealed. */
    public boolean seals() {
        return currentId != null;
    }

    /** The id of the key values are sealed with, or null. */
    public String currentKeyId() {
        return currentId;
    }

    /** {@code plain} sealed for {@code item} (or {@code plain} as text without a key). */
    public String seal(byte[] plain, String item) {
        if (currentId == null) {
            return new String(plain, StandardCharsets.UTF_8);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(item.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return PREFIX + currentId + ":" + b64.encodeToString(nonce) + ":" + b64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed (" + e.getClass().getSimpleName() + ")", null);
        }
    }

    /**
     * The plain bytes of {@code stored}, read for {@code item}; {@link Unreadable} saying why not (never quoting the
     * value).
     */
    public byte[] open(String stored, String item) {
        if (!stored.startsWith(PREFIX)) {
            if (currentId != null) {
                throw new Unreadable("is not encrypted, but this store requires values sealed with key '" + currentId
                        + "' (an unsealed value may have been planted; to migrate, read it with a store without"
                        + " encryption and save it with this one)");
            }
            return stored.getBytes(StandardCharsets.UTF_8);
        }
        String[] parts = stored.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 3 || !KEY_ID.matcher(parts[0]).matches()) {
            throw new Unreadable("is not a sealed value this version can read");
        }
        SecretKey key = keys.get(parts[0]);
        if (key == null) {
            throw new Unreadable(keys.isEmpty()
                    ? "is encrypted with key '" + parts[0] + "', and this store has no encryption key"
                    : "is encrypted with key '" + parts[0] + "', which is not among this store's keys "
                            + keys.keySet().stream().sorted().toList());
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, b64.decode(parts[1])));
            cipher.updateAAD(item.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(b64.decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Unreadable("could not be decrypted with key '" + parts[0]
                    + "' (another key under the same id, or an altered value)");
        }
    }

    /** A stored value that cannot be opened; the message says why, never what it holds. */
    public static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String why) {
            super(why, null, false, false);
        }
    }
}
