package dev.tether.nativeio;

import com.sun.jna.Platform;

/**
 * pidfd_open(2) and pidfd_send_signal(2) through {@link Syscalls#syscall}. Both syscalls have the
 * same number on every Linux architecture (added after the numbering was unified in 5.1). Results
 * follow the kernel's convention: a value >= 0, or minus errno.
 */
public final class Pidfd {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    /** Signal the process group whose id is the pidfd's pid (include/uapi/linux/pidfd.h, Linux 6.9). */
    public static final long SIGNAL_PROCESS_GROUP = 1L << 2;
    private static final int POLLIN = 1;

    private Pidfd() {
    }

    public static boolean platformHasPidfd() {
        return Platform.isLinux() && Platform.is64Bit();
    }

    /** @return a new pidfd for {@code pid}, or minus errno (ENOSYS before Linux 5.3, ESRCH if gone). */
    public static int open(int pid) {
        long fd = Syscalls.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
        return fd < 0 ? -Syscalls.errno() : (int) fd;
    }

    /**
     * Whether the pidfd's process has exited, reaped or not: a pidfd polls readable once it has
     * (pidfd_open(2)); a zombie runs nothing, and where no init reaps orphans it stays one for good.
     */
    public static boolean exited(int pidfd) {
        int[] pollfd = {pidfd, POLLIN};
        return Syscalls.poll(pollfd, 1, 0) > 0 && ((pollfd[1] >>> 16) & POLLIN) != 0;
    }

    /** Sends {@code signal} (0 only checks) to the pidfd's process, or with the flag to its group; 0 or minus errno. */
    public static int sendSignal(int pidfd, int signal, long flags) {
        return Syscalls.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, flags) < 0 ? -Syscalls.errno() : 0;
    }
}
