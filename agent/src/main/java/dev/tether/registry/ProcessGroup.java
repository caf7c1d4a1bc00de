package dev.tether.registry;

/**
 * A process group Tether started: its leader is the child the JDK spawned, whose pid is the group id.
 *
 * <p>The pidfd (Linux 5.3+) pins the leader's {@code struct pid}: signals sent through it with
 * {@code PIDFD_SIGNAL_PROCESS_GROUP} reach this group and never a later group that reuses the number.
 * It is opened before the JDK can reap the leader, so it cannot name a stranger either.
 */
public final class ProcessGroup {
    private final int pgid;
    private final boolean ownGroup;
    private final long leaderStartTime;
    private final String command;
    private int pidfd;

    public ProcessGroup(int pgid, boolean ownGroup, long leaderStartTime, int pidfd, String command) {
        this.pgid = pgid;
        this.ownGroup = ownGroup;
        this.leaderStartTime = leaderStartTime;
        this.pidfd = pidfd;
        this.command = command;
    }

    public int pgid() {
        return pgid;
    }

    /**
     * False for a child that shares the JVM's terminal and so stays in the JVM's own group (see
     * TerminalPolicy): it is signalled as a process, together with its descendants, never as a group.
     */
    public boolean ownGroup() {
        return ownGroup;
    }

    /** Clock ticks since boot (/proc/[pid]/stat field 22), or -1 where there is no /proc. */
    public long leaderStartTime() {
        return leaderStartTime;
    }

    public String command() {
        return command;
    }

    /** Runs {@code use} with the pidfd (-1 if none) while it cannot be closed underneath. */
    public synchronized <T> T withPidfd(PidfdUse<T> use) {
        return use.apply(pidfd);
    }

    /** Closes the pidfd; later uses see -1. */
    public synchronized void release(PidfdCloser closer) {
        if (pidfd >= 0) {
            closer.close(pidfd);
            pidfd = -1;
        }
    }

    @Override
    public String toString() {
        return (ownGroup ? "group " : "process ") + pgid + " (" + command + ")";
    }

    /** What to do with a pidfd. */
    public interface PidfdUse<T> {
        T apply(int pidfd);
    }

    /** How to close a pidfd. */
    public interface PidfdCloser {
        void close(int pidfd);
    }
}
