package dev.tether.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short helper command (jcmd, a compiler, a shell line) run to its end with a deadline, output merged. */
final class Command {
    final int exitCode;
    final String output;

    private Command(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    /** Runs {@code command}; fails the test if it cannot start or outlives {@code timeout}. */
    static Command run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            StreamDrain out = new StreamDrain(p.getInputStream(), "it-command-" + p.pid());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeout.toMillis() + " ms: " + out.text());
            }
            out.awaitEnd(Duration.ofSeconds(5));
            return new Command(p.exitValue(), out.text());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ": " + output;
    }
}
