package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.oauth.StoredCredentials;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * How a parked login ({@link PendingLogins}) keeps the proof-of-possession key (DPoP, RFC 9449) of the token request
 * that will redeem its code, from the failed call that parks it to the completion, which may come minutes later in
 * another request: the key is chosen when the login is parked (its thumbprint goes into the authorization request as
 * {@code dpop_jkt}, section 10), kept with the login, and proves the code exchange; the credentials carry it. The
 * DPoP layer implements it; {@link #NONE} keeps no key.
 */
public interface LoginBinding {

    /** No proof-of-possession: logins park no key. */
    LoginBinding NONE = new LoginBinding() {
        @Override
        public Mono<Key> keyFor(ContextView context) {
            return Mono.empty();
        }

        @Override
        public Mono<StoredCredentials> redeemWith(Key key, Mono<StoredCredentials> exchange) {
            return exchange;
        }
    };

    /** The key to park with a login started in {@code context} (the token request it replaces), or empty. */
    Mono<Key> keyFor(ContextView context);

    /** {@code exchange}, the code's token request, proved with {@code key}; the credentials it emits carry the key. */
    Mono<StoredCredentials> redeemWith(Key key, Mono<StoredCredentials> exchange);

    /**
     * A parked key: its private JWK (a secret: never in {@link #toString()}) and its RFC 7638 thumbprint.
     *
     * @param privateJwk the private JWK JSON
     * @param thumbprint the SHA-256 JWK thumbprint, base64url, sent as {@code dpop_jkt}
     */
    record Key(String privateJwk, String thumbprint) {
        @Override
        public String toString() {
            return "Key[jkt=" + thumbprint + "]";
        }
    }
}
