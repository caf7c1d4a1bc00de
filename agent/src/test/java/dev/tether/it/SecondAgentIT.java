package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code -javaagent} of Tether in the same JVM (the same jar twice, or a copy at another path)
 * is a no-op with one warning: the host runs as with one agent, its tree still dies at exit, and the
 * second copy's own options change nothing.
 */
@Timeout(120)
class SecondAgentIT {
    /** How dev.tether.boot.TetherPremain's warning starts. */
    static final String WARNING = "tether: the agent is already running in this JVM; ignoring the second copy";
    /** How it ends: the options in effect are the first copy's (see run). */
    static final String IN_EFFECT = "(in effect: \"grace=500ms\" with any -Dtether.* properties)";

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @Test
    void the_same_agent_jar_given_twice_warns_once_and_still_ends_the_tree() {
        TreeOutcome outcome = run("-javaagent:" + ChildJvm.agentJar(), "TWICE same-jar");

        assertOneAgentAndOneWarning(outcome, WARNING + " " + IN_EFFECT);
    }

    @Test
    void a_copy_of_the_agent_jar_at_another_path_warns_once_and_its_options_change_nothing() throws IOException {
        Path copy = Files.createDirectory(dir.resolve("elsewhere")).resolve("tether-agent.jar");
        Files.copy(Paths.get(ChildJvm.agentJar()), copy);
        // log=debug on the second copy: were it applied, every recorded group would be logged.
        TreeOutcome outcome = run("-javaagent:" + copy + "=log=debug", "TWICE copied-jar");

        assertOneAgentAndOneWarning(outcome, WARNING + " and its options \"log=debug\" " + IN_EFFECT);
    }

    @Test
    void a_second_copy_with_a_bad_option_is_ignored_rather_than_stopping_the_jvm() throws IOException {
        Path copy = dir.resolve("tether-copy.jar");
        Files.copy(Paths.get(ChildJvm.agentJar()), copy);
        // Alone, grace=abc stops the JVM before main (exit code 1); as a second copy it is not even read.
        TreeOutcome outcome = run("-javaagent:" + copy + "=grace=abc", "TWICE bad-option");

        assertOneAgentAndOneWarning(outcome, WARNING + " and its options \"grace=abc\" " + IN_EFFECT);
    }

    private TreeOutcome run(String secondAgent, String scenario) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms").jvmFlag(secondAgent);
        return TreeRun.of(jvm).tree(Tree.TWO_SLEEPS).ending(Ending.SIGTERM).scenario(scenario).run();
    }

    private static void assertOneAgentAndOneWarning(TreeOutcome outcome, String warning) {
        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
        List<String> stdout = outcome.exit.stdout.lines().collect(Collectors.toList());
        assertEquals(2, stdout.size(), outcome::describe);
        assertTrue(stdout.get(0).matches("CHILD \\d+") && stdout.get(1).equals("READY"), outcome::describe);

        List<String> stderr = outcome.exit.stderr.lines().collect(Collectors.toList());
        assertEquals(1, stderr.stream().filter(warning::equals).count(),
                () -> "expected the warning exactly once\n" + outcome.describe());
        assertEquals(2, stderr.size(), () -> "expected the warning and the exit summary, nothing else\n"
                + outcome.describe());
        assertEquals(warning, stderr.get(0), outcome::describe);
        assertTrue(HostLibrariesIT.SUMMARY.matcher(stderr.get(1)).matches(), outcome::describe);
    }
}
