package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failure at run time never takes the host down: when the launcher cannot be placed anywhere
 * (no usable runtime, temporary or cache directory), the host still spawns, runs and exits as it
 * would without the agent, and the agent says so in exactly one warning line.
 */
@Timeout(120)
class FailOpenIT {
    private static final String NOWHERE = "/nonexistent-tether-it";

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void without_a_place_for_the_launcher_the_host_runs_unprotected_and_is_told_once() {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).agent(true)
                .jvmFlag("-Djava.io.tmpdir=" + NOWHERE)
                .jvmFlag("-Duser.home=" + NOWHERE)
                .env("XDG_RUNTIME_DIR", NOWHERE);
        TreeOutcome outcome = TreeRun.of(jvm).tree(Tree.TWO_SLEEPS).ending(Ending.EXIT_3)
                .scenario("FAIL-OPEN").run();

        assertEquals(3, outcome.exit.exitCode, outcome::describe);
        List<String> lines = outcome.exit.stderr.lines().collect(Collectors.toList());
        assertEquals(1, lines.size(), outcome::describe);
        assertTrue(lines.get(0).startsWith("tether: warning: cannot protect this JVM's child processes"),
                outcome::describe);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2, () -> "unprotected children outlive the JVM\n"
                + outcome.describe());
    }
}
