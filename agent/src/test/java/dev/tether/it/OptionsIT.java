package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.it.fixtures.FloodingSpawner;
import dev.tether.it.fixtures.MainRan;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A malformed option is a start-up error: exit code 1 before the host's main runs, and stderr names the
 * option and its accepted forms. One test per malformed form; the valid forms start the host normally.
 */
@Timeout(120)
class OptionsIT {
    private static final String GRACE_FORM = "500ms";
    private static final String LOG_FORMS = "off|warn|info|debug";

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void grace_that_is_not_a_duration_stops_the_jvm_before_main() {
        assertRejected(agentArgs("grace=abc"), "grace", GRACE_FORM);
    }

    @Test
    void grace_with_an_empty_value_stops_the_jvm_before_main() {
        assertRejected(agentArgs("grace="), "grace", GRACE_FORM);
    }

    @Test
    void negative_grace_stops_the_jvm_before_main() {
        assertRejected(agentArgs("grace=-5s"), "grace", GRACE_FORM);
    }

    @Test
    void grace_without_a_unit_stops_the_jvm_before_main() {
        assertRejected(agentArgs("grace=10"), "grace", GRACE_FORM);
    }

    @Test
    void grace_without_equals_sign_stops_the_jvm_before_main() {
        assertRejected(agentArgs("grace"), "grace", GRACE_FORM);
    }

    @Test
    void misspelt_option_name_stops_the_jvm_before_main() {
        // The accepted forms of an unknown name are the known names: "log" must be among them.
        assertRejected(agentArgs("gracee=1s"), "gracee", "log");
    }

    @Test
    void unknown_log_level_stops_the_jvm_before_main() {
        assertRejected(agentArgs("log=loud"), "log", LOG_FORMS);
    }

    @Test
    void bad_strict_value_stops_the_jvm_before_main() {
        assertRejected(agentArgs("strict=yes"), "strict", "strict=<true|false>");
    }

    @Test
    void bad_exclude_list_stops_the_jvm_before_main() {
        assertRejected(agentArgs("exclude=sshd::cron"), "exclude", "exclude=<program>[:<program>...]");
    }

    @Test
    void bad_cgroup_value_stops_the_jvm_before_main() {
        assertRejected(agentArgs("cgroup=yes"), "cgroup", "cgroup=<off|auto|on>");
    }

    @Test
    void an_empty_report_file_stops_the_jvm_before_main() {
        assertRejected(agentArgs("report="), "report", "report=<file>");
    }

