package dev.tether.benchmark.shutdown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * A process's state and start time from /proc/PID/stat (proc(5): fields 3 and 22). The start time
 * tells a process from a later one that reused its PID.
 */
final class ProcStat {
    final char state;
    final String startTime;

    private ProcStat(char state, String startTime) {
        this.state = state;
        this.startTime = startTime;
    }

    /** null when there is no such process. */
    static ProcStat of(long pid) {
        String stat;
        try {
            stat = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
            return null;
        }
        // Field 2, the command name, may hold spaces and parentheses: count fields after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new ProcStat(fields[0].charAt(0), fields[22 - 3]);
    }

    /** The same process (same start time), and not a zombie: still running. */
    static boolean running(long pid, String startTime) {
        ProcStat now = of(pid);
        return now != null && now.state != 'Z' && now.startTime.equals(startTime);
    }
}
