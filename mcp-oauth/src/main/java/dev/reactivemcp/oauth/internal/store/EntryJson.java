package dev.reactivemcp.oauth.internal.store;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of one credential entry and of one client registration, the one layout every token store of this
 * project writes (the file store's entries and registrations, the Redis store's values), so that an entry moves
 * between stores unchanged. Parsing is strict about the fields it needs and reports the first problem by field name,
 * never quoting a value (values are secrets): {@link IllegalArgumentException} with a message starting
 * {@code "field "}.
 *
 * <p>Internal; stores outside this module use it through {@link dev.reactivemcp.oauth.spi.CredentialsJson}.
 */
public final class EntryJson {

    private static final JsonCodec JSON = JsonCodec.get();

    private EntryJson() {
    }

    /** The entry as a JSON object; the owner only when not the default (files before owners had none). */
    public static Map<String, Object> fields(StoredCredentials c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", c.endpoint());
        m.put("resource", c.key().resource());
        m.put("issuer", c.key().issuer());
        m.put("clientId", c.key().clientId());
        if (!c.key().hasDefaultOwner()) {
            m.put("owner", c.key().owner());
        }
        m.put("registration", fields(c.registration()));
        m.put("tokenEndpoint", c.tokenEndpoint());
        m.put("rejected", c.rejected());
        m.put("updatedAt", c.updatedAt() == null ? null : c.updatedAt().toString());
        OAuthTokens t = c.tokens();
        Map<String, Object> tokens = new LinkedHashMap<>();
        tokens.put("accessToken", t.accessToken());
        tokens.put("tokenType", t.tokenType());
        tokens.put("refreshToken", t.refreshToken());
        tokens.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
        tokens.put("scopes", new ArrayList<>(t.scopes()));
        if (t.dpopKey() != null) {
            tokens.put("dpopKey", t.dpopKey());   // the DPoP key, in the same write as the tokens it binds
        }
        m.put("tokens", tokens);
        return m;
    }

    /** The registration as a JSON object. */
    public static Map<String, Object> fields(ClientRegistration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", r.issuer());
        m.put("clientId", r.clientId());
        m.put("clientSecret", r.clientSecret());
        m.put("tokenEndpointAuthMethod", r.tokenEndpointAuthMethod());
        m.put("redirectUris", r.redirectUris());
        return m;
    }

    /** Reads an entry from its JSON object; {@link IllegalArgumentException} naming the field when it is not one. */
    public static StoredCredentials credentials(Map<String, Object> m) {
        try {
            String owner = string(m, "owner", false);   // absent: the default owner (every file before owners)
            CredentialKey key = new CredentialKey(string(m, "resource", true), string(m, "issuer", true),
                    string(m, "clientId", true), owner == null ? CredentialKey.DEFAULT_OWNER : owner);
            Map<String, Object> t = object(m.get("tokens"), "tokens");
            OAuthTokens tokens = new OAuthTokens(string(t, "accessToken", true), string(t, "tokenType", false),
                    string(t, "refreshToken", false), instant(t, "expiresAt"), stringSet(t, "scopes"),
                    string(t, "dpopKey", false));   // absent in files written before DPoP
            Object rejected = m.getOrDefault("rejected", Boolean.FALSE);
            if (!(rejected instanceof Boolean)) {
                throw new IllegalArgumentException("field rejected: expected a boolean");
            }
            return new StoredCredentials(string(m, "endpoint", true), key,
                    registration(object(m.get("registration"), "registration")), tokens,
                    string(m, "tokenEndpoint", true), (Boolean) rejected, instant(m, "updatedAt"));
        } catch (NullPointerException e) {   // a record's own validation: it may name a value, so say less
            throw new IllegalArgumentException("field of the entry: invalid or missing");
        }
    }

    /** Reads a registration from its JSON object; {@link IllegalArgumentException} naming the field. */
    public static ClientRegistration registration(Map<String, Object> m) {
        try {
            return new ClientRegistration(string(m, "issuer", true), string(m, "clientId", true),
                    string(m, "clientSecret", false), string(m, "tokenEndpointAuthMethod", false),
                    new ArrayList<>(stringSet(m, "redirectUris")));
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("field of the registration: invalid or missing");
        }
    }

    /** The entry as compact UTF-8 JSON. */
    public static byte[] write(StoredCredentials c) {
        return JSON.write(fields(c));
    }

    /** The registration as compact UTF-8 JSON. */
    public static byte[] write(ClientRegistration r) {
        return JSON.write(fields(r));
    }

    /** Parses an entry written by {@link #write(StoredCredentials)}; {@link IllegalArgumentException} when not one. */
    public static StoredCredentials readCredentials(byte[] json) {
        return credentials(root(json));
    }

    /** Parses a registration written by {@link #write(ClientRegistration)}; {@link IllegalArgumentException}. */
    public static ClientRegistration readRegistration(byte[] json) {
        return registration(root(json));
    }

    private static Map<String, Object> root(byte[] json) {
        Object root;
        try {
            root = JSON.readQuietly(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("field document: not valid JSON");
        }
        return object(root, "document");
    }

    static String string(Map<String, Object> m, String field, boolean required) {
        Object v = m.get(field);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field " + field + ": expected a string");
        }
        return s;
    }

    static Instant instant(Map<String, Object> m, String field) {
        String s = string(m, field, false);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + ": expected an instant");
        }
    }

    static Set<String> stringSet(Map<String, Object> m, String field) {
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list(m.getOrDefault(field, List.of()), field)) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("field " + field + ": expected strings");
            }
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object o, String field) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("field " + field + ": expected an object");
        }
        return (Map<String, Object>) o;
    }

    static List<?> list(Object o, String field) {
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("field " + field + ": expected an array");
        }
        return l;
    }
}
