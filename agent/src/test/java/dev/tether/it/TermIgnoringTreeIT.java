package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tree that ignores SIGTERM ({@code trap '' TERM}; the sleeps inherit the ignored disposition) must
 * still die: TERM, the grace period, then KILL. The JVM may exit only after that.
 */
@Timeout(120)
class TermIgnoringTreeIT {
    private static final Duration GRACE = Duration.ofMillis(500);
    /** The default grace period is 2 s: an exit well before it shows that grace=500ms was honoured. */
    private static final Duration WELL_BEFORE_DEFAULT_GRACE = Duration.ofMillis(1800);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void sigterm_to_jvm_waits_out_the_grace_period_then_kills_a_term_ignoring_tree() {
        TreeOutcome outcome = TreeRun.of(ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms"))
                .tree(Tree.TERM_IGNORING)
                .ending(Ending.SIGTERM)
                .scenario("SIGTERM term-ignoring grace=500ms")
                .whenUp(TermIgnoringTreeIT::assertSleepsIgnoreTerm)
                .run();

        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
        // The JVM may exit only once the groups are empty, not merely once KILL was sent.
        assertEquals(List.of(), outcome.survivorsAtExit,
                () -> "the JVM exited while its tree still lived\n" + outcome.describe());
        assertTrue(outcome.exitAfter.compareTo(GRACE) >= 0,
                () -> "the JVM exited before the grace period could have passed\n" + outcome.describe());
        assertTrue(outcome.exitAfter.compareTo(WELL_BEFORE_DEFAULT_GRACE) < 0,
                () -> "the JVM took about the default grace period, not grace=500ms\n" + outcome.describe());
    }

    @Test
    void without_the_agent_a_term_ignoring_tree_outlives_the_jvm() {
        TreeOutcome outcome = TreeRun.of(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent())
                .tree(Tree.TERM_IGNORING)
                .ending(Ending.SIGTERM)
                .scenario("SIGTERM term-ignoring")
                .whenUp(TermIgnoringTreeIT::assertSleepsIgnoreTerm)
                .run();

        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2,
                () -> "expected both sleeps to outlive a JVM without the agent\n" + outcome.describe());
    }

    /** Without this the test would not show anything about the grace period. */
    private static void assertSleepsIgnoreTerm(List<ProcessInfo> tree) {
        assertEquals(2, Trees.sleeps(tree), () -> "tree: " + tree);
        for (ProcessInfo p : tree) {
            if (!p.cmdline.equals("sleep 1000")) continue;
            assertTrue((ProcessTable.ignoredSignals(p.pid) & Signal.TERM.maskBit()) != 0,
                    () -> "the sleep does not ignore SIGTERM: " + p);
        }
    }
}
