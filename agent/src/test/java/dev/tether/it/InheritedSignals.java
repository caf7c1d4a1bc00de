package dev.tether.it;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A process started from a parent that ignored SIGINT or SIGHUP inherits that (execve(2) keeps ignored
 * dispositions), e.g. when Maven runs in the background or under nohup; the JVM then installs no handler
 * for it and a test's SIGINT/SIGHUP would not end the child JVM at all. In that case the child JVM is
 * started through perl, which restores the default dispositions and execs java (same pid).
 */
final class InheritedSignals {
    private static final long IGNORED = ProcessTable.statusMask(Paths.get("/proc/self/status"), "SigIgn:");

    private static volatile boolean told;

    private InheritedSignals() {}

    static boolean mustRestoreDefaults() {
        return (IGNORED & (Signal.INT.maskBit() | Signal.HUP.maskBit())) != 0;
    }

    /** {@code command} unchanged, or prefixed so that it starts with SIGINT and SIGHUP at their defaults. */
    static List<String> withDefaultDispositions(List<String> command) {
        if (!told) {
            told = true;
            ItLog.line("harness: test JVM SigIgn=" + Long.toHexString(IGNORED) + (mustRestoreDefaults()
                    ? ": SIGINT/SIGHUP ignored, child JVMs start through perl with default dispositions"
                    : ": child JVMs start directly"));
        }
        if (!mustRestoreDefaults()) return command;
        List<String> wrapped = new ArrayList<>(List.of("perl", "-e",
                "$SIG{INT}='DEFAULT'; $SIG{HUP}='DEFAULT'; exec {$ARGV[0]} @ARGV or die \"exec: $!\"", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
