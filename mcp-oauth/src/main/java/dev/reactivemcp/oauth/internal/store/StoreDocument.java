package dev.reactivemcp.oauth.internal.store;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of a token store file: every credential entry and every client registration.
 * Immutable; {@code with*} methods return copies. Parsing is strict about the fields it needs and reports the
 * first problem without quoting the file (it holds secrets).
 *
 * <p>Versions: a document whose entries all belong to the default owner is written as version 1, byte for byte
 * what the versions before owners wrote (no {@code owner} field). An entry of a named owner carries
 * {@code "owner"} and makes the document version 2, which a version that knows no owners refuses as corrupt
 * (leaving it unchanged) instead of reading every user's tokens as its single user's. Both versions are read.
 *
 * <pre>{@code
 * {"version":1,
 *  "credentials":[{"endpoint":"https://mcp.example.com/mcp","resource":"...","issuer":"...","clientId":"...",
 *                  "owner":"alice",                                                          (version 2 only)
 *                  "registration":{...},"tokenEndpoint":"...","rejected":false,"updatedAt":"2026-...Z",
 *                  "tokens":{"accessToken":"...","tokenType":"Bearer","refreshToken":"...",
 *                            "expiresAt":"2026-...Z","scopes":["mcp"],"dpopKey":"{...}"}}],   (dpopKey: DPoP only)
 *  "registrations":[{"issuer":"...","clientId":"...","clientSecret":null,"tokenEndpointAuthMethod":"none",
 *                    "redirectUris":[]}]}
 * }</pre>
 *
 * @param credentials   entries by key, in file order
 * @param registrations registrations by issuer, in file order
 */
public record StoreDocument(Map<CredentialKey, StoredCredentials> credentials,
                            Map<String, ClientRegistration> registrations) {

    /** The format version written when every entry belongs to the default owner. */
    public static final int VERSION = 1;
    /** The format version written when some entry belongs to a named owner. */
    public static final int VERSION_WITH_OWNERS = 2;
    /** An empty document. */
    public static final StoreDocument EMPTY = new StoreDocument(Map.of(), Map.of());

    /** The transport's codec (its Jackson is shaded into mcp-transport; this module has no JSON library of its own). */
    private static final JsonCodec JSON = JsonCodec.get();

    /** Copies both maps, keeping their order. */
    public StoreDocument {
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
        registrations = Collections.unmodifiableMap(new LinkedHashMap<>(registrations));
    }

    /** A copy with {@code entry} stored under its key. */
    public StoreDocument with(StoredCredentials entry) {
        Map<CredentialKey, StoredCredentials> copy = new LinkedHashMap<>(credentials);
        copy.put(entry.key(), entry);
        return new StoreDocument(copy, registrations);
    }

    /** A copy without {@code key}. */
    public StoreDocument without(CredentialKey key) {
        Map<CredentialKey, StoredCredentials> copy = new LinkedHashMap<>(credentials);
        copy.remove(key);
        return new StoreDocument(copy, registrations);
    }

    /** A copy with {@code registration} stored under its issuer. */
    public StoreDocument with(ClientRegistration registration) {
        Map<String, ClientRegistration> copy = new LinkedHashMap<>(registrations);
        copy.put(registration.issuer(), registration);
        return new StoreDocument(credentials, copy);
    }

    /** Never prints secrets: counts only. */
    @Override
    public String toString() {
        return "StoreDocument[credentials=" + credentials.size() + ", registrations=" + registrations.size() + "]";
    }

    /** Serializes as pretty-printed UTF-8 JSON. */
    public byte[] toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", credentials.keySet().stream().allMatch(CredentialKey::hasDefaultOwner)
                ? VERSION : VERSION_WITH_OWNERS);
        List<Object> entries = new ArrayList<>();
        credentials.values().forEach(c -> entries.add(EntryJson.fields(c)));
        root.put("credentials", entries);
        List<Object> regs = new ArrayList<>();
        registrations.values().forEach(r -> regs.add(EntryJson.fields(r)));
        root.put("registrations", regs);
        return JSON.writePretty(root);
    }

    /** Parses file content; anything unexpected is a {@link TokenStoreException.Kind#CORRUPT} naming {@code source}. */
    public static StoreDocument parse(byte[] json, String source) {
        Object root;
        try {
            root = JSON.readQuietly(json);
        } catch (JsonCodec.MalformedJson e) {
            throw corrupt(source, "is not valid JSON" + (e.line() <= 0 ? "" : " (line " + e.line()
                    + ", column " + e.column() + ")"));
        }
        try {
            return read(EntryJson.object(root, "document"));
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw corrupt(source, "is not a token store document: " + safeReason(e));
        }
    }

    private static String safeReason(RuntimeException e) {
        // Our own messages name fields only; JDK ones (record validation, dates) may quote values: replace those.
        return e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("field ")
                ? e.getMessage() : "invalid or missing field";
    }

    private static TokenStoreException corrupt(String source, String what) {
        return new TokenStoreException(TokenStoreException.Kind.CORRUPT, "token store " + source + " " + what
                + "; it was left unchanged", null);
    }

    private static StoreDocument read(Map<String, Object> root) {
        Object version = root.get("version");
        if (!(version instanceof Number n) || (n.intValue() != VERSION && n.intValue() != VERSION_WITH_OWNERS)) {
            throw new IllegalArgumentException("field version: expected " + VERSION + " or " + VERSION_WITH_OWNERS);
        }
        Map<CredentialKey, StoredCredentials> credentials = new LinkedHashMap<>();
        for (Object o : EntryJson.list(root.get("credentials"), "credentials")) {
            StoredCredentials c = EntryJson.credentials(EntryJson.object(o, "credentials[]"));
            credentials.put(c.key(), c);
        }
        Map<String, ClientRegistration> registrations = new LinkedHashMap<>();
        for (Object o : EntryJson.list(root.getOrDefault("registrations", List.of()), "registrations")) {
            ClientRegistration r = EntryJson.registration(EntryJson.object(o, "registrations[]"));
            registrations.put(r.issuer(), r);
        }
        return new StoreDocument(credentials, registrations);
    }

    /** The entry for {@code key}, if any. */
    public Optional<StoredCredentials> find(CredentialKey key) {
        return Optional.ofNullable(credentials.get(key));
    }
}
