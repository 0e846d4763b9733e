package dev.reactivemcp.tokenstore.redis.internal;

import dev.reactivemcp.oauth.TokenStoreException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The lease lock of an entry, shared by every process on the Redis: {@code SET lock <token> NX PX <lease>}, polled
 * until it is free or the lock timeout passes; renewed every third of the lease while its holder works (so a long
 * refresh keeps it), released by compare-and-delete (never another holder's). A holder that dies stops renewing: its
 * lock expires after at most one lease and the next waiter takes it. A holder that is merely stalled past its lease
 * may lose the lock; the entry's version (the fencing value) then refuses its late write.
 */
public final class LeaseLock {

    private final RedisLink link;
    private final Keys keys;
    private final Duration lease;
    private final Duration timeout;
    private final Duration poll;
    private final Scheduler timer;
    private final String holderPrefix;
    private final AtomicLong tokens = new AtomicLong();

    /** Locks on {@code link}, named by {@code keys}; {@code holderId} is unique per store instance. */
    public LeaseLock(RedisLink link, Keys keys, Duration lease, Duration timeout, Duration poll, Scheduler timer,
                     String holderId) {
        this.link = link;
        this.keys = keys;
        this.lease = lease;
        this.timeout = timeout;
        this.poll = poll;
        this.timer = timer;
        this.holderPrefix = holderId + ":";
    }

    /**
     * Runs {@code body} while holding entry {@code id}'s lock, renewing it meanwhile; releases on completion, error or
     * cancellation. {@link TokenStoreException.Kind#LOCK_TIMEOUT} when the lock stays taken for the whole timeout.
     */
    public <T> Mono<T> withLock(String id, Supplier<Mono<T>> body) {
        String lock = keys.lock(id);
        return Mono.usingWhen(acquire(lock),
                token -> Mono.firstWithSignal(Mono.defer(body), keepAlive(lock, token)),
                token -> release(lock, token),
                (token, error) -> release(lock, token),
                token -> release(lock, token));
    }

    private Mono<String> acquire(String lock) {
        return Mono.defer(() -> {
            String token = holderPrefix + tokens.incrementAndGet();
            return link.setIfAbsent("taking the lock", lock, token, lease)
                    .filter(Boolean::booleanValue)
                    .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.concatMap(n -> Mono.delay(poll, timer)))
                    .map(set -> token)
                    .timeout(timeout, Mono.error(() -> new TokenStoreException(TokenStoreException.Kind.LOCK_TIMEOUT,
                            "token store " + link.name() + ": lock not obtained within " + timeout, null)), timer);
        });
    }

    /** Never emits: renews the lease every third of it until cancelled (a failed renewal is tried again next time). */
    private <T> Mono<T> keepAlive(String lock, String token) {
        Duration every = lease.dividedBy(3);
        return Flux.interval(every, every, timer)
                .concatMap(n -> link.eval("renewing the lock", Scripts.RENEW, new String[] {lock}, token,
                        Long.toString(lease.toMillis())).onErrorResume(e -> Mono.empty()))
                .then(Mono.never());
    }

    /** Compare-and-delete; a failure is left to the lease (the lock expires by itself). */
    private Mono<Void> release(String lock, String token) {
        return link.eval("releasing the lock", Scripts.RELEASE, new String[] {lock}, token)
                .onErrorResume(e -> Mono.empty()).then();
    }
}
