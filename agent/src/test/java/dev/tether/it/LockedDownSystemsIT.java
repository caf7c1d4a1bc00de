package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The systems where the pidfd calls are refused, simulated for real: the JVM runs under a seccomp
 * filter (native/src/test/c/tether-seccomp.c) that its children and the keeper inherit. Under
 * Docker's default profile (pidfd_getfd: EPERM), a kernel before 5.3 (no pidfd call at all: ENOSYS)
 * and one before 6.9 (no PIDFD_SIGNAL_PROCESS_GROUP: EINVAL) the tree dies however the JVM ends,
 * and the host's output is what it would be anyway: its own lines, and the one summary line where
 * shutdown hooks run.
 */
@Timeout(180)
class LockedDownSystemsIT {
    @RegisterExtension
    final Marks marks = new Marks();

    enum Filter {
        DOCKER_SECCOMP("pidfd_getfd=1"),
        KERNEL_BEFORE_5_3("pidfd_open=38", "pidfd_send_signal=38", "pidfd_getfd=38"),
        KERNEL_BEFORE_6_9("pidfd_send_signal:group=22");

        final List<String> rules;

        Filter(String... rules) {
            this.rules = List.of(rules);
        }

        /** {@code jvm}, run under this filter; the test is skipped where the wrapper was not built. */
        ChildJvm applyTo(ChildJvm jvm) {
            String wrapper = System.getProperty("tether.seccomp");
            assumeTrue(wrapper != null && Files.isExecutable(Paths.get(wrapper)),
                    "no seccomp wrapper (" + wrapper + "): the native module builds it on Linux only");
            List<String> through = new ArrayList<>(List.of(wrapper));
            through.addAll(rules);
            through.add("--");
            return jvm.through(through.toArray(new String[0]));
        }
    }

    static Stream<Arguments> filtersAndEndings() {
        List<Arguments> cases = new ArrayList<>();
        for (Filter filter : Filter.values()) {
            for (Ending ending : List.of(Ending.EXIT_3, Ending.SIGTERM, Ending.SIGKILL, Ending.HALT_5)) {
                cases.add(Arguments.of(filter, ending));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("filtersAndEndings")
    void the_tree_dies_and_the_host_sees_nothing_else(Filter filter, Ending ending) {
        TreeOutcome outcome = run(filter, ending, "grace=500ms");

        assertEquals(ending.exitCode, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
        List<String> stdout = outcome.exit.stdout.lines().collect(Collectors.toList());
        assertTrue(stdout.size() == 2 && stdout.get(0).matches("CHILD \\d+") && stdout.get(1).equals("READY"),
                outcome::describe);
        List<String> stderr = outcome.exit.stderr.lines().collect(Collectors.toList());
        boolean hooksRun = ending == Ending.EXIT_3 || ending == Ending.SIGTERM;
        assertEquals(hooksRun ? 1 : 0, stderr.size(), () -> "more than the summary line\n" + outcome.describe());
        if (hooksRun) {
            assertTrue(HostLibrariesIT.SUMMARY.matcher(stderr.get(0)).matches(), outcome::describe);
        }
    }

    /**
     * That the filter is in force: with log=debug the keeper says what it fell back to, once. (Docker's
     * profile refuses only pidfd_getfd, which the keeper has no use for: nothing to say.)
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Filter.class)
    void with_log_debug_the_fallback_is_said_and_only_once(Filter filter) {
        TreeOutcome outcome = run(filter, Ending.SIGKILL, "grace=500ms,log=debug");

        assertEquals(List.of(), outcome.survivors, outcome::describe);
        String stderr = outcome.exit.stderr;
        switch (filter) {
            case DOCKER_SECCOMP:
                assertEquals(0, count(stderr, "tether-keeper:"), stderr);
                break;
            case KERNEL_BEFORE_5_3:
                assertEquals(1, count(stderr, "tether-keeper: no pidfd_open; groups proven by their start times: "
                        + "Function not implemented"), stderr);
                assertEquals(1, count(stderr, "tether-keeper:"), stderr);
                break;
            default:
                assertEquals(1, count(stderr, "tether-keeper: no PIDFD_SIGNAL_PROCESS_GROUP; groups proven through "
                        + "/proc: Invalid argument"), stderr);
                assertEquals(1, count(stderr, "tether-keeper:"), stderr);
        }
    }

    private TreeOutcome run(Filter filter, Ending ending, String agentArgs) {
        ChildJvm jvm = filter.applyTo(ChildJvm.of(Jdk.current(), marks.next()).withAgent(agentArgs));
        return TreeRun.of(jvm).tree(Tree.TWO_SLEEPS).ending(ending).scenario(filter + " " + ending).run();
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }
}