    /** A second user may not write the cgroup the tests run in: cgroup=on must say so before main. */
    @Test
    void cgroup_on_where_no_cgroup_can_be_had_stops_the_jvm_before_main_and_says_why() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        try (SharedDirectory shared = new SharedDirectory("tether-it-cgroup-")) {
            assertRejected(asOtherUser(shared, "cgroup=on"), "tether: cgroup=on, but ",
                    "cgroup=auto");
        }
    }

    @Test
    void cgroup_auto_where_no_cgroup_can_be_had_starts_the_host_silently() throws Exception {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        try (SharedDirectory shared = new SharedDirectory("tether-it-cgroup-")) {
            JvmExit exit = assertStarts(asOtherUser(shared, "cgroup=auto"));
            assertEquals("", exit.stderr, exit::describe);
        }
    }

    private ChildJvm asOtherUser(SharedDirectory shared, String agentArgs) {
        return ChildJvm.of(Jdk.current(), marks.next()).withAgent(agentArgs).through(
                new OtherUser(61237).prefix().toArray(new String[0])).agentJar(shared.agentJar())
                .testClasses(shared.testClasses()).jvmFlag("-XX:-UsePerfData");
    }

    @Test
    void bad_grace_in_a_system_property_stops_the_jvm_before_main() {
        assertRejected(ChildJvm.of(Jdk.current(), marks.next()).withAgent("").jvmFlag("-Dtether.grace=abc"),
                "grace", GRACE_FORM);
    }

    @Test
    void bad_tether_options_in_the_environment_stop_the_jvm_before_main_and_are_named() {
        assertRejected(agentArgs("").env("TETHER_OPTIONS", "grace=abc"), "TETHER_OPTIONS grace=abc", GRACE_FORM);
        assertRejected(agentArgs("").env("TETHER_OPTIONS", "gracee=1s"), "TETHER_OPTIONS gracee=1s", "enabled=<true|false>");
    }

    /**
     * The off switch for one JVM that inherits the agent (JAVA_TOOL_OPTIONS in a build or an image):
     * its children live on after its exit as without the agent, and it prints nothing. The same JVM
     * with the agent on (TETHER_OPTIONS setting only the grace period) leaves none.
     */
    @Test
    void enabled_false_in_tether_options_leaves_the_jvm_as_without_the_agent() {
        assertEquals(2, survivorsOfExit(agentArgs("").env("TETHER_OPTIONS", "enabled=false")), "enabled=false");
        assertEquals(2, survivorsOfExit(agentArgs("").jvmFlag("-Dtether.enabled=false")), "-Dtether.enabled=false");
        assertEquals(0, survivorsOfExit(agentArgs("").env("TETHER_OPTIONS", "grace=500ms,log=off")), "the agent on");
    }

    /** FloodingSpawner starts {@code sh -c "sleep & sleep & wait"} and exits: how many sleeps outlive it. */
    private static int survivorsOfExit(ChildJvm jvm) {
        RunningJvm child = jvm.main(FloodingSpawner.class, Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", Duration.ofSeconds(30));
            assertTrue(Poll.until(Duration.ofSeconds(30), () -> sleeps(mark) == 2), child::describe);
            child.send("flood 0");
            child.awaitLine("FLOODED", Duration.ofSeconds(30));
            child.send("exit");
            JvmExit exit = child.awaitExit(Duration.ofSeconds(30));
            assertEquals(0, exit.exitCode, exit::describe);
            assertEquals("", exit.stderr, exit::describe);
            Poll.until(Duration.ofSeconds(2), () -> sleeps(mark) == 0);
            return sleeps(mark);
        } finally {
            mark.sweep();
        }
    }

    private static int sleeps(Mark mark) {
        return (int) mark.live().stream().filter(p -> p.cmdline.startsWith("sleep")).count();
    }

    @Test
    void grace_over_one_day_stops_the_jvm_before_main_as_the_keeper_would_refuse_it() {
        assertRejected(agentArgs("grace=86401s"), "grace", "up to 1 day");
    }

    /** An application's own tether.* property, or a guessed switch, must never fail a JVM (or a build). */
    @Test
    void unknown_system_properties_start_the_host_with_one_warning_naming_the_options() {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("")
                .jvmFlag("-Dtether.url=http://x").jvmFlag("-Dtether.home=/opt/tether");
        JvmExit exit = assertStarts(jvm);
        List<String> stderr = exit.stderr.lines().collect(Collectors.toList());
        assertEquals(1, stderr.size(), exit::describe);
        assertTrue(stderr.get(0).startsWith("tether: ") && stderr.get(0).contains("-Dtether.url")
                && stderr.get(0).contains("-Dtether.home") && stderr.get(0).contains("grace=<duration"),
                exit::describe);
    }

    @Test
    void unknown_system_properties_are_not_mentioned_with_log_off() {
        JvmExit exit = assertStarts(ChildJvm.of(Jdk.current(), marks.next()).withAgent("log=off")
                .jvmFlag("-Dtether.url=http://x"));
        assertEquals("", exit.stderr, exit::describe);
    }

    @Test
    void valid_agent_arguments_start_the_host() {
        assertStarts(agentArgs("grace=500ms,log=debug"));
    }

    @Test
    void valid_system_properties_start_the_host() {
        assertStarts(ChildJvm.of(Jdk.current(), marks.next()).withAgent("")
                .jvmFlag("-Dtether.grace=2s").jvmFlag("-Dtether.log=off"));
    }

    @Test
    void without_the_agent_the_fixture_reports_that_main_ran() {
        assertStarts(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent());
    }

    private ChildJvm agentArgs(String args) {
        return ChildJvm.of(Jdk.current(), marks.next()).withAgent(args);
    }

    private static JvmExit run(ChildJvm jvm) {
        RunningJvm child = jvm.main(MainRan.class).start();
        child.closeStdin();
        return child.awaitExit(Duration.ofSeconds(30));
    }

    private static void assertRejected(ChildJvm jvm, String... stderrMustContain) {
        JvmExit exit = run(jvm);
        String firstLine = exit.stderr.lines().findFirst().orElse("");
        ItLog.line("OPTIONS " + jvm.command().stream().filter(a -> a.startsWith("-javaagent") || a.startsWith("-Dtether"))
                .map(a -> a.replaceFirst("^-javaagent:[^=]*", "-javaagent:tether-agent.jar"))
                .reduce((a, b) -> a + " " + b).orElse("") + ": exit=" + exit.exitCode + " stderr: " + firstLine);
        assertEquals(1, exit.exitCode, exit::describe);
        assertFalse(exit.stdout.contains("MAIN-RAN"), () -> "the host's main ran\n" + exit.describe());
        for (String text : stderrMustContain) {
            assertTrue(exit.stderr.contains(text), () -> "stderr does not mention '" + text + "'\n" + exit.describe());
        }
    }

    private static JvmExit assertStarts(ChildJvm jvm) {
        JvmExit exit = run(jvm);
        ItLog.line("OPTIONS " + jvm.label() + ": exit=" + exit.exitCode);
        assertEquals(0, exit.exitCode, exit::describe);
        assertTrue(exit.printedLine("MAIN-RAN"), exit::describe);
        assertTrue(exit.printedLine("SPAWNED exit=0"), exit::describe);
        return exit;
    }
}
