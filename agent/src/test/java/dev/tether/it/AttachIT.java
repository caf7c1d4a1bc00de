package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.SpawnsOnRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attaching to a running JVM ({@code jcmd PID JVMTI.agent_load tether-agent.jar OPTIONS}, as the
 * README shows): an attach with a bad option says so and attaches nothing, and a later attach with
 * good options then starts the agent, which ends what the host spawns after it.
 */
@Timeout(120)
class AttachIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void an_attach_with_a_bad_option_does_not_keep_a_later_good_attach_from_starting() {
        RunningJvm host = ChildJvm.of(Jdk.current(), marks.next()).withoutAgent().main(SpawnsOnRequest.class).start();
        try {
            host.awaitLine("READY", UP);
            Command bad = attach(host, "grace=abc");
            Poll.until(UP, () -> host.describe().contains("not attached"));
            Command good = attach(host, "grace=500ms");
            host.send(Tree.TWO_SLEEPS.command);
            host.awaitLineStartingWith("SPAWNED ", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(host.mark().liveExcept(host.pid())) == 2), host::describe);

            host.signal(Signal.TERM);
            JvmExit exit = host.awaitExit(UP);
            List<ProcessInfo> survivors = host.mark().liveExcept(host.pid());
            survivors.removeIf(ProcessInfo::isZombie);
            ItLog.line("ATTACH bad then good: jcmd " + bad.exitCode + "/" + good.exitCode + " exit=" + exit.exitCode
                    + " survivors=" + survivors.size());
            assertTrue(exit.stderr.contains("bad value \"abc\" for option grace") && exit.stderr.contains("not attached"),
                    exit::describe);
            assertFalse(exit.stderr.contains("already running"), exit::describe);
            assertEquals(143, exit.exitCode, exit::describe);
            assertEquals(List.of(), survivors, exit::describe);
        } finally {
            host.mark().sweep();
        }
    }

    /**
     * {@code jcmd PID JVMTI.agent_load JAR '"OPTIONS"'}: HotSpot loads a .jar through java.instrument's
     * agentmain. The quotes are jcmd's: unquoted, its own parser takes {@code grace=abc} for an
     * option of the command named grace, and the agent gets only "grace".
     */
    private static Command attach(RunningJvm host, String options) {
        Command jcmd = Command.run(List.of(Jdk.current().java().resolveSibling("jcmd").toString(),
                Long.toString(host.pid()), "JVMTI.agent_load", ChildJvm.agentJar(), "\"" + options + "\""), UP);
        assertEquals(0, jcmd.exitCode, () -> "jcmd failed: " + jcmd + "\n" + host.describe());
        return jcmd;
    }
}
