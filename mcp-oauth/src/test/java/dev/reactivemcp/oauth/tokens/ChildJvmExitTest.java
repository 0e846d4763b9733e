package dev.reactivemcp.oauth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 3 with real processes: {@link ExitingProgram} runs in a child JVM per run, against a
 * {@link GrantServer} that rotates refresh tokens, answers 2 s after committing the rotation and revokes the
 * grant on reuse. Each child starts inside the refresh window, so its connect starts a refresh that is still in
 * flight when its main method returns.
 */
class ChildJvmExitTest {

    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final long INTO_WINDOW_MILLIS = 27_200;

    @TempDir
    Path dir;

    private static void login(GrantServer server, Path file) {
        String accessToken = server.login();
        ClientRegistration registration = new ClientRegistration(server.issuer(), "client-1", null, "none", List.of());
        FileTokenStore.at(file).save(new StoredCredentials(server.mcpUrl(),
                new CredentialKey(server.mcpUrl(), server.issuer(), "client-1"), registration,
                new OAuthTokens(accessToken, "Bearer", server.newest(), Clock.systemUTC().instant().plus(LIFETIME),
                        Set.of("mcp")), server.tokenUrl(), false, Clock.systemUTC().instant())).block();
    }

    private int inFlightAtReturn;

    private int runChild(Path file, GrantServer server, String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExitingProgram.class.getName(), file.toString(),
                server.mcpUrl(), Long.toString(INTO_WINDOW_MILLIS), mode));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = child.getInputStream().readAllBytes();
        if (!child.waitFor(90, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            return -1;
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (child.exitValue() != 0) {
            System.out.println(text);
        }
        if (text.contains("refresh in flight at return: true")) {
            inFlightAtReturn++;
        }
        return child.exitValue();
    }

    @Test
    void childJvmsThatConnectCallCloseAndExitInsideTheRefreshWindowLoseNoSession() throws Exception {
        Path file = dir.resolve("tokens.json");
        try (GrantServer server = new GrantServer(Clock.systemUTC(), LIFETIME, Duration.ofSeconds(2))) {
            login(server, file);
            int behindOnDisk = 0;
            List<Integer> exits = new ArrayList<>();
            String[] modes = {"exit", "dispose", "exit", "exit"};
            for (String mode : modes) {
                exits.add(runChild(file, server, mode));
                StoredCredentials stored = FileTokenStore.at(file).findByEndpoint(server.mcpUrl()).blockFirst();
                if (!stored.tokens().refreshToken().equals(server.newest()) || stored.rejected()) {
                    behindOnDisk++;
                    login(server, file);
                }
            }

            System.out.printf("child JVM runs: runs=%d exits=%s inFlightAtReturn=%d behindOnDisk=%d revocations=%d"
                    + " tokenRequests=%d%n", modes.length, exits, inFlightAtReturn, behindOnDisk,
                    server.revocations.get(), server.tokenRequests.get());
            assertThat(exits).containsOnly(0);
            assertThat(inFlightAtReturn).as("exit-mode children whose refresh was still running when main returned")
                    .isEqualTo(3);
            assertThat(server.revocations).as("grants revoked for reuse (lost sessions)").hasValue(0);
            assertThat(behindOnDisk).isZero();
            assertThat(server.tokenRequests).as("one refresh per child").hasValue(modes.length);
            assertThat(server.deletes).hasValue(modes.length);
        }
    }
}
