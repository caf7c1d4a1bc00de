package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.FloodingSpawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent jar as a command ({@code java -jar tether-agent.jar}): usage, version, a clear error for
 * a bad command, and {@code status PID}, the tree a running JVM's keeper holds, or exit code 1 for a
 * JVM without Tether.
 */
@Timeout(120)
class CommandLineIT {
    private static final Duration UP = Duration.ofSeconds(30);

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void without_arguments_it_prints_its_usage_and_with_version_its_version() throws Exception {
        Result usage = cli();
        assertEquals(0, usage.exit, usage.toString());
        assertTrue(usage.out.contains("java -jar tether-agent.jar status <pid>") && usage.out.contains("Exit codes"),
                usage.toString());
        Result version = cli("version");
        assertEquals(0, version.exit, version.toString());
        assertTrue(version.out.matches("tether \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.toString());
    }

    @Test
    void a_bad_command_or_pid_is_a_usage_error_that_names_the_commands() throws Exception {
        Result bad = cli("stats", "1");
        assertEquals(2, bad.exit, bad.toString());
        assertTrue(bad.err.contains("unknown command \"stats\"") && bad.err.contains("status <pid>"), bad.toString());
        Result badPid = cli("status", "x");
        assertEquals(2, badPid.exit, badPid.toString());
    }

    @Test
    void status_draws_the_groups_of_a_jvm_with_tether_and_refuses_one_without() throws Exception {
        RunningJvm with = ChildJvm.of(Jdk.current(), marks.next()).withAgent("")
                .main(FloodingSpawner.class, Tree.TWO_SLEEPS.command).start();
        RunningJvm without = ChildJvm.of(Jdk.current(), marks.next()).withoutAgent()
                .main(FloodingSpawner.class, Tree.TWO_SLEEPS.command).start();
        try {
            with.awaitLine("READY", UP);
            without.awaitLine("READY", UP);
            List<ProcessInfo> sleeps = awaitSleeps(with.mark());
            Result status = cli("status", Long.toString(with.pid()));
            ItLog.line("STATUS\n" + status.out);
            assertEquals(0, status.exit, status.toString());
            assertTrue(status.out.startsWith("JVM " + with.pid() + ": 1 child process group held by Tether\n"), status.toString());
            for (ProcessInfo sleep : sleeps) {
                assertTrue(status.out.contains(sleep.pid + "  "), "sleep " + sleep.pid + " in\n" + status);
            }
            assertTrue(status.out.contains("sh -c " + Tree.TWO_SLEEPS.command), status.toString());

            Result none = cli("status", Long.toString(without.pid()));
            assertEquals(1, none.exit, none.toString());
            assertTrue(none.err.contains("no Tether in process " + without.pid()), none.toString());
        } finally {
            with.mark().sweep();
            without.mark().sweep();
        }
    }

    private List<ProcessInfo> awaitSleeps(Mark mark) {
        List<List<ProcessInfo>> found = new ArrayList<>();
        assertTrue(Poll.until(UP, () -> {
            List<ProcessInfo> s = mark.live().stream().filter(p -> p.cmdline.startsWith("sleep"))
                    .collect(Collectors.toList());
            found.clear();
            found.add(s);
            return s.size() == 2;
        }), "two sleeps");
        return found.get(0);
    }

    /** {@code java -jar tether-agent.jar ARGS...}, run to its end (also CgroupModeIT's). */
    static Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Jdk.current().java().toString(), "-jar", ChildJvm.agentJar()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the command ended");
        return new Result(p.exitValue(), out, err);
    }

    static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}
