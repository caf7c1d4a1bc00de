package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.it.fixtures.Spawner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract: apart from the new process group, a host cannot tell that the agent is there. The
 * HostFacts fixture prints everything a host observes about its children; with and without the agent
 * its stdout and stderr must be identical.
 */
@Timeout(120)
class HostFactsIT {
    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void host_sees_identical_facts_with_and_without_the_agent() {
        JvmExit without = HostFactsRun.report(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent());
        JvmExit with = HostFactsRun.report(ChildJvm.of(Jdk.current(), marks.next()).withAgent(""));

        // The fixture itself works: otherwise two identical reports of nothing would pass.
        for (String expected : List.of(
                "pid-matches=true",
                "ppid-is-jvm=true",
                "exit-code=7",
                "exit-by-sigterm=143",
                "stdout-and-stderr=exit=3 out=[out\\n] err=[err\\n]",
                "inherited-out",
                "env-cleared=exit=0 out=[ONLY=one\\n] err=[]",
                "env-removed=exit=0 out=[absent\\n] err=[]",
                "directory=exit=0 out=[<dir>\\n] err=[]",
                "argv-as-written=exit=0 out=[cat\\0/proc/self/cmdline\\0] err=[]",
                "error-missing-program=threw java.io.IOException: Cannot run program \"nonexistent-xyz\": "
                        + "error=2, No such file or directory / cause java.io.IOException: error=2, No such file or directory",
                "pipeline=out=2 exits=[0, 0]")) {
            assertTrue(without.printedLine(expected), () -> "the fixture did not report '" + expected + "'\n"
                    + without.describe());
        }
        assertSameReport("jdk17 default", without, with);
    }

    /** Cgroup mode moves the JVM and its children into a cgroup of Tether's: nothing else may show. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Jdks.CURRENT, Jdks.TEMURIN_25})
    void host_sees_identical_facts_in_cgroup_mode(String jdkName) {
        Jdk jdk = Jdks.named(jdkName);
        JvmExit without = HostFactsRun.report(ChildJvm.of(jdk, marks.next()).withoutAgent());
        JvmExit with = HostFactsRun.report(ChildJvm.of(jdk, marks.next()).withAgent("cgroup=auto"));
        assertTrue(without.printedLine("exit-code=7"), without::describe);
        assertSameReport(jdk + " cgroup=auto", without, with);
    }

    @Test
    void spawned_child_leads_a_new_process_group_only_with_the_agent() {
        long withAgent = childGroupRelation(ChildJvm.of(Jdk.current(), marks.next()).withAgent(""));
        long without = childGroupRelation(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent());

        assertEquals(1, withAgent, "with the agent the child must lead its own group (pgid == pid)");
        assertEquals(0, without, "without the agent the child must stay in the JVM's group");
    }

    /** 1: the child's pgid is its pid; 0: the child's pgid is the JVM's; fails otherwise. */
    private static long childGroupRelation(ChildJvm jvm) {
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        try {
            long childPid = Long.parseLong(child.awaitLineStartingWith("CHILD ", Duration.ofSeconds(30))
                    .substring("CHILD ".length()));
            child.awaitLine("READY", Duration.ofSeconds(30));
            assertTrue(Poll.until(Duration.ofSeconds(30),
                    () -> Trees.sleeps(child.mark().liveExcept(child.pid())) >= 2), child::describe);
            ProcessInfo jvmInfo = ProcessTable.read(child.pid()).orElseThrow();
            ProcessInfo childInfo = ProcessTable.read(childPid).orElseThrow();
            List<ProcessInfo> tree = child.mark().liveExcept(child.pid());
            ItLog.line("GROUP " + jvm.label() + ": Process.pid()=" + childPid + " pgid=" + childInfo.pgid
                    + " jvm-pgid=" + jvmInfo.pgid + " [" + childInfo.cmdline + "]");
            if (childInfo.pgid == childPid) {
                for (ProcessInfo p : tree) {
                    if (p.cmdline.equals("sleep 1000")) {
                        assertEquals(childPid, p.pgid, () -> "a grandchild left the child's group: " + tree);
                    }
                }
                return 1;
            }
            if (childInfo.pgid == jvmInfo.pgid) return 0;
            return fail("the child " + childInfo + " is neither a group leader nor in the JVM's group "
                    + jvmInfo + "\n" + child.describe());
        } finally {
            child.mark().sweep();
        }
    }

    static void assertSameReport(String what, JvmExit without, JvmExit with) {
        String stdoutDiff = HostFactsRun.diff(without.stdout, with.stdout);
        String stderrDiff = HostFactsRun.diff(without.stderr, with.stderr);
        long lines = without.stdout.lines().count();
        ItLog.line("FACTS " + what + ": " + lines + " lines, stdout "
                + (stdoutDiff.isEmpty() ? "identical" : "DIFFERS") + ", stderr "
                + (stderrDiff.isEmpty() ? "identical" : "DIFFERS") + ", exit " + without.exitCode + "/" + with.exitCode);
        if (!stdoutDiff.isEmpty()) {
            fail(what + ": stdout with the agent differs from without (- without, + with)\n" + stdoutDiff
                    + "\n--- stderr with the agent ---\n" + with.stderr);
        }
        if (!stderrDiff.isEmpty()) {
            fail(what + ": stderr with the agent differs from without (- without, + with)\n" + stderrDiff);
        }
        assertEquals(without.exitCode, with.exitCode, "exit code of the HostFacts JVM");
    }
}
