package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Destroyer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Process.destroy() and destroyForcibly() signal only the child itself in the JDK; with the agent they
 * reach its whole group, so the grandchildren die too, while the JVM keeps running.
 */
@Timeout(120)
class DestroyIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"destroy", "destroyForcibly"})
    void destroying_the_child_kills_its_whole_group_while_the_jvm_lives(String method) {
        Destroyed d = destroy(ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms"), method);

        assertEquals(method.equals("destroy") ? 143 : 137, d.exitCode, d::describe);
        assertEquals(List.of(), d.survivors, () -> "the child's descendants outlived destroy()\n" + d.describe());
        assertTrue(d.jvmAliveAfter, () -> "the JVM itself did not survive destroy()\n" + d.describe());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"destroy", "destroyForcibly"})
    void without_the_agent_destroying_the_child_leaves_the_sleeps(String method) {
        Destroyed d = destroy(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent(), method);

        assertEquals(method.equals("destroy") ? 143 : 137, d.exitCode, d::describe);
        assertTrue(Trees.sleeps(d.survivors) >= 2, () -> "expected both sleeps to survive destroy()\n" + d.describe());
    }

    private Destroyed destroy(ChildJvm jvm, String method) {
        RunningJvm child = jvm.main(Destroyer.class, method).start();
        long childPid = Long.parseLong(child.awaitLineStartingWith("CHILD ", UP).substring("CHILD ".length()));
        child.awaitLine("READY", UP);
        // The tree: the child and its direct children (anything else marked, e.g. a helper of the agent, is not).
        AtomicReference<List<ProcessInfo>> seen = new AtomicReference<>(List.of());
        boolean up = Poll.until(UP, () -> {
            seen.set(child.mark().liveExcept(child.pid()).stream()
                    .filter(p -> p.pid == childPid || p.ppid == childPid)
                    .collect(Collectors.toList()));
            return Trees.sleeps(seen.get()) >= 2;
        });
        List<ProcessInfo> tree = seen.get();
        assertTrue(up, () -> "the sleeps never started: " + tree + "\n" + child.describe());

        long sent = System.nanoTime();
        child.send("go");
        String destroyed = child.awaitLineStartingWith("DESTROYED", UP);
        int exitCode = Integer.parseInt(destroyed.substring("DESTROYED exit=".length()));
        Duration[] emptyAfter = new Duration[1];
        if (jvm.hasAgent() && Poll.until(Duration.ofSeconds(10), () -> alive(tree).isEmpty())) {
            emptyAfter[0] = Duration.ofNanos(System.nanoTime() - sent);
        }
        List<ProcessInfo> survivors = alive(tree);
        boolean jvmAlive = child.isAlive();
        ItLog.line(method.toUpperCase() + " " + jvm.label() + ": exit=" + exitCode + " survivors=" + survivors.size()
                + " jvm-alive=" + jvmAlive + " destroy-to-empty=" + ItLog.seconds(emptyAfter[0]));
        String output = child.describe();
        child.send("bye");
        JvmExit exit = child.awaitExit(Duration.ofSeconds(30));
        child.mark().sweep();
        return new Destroyed(exitCode, survivors, jvmAlive, tree, output + "\nexit: " + exit.exitCode);
    }

    private static List<ProcessInfo> alive(List<ProcessInfo> tree) {
        return tree.stream().filter(ProcessTable::isAlive).collect(Collectors.toList());
    }

    private static final class Destroyed {
        final int exitCode;
        final List<ProcessInfo> survivors;
        final boolean jvmAliveAfter;
        final List<ProcessInfo> tree;
        final String output;

        Destroyed(int exitCode, List<ProcessInfo> survivors, boolean jvmAliveAfter, List<ProcessInfo> tree,
                String output) {
            this.exitCode = exitCode;
            this.survivors = survivors;
            this.jvmAliveAfter = jvmAliveAfter;
            this.tree = tree;
            this.output = output;
        }

        String describe() {
            return "tree: " + tree + "\nsurvivors: " + survivors + "\njvm alive: " + jvmAliveAfter + "\n" + output;
        }
    }
}
