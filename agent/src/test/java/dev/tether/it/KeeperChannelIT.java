package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Another process of the same user cannot speak for the JVM to its keeper: none of the keeper's
 * sockets can be opened through /proc (a pipe could be: a forged line would then be the JVM's word),
 * and the channel's name is gone once the JVM has connected. A forged "stop 0" would end the tree
 * while the JVM runs; after the attempts the tree is alive, and a SIGKILL of the JVM still ends it.
 */
@Timeout(120)
class KeeperChannelIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void a_forged_stop_through_proc_cannot_reach_the_keeper_and_sigkill_still_ends_the_tree() throws IOException {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> keeper(mark).isPresent() && Trees.sleeps(mark.liveExcept(child.pid())) == 2),
                    child::describe);
            ProcessInfo keeper = keeper(mark).get();
            // The JVM connects on a thread of its own; the keeper removes the channel's name once it has.
            String dir = keeper.cmdline.substring(keeper.cmdline.lastIndexOf(' ') + 1);
            assertTrue(Poll.until(UP, () -> !Files.exists(Paths.get(dir, "keeper.ctl"))),
                    () -> "the JVM never connected\n" + child.describe());
            List<String> forged = new ArrayList<>();
            for (long pid : List.of(keeper.pid, child.pid())) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/fd"))) {
                    for (Path fd : fds) {
                        if (!readLink(fd).startsWith("socket:")) {
                            continue;
                        }
                        try {
                            Files.write(fd, "stop 0\n".getBytes(StandardCharsets.US_ASCII));
                            forged.add(fd + " written");
                        } catch (IOException refused) {
                            forged.add(fd + " refused");
                        }
                    }
                }
            }
            boolean treeAlive = !Poll.until(Duration.ofMillis(500), () -> Trees.sleeps(mark.liveExcept(child.pid())) < 2);
            child.signal(Signal.KILL);
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(UP, () -> mark.liveExcept(child.pid()).isEmpty());
            List<ProcessInfo> survivors = mark.liveExcept(child.pid());
            ItLog.line("CHANNEL forged stop through the sockets in /proc: " + forged + "; tree alive after: " + treeAlive
                    + "; SIGKILL: exit=" + exit.exitCode + " survivors=" + survivors.size());
            assertTrue(forged.size() >= 3, () -> "the keeper's two sockets and the JVM's end: " + forged);
            assertTrue(forged.stream().allMatch(f -> f.endsWith("refused")), () -> "written into: " + forged);
            assertTrue(treeAlive, () -> "the tree ended while the JVM ran\n" + exit.describe());
            assertEquals(137, exit.exitCode, exit::describe);
            assertTrue(empty, () -> "survivors: " + survivors + "\n" + exit.describe());
        } finally {
            mark.sweep();
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException gone) {
            return "";
        }
    }

    private static Optional<ProcessInfo> keeper(Mark mark) {
        return mark.live().stream().filter(ProcessInfo::isKeeper).filter(p -> p.sid == p.pid).findFirst();
    }
}
