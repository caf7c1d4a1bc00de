package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.RacingSpawner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A spawn that races with shutdown is either recorded and cleaned or killed at once, never left
 * behind: one thread of the host starts {@code sleep 1000} in a tight loop, never waiting, while
 * main calls System.exit once 20 are up; the loop runs on through the shutdown. Once the JVM is gone,
 * nothing it started may be alive (polled for up to 3 s, so that spawns in flight settle). Repeated
 * on five JVMs to give the race its chances (log=debug: a failure tells whether each survivor had been
 * recorded). Without the agent every sleep survives.
 */
@Timeout(120)
class ShutdownRaceIT {
    private static final String MIN_BEFORE_EXIT = "20";
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @RegisterExtension
    final Marks marks = new Marks();

    @RepeatedTest(5)
    void nothing_spawned_during_the_shutdown_outlives_the_jvm(RepetitionInfo repetition) {
        Outcome o = run(Jdk.current(), true, "run " + repetition.getCurrentRepetition() + "/" + repetition.getTotalRepetitions());
        assertEquals(0, o.exit.exitCode, o::describe);
        assertEquals(List.of(), o.survivors, () -> "left behind by the racing spawns\n" + o.describe());
    }

    /** The last shutdown step is a JDK-internal slot: the same on JDK 25. */
    @RepeatedTest(3)
    void nothing_spawned_during_the_shutdown_outlives_the_jvm_on_jdk_25(RepetitionInfo repetition) {
        Outcome o = run(Jdks.named(Jdks.TEMURIN_25), true,
                "run " + repetition.getCurrentRepetition() + "/" + repetition.getTotalRepetitions());
        assertEquals(0, o.exit.exitCode, o::describe);
        assertEquals(List.of(), o.survivors, () -> "left behind by the racing spawns\n" + o.describe());
    }

    @Test
    void without_the_agent_the_sleeps_survive() {
        Outcome o = run(Jdk.current(), false, "run 1/1");
        assertEquals(0, o.exit.exitCode, o::describe);
        assertTrue(Trees.sleeps(o.survivors) >= Integer.parseInt(MIN_BEFORE_EXIT), o::describe);
    }

    private Outcome run(Jdk jdk, boolean agent, String which) {
        ChildJvm jvm = ChildJvm.of(jdk, marks.next());
        if (agent) {
            jvm.withAgent("grace=500ms,log=debug"); // debug: "recorded group <pid>" for each spawn it recorded
        }
        RunningJvm child = jvm.main(RacingSpawner.class, MIN_BEFORE_EXIT).start();
        Mark mark = child.mark();
        try {
            JvmExit exit = child.awaitExit(EXIT);
            long exited = exit.exitedAtNanos;
            boolean empty = Poll.until(SETTLE, () -> mark.liveExcept(child.pid()).isEmpty());
            Duration emptyAfter = empty ? Duration.ofNanos(System.nanoTime() - exited) : null;
            List<ProcessInfo> survivors = mark.liveExcept(child.pid());
            String exiting = exit.stdout.lines().filter(l -> l.startsWith("EXITING ")).findFirst().orElse("EXITING ?");
            ItLog.line("SHUTDOWN-RACE " + jvm.label() + " " + which + ": spawned-before-exit="
                    + exiting.substring("EXITING ".length()) + " exit=" + exit.exitCode + " survivors="
                    + survivors.size() + " (sleeps " + Trees.sleeps(survivors) + ") exit-to-empty="
                    + ItLog.seconds(emptyAfter) + ConcurrentSpawnIT.summary(exit.stderr));
            return new Outcome(exit, survivors);
        } finally {
            mark.sweep();
        }
    }

    private static final class Outcome {
        final JvmExit exit;
        final List<ProcessInfo> survivors;

        Outcome(JvmExit exit, List<ProcessInfo> survivors) {
            this.exit = exit;
            this.survivors = survivors;
        }

        String describe() {
            StringBuilder why = new StringBuilder("survivors: " + survivors + "\n");
            for (ProcessInfo p : survivors) {
                why.append("  ").append(p.pid).append(" recorded by the agent: ")
                        .append(exit.stderr.contains("recorded group " + p.pid + " (") ? "yes" : "no").append('\n');
            }
            return why + exit.describe();
        }
    }
}
