package dev.reactivemcp.benchmarks.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The report of a driver run on its own ({@code run.sh --filter}, {@code --many}, {@code --refresh}): a title, the
 * machine, the driver's markdown section; printed and, when {@code out} is given, written there.
 */
final class StandaloneReport {

    private StandaloneReport() { }

    /** Prints {@code # title}, the machine lines and {@code section}, and writes them to {@code out} unless null. */
    static void emit(String title, String section, Path out) throws IOException {
        print("# " + title + "\n\n" + machine() + "\n" + section, out);
    }

    /** Prints the whole report {@code md} and writes it to {@code out} unless null. */
    static void print(String md, Path out) throws IOException {
        System.out.println(md);
        if (out != null) {
            Path file = out.toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
            LoadDriver.log("wrote " + file);
        }
    }

    /** Date, cores, OS and JVM of this run, as markdown list lines. */
    static String machine() {
        return "- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n"
                + "- machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; JVM "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "\n";
    }
}
