package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.NestedOuter;
import dev.tether.it.fixtures.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deaths that skip every shutdown hook — SIGKILL, Runtime.halt, -Xrs with SIGTERM, a crash — and a
 * SIGKILL to the outer of two nested JVMs with the agent: the keeper ends the tree within the
 * grace period plus a second, and is gone itself afterwards, and so is the agent's private
 * directory (which such a death keeps from being deleted on exit). Without the agent the trees
 * survive.
 */
@Timeout(120)
class HardDeathIT {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofMillis(500);
    private static final Duration CLEANUP = GRACE.plusSeconds(1);

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    enum Death {
        SIGKILL("wait", 137, jvm -> jvm.signal(Signal.KILL)),
        HALT("halt=5", 5, jvm -> jvm.send("go")),
        XRS_SIGTERM("wait", 143, jvm -> jvm.signal(Signal.TERM), "-Xrs"),
        /** HotSpot reports the SIGSEGV (hs_err) and, with no core dump to write, exits with 1 (os::abort). */
        CRASH("wait", 1, jvm -> jvm.signal(Signal.SEGV), "-XX:-CreateCoredumpOnCrash");

        final String fixtureArg;
        final int exitCode;
        final Consumer<RunningJvm> trigger;
        final String[] jvmFlags;

        Death(String fixtureArg, int exitCode, Consumer<RunningJvm> trigger, String... jvmFlags) {
            this.fixtureArg = fixtureArg;
            this.exitCode = exitCode;
            this.trigger = trigger;
            this.jvmFlags = jvmFlags;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Death.class)
    void the_keeper_ends_the_tree_when_the_jvm_dies_without_shutdown_hooks(Death death) {
        Outcome outcome = die(death, true);
        assertEquals(death.exitCode, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, outcome::describe);
        assertTrue(outcome.emptyAfter.compareTo(CLEANUP) <= 0,
                () -> "cleanup took longer than grace + 1 s\n" + outcome.describe());
        assertEquals(List.of(), privateDirs(), () -> "the agent's directory is left behind\n" + outcome.describe());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Death.class)
    void without_the_agent_the_tree_outlives_a_jvm_that_dies_without_hooks(Death death) {
        Outcome outcome = die(death, false);
        assertEquals(death.exitCode, outcome.exit.exitCode, outcome::describe);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2, outcome::describe);
    }

    @Test
    void sigkill_to_the_outer_of_two_nested_jvms_leaves_nothing_alive() {
        Outcome outcome = nested(true);
        assertEquals(List.of(), outcome.survivors, outcome::describe);
    }

    @Test
    void without_the_agent_sigkill_to_the_outer_jvm_leaves_the_inner_one_and_its_tree() {
        Outcome outcome = nested(false);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2, outcome::describe);
    }

    private Outcome die(Death death, boolean agent) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next());
        if (agent) {
            jvm.withAgent("grace=" + GRACE.toMillis() + "ms");
        }
        for (String flag : death.jvmFlags) {
            jvm.jvmFlag(flag);
        }
        jvm.jvmFlag("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"));
        // The agent's private directory goes where the test can see it: the first base it tries is
        // $XDG_RUNTIME_DIR, unless empty, then java.io.tmpdir.
        jvm.jvmFlag("-Djava.io.tmpdir=" + tmp()).env("XDG_RUNTIME_DIR", "");
        RunningJvm child = jvm.main(Spawner.class, "pb", death.fixtureArg, Tree.TWO_SLEEPS.command).start();
        return observe(death.name(), jvm, child, 3, death.trigger);
    }

    private Outcome nested(boolean agent) {
        ChildJvm outer = ChildJvm.of(Jdk.current(), marks.next()).agent(agent);
        ChildJvm inner = ChildJvm.of(Jdk.current(), outer.mark()).agent(agent)
                .main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command);
        RunningJvm child = outer.main(NestedOuter.class, inner.command().toArray(new String[0])).start();
        // inner JVM + the tree
        return observe("NESTED-SIGKILL", outer, child, 4, jvm -> jvm.signal(Signal.KILL));
    }

    private static Outcome observe(String scenario, ChildJvm jvm, RunningJvm child, int treeSize,
            Consumer<RunningJvm> trigger) {
        Mark mark = child.mark();
        long jvmPid = child.pid();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> tree(mark, jvmPid).size() >= treeSize),
                    () -> "tree never up: " + tree(mark, jvmPid) + "\n" + child.describe());
            List<ProcessInfo> treeUp = tree(mark, jvmPid);
            trigger.accept(child);
            long died = System.nanoTime();
            JvmExit exit = child.awaitExit(UP);
            // Everything marked, the keeper included, must go; give it twice the allowed time to show it.
            Duration emptyAfter = Poll.until(CLEANUP.multipliedBy(2), () -> mark.liveExcept(jvmPid).isEmpty())
                    ? Duration.ofNanos(System.nanoTime() - died) : null;
            List<ProcessInfo> survivors = mark.liveExcept(jvmPid);
            ItLog.line(scenario + " " + jvm.label() + ": exit=" + exit.exitCode + " survivors=" + survivors.size()
                    + " death-to-empty=" + ItLog.seconds(emptyAfter));
            return new Outcome(exit, treeUp, survivors, emptyAfter == null ? Duration.ofDays(1) : emptyAfter);
        } finally {
            mark.sweep();
        }
    }

    private Path tmp() {
        try {
            return Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> privateDirs() {
        try (Stream<Path> entries = Files.list(tmp())) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("tether-"))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ProcessInfo> tree(Mark mark, long jvmPid) {
        List<ProcessInfo> tree = new ArrayList<>(mark.liveExcept(jvmPid));
        tree.removeIf(ProcessInfo::isKeeper);
        return tree;
    }

    private static final class Outcome {
        final JvmExit exit;
        final List<ProcessInfo> tree;
        final List<ProcessInfo> survivors;
        final Duration emptyAfter;

        Outcome(JvmExit exit, List<ProcessInfo> tree, List<ProcessInfo> survivors, Duration emptyAfter) {
            this.exit = exit;
            this.tree = tree;
            this.survivors = survivors;
            this.emptyAfter = emptyAfter;
        }

        String describe() {
            return "tree: " + tree + "\nsurvivors: " + survivors + "\nempty after: " + emptyAfter + "\n"
                    + exit.describe();
        }
    }
}
