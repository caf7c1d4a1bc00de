package dev.tether.it;

/** How a child JVM ended: exit code, everything it printed, and when its exit was seen. */
public final class JvmExit {
    public final int exitCode;
    public final String stdout;
    public final String stderr;
    /** System.nanoTime() when waitFor returned. */
    public final long exitedAtNanos;

    JvmExit(int exitCode, String stdout, String stderr, long exitedAtNanos) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.exitedAtNanos = exitedAtNanos;
    }

    public boolean printedLine(String line) {
        return ("\n" + stdout).contains("\n" + line + "\n");
    }

    /** For assertion messages. */
    public String describe() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
