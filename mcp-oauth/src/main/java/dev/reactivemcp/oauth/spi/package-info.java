/**
 * For implementers of {@link dev.reactivemcp.oauth.TokenStore}: the one JSON layout of a stored entry, so that a
 * store of yours (a database, a secret manager) writes what the file and Redis stores write and entries move between
 * stores unchanged.
 *
 * <pre>{@code
 * byte[] value = CredentialsJson.write(credentials);          // keep it as one value, written atomically
 * StoredCredentials back = CredentialsJson.readCredentials(value);
 * }</pre>
 */
package dev.reactivemcp.oauth.spi;
