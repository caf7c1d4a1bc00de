package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.it.fixtures.FloodingSpawner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A keeper that stops reading (here: SIGSTOP) while the JVM spawns more children than its 16
 * registration queues hold (11 datagrams each here, {@code net.unix.max_dgram_qlen} + 1) must not take
 * the host down: each child whose queue is full gives up registering after 100 ms (the launcher's
 * {@code SO_SNDTIMEO}) and runs unregistered, silently. Resumed, the keeper must leave the JVM's live
 * children alone (a stuck keeper is no dead JVM), and at the JVM's exit end them as always.
 */
@Timeout(180)
class StuckKeeperIT {
    private static final Duration UP = Duration.ofSeconds(30);
    /** Children beyond what the queues hold: each waits its 100 ms, so the flood takes seconds. */
    private static final int BEYOND = 40;
    /** Far longer than a resumed keeper takes to read its queues and act on anything it wrongly took for an end. */
    private static final Duration LEFT_ALONE = Duration.ofSeconds(2);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void a_stopped_keeper_holds_spawns_up_briefly_and_ends_nothing_early() throws IOException {
        // One read of the whole line: a sysctl file answers a read at an offset above 0 with end of file, so
        // Files.readString (one byte first, where the size says 0) would see "1".
        int queueLength = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/unix/max_dgram_qlen")).get(0).trim());
        assumeTrue(queueLength <= 64, "queues of " + queueLength + ": the flood would take too long");
        int spawns = 16 * queueLength + BEYOND;
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                .main(FloodingSpawner.class, Tree.TWO_SLEEPS.command);
        RunningJvm child = jvm.start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> sleeps(mark).size() == 2), () -> "tree never up\n" + child.describe());
            List<ProcessInfo> keepers = mark.live().stream().filter(ProcessInfo::isKeeper).filter(p -> p.sid == p.pid)
                    .collect(Collectors.toList());
            assertEquals(1, keepers.size(), () -> "one keeper: " + mark.live());
            long keeper = keepers.get(0).pid;

            Signal.STOP.sendTo(keeper);
            long flood = System.nanoTime();
            child.send("flood " + spawns);
            child.awaitLine("FLOODED", Duration.ofSeconds(120));
            // A lower bound, which load cannot undercut: below it, the queues never filled.
            long floodMillis = (System.nanoTime() - flood) / 1_000_000;
            // A queue takes max_dgram_qlen + 1 datagrams before a sender waits (af_unix.c: full is
            // "more than" the backlog); every datagram beyond that waits its 100 ms, however the pids fall.
            long waits = spawns - 16L * (queueLength + 1);
            assertTrue(floodMillis >= waits * 100 * 9 / 10,
                    () -> "the flood of " + spawns + " took " + floodMillis + " ms: the queues never filled; keeper " + keeper + ": "
                            + state(keeper) + "\n" + mark.live() + "\n" + child.describe());
            Signal.CONT.sendTo(keeper);
            assertFalse(Poll.until(LEFT_ALONE, () -> sleeps(mark).size() < 2),
                    () -> "the resumed keeper ended the live tree\n" + child.describe());

            child.send("exit");
            JvmExit exit = child.awaitExit(UP);
            assertEquals(0, exit.exitCode, exit::describe);
            // Nothing about the stuck keeper: only the summary of what the agent ended at the exit.
            assertTrue(exit.stderr.matches("tether: stopped 1 process group\\(s\\) still running at exit"
                    + " \\(all ended on SIGTERM\\) in \\d+\\.\\d\\d s: \"sh -c [^\n]*\"\n"), exit::describe);
            assertTrue(Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty()),
                    () -> "left after the exit: " + mark.liveExcept(child.pid()));
        } finally {
            mark.sweep();
        }
    }

    private static String state(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<ProcessInfo> sleeps(Mark mark) {
        return mark.live().stream().filter(p -> p.cmdline.startsWith("sleep")).collect(Collectors.toList());
    }
}
