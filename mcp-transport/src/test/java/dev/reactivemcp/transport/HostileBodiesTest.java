package dev.reactivemcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A hundred concurrent 500 MB bodies against a client in a forked JVM with a 256 MB heap: the client-wide budget
 * turns them into typed failures, the heap survives, and the client still works afterwards. The control run without
 * a budget shows the same load exhausting that heap.
 */
class HostileBodiesTest {

    private static final int CALLS = 100;

    @Test
    void aHundredConcurrentHalfGigabyteBodiesFailTypedAndTheClientStillWorksInA256MegabyteHeap() throws Exception {
        try (HugeBodiesServer server = new HugeBodiesServer()) {
            Run run = fork(server, 0);

            assertThat(run.exit).as("exit code (3 = OutOfMemoryError); output:%n%s", run.output).isZero();
            int typed = run.outcomes.getOrDefault("ProtocolError/budget", 0)
                    + run.outcomes.getOrDefault("ProtocolError/message-limit", 0);
            assertThat(typed).as("every huge body failed typed: %s", run.outcomes).isEqualTo(CALLS);
            assertThat(run.outcomes.get("ProtocolError/budget")).as("the budget refused some").isPositive();
            assertThat(run.after).isEqualTo("still here");
            assertThat(server.hugeAnswers).hasValue(CALLS);
            assertThat(server.bytesSent.get()).as("the server was cut short long before 100 x 500 MB")
                    .isLessThan(CALLS * HugeBodiesServer.HUGE / 20);
            System.out.printf("hostile bodies: %s; server handed %d MB to Netty; wall %d ms; %s", run.outcomes,
                    server.bytesSent.get() >> 20, run.millis, run.output.lines().filter(l -> l.startsWith("calls-ms"))
                            .findFirst().orElse("") + System.lineSeparator());
        }
    }

    @Test
    void withoutTheBudgetTheSameBodiesExhaustThatHeap() throws Exception {
        try (HugeBodiesServer server = new HugeBodiesServer()) {
            Run run = fork(server, Long.MAX_VALUE / 4);

            assertThat(run.exit).as("the control run dies of OutOfMemoryError (exit 3); output:%n%s", run.output)
                    .isEqualTo(3);
            System.out.printf("hostile bodies without a budget: exit %d after %d ms%n", run.exit, run.millis);
        }
    }

    private record Run(int exit, Map<String, Integer> outcomes, String after, String output, long millis) { }

    private static Run fork(HugeBodiesServer server, long budget) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), HugeBodiesClient.class.getName(),
                server.uri().toString(), Integer.toString(CALLS), Long.toString(budget)));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        String after = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("outcome")) {
                    outcomes.put(parts[1], Integer.parseInt(parts[2]));
                } else if (line.startsWith("after ")) {
                    after = line.substring(6);
                }
            }
        }
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), outcomes, after, output.length() > 4000 ? output.substring(0, 4000) : output.toString(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
