package dev.tether.proc;

import dev.tether.nativeio.LinuxSyscalls;

/**
 * A new child's start time, field 22 of /proc/PID/stat, mostly without reading /proc.
 *
 * <p>Reading a process's stat for the first time costs 15-30 us, paid on every spawn (the kernel
 * builds /proc/PID's entries, and the child is still in the middle of its exec). But the field is
 * only the boot-time clock at the child's fork, in clock ticks: the kernel sets
 * {@code start_boottime = ktime_get_boottime_ns()} in copy_process (kernel/fork.c), and proc(5)
 * prints {@code nsec_to_clock_t} of it. So the clock read before the fork and after it brackets the
 * value, and when both readings fall in the same tick (10 ms; a spawn takes well under one) that
 * tick is the start time exactly. Otherwise, or where the clock cannot be read, /proc decides.
 * Both the clock and /proc see the JVM's own time namespace.
 */
public final class StartTimes {
    private static final int CLOCK_BOOTTIME = 7; // linux/time.h
    private static final int SC_CLK_TCK = 2; // glibc's bits/confname.h
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** 0 where the clock is not used (not Linux; a tick that does not divide a second: no exact match). */
    private final long nanosPerTick;

    private StartTimes(long nanosPerTick) {
        this.nanosPerTick = nanosPerTick;
    }

    /** @param linux whether this is Linux (the clock and sysconf calls exist only there) */
    public static StartTimes forThisSystem(boolean linux) {
        long ticksPerSecond = linux ? LinuxSyscalls.sysconf(SC_CLK_TCK) : -1;
        boolean exact = ticksPerSecond > 0 && NANOS_PER_SECOND % ticksPerSecond == 0;
        return new StartTimes(exact ? NANOS_PER_SECOND / ticksPerSecond : 0);
    }

    /** @return the boot-time clock in clock ticks, or -1: take it before the fork */
    public long before() {
        if (nanosPerTick == 0) {
            return -1;
        }
        long[] timespec = new long[2];
        if (LinuxSyscalls.clock_gettime(CLOCK_BOOTTIME, timespec) != 0) {
            return -1;
        }
        return (timespec[0] * NANOS_PER_SECOND + timespec[1]) / nanosPerTick;
    }

    /**
     * @param pid a child forked after {@code before} was taken, and not yet reaped
     * @return its start time, or -1 if it cannot be known
     */
    public long of(int pid, long before) {
        if (before >= 0 && before() == before) {
            return before;
        }
        ProcStat stat = ProcStat.read(pid);
        return stat == null ? -1 : stat.startTime;
    }
}
