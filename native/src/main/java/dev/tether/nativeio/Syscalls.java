package dev.tether.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Tether's libc calls, bound through JNA's direct mapping: a static native call costs a fraction of
 * an interface proxy's (no reflection, no argument boxing), binding them costs the first spawn no
 * proxy class, and a failure is a return value of -1 with errno in {@link #errno()}, not an
 * exception. Loaded only where the JVM itself must make the call: as PID 1 or a child subreaper (the
 * orphan reaper's /proc reads and waitpid). No policy lives here: callers decide what a failure means. POSIX calls only: binding
 * fails as a whole if one symbol is missing, so Linux's own are on {@link LinuxSyscalls}.
 */
public final class Syscalls {
    static {
        Native.register(Syscalls.class, Platform.C_LIBRARY_NAME);
    }

    private Syscalls() {
    }

    /** open(2) with no mode (so never O_CREAT): a file descriptor, or -1. */
    public static native int open(String path, int flags);

    /** read(2). */
    public static native long read(int fd, byte[] buffer, long count);

    /** close(2). */
    public static native int close(int fd);

    /** waitpid(2); {@code status} may be null. */
    public static native int waitpid(int pid, int[] status, int options);

    /** errno of this thread's last call above. */
    public static int errno() {
        return Native.getLastError();
    }
}
