package dev.reactivemcp.oauth.spi;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.store.EntryJson;

/**
 * The JSON form of one stored credential entry and of one client registration: the layout the file store writes
 * for each entry and the Redis store writes for each value, for a {@link dev.reactivemcp.oauth.TokenStore} of
 * your own. The text holds secrets (tokens, the client secret, a DPoP private key): store it where secrets may be,
 * write it whole (never half), and never log it.
 *
 * <pre>{@code
 * byte[] value = CredentialsJson.write(credentials);
 * StoredCredentials same = CredentialsJson.readCredentials(value);   // equal to credentials
 * }</pre>
 *
 * <p>Reading is strict about the fields the engine needs and names the first problem by field, never quoting a
 * value. Entries of the default owner carry no {@code owner} field (as files written before owners existed).
 */
public final class CredentialsJson {

    private CredentialsJson() {
    }

    /**
     * The entry as compact UTF-8 JSON.
     *
     * @param credentials the entry
     * @return its JSON, UTF-8
     * @throws NullPointerException when {@code credentials} is {@code null}
     */
    public static byte[] write(StoredCredentials credentials) {
        return EntryJson.write(credentials);
    }

    /**
     * The registration as compact UTF-8 JSON.
     *
     * @param registration the client registration
     * @return its JSON, UTF-8
     * @throws NullPointerException when {@code registration} is {@code null}
     */
    public static byte[] write(ClientRegistration registration) {
        return EntryJson.write(registration);
    }

    /**
     * Reads an entry written by {@link #write(StoredCredentials)}.
     *
     * @param json the UTF-8 JSON
     * @return the entry
     * @throws IllegalArgumentException when {@code json} is not an entry; the message names the field, never a value
     */
    public static StoredCredentials readCredentials(byte[] json) {
        return EntryJson.readCredentials(json);
    }

    /**
     * Reads a registration written by {@link #write(ClientRegistration)}.
     *
     * @param json the UTF-8 JSON
     * @return the registration
     * @throws IllegalArgumentException when {@code json} is not a registration; the message names the field, never a
     *                                  value
     */
    public static ClientRegistration readRegistration(byte[] json) {
        return EntryJson.readRegistration(json);
    }
}
