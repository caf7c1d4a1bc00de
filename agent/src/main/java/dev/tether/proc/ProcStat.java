package dev.tether.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The fields of /proc/[pid]/stat that Tether uses (proc(5)). Linux only. */
public final class ProcStat {
    /** 52 fields of at most 20 digits, plus a command of at most 64 bytes (TASK_COMM_LEN is 16). */
    private static final int STAT_MAX = 1200;

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

    /**
     * @return the process's stat, or null if there is no such process (or no /proc). One read(2) of a
     * stream: it runs on every spawn, where NIO's Files.readAllBytes costs several times more.
     */
    public static ProcStat read(int pid) {
        byte[] buffer = new byte[STAT_MAX];
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            int length = in.readNBytes(buffer, 0, buffer.length);
            return parse(pid, new String(buffer, 0, length, StandardCharsets.ISO_8859_1));
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
