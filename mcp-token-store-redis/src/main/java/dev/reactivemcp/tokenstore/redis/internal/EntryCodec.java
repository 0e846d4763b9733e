package dev.reactivemcp.tokenstore.redis.internal;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One credential entry or one client registration as JSON, field for field what {@code FileTokenStore} writes for
 * an entry (so an entry moves between the stores unchanged). Parsing is strict about the fields it needs and reports
 * the first problem without quoting the value (it holds secrets): {@link IllegalArgumentException} naming the field.
 */
public final class EntryCodec {

    private static final JsonCodec JSON = JsonCodec.get();

    private EntryCodec() { }

    /** The entry as compact UTF-8 JSON. */
    public static byte[] write(StoredCredentials c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", c.endpoint());
        m.put("resource", c.key().resource());
        m.put("issuer", c.key().issuer());
        m.put("clientId", c.key().clientId());
        m.put("owner", c.key().owner());
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
            tokens.put("dpopKey", t.dpopKey());
        }
        m.put("tokens", tokens);
        return JSON.write(m);
    }

    /** The registration as compact UTF-8 JSON. */
    public static byte[] write(ClientRegistration r) {
        return JSON.write(fields(r));
    }

    /** Parses an entry; {@link IllegalArgumentException} naming the field (never its value) when it is not one. */
    public static StoredCredentials readCredentials(byte[] json) {
        Map<String, Object> m = root(json);
        try {
            String owner = string(m, "owner", false);
            CredentialKey key = new CredentialKey(string(m, "resource", true), string(m, "issuer", true),
                    string(m, "clientId", true), owner == null ? CredentialKey.DEFAULT_OWNER : owner);
            Map<String, Object> t = object(m.get("tokens"), "tokens");
            OAuthTokens tokens = new OAuthTokens(string(t, "accessToken", true), string(t, "tokenType", false),
                    string(t, "refreshToken", false), instant(t, "expiresAt"), stringSet(t, "scopes"),
                    string(t, "dpopKey", false));
            Object rejected = m.getOrDefault("rejected", Boolean.FALSE);
            if (!(rejected instanceof Boolean)) {
                throw new IllegalArgumentException("field rejected: expected a boolean");
            }
            return new StoredCredentials(string(m, "endpoint", true), key,
                    registration(object(m.get("registration"), "registration")), tokens,
                    string(m, "tokenEndpoint", true), (Boolean) rejected, instant(m, "updatedAt"));
        } catch (NullPointerException | DateTimeParseException e) {
            throw new IllegalArgumentException("invalid or missing field");
        }
    }

    /** Parses a registration; {@link IllegalArgumentException} naming the field when it is not one. */
    public static ClientRegistration readRegistration(byte[] json) {
        try {
            return registration(root(json));
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("invalid or missing field");
        }
    }

    private static Map<String, Object> root(byte[] json) {
        Object root;
        try {
            root = JSON.readQuietly(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        return object(root, "document");
    }

    private static Map<String, Object> fields(ClientRegistration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", r.issuer());
        m.put("clientId", r.clientId());
        m.put("clientSecret", r.clientSecret());
        m.put("tokenEndpointAuthMethod", r.tokenEndpointAuthMethod());
        m.put("redirectUris", r.redirectUris());
        return m;
    }

    private static ClientRegistration registration(Map<String, Object> m) {
        return new ClientRegistration(string(m, "issuer", true), string(m, "clientId", true),
                string(m, "clientSecret", false), string(m, "tokenEndpointAuthMethod", false),
                new ArrayList<>(stringSet(m, "redirectUris")));
    }

    private static String string(Map<String, Object> m, String field, boolean required) {
        Object v = m.get(field);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field " + field + ": expected a string");
        }
        return s;
    }

    private static Instant instant(Map<String, Object> m, String field) {
        String s = string(m, field, false);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + ": expected an instant");
        }
    }

    private static Set<String> stringSet(Map<String, Object> m, String field) {
        Object o = m.getOrDefault(field, List.of());
        if (!(o instanceof List<?> list)) {
            throw new IllegalArgumentException("field " + field + ": expected an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new IllegalArgumentException("field " + field + ": expected strings");
            }
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String field) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("field " + field + ": expected an object");
        }
        return (Map<String, Object>) o;
    }

    /** UTF-8 text of {@code bytes}. */
    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
