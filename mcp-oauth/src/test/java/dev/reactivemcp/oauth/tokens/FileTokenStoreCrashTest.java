package dev.reactivemcp.oauth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.StoredCredentials;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during writes: two child JVMs write their own entries to one store file in a loop; 50 times one of
 * them is killed with SIGKILL after a random number of acknowledged writes (so mid-write or between writes). After
 * every kill the file parses and holds at least the last write the killed process acknowledged; after the last one,
 * the next open leaves no temporary copy behind.
 */
class FileTokenStoreCrashTest {

    private static final int KILLS = 50;
    /** Writers alive at once, each on its own entry: while one restarts, the others keep writing. */
    private static final int LANES = 2;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void fiftySigkillsMidWriteNeverCorruptTheFileNorLoseAnAcknowledgedWriteAndLeaveNoStrayCopies() throws Exception {
        Path file = dir.resolve("tokens.json");
        Random random = new Random(42);
        long start = System.nanoTime();
        Jvm jvm = Jvm.lean(dir.resolve("jvm"));
        Writer[] lanes = new Writer[LANES];
        for (int lane = 0; lane < LANES; lane++) {
            lanes[lane] = Writer.start(jvm, file, lane);
        }
        long[] lastAck = new long[LANES];
        int strayCopiesSeen = 0;
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                int lane = kill % LANES;
                int acks = 1 + random.nextInt(15);
                for (int i = 0; i < acks; i++) {
                    lanes[lane].nextAck();
                }
                lastAck[lane] = lanes[lane].kill();
                strayCopiesSeen += tempFiles(file).size();

                FileTokenStore reopened = FileTokenStore.at(file);
                StoredCredentials stored = reopened.load(StoreWriterProcess.key(lane)).block(WAIT);
                long counter = StoreWriterProcess.counter(stored);
                assertThat(counter).as("kill %d: lane %d stored %d, acknowledged %d", kill, lane, counter, lastAck[lane])
                        .isBetween(lastAck[lane], lastAck[lane] + 1);
                assertThat(stored.tokens().refreshToken()).isEqualTo("rt-" + counter);
                lanes[lane] = Writer.start(jvm, file, lane);
            }
        } finally {
            for (int lane = 0; lane < LANES; lane++) {
                lastAck[lane] = Math.max(lastAck[lane], lanes[lane].kill());
            }
        }
        strayCopiesSeen += tempFiles(file).size();
        FileTokenStore next = FileTokenStore.at(file);
        for (int lane = 0; lane < LANES; lane++) {
            assertThat(StoreWriterProcess.counter(next.load(StoreWriterProcess.key(lane)).block(WAIT)))
                    .isGreaterThanOrEqualTo(lastAck[lane]);
        }
        assertThat(tempFiles(file)).as("no temporary copy survives the next open").isEmpty();
        System.out.printf("kill -9 test: %d kills of %d writers on one file, %d stray temporary copies seen before"
                        + " reopening, %d writes acknowledged, %d ms%n", KILLS, LANES, strayCopiesSeen,
                java.util.Arrays.stream(lastAck).sum(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static List<Path> tempFiles(Path file) throws IOException {
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /**
     * How writers are started, as cheaply as possible since 52 are: no test libraries on the class path, class
     * directories packed into jars so that a class-data archive recorded by one warm-up run can be shared, C1 only.
     */
    private record Jvm(List<String> command) {
        static Jvm lean(Path work) throws IOException, InterruptedException {
            Files.createDirectories(work);
            List<String> entries = new java.util.ArrayList<>();
            int n = 0;
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (e.matches(".*(mockserver|junit|assertj|byte-buddy|blockhound|opentest4j|apiguardian|reactor-test).*")) {
                    continue;
                }
                Path p = Path.of(e);
                entries.add(Files.isDirectory(p) ? jar(p, work.resolve("classes-" + n++ + ".jar")).toString() : e);
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> base = List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    String.join(File.pathSeparator, entries));
            Path archive = work.resolve("writer.jsa");
            List<String> warmUp = new java.util.ArrayList<>(base);
            warmUp.add(1, "-XX:ArchiveClassesAtExit=" + archive);
            warmUp.addAll(List.of(StoreWriterProcess.class.getName(), work.resolve("warm-up.json").toString(), "0",
                    "3"));
            Process p = new ProcessBuilder(warmUp).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
            List<String> command = new java.util.ArrayList<>(base);
            if (Files.exists(archive)) {
                command.add(1, "-XX:SharedArchiveFile=" + archive);
                command.add(2, "-Xshare:auto");
            }
            command.add(StoreWriterProcess.class.getName());
            return new Jvm(command);
        }

        Process start(String... args) throws IOException {
            List<String> c = new java.util.ArrayList<>(command);
            c.addAll(List.of(args));
            return new ProcessBuilder(c).redirectErrorStream(true).start();
        }

        private static Path jar(Path dir, Path jar) throws IOException {
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            return jar;
        }
    }

    /** One child JVM writing one lane, with its acknowledgements read on a thread of their own. */
    private static final class Writer {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Thread reader;
        /** The last write the process acknowledged (printed); final once it is killed and its output read. */
        private volatile long acked;

        private Writer(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ack ")) {
                            acked = Long.parseLong(line.substring(4));
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            }, "store-writer-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Writer start(Jvm jvm, Path file, int lane) throws IOException {
            return new Writer(jvm.start(file.toString(), Integer.toString(lane)));
        }

        long nextAck() throws InterruptedException {
            for (;;) {
                String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("the writer acknowledged nothing for " + WAIT + " (alive: "
                            + process.isAlive() + ")");
                }
                if (line.startsWith("ack ")) {
                    return Long.parseLong(line.substring(4));
                }
                if (!line.startsWith("OpenJDK") && !line.isBlank()) {
                    throw new AssertionError("the writer failed: " + line + " " + String.join(" | ", lines));
                }
            }
        }

        /** SIGKILLs the process; the last write it acknowledged. */
        long kill() throws InterruptedException {
            // SIGKILL on POSIX. Through the handle: Process.destroyForcibly() also closes our end of the child's stdout,
            // dropping acknowledgements still in the pipe (seen: stored 240, acknowledged 238); the reader must read
            // to the end of what the child printed before it died.
            process.toHandle().destroyForcibly();
            process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            reader.join(WAIT.toMillis());
            return acked;
        }
    }
}
