package dev.tether.it;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The signals a test sends to a child JVM, with the exit code a JVM ends with after each. */
public enum Signal {
    HUP(1),
    INT(2),
    KILL(9),
    SEGV(11),
    TERM(15),
    CONT(18),
    STOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** 128 + the signal number, what the JVM exits with after running its shutdown hooks. */
    public int jvmExitCode() {
        return 128 + number;
    }

    /** Bit of this signal in the SigIgn / SigBlk masks of /proc/[pid]/status. */
    public long maskBit() {
        return 1L << (number - 1);
    }

    /** kill(1) to the one process {@code pid} (never a group: the test's own group is in there). */
    public void sendTo(long pid) {
        if (pid <= 1) throw new IllegalArgumentException("refusing to signal pid " + pid);
        try {
            Process kill = new ProcessBuilder("kill", "-s", name(), Long.toString(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new AssertionError("kill -s " + name() + " " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                throw new AssertionError("kill -s " + name() + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
