package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Another process of the same user cannot speak for the JVM to its watchdog: the channel cannot be
 * opened through /proc (a pipe could: a forged "bye" then left every child alive after a SIGKILL of
 * the JVM), so after the attempt the watchdog still ends the tree when the JVM is killed.
 */
@Timeout(120)
class WatchdogChannelIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void a_forged_bye_through_proc_cannot_reach_the_watchdog_and_sigkill_still_ends_the_tree() {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> watchdog(mark).isPresent() && Trees.sleeps(mark.liveExcept(child.pid())) == 2),
                    child::describe);
            ProcessInfo watchdog = watchdog(mark).get();
            Path channel = Paths.get("/proc/" + watchdog.pid + "/fd/0");
            String forged;
            try {
                Files.write(channel, "bye\n".getBytes(StandardCharsets.US_ASCII));
                forged = "written";
            } catch (IOException refused) {
                forged = "refused (" + refused.getMessage() + ")";
            }
            child.signal(Signal.KILL);
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty());
            List<ProcessInfo> survivors = mark.liveExcept(child.pid());
            ItLog.line("CHANNEL forged bye through " + channel + ": " + forged + "; SIGKILL: exit=" + exit.exitCode
                    + " survivors=" + survivors.size());
            assertTrue(forged.startsWith("refused"), () -> "another process wrote into the channel\n" + exit.describe());
            assertEquals(137, exit.exitCode, exit::describe);
            assertTrue(empty, () -> "survivors: " + survivors + "\n" + exit.describe());
        } finally {
            mark.sweep();
        }
    }

    private static Optional<ProcessInfo> watchdog(Mark mark) {
        return mark.live().stream().filter(ProcessInfo::isWatchdog).filter(p -> p.sid == p.pid).findFirst();
    }
}
