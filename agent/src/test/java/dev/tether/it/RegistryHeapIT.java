package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.HeapSpawner;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After thousands of finished spawns the agent's heap is flat: a host spawns 10,000 {@code /bin/true}
 * (from 4 threads, each waited for) and measures the heap in use after two full GCs at 1,000 and at
 * 10,000 spawns; the second figure may exceed the first by at most 2 MB. Open file descriptors are
 * measured too (a pidfd per spawn that is never closed would show): at most 64 more (the registry
 * holds up to 64 empty groups, each with its pidfd, between two prunes) plus a few. A run without
 * the agent gives the JDK's own figures, for context only.
 */
@Timeout(300)
class RegistryHeapIT {
    private static final int THREADS = 4;
    private static final int FIRST = 1_000;
    private static final int LAST = 10_000;
    private static final long HEAP_MARGIN = 2L * 1024 * 1024;
    private static final int FD_MARGIN = 64 + 8;
    private static final Duration RUN = Duration.ofSeconds(240);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void the_heap_is_flat_after_ten_thousand_spawns() {
        Figures without = measure(false);
        Figures with = measure(true);
        ItLog.line(String.format(java.util.Locale.ROOT,
                "HEAP agent - no-agent: after %d: %+d KB, after %d: %+d KB", FIRST,
                (with.heapFirst - without.heapFirst) / 1024, LAST, (with.heapLast - without.heapLast) / 1024));
        assertEquals(0, with.failures, with::describe);
        assertTrue(with.heapLast <= with.heapFirst + HEAP_MARGIN, () -> "the heap grew by "
                + (with.heapLast - with.heapFirst) / 1024 + " KB from " + FIRST + " to " + LAST + " spawns\n"
                + with.describe());
        assertTrue(with.fdsLast <= with.fdsFirst + FD_MARGIN, () -> "open fds grew from " + with.fdsFirst + " to "
                + with.fdsLast + "\n" + with.describe());
    }

    private Figures measure(boolean agent) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next());
        if (agent) {
            jvm.withAgent("grace=500ms");
        }
        RunningJvm child = jvm.main(HeapSpawner.class, String.valueOf(THREADS), String.valueOf(FIRST),
                String.valueOf(LAST)).start();
        try {
            long started = System.nanoTime();
            JvmExit exit = child.awaitExit(RUN);
            Duration took = Duration.ofNanos(exit.exitedAtNanos - started);
            Figures f = new Figures(exit);
            ItLog.line("HEAP after " + FIRST + ": " + f.heapFirst / 1024 + " KB, after " + LAST + ": "
                    + f.heapLast / 1024 + " KB (" + String.format(java.util.Locale.ROOT, "%+d",
                    (f.heapLast - f.heapFirst) / 1024) + " KB; " + jvm.label() + ", " + THREADS + " threads, "
                    + ItLog.seconds(took) + "; open fds " + f.fdsFirst + " -> " + f.fdsLast + "; failures="
                    + f.failures + ")");
            assertEquals(0, exit.exitCode, exit::describe);
            return f;
        } finally {
            child.mark().sweep();
        }
    }

    private static final class Figures {
        final JvmExit exit;
        long heapFirst = -1;
        long heapLast = -1;
        int fdsFirst = -1;
        int fdsLast = -1;
        int failures = -1;

        Figures(JvmExit exit) {
            this.exit = exit;
            for (String line : exit.stdout.split("\n")) {
                String[] w = line.trim().split(" ");
                if (w[0].equals("HEAP") && w.length == 5) {
                    int spawns = Integer.parseInt(w[1]);
                    if (spawns == FIRST) {
                        heapFirst = Long.parseLong(w[2]);
                        fdsFirst = Integer.parseInt(w[4]);
                    } else if (spawns == LAST) {
                        heapLast = Long.parseLong(w[2]);
                        fdsLast = Integer.parseInt(w[4]);
                    }
                } else if (w[0].startsWith("DONE") && w.length == 2) {
                    failures = Integer.parseInt(w[1].substring("failures=".length()));
                }
            }
            if (heapFirst < 0 || heapLast < 0 || failures < 0) {
                throw new AssertionError("the host did not print its figures\n" + exit.describe());
            }
        }

        String describe() {
            return exit.describe();
        }
    }
}
