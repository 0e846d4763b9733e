package dev.reactivemcp.tokenstore.redis.internal;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Redis key names under one prefix. Items are named by the SHA-256 of their identity (no endpoint, issuer or owner
 * appears in a key name, and no separator inside them can make two identities collide):
 * <ul>
 *   <li>{@code <prefix>cred:<id>}: a hash per credential entry: {@code v} (its version, the fencing value, raised by
 *       every write and delete), {@code d} (the entry, sealed or JSON), {@code i} (the endpoint index it is in);</li>
 *   <li>{@code <prefix>endpoint:<sha256(endpoint)>}: the set of entry ids stored for an endpoint;</li>
 *   <li>{@code <prefix>lock:<id>}: the lease lock of an entry (a random holder token, with an expiry);</li>
 *   <li>{@code <prefix>registration:<sha256(issuer)>}: a client registration (sealed or JSON).</li>
 * </ul>
 *
 * @param prefix the prefix of every key
 */
public record Keys(String prefix) {

    /** The id of {@code key}'s entry. */
    public static String id(CredentialKey key) {
        return sha256(JsonCodec.get().writeString(List.of(key.resource(), key.issuer(), key.clientId(), key.owner())));
    }

    /** The hash of {@code key}'s entry. */
    public String credential(String id) {
        return prefix + "cred:" + id;
    }

    /**
     * The {@code SCAN MATCH} pattern of every entry hash under the prefix: the prefix with glob characters escaped,
     * then {@code cred:*}.
     */
    public String credentialPattern() {
        StringBuilder b = new StringBuilder();
        for (char ch : prefix.toCharArray()) {
            if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\' || ch == '^' || ch == '-') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.append("cred:*").toString();
    }

    /** The entry id of {@code key} when it names an entry hash under this prefix ({@code <prefix>cred:<64 hex>}), else null. */
    public String credentialId(String key) {
        String start = prefix + "cred:";
        if (!key.startsWith(start) || key.length() != start.length() + 64) {
            return null;
        }
        String id = key.substring(start.length());
        for (int i = 0; i < id.length(); i++) {
            if (Character.digit(id.charAt(i), 16) < 0 || Character.isUpperCase(id.charAt(i))) {
                return null;
            }
        }
        return id;
    }

    /** The lock of entry {@code id}. */
    public String lock(String id) {
        return prefix + "lock:" + id;
    }

    /** The set of entry ids of {@code endpoint}. */
    public String endpointIndex(String endpoint) {
        return prefix + "endpoint:" + sha256(endpoint);
    }

    /** The registration of {@code issuer}. */
    public String registration(String issuer) {
        return prefix + "registration:" + sha256(issuer);
    }

    /** The hash of {@code key}'s entry under {@code prefix} (for tests and tools). */
    public static String credentialOf(String prefix, CredentialKey key) {
        return new Keys(prefix).credential(id(key));
    }

    /** What a sealed credential value is bound to (independent of the prefix, so entries survive a prefix move). */
    public static String credentialItem(String id) {
        return "cred:" + id;
    }

    /** What a sealed registration is bound to. */
    public static String registrationItem(String issuer) {
        return "registration:" + sha256(issuer);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
