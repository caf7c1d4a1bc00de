package dev.tether.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The Linux-only libc calls, direct-mapped as {@link Syscalls} is, in a class of their own: JNA binds a
 * class's methods all at once, and these symbols do not exist elsewhere (macOS). Use on Linux only.
 */
public final class LinuxSyscalls {
    /** O_CLOEXEC for pipe2 (asm-generic/fcntl.h; the same on x86_64 and aarch64). */
    public static final int O_CLOEXEC = 02000000;

    static {
        Native.register(LinuxSyscalls.class, Platform.C_LIBRARY_NAME);
    }

    private LinuxSyscalls() {
    }

    /** pipe2(2): {@code fds[0]} the read end, {@code fds[1]} the write end. */
    public static native int pipe2(int[] fds, int flags);

    /** prctl(2). */
    public static native int prctl(int option, long a2, long a3, long a4, long a5);

    /** clock_gettime(2); {@code timespec} is {tv_sec, tv_nsec} (two C longs: LP64 only). */
    public static native int clock_gettime(int clock, long[] timespec);

    /** sysconf(3). */
    public static native long sysconf(int name);
}
