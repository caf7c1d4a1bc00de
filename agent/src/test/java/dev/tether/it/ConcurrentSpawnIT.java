package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.ConcurrentSpawner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spawning from many threads at once loses no record: 8 threads each run {@code /bin/true} 500 times
 * and leave a {@code sleep 1000} after every 50th (80 live groups among 4,080 spawns, while the
 * registry prunes its empty groups underneath); after SIGTERM to the JVM none of the 80 is alive, and
 * the agent reports exactly 80 groups stopped. Without the agent all 80 survive.
 */
@Timeout(120)
class ConcurrentSpawnIT {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 500;
    private static final int EVERY = 50;
    private static final int SLEEPS = THREADS * PER_THREAD / EVERY;
    private static final Duration SPAWNING = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Duration GONE = Duration.ofSeconds(10);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void no_group_spawned_concurrently_outlives_the_jvm() {
        Outcome o = run(true);
        assertEquals(0, o.failures(), o::describe);
        assertEquals(SLEEPS, o.up, () -> "not all sleeps were up before SIGTERM\n" + o.describe());
        assertEquals(143, o.exit.exitCode, o::describe);
        assertEquals(0, o.survivors.size(), () -> "sleeps that outlived the JVM: " + o.survivors + "\n" + o.describe());
        assertTrue(o.exit.stderr.contains("tether: stopped " + SLEEPS + " process group(s)"),
                () -> "the agent did not report " + SLEEPS + " groups stopped\n" + o.describe());
    }

    @Test
    void without_the_agent_every_sleep_survives() {
        Outcome o = run(false);
        assertEquals(SLEEPS, o.up, o::describe);
        assertEquals(SLEEPS, o.survivors.size(), o::describe);
    }

    private Outcome run(boolean agent) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next());
        if (agent) {
            jvm.withAgent("grace=500ms");
        }
        RunningJvm child = jvm.main(ConcurrentSpawner.class, String.valueOf(THREADS), String.valueOf(PER_THREAD),
                String.valueOf(EVERY)).start();
        Mark mark = child.mark();
        try {
            long started = System.nanoTime();
            String spawned = child.awaitLineStartingWith("SPAWNED ", SPAWNING);
            Duration spawning = Duration.ofNanos(System.nanoTime() - started);
            Poll.until(Duration.ofSeconds(10), () -> sleeps(mark, child.pid()).size() >= SLEEPS);
            int up = sleeps(mark, child.pid()).size();
            child.signal(Signal.TERM);
            long signalled = System.nanoTime();
            JvmExit exit = child.awaitExit(EXIT);
            if (agent) {
                Poll.until(GONE, () -> sleeps(mark, child.pid()).isEmpty());
            }
            List<ProcessInfo> survivors = sleeps(mark, child.pid());
            ItLog.line("CONCURRENT " + jvm.label() + " " + THREADS + "x" + PER_THREAD + " true + " + SLEEPS
                    + " sleeps: " + spawned.substring("SPAWNED ".length()) + " (start to all spawned "
                    + ItLog.seconds(spawning) + ") up=" + up + " exit=" + exit.exitCode + " survivors="
                    + survivors.size() + " exit-after=" + ItLog.seconds(Duration.ofNanos(exit.exitedAtNanos - signalled))
                    + summary(exit.stderr));
            return new Outcome(spawned, up, exit, survivors);
        } finally {
            mark.sweep();
        }
    }

    private static List<ProcessInfo> sleeps(Mark mark, long jvmPid) {
        List<ProcessInfo> live = mark.liveExcept(jvmPid);
        live.removeIf(p -> !p.cmdline.equals("sleep 1000"));
        return live;
    }

    /** The agent's one-line exit summary, if it printed one. */
    static String summary(String stderr) {
        for (String line : stderr.split("\n")) {
            if (line.startsWith("tether: stopped")) return " [" + line + "]";
        }
        return "";
    }

    private static final class Outcome {
        final String spawned;
        final int up;
        final JvmExit exit;
        final List<ProcessInfo> survivors;

        Outcome(String spawned, int up, JvmExit exit, List<ProcessInfo> survivors) {
            this.spawned = spawned;
            this.up = up;
            this.exit = exit;
            this.survivors = survivors;
        }

        int failures() {
            int at = spawned.indexOf("failures=");
            return Integer.parseInt(spawned.substring(at + "failures=".length()).split(" ")[0]);
        }

        String describe() {
            return spawned + "\nup=" + up + " survivors=" + survivors + "\n" + exit.describe();
        }
    }
}
