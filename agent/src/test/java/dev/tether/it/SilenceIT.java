package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.it.fixtures.BootAppendingAgent;
import dev.tether.it.fixtures.PrintsOnly;
import dev.tether.it.fixtures.ProvokesWarnings;
import dev.tether.it.fixtures.SpawnsAndFinishes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Silence: on JDK 17 and on Temurin 25, a host that only prints and a host whose children all finish
 * before it exits write byte for byte the same stdout and stderr with and without the agent (no
 * summary line either: nothing was left running), and the agent makes the JDK print no warning: none
 * about class sharing (a boot class path append), {@code sun.misc.Unsafe} or restricted methods.
 *
 * <p>The JVMs run with their own defaults (no start-up flags of the harness) and write to files, which
 * are compared as bytes.
 */
@Timeout(180)
class SilenceIT {
    /**
     * JDK-made warnings that the agent cannot avoid, as docs/how-it-works.md lists them, each with the
     * flag that silences it. There are none: the list is pinned EMPTY, so any warning the agent makes a JDK print
     * fails {@link #the_agent_makes_the_jdk_print_no_warning_beyond_the_unavoidable_ones_the_readme_lists}.
     * A warning that becomes truly unavoidable goes here and into docs/how-it-works.md together.
     */
    static final List<String> UNAVOIDABLE_JDK_WARNINGS = List.of();

    /** What the JDK's own warnings look like (HotSpot's on stdout or stderr, the libraries' on stderr). */
    private static final List<String> WARNING_MARKERS = List.of(
            "Sharing is only supported for boot loader classes", // CDS after a boot class path append
            "sun.misc.Unsafe", // JDK 24+: memory-access methods of sun.misc.Unsafe
            "restricted method"); // JDK 22+: System.load/loadLibrary, FFM without native access

