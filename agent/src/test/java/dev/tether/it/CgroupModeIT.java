package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cgroup mode against every way out of a process group ({@link Tree#CGROUP_ESCAPES}), for the three
 * ways a JVM ends that matter (its own exit, SIGTERM, SIGKILL), next to the same tree with process
 * groups only and with strict mode: the survivor table of docs/how-it-works.md. Survivors are named
 * by kind: "setsid" (1001), "jvm-group" (1004), "fork-loop" (the loop or one of its sleeps),
 * "detached" (1003, which must survive everywhere); "group" (1000) never survives.
 *
 * <p>Needs a cgroup v2 hierarchy this user may write (root here); skipped with the reason printed
 * where there is none, as CI machines differ.
 */
@Timeout(180)
class CgroupModeIT {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final String GRACE = "grace=300ms";

    @RegisterExtension
    final Marks marks = new Marks();

    enum Mode {
        GROUPS(""), STRICT(",strict=true"), CGROUP(",cgroup=on");

        final String args;

        Mode(String args) {
            this.args = args;
        }
    }

    /**
     * The agent itself says whether cgroup mode is possible here: cgroup=on refuses to start where the
     * JVM's cgroup is not writable, and warns at the first spawn where the keeper cannot set it up
     * (a cgroup of systemd's that is not delegated, say).
     */
    @BeforeAll
    static void writableCgroup() {
        Mark mark = new Marks().next();
        try {
            RunningJvm probe = ChildJvm.of(Jdk.current(), mark).withAgent("cgroup=on")
                    .main(Spawner.class, "pb", "return", "exit 0").start();
            JvmExit exit;
            try {
                probe.awaitLine("READY", UP);
                probe.send("go");
            } finally {
                exit = probe.awaitExit(UP);
            }
            String why = exit.exitCode != 0 || !exit.stderr.isEmpty() ? exit.stderr.trim() : null;
            if (why != null) {
                System.out.println("[tether-it] CgroupModeIT skipped: " + why);
            }
            Assumptions.assumeTrue(why == null, () -> "no cgroup v2 for Tether here: " + why);
        } finally {
            mark.sweep();
        }
    }

    static Stream<Arguments> jdksAndEndings() {
        return Stream.of(Jdks.CURRENT, Jdks.TEMURIN_25).flatMap(jdk -> Stream.of(Ending.RETURN, Ending.SIGTERM,
                Ending.SIGKILL).map(ending -> Arguments.of(jdk, ending)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndEndings")
    void nothing_escapes_cgroup_mode_but_what_asked_to_be_left_alone(String jdk, Ending ending) {
        Outcome o = run(Jdks.named(jdk), Mode.CGROUP, ending);
        assertEquals(ending.exitCode, o.exit.exitCode, o::describe);
        assertEquals(Set.of("detached"), o.survivors, o::describe);
        assertTrue(o.jvmCgroup.contains("/tether-" + o.jvmPid + "-"), () -> "the JVM was not in Tether's cgroup\n"
                + o.describe());
        assertFalse(o.cgroupDirectory.isEmpty(), () -> "the JVM's cgroup was not found\n" + o.describe());
        assertFalse(new File(o.cgroupDirectory).exists(), () -> "the cgroup is still there\n" + o.describe());
    }

    /** The twin: without the cgroup, the tricks work. Strict mode's column is measured, not asserted. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Ending.class, names = {"RETURN", "SIGTERM", "SIGKILL"})
    void process_groups_alone_lose_the_escapees_and_strict_mode_is_measured(Ending ending) {
        Outcome groups = run(Jdk.current(), Mode.GROUPS, ending);
        assertTrue(groups.survivors.containsAll(Set.of("setsid", "jvm-group", "fork-loop", "detached")),
                groups::describe);
        assertFalse(groups.survivors.contains("group"), groups::describe);
        Outcome strict = run(Jdk.current(), Mode.STRICT, ending);
        assertTrue(strict.survivors.contains("detached"), strict::describe);
    }

    /**
     * TETHER_DETACH in the environment of the JVM's own child (Spawner's spawner.detach): the launcher
     * moves it out of the children's cgroup before its exec, in both of the JDK's launch routes.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POSIX_SPAWN", "FORK"})
    void a_child_left_alone_is_born_outside_the_cgroup_and_survives_with_all_it_starts(String mechanism) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent(GRACE + Mode.CGROUP.args)
                .launchMechanism(mechanism).jvmFlag("-Dspawner.detach=true");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            long shell = Long.parseLong(child.awaitLineStartingWith("CHILD ", UP).substring("CHILD ".length()));
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(tree(mark, child.pid())) == 2), child::describe);
            String jvmCgroup = cgroupOf(child.pid());
            String shellCgroup = cgroupOf(shell);
            Signal.TERM.sendTo(child.pid());
            JvmExit exit = child.awaitExit(UP);
            Poll.until(UP, () -> mark.liveExcept(child.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            long sleeps = Trees.sleeps(tree(mark, child.pid()));
            ItLog.line("CGROUP-MODE detached child, " + mechanism + ": JVM in " + jvmCgroup + ", child in "
                    + shellCgroup + ", sleeps alive after SIGTERM: " + sleeps);
            assertTrue(jvmCgroup.contains("/tether-"), exit::describe);
            assertFalse(shellCgroup.contains("/tether-"), () -> "the child stayed in the cgroup: " + shellCgroup);
            assertEquals(2, sleeps, exit::describe);
        } finally {
            mark.sweep();
        }
    }

    /** status draws the cgroup's members that left their groups as a branch of their own. */
    @org.junit.jupiter.api.Test
    void status_shows_what_left_its_group_under_the_cgroup() throws Exception {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent(GRACE + Mode.CGROUP.args);
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", "(setsid sleep 1001 &); sleep 1000").start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> kinds(mark, child.pid()).containsAll(Set.of("group", "setsid"))),
                    child::describe);
            CommandLineIT.Result status = CommandLineIT.cli("status", Long.toString(child.pid()));
            ItLog.line("CGROUP-MODE status\n" + status.out);
            assertEquals(0, status.exit, status.toString());
            String escaped = status.out.substring(Math.max(0, status.out.indexOf("└─ cgroup: left their groups")));
            assertTrue(escaped.startsWith("└─ cgroup:") && escaped.contains("  sleep 1001\n"), status.toString());
            assertFalse(escaped.contains("sleep 1000"), status.toString());
        } finally {
            mark.sweep();
        }
    }

    private Outcome run(Jdk jdk, Mode mode, Ending ending) {
        ChildJvm jvm = ChildJvm.of(jdk, marks.next()).withAgent(GRACE + mode.args);
        RunningJvm child = jvm.main(Spawner.class, "pb", ending.fixtureArg, Tree.CGROUP_ESCAPES.command).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> kinds(mark, child.pid()).containsAll(
                    Set.of("group", "setsid", "jvm-group", "fork-loop", "detached"))),
                    () -> "the tree never came up: " + tree(mark, child.pid()) + "\n" + child.describe());
            String cgroup = cgroupOf(child.pid());
            String directory = directoryOf(cgroup);
            ending.trigger(child);
            JvmExit exit = child.awaitExit(UP);
            Poll.until(UP, () -> mark.liveExcept(child.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            Set<String> survivors = kinds(mark, child.pid());
            ItLog.line("CGROUP-MODE " + mode + " " + ending + " " + jvm.label() + ": exit=" + exit.exitCode
                    + " survivors=" + survivors + " (" + tree(mark, child.pid()).size() + " processes)");
            return new Outcome(exit, survivors, child.pid(), cgroup, directory);
        } finally {
            mark.sweep();
        }
    }

    /** The kinds alive (see the class comment). */
    private static Set<String> kinds(Mark mark, long jvm) {
        return tree(mark, jvm).stream().map(CgroupModeIT::kind).filter(k -> k != null)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String kind(ProcessInfo p) {
        if (p.cmdline.contains("fork-loop") || p.cmdline.equals("sleep 1005")) {
            return "fork-loop";
        }
        switch (p.cmdline) {
            case "sleep 1000":
                return "group";
            case "sleep 1001":
                return "setsid";
            case "sleep 1003":
                return "detached";
            case "sleep 1004":
                return "jvm-group";
            default:
                return null; // the shells
        }
    }

    private static List<ProcessInfo> tree(Mark mark, long jvm) {
        List<ProcessInfo> tree = mark.liveExcept(jvm);
        tree.removeIf(ProcessInfo::isKeeper);
        return tree;
    }

    /** The cgroup v2 path of pid ({@code 0::PATH} in /proc/PID/cgroup), "" if none. */
    private static String cgroupOf(long pid) {
        return lines("/proc/" + pid + "/cgroup").stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3))
                .findFirst().orElse("");
    }

    /** The directory of a cgroup v2 path that exists now under one of this JVM's cgroup2 mounts, "" if none. */
    private static String directoryOf(String path) {
        return lines("/proc/self/mountinfo").stream().filter(l -> l.contains(" - cgroup2 "))
                .map(l -> l.split(" ")[4] + path).filter(d -> !path.isEmpty() && new File(d).isDirectory())
                .findFirst().orElse("");
    }

    private static List<String> lines(String file) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Paths.get(file));
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static final class Outcome {
        final JvmExit exit;
        final Set<String> survivors;
        final long jvmPid;
        final String jvmCgroup;
        final String cgroupDirectory;

        Outcome(JvmExit exit, Set<String> survivors, long jvmPid, String jvmCgroup, String cgroupDirectory) {
            this.exit = exit;
            this.survivors = survivors;
            this.jvmPid = jvmPid;
            this.jvmCgroup = jvmCgroup;
            this.cgroupDirectory = cgroupDirectory;
        }

        String describe() {
            return "survivors: " + survivors + ", the JVM's cgroup while it ran: " + jvmCgroup + "\n" + exit.describe();
        }
    }
}
