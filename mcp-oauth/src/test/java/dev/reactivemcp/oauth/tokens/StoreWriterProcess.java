package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The child of {@link FileTokenStoreCrashTest}: {@code <file> <lane>} saves the lane's credentials with a growing
 * counter ({@code at-<n>}, {@code rt-<n>}) in a loop, printing {@code ack <n>} after each save completed, until it is
 * killed (or {@code <count>} saves, with a third argument). It starts after the counter it finds stored.
 */
public final class StoreWriterProcess {

    private StoreWriterProcess() { }

    static CredentialKey key(int lane) {
        return new CredentialKey("https://mcp" + lane + ".example.com/mcp", Fixtures.ISSUER, "client-1");
    }

    static StoredCredentials credentials(int lane, long n) {
        return new StoredCredentials("https://mcp" + lane + ".example.com/mcp", key(lane), Fixtures.REGISTRATION,
                new OAuthTokens("at-" + n, "Bearer", "rt-" + n, TestClock.BASE.plusSeconds(3600), Set.of("mcp")),
                "https://as.example.com/token", false, TestClock.BASE);
    }

    static long counter(StoredCredentials c) {
        return c == null ? 0 : Long.parseLong(c.tokens().accessToken().substring(3));
    }

    public static void main(String[] args) {
        FileTokenStore store = FileTokenStore.at(Path.of(args[0]));
        int lane = Integer.parseInt(args[1]);
        long n = counter(store.load(key(lane)).block(Duration.ofSeconds(30))) + 1;
        long last = args.length > 2 ? n + Long.parseLong(args[2]) - 1 : Long.MAX_VALUE;
        for (; n <= last; n++) {
            store.save(credentials(lane, n)).block(Duration.ofSeconds(30));
            System.out.println("ack " + n);
            System.out.flush();
        }
        System.exit(0);
    }
}
