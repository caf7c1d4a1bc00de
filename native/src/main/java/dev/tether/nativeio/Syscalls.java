package dev.tether.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Tether's libc calls, bound through JNA's direct mapping: a static native call costs a fraction of
 * an interface proxy's (no reflection, no argument boxing), binding them costs the first spawn no
 * proxy class, and a failure is a return value of -1 with errno in {@link #errno()}, not an
 * exception (whose stack trace costs more than the call: ESRCH is the normal answer for a group that
 * has ended). No policy lives here: callers decide what a failure means. POSIX calls only: binding
 * fails as a whole if one symbol is missing, so Linux's own are on {@link LinuxSyscalls}.
 */
public final class Syscalls {
    static {
        Native.register(Syscalls.class, Platform.C_LIBRARY_NAME);
    }

    private Syscalls() {
    }

    /** kill(2). */
    public static native int kill(int pid, int sig);

    /** syscall(2), four C long arguments (pidfd_open, pidfd_send_signal). */
    public static native long syscall(long number, long a1, long a2, long a3, long a4);

    /** open(2) with no mode (so never O_CREAT): a file descriptor, or -1. */
    public static native int open(String path, int flags);

    /** read(2). */
    public static native long read(int fd, byte[] buffer, long count);

    /** close(2). */
    public static native int close(int fd);

    /** write(2). */
    public static native long write(int fd, byte[] buffer, long count);

    /** getpgid(2). */
    public static native int getpgid(int pid);

    /** getpgrp(2): this process's group. */
    public static native int getpgrp();

    /** getsid(2). */
    public static native int getsid(int pid);

    /** isatty(3): 1 if {@code fd} is a terminal, else 0 (errno ENOTTY). */
    public static native int isatty(int fd);

    /** tcgetpgrp(3): the foreground process group of the terminal on {@code fd}. */
    public static native int tcgetpgrp(int fd);

    /**
     * poll(2); {@code fds} holds struct pollfd as int pairs: {fd, events | revents << 16} (little-endian
     * layout of {int fd; short events; short revents;}: x86_64 and aarch64).
     */
    public static native int poll(int[] fds, long nfds, int timeout);

    /** waitpid(2); {@code status} may be null. */
    public static native int waitpid(int pid, int[] status, int options);

    /** errno of this thread's last call above. */
    public static int errno() {
        return Native.getLastError();
    }
}
