package dev.tether.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * One line per scenario, "[tether-it] SIGTERM jdk17 POSIX_SPAWN agent: survivors=0 ...", on stdout and
 * written to target/tether-it.txt, for the summary of a run.
 */
public final class ItLog {
    private static boolean started;

    private ItLog() {}

    public static synchronized void line(String text) {
        String line = "[tether-it] " + text;
        System.out.println(line);
        Path file = Paths.get(ChildJvm.testClasses()).resolveSibling("tether-it.txt");
        try {
            // The first line of a test JVM starts the file afresh: it holds this run's lines only.
            Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    started ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            started = true;
        } catch (IOException notWritable) {
            // stdout has it
        }
    }

    /** "0.08s". */
    public static String seconds(Duration d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.2fs", d.toNanos() / 1e9);
    }
}
