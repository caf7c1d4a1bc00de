package dev.tether.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** A started child JVM: its pid, its drained output, its stdin, signals, and its end. */
public final class RunningJvm {
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(5);

    private final Process process;
    private final Mark mark;
    private final String label;
    private final List<String> command;
    private final StreamDrain stdout;
    private final StreamDrain stderr;

    RunningJvm(Process process, Mark mark, String label, List<String> command) {
        this.process = process;
        this.mark = mark;
        this.label = label;
        this.command = command;
        this.stdout = new StreamDrain(process.getInputStream(), "it-stdout-" + process.pid());
        this.stderr = new StreamDrain(process.getErrorStream(), "it-stderr-" + process.pid());
    }

    public long pid() {
        return process.pid();
    }

    public Mark mark() {
        return mark;
    }

    public String label() {
        return label;
    }

    /** Waits until stdout has the line {@code line}; fails (with the output so far) at the deadline or exit. */
    public void awaitLine(String line, Duration timeout) {
        awaitLineMatching(line::equals, "the line '" + line + "'", timeout);
    }

    /** Waits for a stdout line starting with {@code prefix} and returns it. */
    public String awaitLineStartingWith(String prefix, Duration timeout) {
        return awaitLineMatching(l -> l.startsWith(prefix), "a line starting with '" + prefix + "'", timeout);
    }

    private String awaitLineMatching(Predicate<String> matches, String what, Duration timeout) {
        AtomicReference<String> found = new AtomicReference<>();
        Poll.until(timeout, () -> {
            boolean exited = !process.isAlive() && stdout.awaitEnd(Duration.ofMillis(200));
            stdout.lines().stream().filter(matches).findFirst().ifPresent(found::set);
            return found.get() != null || exited; // after the exit and the stream's end nothing more comes
        });
        if (found.get() == null) {
            throw new AssertionError("child JVM never printed " + what + " ("
                    + (process.isAlive() ? "still running after " + timeout.toMillis() + " ms" : "it exited")
                    + ")\n" + describe());
        }
        return found.get();
    }

    /** Writes one line to the child's stdin. */
    public void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to the child JVM's stdin\n" + describe(), e);
        }
    }

    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed by its end
        }
    }

    public void signal(Signal signal) {
        signal.sendTo(process.pid());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the JVM to exit; at the deadline kills it and fails with its output. */
    public JvmExit awaitExit(Duration timeout) {
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        long exitedAt = System.nanoTime();
        if (!exited) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not exit within " + timeout.toMillis() + " ms\n" + describe());
        }
        // The pipes stay open while anything else holds them; the JVM itself is gone, so do not wait forever.
        stdout.awaitEnd(DRAIN_AFTER_EXIT);
        stderr.awaitEnd(DRAIN_AFTER_EXIT);
        return new JvmExit(process.exitValue(), stdout.text(), stderr.text(), exitedAt);
    }

    /** The command, and stdout and stderr so far: for assertion messages. */
    public String describe() {
        return "command: " + String.join(" ", command) + "\n--- stdout ---\n" + stdout.text()
                + "\n--- stderr ---\n" + stderr.text();
    }
}
