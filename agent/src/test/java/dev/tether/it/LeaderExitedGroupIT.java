package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.LeaderExitsHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A group whose leader has exited but whose other members live on stays recorded and is cleaned:
 * the host runs {@code sh -c 'sleep 1000 & exit 0'} and waits for the shell to exit (the sleep,
 * re-parented, keeps the group), then spawns 200 {@code /bin/true} so that the registry prunes its
 * empty groups several times; when the JVM ends (normally, or by SIGKILL: the keeper), the sleep
 * must be gone. Without the agent it survives.
 */
@Timeout(120)
class LeaderExitedGroupIT {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofMillis(500);

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Ending.class, names = {"SIGTERM", "EXIT_3", "RETURN"})
    void a_group_that_outlived_its_leader_is_ended_with_the_jvm(Ending ending) {
        TreeOutcome o = run(ending, true);
        assertEquals(ending.exitCode, o.exit.exitCode, o::describe);
        assertEquals(List.of(), o.survivors, o::describe);
        assertTrue(o.exit.stderr.contains("tether: stopped 1 process group(s)"),
                () -> "the agent did not report the group stopped\n" + o.describe());
    }

    /**
     * On a kernel without pidfds (before 5.3: the seccomp wrapper answers ENOSYS): every prune must find
     * the leaderless group alive through /proc, and the exit must prove it ours by start time and session.
     */
    @Test
    void without_pidfds_too() {
        ChildJvm jvm = LockedDownSystemsIT.Filter.KERNEL_BEFORE_5_3.applyTo(
                ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=" + GRACE.toMillis() + "ms"));
        TreeOutcome o = TreeRun.of(jvm).fixture(LeaderExitsHost.class).tree(Tree.LEADER_EXITED).ending(Ending.SIGTERM)
                .scenario("LEADER-EXITED SIGTERM, no pidfds").run();
        assertEquals(Ending.SIGTERM.exitCode, o.exit.exitCode, o::describe);
        assertEquals(List.of(), o.survivors, o::describe);
        assertTrue(o.exit.stderr.contains("tether: stopped 1 process group(s)"),
                () -> "the agent did not report the group stopped\n" + o.describe());
    }

    @Test
    void without_the_agent_the_sleep_survives() {
        TreeOutcome o = run(Ending.SIGTERM, false);
        assertEquals(Ending.SIGTERM.exitCode, o.exit.exitCode, o::describe);
        assertEquals(1, Trees.sleeps(o.survivors), o::describe);
    }

    /** SIGKILL: no shutdown hook; the keeper must end the group whose leader is long gone. */
    @Test
    void the_keeper_ends_a_group_that_outlived_its_leader() {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=" + GRACE.toMillis() + "ms");
        RunningJvm child = jvm.main(LeaderExitsHost.class, "pb", "wait", Tree.LEADER_EXITED.command).start();
        Mark mark = child.mark();
        try {
            String leader = child.awaitLineStartingWith("CHILD ", UP);
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 1),
                    () -> "the sleep never came up\n" + child.describe());
            child.signal(Signal.KILL);
            long killed = System.nanoTime();
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(GRACE.plusSeconds(1).multipliedBy(2), () -> mark.liveExcept(child.pid()).isEmpty());
            Duration emptyAfter = empty ? Duration.ofNanos(System.nanoTime() - killed) : null;
            List<ProcessInfo> survivors = mark.liveExcept(child.pid());
            ItLog.line("LEADER-EXITED SIGKILL " + jvm.label() + " tree=" + Tree.LEADER_EXITED + " ("
                    + leader + "): exit=" + exit.exitCode + " survivors=" + survivors.size()
                    + " death-to-empty=" + ItLog.seconds(emptyAfter));
            assertEquals(137, exit.exitCode, exit::describe);
            assertEquals(List.of(), survivors, () -> "survivors: " + survivors + "\n" + exit.describe());
        } finally {
            mark.sweep();
        }
    }

    private TreeOutcome run(Ending ending, boolean agent) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next());
        if (agent) {
            jvm.withAgent("grace=" + GRACE.toMillis() + "ms");
        }
        return TreeRun.of(jvm).fixture(LeaderExitsHost.class).tree(Tree.LEADER_EXITED).ending(ending)
                .scenario("LEADER-EXITED " + ending.name()).run();
    }
}
