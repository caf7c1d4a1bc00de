package dev.tether.benchmark.shutdown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * A process's state, flags and start time from /proc/PID/stat (proc(5): fields 3, 9 and 22). The
 * start time tells a process from a later one that reused its PID.
 */
final class ProcStat {
    /** PF_EXITING (include/linux/sched.h): in do_exit, where nothing can stop its end any more. */
    private static final long PF_EXITING = 0x4;

    final char state;
    final long flags;
    final String startTime;

    private ProcStat(char state, long flags, String startTime) {
        this.state = state;
        this.flags = flags;
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
        return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[9 - 3]), fields[22 - 3]);
    }

    /** The same process (same start time), not a zombie, and not yet in its exit: still running. */
    static boolean running(long pid, String startTime) {
        ProcStat now = of(pid);
        return now != null && now.state != 'Z' && (now.flags & PF_EXITING) == 0 && now.startTime.equals(startTime);
    }

    /** The same process, no zombie yet, but in its exit (a SIGTERM acted on, the kernel still tearing it down). */
    static boolean exiting(long pid, String startTime) {
        ProcStat now = of(pid);
        return now != null && now.state != 'Z' && (now.flags & PF_EXITING) != 0 && now.startTime.equals(startTime);
    }
}
