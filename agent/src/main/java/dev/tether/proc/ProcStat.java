package dev.tether.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The fields of /proc/[pid]/stat that Tether uses (proc(5)). Linux only. */
public final class ProcStat {
    public final int pid;
    public final char state;
    public final int ppid;
    public final int pgid;
    public final int sid;
    /** Field 22, in clock ticks since boot: with the pid it names one process for the life of the system. */
    public final long startTime;

    private ProcStat(int pid, char state, int ppid, int pgid, int sid, long startTime) {
        this.pid = pid;
        this.state = state;
        this.ppid = ppid;
        this.pgid = pgid;
        this.sid = sid;
        this.startTime = startTime;
    }

    /** @return the process's stat, or null if there is no such process (or no /proc). */
    public static ProcStat read(int pid) {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", Integer.toString(pid), "stat"));
            return parse(pid, new String(raw, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static ProcStat parse(int pid, String line) {
        // The command (field 2) is in parentheses and may itself contain spaces and ')'.
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new ProcStat(pid, f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[19]));
    }

    /** A zombie has exited and only waits to be reaped: it runs nothing and no signal reaches it. */
    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }
}
