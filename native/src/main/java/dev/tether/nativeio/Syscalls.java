package dev.tether.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls made on every spawn and, at shutdown, several times per group, bound through JNA's
 * direct mapping: a static native call costs a fraction of an interface proxy's (no reflection, no
 * argument boxing), and a failure is a return value of -1 with errno in {@link #errno()}, not an
 * exception (whose stack trace costs more than the call: ESRCH is the normal answer for a group that
 * has ended). Everything else stays on {@link LibC}.
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

    /** close(2). */
    public static native int close(int fd);

    /** write(2). */
    public static native long write(int fd, byte[] buffer, long count);

    /** waitpid(2); {@code status} may be null. */
    public static native int waitpid(int pid, int[] status, int options);

    /** prctl(2) (Linux). */
    public static native int prctl(int option, long a2, long a3, long a4, long a5);

    /** errno of this thread's last call above. */
    public static int errno() {
        return Native.getLastError();
    }
}
