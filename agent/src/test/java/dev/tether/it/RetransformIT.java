package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.RetransformingAgent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another agent retransforms java.lang.ProcessImpl after Tether has woven it and connected its bridge:
 * Tether weaves the class again and keeps its bridge, so the host's later spawns are still protected
 * and nothing is said about it.
 */
@Timeout(120)
class RetransformIT {

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @Test
    void a_tree_spawned_after_another_agent_retransformed_process_impl_still_dies_with_the_jvm() throws IOException {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                .jvmFlag("-javaagent:" + ManifestOnlyAgent.write(dir.resolve("retransforming-agent.jar"),
                        RetransformingAgent.class, true));

        TreeOutcome outcome = TreeRun.of(jvm).tree(Tree.TWO_SLEEPS).ending(Ending.SIGTERM)
                .scenario("RETRANSFORMED").run();

        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
        List<String> stderr = outcome.exit.stderr.lines().collect(Collectors.toList());
        assertEquals(1, stderr.size(), () -> "expected the exit summary alone\n" + outcome.describe());
        assertTrue(HostLibrariesIT.SUMMARY.matcher(stderr.get(0)).matches(), outcome::describe);
    }
}
