package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.SpawnsRepeatedly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A low descriptor limit ({@code prlimit --nofile=64}, as {@code ulimit -n 64}): 200 spawns, each
 * waited for, succeed with the agent as they do without it, the agent holds no more than a handful
 * of descriptors for finished children, and the tree spawned after them still dies with the JVM.
 */
@Timeout(180)
class ResourceLimitsIT {
    private static final Duration UP = Duration.ofSeconds(60);
    /** Descriptors of finished children the agent may still hold: the registry's prune floor. */
    private static final int FINISHED_PIDFDS_AT_MOST = 8;

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {true, false})
    void at_ulimit_n_64_every_spawn_that_succeeds_without_the_agent_succeeds_with_it(boolean agent) throws IOException {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).agent(agent).through("prlimit", "--nofile=64", "--");
        RunningJvm child = jvm.main(SpawnsRepeatedly.class, "200", "0", Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            String spawns = child.awaitLineStartingWith("SPAWNS ", UP);
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 2), child::describe);
            int pidfds = pidfds(child.pid());
            child.signal(Signal.TERM);
            JvmExit exit = child.awaitExit(UP);
            boolean empty = agent && Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty());
            ItLog.line("LIMITS nofile=64 " + jvm.label() + ": " + spawns + " pidfds held=" + pidfds + " exit="
                    + exit.exitCode + " survivors=" + mark.liveExcept(child.pid()).size());
            assertEquals("SPAWNS ok=200 failed=0", spawns, exit::describe);
            assertTrue(pidfds <= FINISHED_PIDFDS_AT_MOST + 1, () -> pidfds + " pidfds held\n" + exit.describe());
            assertEquals(143, exit.exitCode, exit::describe);
            if (agent) {
                assertTrue(empty, exit::describe);
            }
        } finally {
            mark.sweep();
        }
    }

    private static int pidfds(long pid) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("anon_inode:[pidfd]")) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // not open any more
                }
            }
        }
        return count;
    }
}
