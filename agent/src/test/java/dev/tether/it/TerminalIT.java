package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.TerminalUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM in the foreground of a real pseudo-terminal (util-linux {@code script}): a child that reads
 * the terminal must not be stopped by SIGTTIN, and Ctrl-C typed on the terminal must reach a child
 * that is not on the terminal, as it does without the agent (where both are in the JVM's group).
 */
@Timeout(60)
class TerminalIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final byte CTRL_C = 3;

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {true, false})
    void a_child_that_inherits_the_terminal_can_read_it(boolean agent) throws Exception {
        try (Pty pty = Pty.start(ChildJvm.of(Jdk.current(), marks.next()).agent(agent)
                .main(TerminalUser.class, "read"))) {
            pty.await("READY");
            pty.type("hello\n".getBytes(StandardCharsets.US_ASCII));
            boolean read = pty.await("EXIT 0");
            ItLog.line("TTY-READ agent=" + agent + ": child read the terminal=" + read);
            assertTrue(read && pty.output().contains("got:hello"), pty::output);
        }
    }

    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {true, false})
    void ctrl_c_on_the_terminal_reaches_a_child_that_traps_sigint(boolean agent) throws Exception {
        Path file = dir.resolve("signal");
        try (Pty pty = Pty.start(ChildJvm.of(Jdk.current(), marks.next()).agent(agent)
                .main(TerminalUser.class, "interrupt", file.toString()))) {
            pty.await("READY");
            pty.type(new byte[] {CTRL_C});
            boolean seen = Poll.until(DEADLINE, () -> read(file).equals("INT"));
            ItLog.line("TTY-CTRL-C agent=" + agent + ": child saw SIGINT=" + seen);
            assertTrue(seen, () -> "child's record: '" + read(file) + "'\n" + pty.output());
            assertEquals(130, pty.exitCode(), pty::output);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** A child JVM under {@code script}, which gives it a pseudo-terminal as controlling terminal. */
    private static final class Pty implements AutoCloseable {
        private final Process script;
        private final StreamDrain out;
        private final OutputStream keyboard;

        private Pty(Process script) {
            this.script = script;
            this.out = new StreamDrain(script.getInputStream(), "pty");
            this.keyboard = script.getOutputStream();
        }

        static Pty start(ChildJvm jvm) throws IOException {
            // A JVM started with SIGINT ignored (Maven in the background) would never see Ctrl-C, nor its child.
            String command = InheritedSignals.withDefaultDispositions(jvm.command()).stream().map(Pty::quote)
                    .collect(Collectors.joining(" "));
            List<String> argv = new ArrayList<>(List.of("script", "-qfec", "exec " + command, "/dev/null"));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().put(Mark.ENV, jvm.mark().token());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            return new Pty(pb.start());
        }

        boolean await(String text) {
            return Poll.until(DEADLINE, () -> out.text().contains(text));
        }

        void type(byte[] keys) throws IOException {
            keyboard.write(keys);
            keyboard.flush();
        }

        int exitCode() throws InterruptedException {
            return script.waitFor(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    ? script.exitValue() : -1;
        }

        String output() {
            return out.text();
        }

        private static String quote(String word) {
            return "'" + word.replace("'", "'\\''") + "'";
        }

        @Override
        public void close() {
            script.destroyForcibly();
        }
    }
}
