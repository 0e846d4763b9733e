package dev.reactivemcp.tokenstore.redis.internal;

import dev.reactivemcp.oauth.TokenStoreException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One Lettuce client and one shared connection to one Redis, opened on first use (asynchronously: nothing here
 * blocks), reopened on the next use after a failed connect; an open connection reconnects by itself. While it is
 * disconnected, commands are rejected at once (not queued), and every command has a timeout: a Redis that is down
 * is a prompt {@link TokenStoreException.Kind#IO} failure. Error messages name the server (host, port, database),
 * never a password, a command argument or a value.
 */
public final class RedisLink {

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final String name;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A link to {@code redisUri} (not connected yet); {@link IllegalArgumentException} when it is not a Redis URI. */
    public RedisLink(String redisUri, Duration commandTimeout) {
        this.uri = RedisURI.create(redisUri);
        this.name = "redis://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
        // Own resources (shut down with the client): reconnect attempts back off from 10 ms to at most 1 s, so the
        // store is back within about a second of Redis (Lettuce's default waits up to 30 s between attempts).
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
    }

    /** The server, for messages: host, port and database, no credentials. */
    public String name() {
        return name;
    }

    /** Runs {@code command} on the connection; any failure of Redis is a {@link TokenStoreException} of kind IO. */
    public <T> Mono<T> mono(String what, Function<RedisReactiveCommands<String, String>, Mono<T>> command) {
        return commands().flatMap(command).onErrorMap(e -> !(e instanceof TokenStoreException), e -> io(what, e));
    }

    /** As {@link #mono}, for a command answering several values. */
    public <T> Flux<T> flux(String what, Function<RedisReactiveCommands<String, String>, Flux<T>> command) {
        return commands().flatMapMany(command).onErrorMap(e -> !(e instanceof TokenStoreException), e -> io(what, e));
    }

    /** The keys matching {@code pattern}, by {@code SCAN} steps of about {@code count} keys (never {@code KEYS}). */
    public Flux<String> scan(String what, String pattern, long count) {
        return flux(what, c -> ScanStream.scan(c, ScanArgs.Builder.matches(pattern).limit(count)));
    }

    /** Runs a Lua script answering an integer. */
    public Mono<Long> eval(String what, String script, String[] keys, String... args) {
        return mono(what, c -> c.<Long>eval(script, ScriptOutputType.INTEGER, keys, args).next());
    }

    /** {@code SET key value NX PX lease}: whether it was set. */
    public Mono<Boolean> setIfAbsent(String what, String key, String value, Duration lease) {
        return mono(what, c -> c.set(key, value, SetArgs.Builder.nx().px(lease.toMillis()))
                .map("OK"::equals).defaultIfEmpty(false));
    }

    /** Reads hash fields of {@code key}: the values in the order asked, empty where absent. */
    public Mono<List<Optional<String>>> hmget(String what, String key, String... fields) {
        return flux(what, c -> c.hmget(key, fields)).map(kv -> kv.hasValue() ? Optional.of(kv.getValue())
                : Optional.<String>empty()).collectList();
    }

    /** Closes the connection and the client (asynchronously); later operations fail with IO. */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (!closed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            CompletableFuture<StatefulRedisConnection<String, String>> open = connection.getAndSet(null);
            Mono<Void> closeConnection = open == null ? Mono.empty()
                    : Mono.fromFuture(open).flatMap(c -> Mono.fromFuture(c.closeAsync())).onErrorResume(e -> Mono.empty());
            Mono<Void> closeResources = Mono.create(sink -> resources.shutdown(0, 2, TimeUnit.SECONDS)
                    .addListener(done -> sink.success()));
            return closeConnection.then(Mono.fromFuture(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS)))
                    .onErrorResume(e -> Mono.empty()).then(closeResources);
        });
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    private Mono<RedisReactiveCommands<String, String>> commands() {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new TokenStoreException(TokenStoreException.Kind.IO,
                        "token store " + name + " is shut down", null));
            }
            CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
            if (current == null || current.isCompletedExceptionally()) {
                CompletableFuture<StatefulRedisConnection<String, String>> fresh = new CompletableFuture<>();
                if (connection.compareAndSet(current, fresh)) {
                    client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
                        if (e != null) {
                            fresh.completeExceptionally(e);
                        } else {
                            fresh.complete(c);
                        }
                    });
                }
                current = connection.get();
                if (current == null) {
                    return Mono.error(new TokenStoreException(TokenStoreException.Kind.IO,
                            "token store " + name + " is shut down", null));
                }
            }
            return Mono.fromFuture(current, true).map(StatefulRedisConnection::reactive);
        });
    }

    private TokenStoreException io(String what, Throwable e) {
        return new TokenStoreException(TokenStoreException.Kind.IO, "token store " + name + ": " + what + " failed ("
                + e.getClass().getSimpleName() + ")", e);
    }
}
