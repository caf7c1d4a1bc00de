package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.it.fixtures.ExhaustsThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JVM whose user has no process left to start when it exits (RLIMIT_NPROC exhausted by its own
 * threads; root is exempt, so it runs as another uid): the shutdown hook's thread cannot start, and
 * the agent still ends the tree before the JVM exits, on the exiting thread, and says so.
 */
@Timeout(120)
class ProcessLimitIT {
    private static final Duration UP = Duration.ofSeconds(60);
    private static final OtherUser HOST = new OtherUser(61236);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void with_no_thread_to_spare_at_exit_the_tree_is_ended_before_the_jvm_exits() throws IOException {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        try (SharedDirectory shared = new SharedDirectory("tether-it-nproc-")) {
            Path jar = shared.agentJar();
            Path classes = shared.testClasses();
            List<String> through = new java.util.ArrayList<>(List.of("prlimit", "--nproc=150", "--"));
            through.addAll(HOST.prefix());
            ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                    .through(through.toArray(new String[0])).agentJar(jar).testClasses(classes)
                    .jvmFlag("-XX:-UsePerfData").jvmFlag("-Xss256k");
            RunningJvm child = jvm.main(ExhaustsThreads.class, Tree.TWO_SLEEPS.command).start();
            Mark mark = child.mark();
            try {
                child.awaitLine("READY", UP);
                assertTrue(Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 2), child::describe);
                child.send("go");
                JvmExit exit = child.awaitExit(UP);
                long atExit = Trees.sleeps(mark.liveExcept(child.pid()));
                ItLog.line("NPROC exhausted at exit: " + exit.stdout.lines().filter(l -> l.startsWith("THREADS"))
                        .findFirst().orElse("no THREADS line") + " exit=" + exit.exitCode + " sleeps-at-exit=" + atExit
                        + " stderr=" + exit.stderr.trim());
                assertTrue(exit.stdout.contains("THREADS "), exit::describe);
                assertEquals(3, exit.exitCode, exit::describe);
                assertTrue(HostLibrariesIT.SUMMARY.matcher(exit.stderr.trim()).matches(),
                        () -> "the agent's own cleanup did not run\n" + exit.describe());
                assertEquals(0, atExit, exit::describe);
            } finally {
                mark.sweep();
            }
        }
    }
}
