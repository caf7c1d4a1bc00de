package dev.tether.it;

/** One row of /proc: the fields of /proc/[pid]/stat a test reasons about, plus the command line. */
public final class ProcessInfo {
    public final long pid;
    public final long ppid;
    public final long pgid;
    public final long sid;
    /** Field 3 of /proc/[pid]/stat: R, S, D, T, Z... */
    public final char state;
    /** Field 22 (starttime, clock ticks since boot): with the pid, names one process even across pid reuse. */
    public final long startTime;
    public final String cmdline;

    ProcessInfo(long pid, long ppid, long pgid, long sid, char state, long startTime, String cmdline) {
        this.pid = pid;
        this.ppid = ppid;
        this.pgid = pgid;
        this.sid = sid;
        this.state = state;
        this.startTime = startTime;
        this.cmdline = cmdline;
    }

    /**
     * PID 1 on the test machine does not reap orphans, so a dead orphan stays a zombie forever: a zombie
     * has exited and is never a survivor.
     */
    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }

    @Override
    public String toString() {
        return pid + " ppid=" + ppid + " pgid=" + pgid + " " + state + " [" + cmdline + "]";
    }

    /** Tether's keeper: marked like the tree (it inherits the JVM's environment) but not part of it. */
    public boolean isKeeper() {
        return cmdline.contains("tether-keeper");
    }
}
