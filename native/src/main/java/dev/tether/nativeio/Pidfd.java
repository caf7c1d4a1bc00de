package dev.tether.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;

/**
 * pidfd_open(2) and pidfd_send_signal(2) through {@link LibC#syscall}. Both syscalls have the same
 * number on every Linux architecture (they were added after the numbering was unified in 5.1).
 */
public final class Pidfd {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    /** Signal the process group whose id is the pidfd's pid (include/uapi/linux/pidfd.h, Linux 6.9). */
    public static final long SIGNAL_PROCESS_GROUP = 1L << 2;

    private final LibC libc;

    public Pidfd(LibC libc) {
        this.libc = libc;
    }

    public static boolean platformHasPidfd() {
        return Platform.isLinux() && Platform.is64Bit();
    }

    /** @return a new pidfd for {@code pid}; throws with errno (ENOSYS before Linux 5.3). */
    public int open(int pid) throws LastErrorException {
        return (int) libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
    }

    /** Sends {@code signal} (0 only checks) to the pidfd's process, or with the flag to its process group. */
    public void sendSignal(int pidfd, int signal, long flags) throws LastErrorException {
        libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, flags);
    }
}
