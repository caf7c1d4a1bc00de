package dev.tether.it;

import dev.tether.it.fixtures.HostFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Runs the HostFacts fixture in a fresh work directory and compares two of its reports. */
public final class HostFactsRun {
    /** Set for the fixture so that it can show a variable removed from a child's environment. */
    static final String REMOVE_ME = "TETHER_IT_REMOVE_ME";

    private HostFactsRun() {}

    public static JvmExit report(ChildJvm jvm) {
        Path dir;
        try {
            dir = Files.createTempDirectory("tether-it-facts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            RunningJvm child = jvm.env(REMOVE_ME, "present").main(HostFacts.class, dir.toString()).start();
            child.closeStdin();
            JvmExit exit = child.awaitExit(Duration.ofSeconds(60));
            if (!exit.printedLine("HOST-FACTS-END")) {
                throw new AssertionError("HostFacts did not finish\n" + child.describe());
            }
            return exit;
        } finally {
            delete(dir);
        }
    }

    /**
     * Empty when equal; else a line diff (longest common subsequence): "- " lines only in
     * {@code expected}, "+ " lines only in {@code actual}, each with its line number.
     */
    public static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                i++;
                j++;
            } else if (j == b.length || (i < a.length && common[i + 1][j] >= common[i][j + 1])) {
                out.add("- " + (i + 1) + ": " + a[i++]);
            } else {
                out.add("+ " + (j + 1) + ": " + b[j++]);
            }
        }
        return String.join("\n", out);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