    /** Runs shared by the tests of this class: jdk, program, agent → output. */
    private static final Map<String, Output> RUNS = new ConcurrentHashMap<>();

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    static Stream<Arguments> jdksAndPrograms() {
        return Stream.of(Jdks.CURRENT, Jdks.TEMURIN_25).flatMap(jdk -> Stream.of(
                Arguments.of(jdk, PrintsOnly.class.getSimpleName()),
                Arguments.of(jdk, SpawnsAndFinishes.class.getSimpleName())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndPrograms")
    void host_output_is_byte_identical_with_and_without_the_agent(String jdkName, String program) {
        Jdk jdk = Jdks.named(jdkName);
        Output without = run(jdk, program, false);
        Output with = run(jdk, program, true);

        // The fixture ran to its end (else two equal reports of a failure would pass).
        String lastLine = program.equals("PrintsOnly") ? "out end without newline" : "host: done\n";
        assertTrue(without.stdoutText().endsWith(lastLine), without::describe);
        ItLog.line("SILENCE " + jdk + " " + program + ": stdout " + without.stdout.length + " bytes "
                + (Arrays.equals(without.stdout, with.stdout) ? "identical" : "DIFFERS") + ", stderr "
                + without.stderr.length + " bytes " + (Arrays.equals(without.stderr, with.stderr) ? "identical" : "DIFFERS"));
        if (!Arrays.equals(without.stdout, with.stdout)) {
            fail(jdk + " " + program + ": stdout with the agent differs (- without, + with)\n"
                    + HostFactsRun.diff(without.stdoutText(), with.stdoutText()) + "\n" + with.describe());
        }
        if (!Arrays.equals(without.stderr, with.stderr)) {
            fail(jdk + " " + program + ": stderr with the agent differs (- without, + with)\n"
                    + HostFactsRun.diff(without.stderrText(), with.stderrText()));
        }
        assertEquals(without.exitCode, with.exitCode, with::describe);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndPrograms")
    void the_agent_makes_the_jdk_print_no_warning_beyond_the_unavoidable_ones_the_readme_lists(
            String jdkName, String program) {
        Jdk jdk = Jdks.named(jdkName);
        Output without = run(jdk, program, false);
        Output with = run(jdk, program, true);

        assertEquals(List.of(), jdkWarnings(without), () -> "the host alone already makes the JDK warn\n"
                + without.describe());
        assertEquals(UNAVOIDABLE_JDK_WARNINGS, jdkWarnings(with),
                () -> "JDK warnings with the agent (docs/how-it-works.md lists none as unavoidable)\n" + with.describe());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Jdks.CURRENT, Jdks.TEMURIN_25})
    void the_warning_check_sees_each_warning_it_looks_for_when_a_program_provokes_it(String jdkName)
            throws IOException {
        Jdk jdk = Jdks.named(jdkName);
        Path agentJar = ManifestOnlyAgent.write(dir.resolve("boot-appending-agent.jar"), BootAppendingAgent.class,
                false);
        Output provoked = run(ChildJvm.of(jdk, marks.next()).vmDefaults().withoutAgent()
                .jvmFlag("-javaagent:" + agentJar + "=" + agentJar), ProvokesWarnings.class, "provoked");

        List<String> warnings = jdkWarnings(provoked);
        List<String> expected = new ArrayList<>(List.of(WARNING_MARKERS.get(0)));
        if (jdkFeature(jdk) >= 24) {
            expected.addAll(WARNING_MARKERS.subList(1, 3)); // JDK 24+ warns about Unsafe and restricted methods
        }
        for (String marker : expected) {
            assertTrue(warnings.stream().anyMatch(w -> w.contains(marker)),
                    () -> "the check missed the warning '" + marker + "'\n" + provoked.describe());
        }
    }

    private static int jdkFeature(Jdk jdk) {
        return Integer.parseInt(jdk.toString().substring("jdk".length()));
    }

    /** Lines of stdout and stderr that are JDK warnings: HotSpot's, the libraries' "WARNING:", or a marker. */
    static List<String> jdkWarnings(Output output) {
        return Stream.of(output.stdoutText(), output.stderrText())
                .flatMap(String::lines)
                .filter(line -> line.startsWith("WARNING:") || line.matches(".*VM warning:.*")
                        || WARNING_MARKERS.stream().anyMatch(line::contains))
                .collect(Collectors.toList());
    }

    private Output run(Jdk jdk, String program, boolean agent) {
        String key = jdk + " " + program + " " + (agent ? "agent" : "no-agent");
        Output cached = RUNS.get(key);
        if (cached != null) return cached;
        Class<?> main = program.equals("PrintsOnly") ? PrintsOnly.class : SpawnsAndFinishes.class;
        Output output = run(ChildJvm.of(jdk, marks.next()).vmDefaults().agent(agent), main, key);
        RUNS.put(key, output);
        return output;
    }

    private Output run(ChildJvm jvm, Class<?> main, String label) {
        try {
            Path stdout = Files.createTempFile(dir, "stdout", ".bin");
            Path stderr = Files.createTempFile(dir, "stderr", ".bin");
            RunningJvm child = jvm.redirectOutput(stdout, stderr).main(main).start();
            child.closeStdin();
            JvmExit exit = child.awaitExit(Duration.ofSeconds(60));
            // Its children finished before it exited; anything of the agent's own goes with the JVM.
            Poll.until(Duration.ofSeconds(5), () -> child.mark().liveExcept(child.pid()).isEmpty());
            List<String> leftOver = child.mark().liveExcept(child.pid()).stream().map(p -> p.toString())
                    .collect(Collectors.toList());
            assertEquals(List.of(), leftOver, label + ": processes outlived a host whose children all finished");
            return new Output(label, String.join(" ", jvm.command()), exit.exitCode,
                    Files.readAllBytes(stdout), Files.readAllBytes(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run's exit code and exact output bytes. */
    static final class Output {
        final String label;
        final String command;
        final int exitCode;
        final byte[] stdout;
        final byte[] stderr;

        Output(String label, String command, int exitCode, byte[] stdout, byte[] stderr) {
            this.label = label;
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        String describe() {
            return label + ": exit code " + exitCode + "\ncommand: " + command + "\n--- stdout ---\n" + stdoutText()
                    + "\n--- stderr ---\n" + stderrText();
        }
    }
}
