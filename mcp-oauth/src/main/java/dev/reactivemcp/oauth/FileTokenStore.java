package dev.reactivemcp.oauth;

import dev.reactivemcp.oauth.internal.store.Detached;
import dev.reactivemcp.oauth.internal.store.FileStorage;
import dev.reactivemcp.oauth.internal.store.KeyedGate;
import dev.reactivemcp.oauth.internal.store.StoreDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link TokenStore} in one JSON file, shared safely by several stores and processes.
 *
 * <ul>
 *   <li>Every write replaces the file atomically (temporary file in the same directory, fsync, atomic move,
 *       directory fsync where possible); the file and its temporary copies have mode {@code 0600} on POSIX.</li>
 *   <li>Writes and {@link #update} run under a lock held in this JVM (a reactive gate per file, no thread waits)
 *       and across processes (a {@code FileLock} on the sibling {@code <file>.lock}, polled, 60 s timeout).</li>
 *   <li>{@link #update} rereads the file under that lock, so a token another process already refreshed is seen
 *       and can be adopted instead of being refreshed again.</li>
 *   <li>A file that cannot be parsed fails with {@link TokenStoreException.Kind#CORRUPT} and is never
 *       overwritten.</li>
 *   <li>All file I/O runs on {@link Schedulers#boundedElastic()}; no event-loop thread ever blocks.</li>
 *   <li>Temporary files left by a process killed mid-write ({@code .<file>.<hex>.tmp}, each a full copy of the
 *       tokens) are deleted by the next store that takes the cross-process lock, or finds it free on its first read;
 *       never one a live writer is using (writers hold the lock while their temporary file exists).</li>
 *   <li>On POSIX, a file owned by another user or writable by group or others is refused with
 *       {@link TokenStoreException.Kind#INSECURE} (its endpoints and tokens may have been planted); a file readable
 *       by group or others is set to {@code 0600} with a warning (its tokens may have been read).</li>
 * </ul>
 *
 * <pre>{@code
 * TokenStore store = FileTokenStore.at(Path.of(System.getProperty("user.home"), ".myapp", "mcp-tokens.json"));
 * McpOAuth oauth = McpOAuth.builder().tokenStore(store).build();
 * }</pre>
 */
public final class FileTokenStore implements TokenStore {

    private static final KeyedGate<Path> IN_THIS_JVM = new KeyedGate<>();
    private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    private final FileStorage storage;
    private final Duration lockTimeout;
    private final Scheduler timer;

    private FileTokenStore(FileStorage storage, Duration lockTimeout, Scheduler timer) {
        this.storage = storage;
        this.lockTimeout = lockTimeout;
        this.timer = timer;
    }

    /**
     * A store in {@code file} (created on first write, with its directory).
     *
     * @param file the data file; its lock file is the sibling {@code <file>.lock}
     * @return the store; nothing is read before the first operation
     * @throws NullPointerException when {@code file} is {@code null}
     */
    public static FileTokenStore at(Path file) {
        return new FileTokenStore(new FileStorage(Objects.requireNonNull(file, "file")), DEFAULT_LOCK_TIMEOUT,
                Schedulers.parallel());
    }

    /**
     * A copy that measures the lock polling interval and the lock timeout on {@code timer} (default
     * {@link Schedulers#parallel()}); tests pass a virtual-time scheduler.
     *
     * @param timer the scheduler for lock polling and the lock timeout
     * @return the copy, on the same file
     * @throws NullPointerException when {@code timer} is {@code null}
     */
    public FileTokenStore withTimer(Scheduler timer) {
        return new FileTokenStore(storage, lockTimeout, Objects.requireNonNull(timer, "timer"));
    }

    /**
     * A copy that waits at most {@code timeout} for the cross-process lock (default 60 s), then fails with
     * {@link TokenStoreException.Kind#LOCK_TIMEOUT}.
     *
     * @param timeout the longest wait for the lock; positive
     * @return the copy, on the same file
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public FileTokenStore withLockTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("lock timeout must be positive");
        }
        return new FileTokenStore(storage, timeout, timer);
    }

    /**
     * The data file.
     *
     * @return the path given to {@link #at(Path)}
     */
    public Path file() {
        return storage.file();
    }

    @Override
    public Mono<StoredCredentials> load(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        return read().flatMap(doc -> Mono.justOrEmpty(doc.credentials().get(key)));
    }

    @Override
    public Flux<StoredCredentials> findByEndpoint(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return read().flatMapIterable(doc -> doc.credentials().values()).filter(c -> c.endpoint().equals(endpoint));
    }

    @Override
    public Flux<StoredCredentials> findAll() {
        return read().flatMapIterable(doc -> doc.credentials().values());
    }

    @Override
    public Mono<Void> save(StoredCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return locked(doc -> write(doc.with(credentials))).then();
    }

    @Override
    public Mono<Void> delete(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        return locked(doc -> doc.credentials().containsKey(key) ? write(doc.without(key)) : Mono.<Void>empty())
                .then();
    }

    @Override
    public Mono<StoredCredentials> update(CredentialKey key,
                                          Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(change, "change");
        return locked(doc -> {
            Optional<StoredCredentials> current = doc.find(key);
            return Mono.defer(() -> change.apply(current))
                    .flatMap(next -> {
                        if (!next.key().equals(key)) {
                            return Mono.error(new IllegalArgumentException("update must keep the key"));
                        }
                        return write(doc.with(next)).thenReturn(next);
                    })
                    .switchIfEmpty(Mono.justOrEmpty(current));
        });
    }

    @Override
    public Mono<ClientRegistration> loadRegistration(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        return read().flatMap(doc -> Mono.justOrEmpty(doc.registrations().get(issuer)));
    }

    @Override
    public Mono<Void> saveRegistration(ClientRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        return locked(doc -> write(doc.with(registration))).then();
    }

    @Override
    public String toString() {
        return "FileTokenStore[" + storage.file() + "]";
    }

    private Mono<StoreDocument> read() {
        return Mono.fromCallable(storage::read).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> write(StoreDocument doc) {
        return Mono.<Void>fromRunnable(() -> storage.write(doc)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Runs {@code body} on a fresh read of the file under both locks, detached from the subscriber. */
    private <T> Mono<T> locked(Function<StoreDocument, Mono<T>> body) {
        Mono<T> underLocks = Mono.usingWhen(crossProcessLock(),
                lock -> read().flatMap(body),
                FileTokenStore::unlock, (lock, error) -> unlock(lock), FileTokenStore::unlock);
        return Detached.run(IN_THIS_JVM.withPermit(storage.file(), underLocks));
    }

    private Mono<FileStorage.Lock> crossProcessLock() {
        return Mono.fromCallable(storage::tryLock)
                .subscribeOn(Schedulers.boundedElastic())
                .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(POLL, timer))
                .timeout(lockTimeout, Mono.error(() -> new TokenStoreException(TokenStoreException.Kind.LOCK_TIMEOUT,
                        "token store " + storage.file() + ": lock not obtained within " + lockTimeout, null)), timer);
    }

    private static Mono<Void> unlock(FileStorage.Lock lock) {
        return Mono.<Void>fromRunnable(lock::close).subscribeOn(Schedulers.boundedElastic());
    }
}
