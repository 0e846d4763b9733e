package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * 1,000 owners x 10 concurrent calls through one client (2026-07-28), tokens expiring at random: counted on the
 * servers' side, no request carries another owner's token and each owner whose token needs renewing gets exactly one
 * token request. Five waves, each through a new client and engine over the same store (a replica): all valid
 * (warm-up), all valid, some expired or in their prefetch window, all valid, all expired. Latencies are printed (p99
 * of the owners whose tokens stay valid while others refresh, and of the same owners in the quiet waves before and
 * after), never asserted: on a shared machine they measure its load as much as the library.
 */
class ManyOwnersLoadTest {

    private static final int OWNERS = 1_000;
    private static final int CALLS_PER_OWNER = 10;
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final TestClock clock = TestClock.manual();
    private final OwnersServer server = new OwnersServer(clock, LIFETIME);
    private final InMemoryTokenStore store = new InMemoryTokenStore();

    @AfterEach
    void close() {
        server.close();
    }

    private static String owner(int i) {
        return "user-" + i;
    }

    /** One wave: every owner's calls at once, through a fresh client and engine (a replica), shut down after. */
    private Map<String, List<Long>> wave() {
        McpOAuth oauth = McpOAuth.builder().tokenStore(store).clock(clock).build();
        URI uri = URI.create(server.mcpUrl());
        McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28"))
                .requestTimeout(WAIT) // a guard against hanging, not a speed limit: 10,000 calls share 2 cores in CI
                .build();
        ConcurrentLinkedQueue<Map.Entry<String, Long>> latencies = new ConcurrentLinkedQueue<>();
        try {
            List<String> answers = Flux.range(0, OWNERS).flatMap(i -> Flux.range(0, CALLS_PER_OWNER)
                    .flatMap(n -> Mono.defer(() -> {
                        long start = System.nanoTime();
                        return client.callTool("whoami", Map.of("asker", owner(i)))
                                .contextWrite(McpOwner.of(owner(i)))
                                .doOnSuccess(r -> latencies.add(Map.entry(owner(i), System.nanoTime() - start)));
                    })), OWNERS).map(CallToolResult::text).collectList().block(WAIT);
            assertThat(answers).hasSize(OWNERS * CALLS_PER_OWNER);
        } finally {
            client.close().onErrorComplete().block(WAIT);
            oauth.shutdown().block(WAIT); // waits for background refreshes to be persisted
        }
        Map<String, List<Long>> byOwner = new HashMap<>();
        latencies.forEach(e -> byOwner.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return byOwner;
    }

    @Test
    void aThousandOwnersWithTokensExpiringAtRandomNeverCrossAndRefreshOncePerOwner() {
        Random random = new Random(13);
        Instant start = clock.instant();
        Map<String, Instant> expiry = new HashMap<>();
        for (int i = 0; i < OWNERS; i++) {
            Instant at = start.plusSeconds(random.nextInt(300, 3900)); // 5 .. 65 min ahead
            expiry.put(owner(i), at);
            store.save(server.login(owner(i), at)).block(WAIT);
        }
        wave(); // every token valid (and the JVM warmed up)
        Map<String, List<Long>> quietBefore = wave(); // every token still valid: no refresh anywhere
        assertThat(server.totalTokenRequests()).isZero();

        clock.advance(Duration.ofMinutes(10)); // some tokens expired, some in their prefetch window
        Instant now = clock.instant();
        Map<String, List<Long>> mixed = wave();
        List<Long> validMeanwhile = new ArrayList<>();
        List<Long> refreshing = new ArrayList<>();
        int expired = 0;
        for (int i = 0; i < OWNERS; i++) {
            String o = owner(i);
            Instant at = expiry.get(o);
            int requests = server.tokenRequests(o);
            afterMixed.put(i, requests);
            if (at.isBefore(now)) {
                expired++;
                assertThat(requests).as("token requests of %s, whose token had expired", o).isEqualTo(1);
                refreshing.addAll(mixed.get(o));
            } else if (at.isAfter(now.plus(Duration.ofMinutes(2)))) {
                assertThat(requests).as("token requests of %s, whose token was valid", o).isZero();
                validMeanwhile.addAll(mixed.get(o));
            } else {
                assertThat(requests).as("token requests of %s, in its prefetch window", o).isLessThanOrEqualTo(1);
            }
        }
        int mixedRequests = server.totalTokenRequests();
        assertThat(expired).as("the random expiries put some owners on each side").isBetween(50, 150);

        Map<String, List<Long>> quietAfter = wave(); // no refresh, but for a prefetch the mixed wave ended before
        for (int i = 0; i < OWNERS; i++) {
            String o = owner(i);
            int requests = server.tokenRequests(o);
            if (expiry.get(o).isAfter(now.plus(Duration.ofMinutes(2))) || expiry.get(o).isBefore(now)) {
                assertThat(requests).as("token requests of %s after a wave with no refresh due", o)
                        .isEqualTo(afterMixed.get(i));
            } else { // in its prefetch window: one prefetch in the mixed wave or in this one, never two
                assertThat(requests).as("token requests of %s, in its prefetch window, after two waves", o)
                        .isLessThanOrEqualTo(1);
            }
            afterMixed.put(i, requests);
        }
        int beforeAllExpired = server.totalTokenRequests();

        clock.advance(Duration.ofHours(2)); // every token has expired: 1,000 refreshes at once
        wave();
        for (int i = 0; i < OWNERS; i++) {
            assertThat(server.tokenRequests(owner(i))).as("after every token expired, %s", owner(i))
                    .isEqualTo(afterMixed.get(i) + 1);
        }
        assertThat(server.totalTokenRequests() - beforeAllExpired).isEqualTo(OWNERS);
        assertThat(server.crossings).as("requests that carried another owner's token").hasValue(0);
        assertThat(server.invalidGrants).as("refresh tokens presented twice or of another owner").hasValue(0);
        assertThat(server.toolCalls).hasValue(5 * OWNERS * CALLS_PER_OWNER);
        // The same owners (those whose tokens stayed valid in the mixed wave) in the quiet waves before and after it,
        // so that neither warm-up nor the set of owners differs between the figures compared.
        List<Long> validBefore = new ArrayList<>();
        List<Long> validAfter = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            if (expiry.get(owner(i)).isAfter(now.plus(Duration.ofMinutes(2)))) {
                validBefore.addAll(quietBefore.get(owner(i)));
                validAfter.addAll(quietAfter.get(owner(i)));
            }
        }
        System.out.printf("[many-owners] %d owners x %d concurrent calls per wave, 5 waves; crossings %d; token "
                        + "requests: mixed wave %d (%d owners expired, the rest in their prefetch window), all-expired "
                        + "wave %d; p99 ms of the owners whose tokens stayed valid: quiet wave before %.1f, mixed wave "
                        + "%.1f, quiet wave after %.1f; p99 ms of the refreshing owners in the mixed wave %.1f%n",
                OWNERS, CALLS_PER_OWNER, server.crossings.get(), mixedRequests, expired,
                server.totalTokenRequests() - beforeAllExpired, p99(validBefore), p99(validMeanwhile), p99(validAfter),
                p99(refreshing));
    }

    /** Token requests per owner index after the mixed wave. */
    private final Map<Integer, Integer> afterMixed = new HashMap<>();

    private static long expiredCount(Map<String, Instant> expiry, Instant start) {
        return expiry.values().stream().filter(at -> at.isBefore(start)).count();
    }

    private static double p99(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
    }
}
