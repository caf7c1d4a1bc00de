package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * However the JVM ends (main returns, System.exit, SIGTERM, SIGINT, SIGHUP), the tree
 * {@code sh -c "sleep 1000 & sleep 1000 & wait"} it spawned ends with it, and the JVM's exit code is the
 * one it has without the agent. Without the agent the sleeps outlive the JVM: that is what each
 * with-agent case would miss if the agent did nothing.
 */
@Timeout(120)
class JvmEndingIT {
    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Ending.class)
    void every_way_the_jvm_ends_kills_the_whole_tree_and_keeps_the_exit_code(Ending ending) {
        TreeOutcome outcome = run(ending, true);

        assertEquals(ending.exitCode, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
        // Silent by default: at most the one summary line about what it had to kill.
        assertTrue(outcome.exit.stderr.lines().count() <= 1,
                () -> "the agent wrote more than a summary line to the host's stderr\n" + outcome.describe());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Ending.class)
    void without_the_agent_the_sleeps_outlive_every_way_the_jvm_ends(Ending ending) {
        TreeOutcome outcome = run(ending, false);

        assertEquals(ending.exitCode, outcome.exit.exitCode, outcome::describe);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2,
                () -> "expected both sleeps to outlive a JVM without the agent\n" + outcome.describe());
    }

    private TreeOutcome run(Ending ending, boolean agent) {
        TreeRun run = TreeRun.of(ChildJvm.of(Jdk.current(), marks.next()).agent(agent))
                .tree(Tree.TWO_SLEEPS)
                .ending(ending);
        // One of the spawn entry points besides ProcessBuilder.start.
        if (ending == Ending.EXIT_3) run.viaRuntimeExec().scenario("EXIT_3 Runtime.exec");
        return run.run();
    }
}
