package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.FloodingSpawner;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A watchdog that stops reading (here: SIGSTOP) while the JVM spawns enough to fill its pipe is
 * given up with a warning after two seconds, and must then be left holding a pipe that stays open:
 * EOF means "the JVM died", and a watchdog woken to it would end the JVM's live children (and remove
 * the launcher's directory under the running JVM). So after SIGCONT the tree lives on until the
 * JVM exits, and then it ends as always.
 */
@Timeout(180)
class StuckWatchdogIT {
    private static final Duration UP = Duration.ofSeconds(30);
    /** About 34 bytes of "+" and "-" lines per spawn: some 1,900 fill a 64 KiB pipe. */
    private static final int SPAWNS = 3000;
    /** Far longer than a resumed watchdog takes to read 64 KiB, reach EOF and signal a group. */
    private static final Duration LEFT_ALONE = Duration.ofSeconds(2);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void a_watchdog_given_up_does_not_end_the_live_children() {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                .main(FloodingSpawner.class, Tree.TWO_SLEEPS.command);
        RunningJvm child = jvm.start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> sleeps(mark).size() == 2), () -> "tree never up\n" + child.describe());
            List<ProcessInfo> watchdogs = mark.live().stream().filter(ProcessInfo::isWatchdog).collect(Collectors.toList());
            assertEquals(1, watchdogs.size(), () -> "one watchdog: " + mark.live());
            long watchdog = watchdogs.get(0).pid;

            Signal.STOP.sendTo(watchdog);
            child.send("flood " + SPAWNS);
            child.awaitLine("FLOODED", Duration.ofSeconds(120));
            Signal.CONT.sendTo(watchdog);
            assertFalse(Poll.until(LEFT_ALONE, () -> sleeps(mark).size() < 2),
                    () -> "the resumed watchdog ended the live tree\n" + child.describe());

            child.send("exit");
            JvmExit exit = child.awaitExit(UP);
            assertEquals(0, exit.exitCode, exit::describe);
            assertTrue(exit.stderr.contains("the watchdog is not keeping up"),
                    () -> "the pipe never filled, so this tested nothing\n" + exit.describe());
            assertTrue(Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty()),
                    () -> "left after the exit: " + mark.liveExcept(child.pid()));
        } finally {
            mark.sweep();
        }
    }

    private static List<ProcessInfo> sleeps(Mark mark) {
        return mark.live().stream().filter(p -> p.cmdline.startsWith("sleep")).collect(Collectors.toList());
    }
}
