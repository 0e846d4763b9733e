package dev.reactivemcp.oauth.internal.dpop;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.internal.UnusableRenewal;
import dev.reactivemcp.oauth.internal.flow.LoginBinding;
import dev.reactivemcp.oauth.internal.flow.MetadataListener;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * DPoP wired into one {@code McpOAuth}: one nonce memory for all its credentials, one key per credential.
 *
 * <ul>
 *   <li>Token requests: {@link #provider} wraps the provider chain. A renewal proves with the key stored with the
 *       credentials; an acquisition generates a new key (off the event loop) when DPoP is configured, when the
 *       credentials it replaces had a key, or when the MCP server offered only {@code DPoP} challenges (RFC 9449
 *       section 7.1: the server accepts nothing else), with the configured algorithm if the authorization server's
 *       {@code dpop_signing_alg_values_supported} lists it (or lists nothing), else ES256 if listed, else the first
 *       listed one supported here, else a typed failure before any token request. The key travels in the
 *       subscriber context to {@link #tokenEndpointFilter()}, which sits in front of the flow's HTTP, so every grant's form POST carries a
 *       fresh proof and the nonce retry stays inside the one token request (single-flight is unchanged). What comes
 *       back is checked ({@link DpopBinding}) and returned with the key, so the engine persists both in one write.</li>
 *   <li>MCP requests: {@link #resource} puts {@code Authorization: DPoP <token>} and a fresh proof with {@code ath}
 *       on every request whose stored token type is {@code DPoP}, answering a nonce demand once itself (never a
 *       refresh).</li>
 * </ul>
 */
public final class DpopLayer {

    /** How many parsed keys are kept (one per credential in use); beyond that the cache starts over. */
    static final int MAX_KEYS = 4096;

    private final DpopAlgorithm configured;
    private final Clock clock;
    private final SecureRandom random;
    private final EcdsaNoncePool pool;
    private final DpopNonces nonces = new DpopNonces();
    private final ConcurrentHashMap<String, Bound> byKey = new ConcurrentHashMap<>();

    /** One key's requests and its resource filter, built once per key. */
    private record Bound(DpopRequests requests, ExchangeFilterFunction resource) {
        @Override
        public String toString() {
            return "Bound[" + requests + "]";
        }
    }

    /**
     * The key of one token request, and whether a proof was actually sent with it. A renewal proves with the stored
     * key; an acquisition's key is generated once the authorization server's metadata is known (its
     * {@code dpop_signing_alg_values_supported} chooses the algorithm), or at the first token request when no
     * metadata was read.
     */
    private final class Proving implements MetadataListener {
        private final DpopAlgorithm preferred;
        private volatile Bound bound;
        final AtomicBoolean used = new AtomicBoolean();

        Proving(Bound bound) {
            this.bound = bound;
            this.preferred = null;
        }

        Proving(DpopAlgorithm preferred) {
            this.preferred = preferred;
        }

        @Override
        public Mono<Void> discovered(String issuer, List<String> dpopSigningAlgs) {
            if (bound != null) {
                return Mono.empty();
            }
            return DpopAlgorithm.negotiate(preferred, dpopSigningAlgs)
                    .map(algorithm -> generate(algorithm).doOnNext(b -> bound = b).then())
                    .orElseGet(() -> Mono.error(noCommonAlgorithm(issuer, dpopSigningAlgs)));
        }

        Mono<Bound> bound() {
            Bound known = bound;
            return known != null ? Mono.just(known) : generate(preferred).doOnNext(b -> bound = b);
        }

        Bound current() {
            return bound;
        }
    }

    private static McpException noCommonAlgorithm(String issuer, List<String> serverAlgs) {
        String detail = "authorization server " + issuer + " accepts none of this client's DPoP proof algorithms "
                + java.util.Arrays.toString(DpopAlgorithm.values()) + " (its dpop_signing_alg_values_supported: "
                + serverAlgs + "); RFC 9449 section 5.1";
        return new McpException(new McpFailure.ProtocolError(detail), detail, null);
    }

    /** A new key pair, generated off the event loop (RSA takes tens of milliseconds of CPU). */
    private Mono<Bound> generate(DpopAlgorithm algorithm) {
        return Mono.fromCallable(() -> DpopKey.generate(algorithm, random)).subscribeOn(Schedulers.boundedElastic())
                .map(key -> byKey.computeIfAbsent(key.toPrivateJwk(), jwk -> newBound(key)));
    }

    /**
     * The layer; {@code configured} is the algorithm of {@code McpOAuth.Builder.dpop}, or null when DPoP was not
     * configured (then only servers that offer nothing but DPoP get it, with ES256).
     */
    public DpopLayer(DpopAlgorithm configured, Clock clock) {
        this(configured, clock, Schedulers.boundedElastic());
    }

    /**
     * As above; ES256 signature nonces are precomputed on {@code refills} ({@link EcdsaNoncePool}), only once DPoP
     * proofs are made, and {@link #shutdown()} stops and awaits that work.
     */
    public DpopLayer(DpopAlgorithm configured, Clock clock, Scheduler refills) {
        this.configured = configured;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = seeded();
        this.pool = new EcdsaNoncePool(EcdsaNoncePool.DEFAULT_CAPACITY, refills, random);
    }

    /** The ES256 nonce pool shared by every key of this layer (diagnostics and benchmarks). */
    public EcdsaNoncePool noncePool() {
        return pool;
    }

    /** Stops precomputing nonces; completes once the refill in progress (one batch at most) has ended. */
    public Mono<Void> shutdown() {
        return pool.shutdown();
    }

    private static SecureRandom seeded() {
        SecureRandom r;
        try {
            r = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            r = new SecureRandom();
        }
        r.nextBytes(new byte[32]);   // seeded here, at build time: never reads the entropy device on an event loop
        return r;
    }

    /** Whether DPoP was configured (else only on servers that offer nothing else). */
    public boolean configured() {
        return configured != null;
    }

    /** The remembered nonces (tests, diagnostics). */
    public DpopNonces nonces() {
        return nonces;
    }

    /** {@code chain} with proofs on its token requests and the key persisted with the tokens it binds. */
    public TokenProvider provider(TokenProvider chain) {
        Objects.requireNonNull(chain, "chain");
        return new TokenProvider() {
            @Override
            public Mono<StoredCredentials> provide(Context context) {
                return Mono.defer(() -> provingFor(context))
                        .map(proving -> proved(chain, context, proving))
                        .defaultIfEmpty(Mono.defer(() -> chain.provide(context)))
                        .flatMap(m -> m);
            }

            @Override
            public boolean renews(StoredCredentials stored) {
                return chain.renews(stored);
            }

            @Override
            public String toString() {
                return "dpop(" + chain + ")";
            }
        };
    }

    private Mono<StoredCredentials> proved(TokenProvider chain, TokenProvider.Context context, Proving proving) {
        return chain.provide(context)
                .map(credentials -> proving.used.get() ? bind(proving.current(), credentials,
                        context.purpose() == TokenProvider.Purpose.RENEW) : credentials)
                .contextWrite(ctx -> ctx.put(Proving.class, proving).put(MetadataListener.class, proving));
    }

    /** How a token request of {@code context} proves, or empty for not at all. */
    private Mono<Proving> provingFor(TokenProvider.Context context) {
        StoredCredentials current = context.current();
        String stored = current == null ? null : current.tokens().dpopKey();
        if (context.purpose() == TokenProvider.Purpose.RENEW) {
            return stored == null ? Mono.empty() : Mono.fromCallable(() -> new Proving(bound(stored)));
        }
        if (configured == null && stored == null && !onlyDpopOffered(context.challenges())) {
            return Mono.empty();
        }
        return Mono.just(new Proving(configured != null ? configured : DpopAlgorithm.ES256));
    }

    /** Whether the server offered DPoP and no {@code Bearer} challenge. */
    static boolean onlyDpopOffered(List<Challenge> challenges) {
        return challenges.stream().anyMatch(c -> c.isScheme("DPoP"))
                && challenges.stream().noneMatch(c -> c.isScheme("Bearer"));
    }

    /**
     * {@code issued} checked against the key it was proved with, and carrying that key for the store. A renewal's
     * answer bound to another key fails with {@link UnusableRenewal}: its refresh token (the server may have rotated
     * the old one away) is stored all the same.
     */
    private static StoredCredentials bind(Bound bound, StoredCredentials issued, boolean renewal) {
        OAuthTokens tokens = issued.tokens();
        DpopKey key = bound.requests().proofs().key();
        try {
            DpopBinding.require(key, tokens.tokenType(), tokens.accessToken());
        } catch (McpException e) {
            if (renewal) {
                throw new UnusableRenewal(e.failure(), e.getMessage(), tokens.refreshToken());
            }
            throw e;
        }
        return issued.withTokens(tokens.withDpopKey(key.toPrivateJwk()), issued.updatedAt());
    }

    /**
     * How a parked service login keeps its key: the key of the token request the login replaces (generated as for
     * any acquisition, so the algorithm follows the authorization server's metadata) is parked with it, and the
     * completion's code exchange proves with it; the tokens it gets are checked and carry that key.
     */
    public LoginBinding loginBinding() {
        return new LoginBinding() {
            @Override
            public Mono<LoginBinding.Key> keyFor(reactor.util.context.ContextView context) {
                Proving proving = context.getOrDefault(Proving.class, null);
                return proving == null ? Mono.empty() : proving.bound().map(b -> {
                    DpopKey key = b.requests().proofs().key();
                    return new LoginBinding.Key(key.toPrivateJwk(), key.thumbprint());
                });
            }

            @Override
            public Mono<StoredCredentials> redeemWith(LoginBinding.Key key, Mono<StoredCredentials> exchange) {
                return Mono.fromCallable(() -> new Proving(bound(key.privateJwk()))).flatMap(proving -> exchange
                        .map(credentials -> proving.used.get() ? bind(proving.current(), credentials, false) : credentials)
                        .contextWrite(ctx -> ctx.put(Proving.class, proving)));
            }
        };
    }

    /**
     * A filter for the authorization server's HTTP: proofs (and the nonce retry) on form POSTs made inside a token
     * request of {@link #provider}; everything else passes through.
     */
    public ExchangeFilterFunction tokenEndpointFilter() {
        return (request, next) -> Mono.deferContextual(ctx -> {
            Proving proving = ctx.getOrDefault(Proving.class, null);
            if (proving == null || !DpopRequests.isFormPost(request)) {
                return next.exchange(request);
            }
            return proving.bound().flatMap(bound -> {
                proving.used.set(true);
                return bound.requests().tokenEndpointFilter().filter(request, next);
            });
        });
    }

    /**
     * Sends {@code request} with {@code tokens} to the MCP server through {@code next}: {@code Authorization: DPoP}
     * and a fresh proof (nonce demands answered once) when the tokens are DPoP-bound and carry their key, else
     * {@code authorization} ({@code Bearer <token>}) as is.
     */
    public Mono<McpHttpResponse> resource(McpHttpRequest request, OAuthTokens tokens, String authorization,
                                          ExchangeFunction next) {
        if (tokens == null || tokens.dpopKey() == null || !"DPoP".equalsIgnoreCase(tokens.tokenType())) {
            return next.exchange(authorization == null ? request : request.withHeader("Authorization", authorization));
        }
        Bound bound;
        try {
            bound = bound(tokens.dpopKey());
        } catch (RuntimeException e) {
            return Mono.error(e);
        }
        return bound.resource().filter(request.withHeader("Authorization", "DPoP " + tokens.accessToken()), next);
    }

    private Bound bound(String privateJwk) {
        Bound known = byKey.get(privateJwk);
        if (known != null) {
            return known;
        }
        if (byKey.size() >= MAX_KEYS) {
            byKey.clear();
        }
        return byKey.computeIfAbsent(privateJwk, jwk -> newBound(DpopKey.fromPrivateJwk(jwk, random)));
    }

    private Bound newBound(DpopKey key) {
        DpopRequests requests = new DpopRequests(new DpopProofs(key, clock, random, pool), nonces);
        return new Bound(requests, requests.resourceFilter());
    }

    @Override
    public String toString() {
        return "DpopLayer[" + (configured == null ? "when required" : configured) + ", keys=" + byKey.size() + "]";
    }
}
