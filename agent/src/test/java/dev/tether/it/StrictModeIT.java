package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strict mode and the ways out. The host starts {@link Tree#ESCAPES}: {@code sleep 1000} in the child's
 * group, {@code setsid sleep 1001} (left the group), {@code (setsid sleep 1002 &)} (left it and lost its
 * parent), {@code TETHER_DETACH=1 setsid sleep 1003} (left it, asked to be left alone). After the JVM
 * ends, the test lists which sleeps are alive: by default only the group dies (1001 to 1003 survive: the
 * seeds' caveat); in strict mode everything but 1003 dies. The exclude option and TETHER_DETACH in a
 * child's environment leave a child and its whole tree alone, in either mode.
 */
@Timeout(120)
class StrictModeIT {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final String GRACE = "grace=500ms";

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Ending.class, names = {"SIGTERM", "RETURN"})
    void strict_mode_also_ends_what_left_the_group_but_not_what_opted_out(Ending ending) {
        Outcome o = run("STRICT", ending, GRACE + ",strict=true");
        assertEquals(ending.exitCode, o.exit.exitCode, o::describe);
        assertEquals(List.of("1003"), o.sleeps, o::describe);
        assertTrue(o.exit.stderr.contains("tether: stopped 3 process group(s)"),
                () -> "expected the group and two escapees in the summary\n" + o.describe());
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {false, true})
    void strict_mode_also_ends_a_descendant_that_joined_the_jvms_own_group(boolean strict) {
        Outcome o = run("JOINS-JVM-GROUP", Ending.SIGTERM, GRACE + (strict ? ",strict=true" : ""), Tree.JOINS_JVM_GROUP);
        assertEquals(143, o.exit.exitCode, o::describe);
        assertEquals(strict ? List.of() : List.of("1004"), o.sleeps, o::describe);
    }

    @Test
    void by_default_only_the_group_ends() {
        Outcome o = run("DEFAULT", Ending.SIGTERM, GRACE);
        assertEquals(List.of("1001", "1002", "1003"), o.sleeps, o::describe);
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {false, true})
    void an_excluded_program_is_left_alone_with_its_tree(boolean strict) {
        Outcome o = run("EXCLUDE", Ending.SIGTERM, GRACE + ",exclude=/bin/bash:sh" + (strict ? ",strict=true" : ""));
        // Known limit of strict mode: 1002's parent exited, so nothing in /proc ties it to the excluded
        // shell any more; it is re-parented to the JVM and taken for an escapee. TETHER_DETACH, which
        // descendants inherit, is the way out for daemons that double-fork (the next test).
        assertEquals(strict ? List.of("1000", "1001", "1003") : List.of("1000", "1001", "1002", "1003"), o.sleeps,
                o::describe);
        assertEquals(o.jvmPgid, o.shellPgid, () -> "the excluded shell was put in a group of its own\n" + o.describe());
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {false, true})
    void tether_detach_in_a_childs_environment_leaves_it_alone_with_its_tree(boolean strict) {
        Outcome o = run("DETACH", Ending.SIGTERM, GRACE + (strict ? ",strict=true" : ""), "-Dspawner.detach=true");
        assertEquals(List.of("1000", "1001", "1002", "1003"), o.sleeps, o::describe);
        assertEquals(o.jvmPgid, o.shellPgid, () -> "the opted-out shell was put in a group of its own\n" + o.describe());
    }

    private Outcome run(String scenario, Ending ending, String agentArgs, String... flags) {
        return run(scenario, ending, agentArgs, Tree.ESCAPES, flags);
    }

    private Outcome run(String scenario, Ending ending, String agentArgs, Tree shape, String... flags) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent(agentArgs);
        for (String flag : flags) {
            jvm.jvmFlag(flag);
        }
        RunningJvm child = jvm.main(Spawner.class, "pb", ending.fixtureArg, shape.command).start();
        Mark mark = child.mark();
        try {
            long shell = Long.parseLong(child.awaitLineStartingWith("CHILD ", UP).substring("CHILD ".length()));
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> tree(mark, child.pid()).size() == shape.size),
                    () -> "the tree never came up: " + tree(mark, child.pid()) + "\n" + child.describe());
            long jvmPgid = ProcessTable.read(child.pid()).orElseThrow().pgid;
            long shellPgid = ProcessTable.read(shell).orElseThrow().pgid;
            ending.trigger(child);
            JvmExit exit = child.awaitExit(UP);
            // The cleanup is over when the JVM has exited; only the keeper may take a moment more.
            Poll.until(UP, () -> mark.liveExcept(child.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            List<ProcessInfo> left = tree(mark, child.pid());
            List<String> sleeps = left.stream().filter(p -> p.cmdline.startsWith("sleep "))
                    .map(p -> p.cmdline.substring("sleep ".length())).collect(Collectors.toCollection(TreeSet::new))
                    .stream().collect(Collectors.toList());
            ItLog.line("STRICT-MODE " + scenario + " " + ending + " " + jvm.label() + " agent=" + agentArgs
                    + String.join(" ", flags) + ": exit=" + exit.exitCode + " sleeps-alive=" + sleeps
                    + " survivors=" + left.size());
            return new Outcome(exit, sleeps, jvmPgid, shellPgid);
        } finally {
            mark.sweep();
        }
    }

    private static List<ProcessInfo> tree(Mark mark, long jvm) {
        List<ProcessInfo> tree = mark.liveExcept(jvm);
        tree.removeIf(ProcessInfo::isKeeper);
        return tree;
    }

    private static final class Outcome {
        final JvmExit exit;
        final List<String> sleeps;
        final long jvmPgid;
        final long shellPgid;

        Outcome(JvmExit exit, List<String> sleeps, long jvmPgid, long shellPgid) {
            this.exit = exit;
            this.sleeps = sleeps;
            this.jvmPgid = jvmPgid;
            this.shellPgid = shellPgid;
        }

        String describe() {
            return "sleeps alive: " + sleeps + ", JVM pgid " + jvmPgid + ", shell pgid " + shellPgid + "\n" + exit.describe();
        }
    }
}
