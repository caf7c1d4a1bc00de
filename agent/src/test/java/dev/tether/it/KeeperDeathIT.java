package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.SpawnsOnRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A keeper killed while the JVM runs: one warning, a new keeper that takes over the JVM's running
 * children that lead groups of their own (proven by their start times), and the children spawned
 * after it register with the new one; the JVM's end (with or without its hooks) ends both trees.
 * Without a new keeper (the check that this can fail) the first tree would outlive a SIGKILL of the
 * JVM: nothing else holds it.
 */
@Timeout(120)
class KeeperDeathIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Ending.class, names = {"SIGTERM", "SIGKILL"})
    void a_new_keeper_takes_over_the_running_children_and_the_later_ones(Ending ending) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms");
        RunningJvm child = jvm.main(SpawnsOnRequest.class).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            child.send("sleep 1001 & sleep 1001 & wait");
            child.awaitLineStartingWith("SPAWNED ", UP);
            assertTrue(Poll.until(UP, () -> keepers(mark).size() == 1 && sleeps(mark, "1001") == 2), child::describe);
            ProcessInfo first = keepers(mark).get(0);
            Signal.KILL.sendTo(first.pid);
            assertTrue(Poll.until(UP, () -> keepers(mark).size() == 1 && keepers(mark).get(0).pid != first.pid),
                    () -> "no new keeper\n" + child.describe());
            child.send("sleep 1002 & sleep 1002 & wait");
            child.awaitLineStartingWith("SPAWNED ", UP);
            assertTrue(Poll.until(UP, () -> sleeps(mark, "1002") == 2), child::describe);

            ending.trigger(child);
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty());
            List<ProcessInfo> survivors = mark.liveExcept(child.pid());
            ItLog.line("KEEPER-DEATH " + ending + ": exit=" + exit.exitCode + " survivors=" + survivors.size());
            assertEquals(ending.exitCode, exit.exitCode, exit::describe);
            assertTrue(empty, () -> "survivors: " + survivors + "\n" + exit.describe());
            List<String> warnings = exit.stderr.lines().filter(l -> l.contains("keeper")).collect(Collectors.toList());
            assertEquals(List.of("tether: warning: the keeper died; a new one has taken over 1 running child process group(s)"),
                    warnings, exit::describe);
        } finally {
            mark.sweep();
        }
    }

    private static List<ProcessInfo> keepers(Mark mark) {
        return mark.live().stream().filter(ProcessInfo::isKeeper).filter(p -> p.sid == p.pid).collect(Collectors.toList());
    }

    private static long sleeps(Mark mark, String arg) {
        return mark.live().stream().filter(p -> p.cmdline.equals("sleep " + arg)).count();
    }
}
