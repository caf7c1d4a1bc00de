package dev.tether.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The Linux-only libc calls, direct-mapped as {@link Syscalls} is, in a class of their own: JNA binds a
 * class's methods all at once, and these symbols do not exist elsewhere (macOS). Use on Linux only.
 */
public final class LinuxSyscalls {
    /** O_CLOEXEC for open(2) (asm-generic/fcntl.h; the same on x86_64 and aarch64). */
    public static final int O_CLOEXEC = 02000000;

    static {
        Native.register(LinuxSyscalls.class, Platform.C_LIBRARY_NAME);
    }

    private LinuxSyscalls() {
    }

    /** prctl(2). */
    public static native int prctl(int option, long a2, long a3, long a4, long a5);
}
