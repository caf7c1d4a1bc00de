package dev.tether.proc;

import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Syscalls;
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
    /** Field 7: the controlling terminal's device number, 0 if none. */
    public final int ttyNr;
    /** Field 8: the foreground process group of the controlling terminal, -1 if none. */
    public final int tpgid;
    /** Field 22, in clock ticks since boot: with the pid it names one process for the life of the system. */
    public final long startTime;

    private ProcStat(int pid, char state, int ppid, int pgid, int sid, int ttyNr, int tpgid, long startTime) {
        this.pid = pid;
        this.state = state;
        this.ppid = ppid;
        this.pgid = pgid;
        this.sid = sid;
        this.ttyNr = ttyNr;
        this.tpgid = tpgid;
        this.startTime = startTime;
    }

    /** This JVM's own stat, through java.io (no JNA: it is read on the spawn path); null without /proc. */
    public static ProcStat self() {
        return readFile("/proc/self/stat", -1);
    }

    /** As {@link #read}, through java.io: for the rare reads of a JVM that has not loaded JNA. */
    public static ProcStat readFile(int pid) {
        return readFile("/proc/" + pid + "/stat", pid);
    }

    private static ProcStat readFile(String path, int pid) {
        try (java.io.FileInputStream in = new java.io.FileInputStream(path)) {
            String line = new String(in.readNBytes(STAT_MAX), StandardCharsets.ISO_8859_1);
            return parse(pid >= 0 ? pid : Integer.parseInt(line.substring(0, line.indexOf(' '))), line);
        } catch (java.io.IOException | RuntimeException gone) {
            return null;
        }
    }

    /**
     * @return the process's stat, or null if there is no such process (or no /proc). Read with one
     * open/read/close through libc: it runs on every spawn and for every process of a /proc scan,
     * and a FileInputStream there costs several times more (a cleaner per stream, and a
     * FileNotFoundException with its stack trace for each process that is already gone).
     */
    public static ProcStat read(int pid) {
        int fd = Syscalls.open("/proc/" + pid + "/stat", LinuxSyscalls.O_CLOEXEC);
        if (fd < 0) {
            return null;
        }
        byte[] buffer = new byte[STAT_MAX];
        long length;
        try {
            // One read returns the whole line: proc_pid_stat fills the buffer in one go (fs/seq_file.c).
            length = Syscalls.read(fd, buffer, buffer.length);
        } finally {
            Syscalls.close(fd);
        }
        if (length <= 0) {
            return null;
        }
        try {
            return parse(pid, new String(buffer, 0, (int) length, StandardCharsets.ISO_8859_1));
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    static ProcStat parse(int pid, String line) {
        // The command (field 2) is in parentheses and may itself contain spaces and ')'.
        Fields f = new Fields(line, line.lastIndexOf(')') + 2);
        char state = line.charAt(f.at);
        f.skip(1); // field 3, the state
        int ppid = (int) f.next();
        int pgid = (int) f.next();
        int sid = (int) f.next();
        int ttyNr = (int) f.next();
        int tpgid = (int) f.next();
        f.skip(13); // fields 9 to 21
        return new ProcStat(pid, state, ppid, pgid, sid, ttyNr, tpgid, f.next());
    }

    /** A zombie has exited and only waits to be reaped: it runs nothing and no signal reaches it. */
    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }

    /** A walk over the space-separated fields after the command, without splitting all 50 of them. */
    private static final class Fields {
        private final String line;
        int at;

        Fields(String line, int at) {
            this.line = line;
            this.at = at;
        }

        void skip(int fields) {
            for (int i = 0; i < fields; i++) {
                at = line.indexOf(' ', at) + 1;
                if (at == 0) {
                    throw new IllegalArgumentException("too few fields");
                }
            }
        }

        long next() {
            int end = line.indexOf(' ', at);
            long value = Long.parseLong(line, at, end < 0 ? line.length() : end, 10);
            at = end + 1;
            return value;
        }
    }
}
