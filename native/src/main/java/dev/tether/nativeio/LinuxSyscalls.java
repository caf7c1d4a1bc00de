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
    /** socket(2) and accept4(2) (linux/net.h, asm-generic; the same on x86_64 and aarch64). */
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SOCK_NONBLOCK = 04000;
    /** getsockopt(2) of a Unix socket's peer: struct ucred {pid, uid, gid} (socket(7), unix(7)). */
    public static final int SOL_SOCKET = 1;
    public static final int SO_PEERCRED = 17;
    /** send(2): EPIPE instead of SIGPIPE when the peer is gone. */
    public static final int MSG_NOSIGNAL = 0x4000;

    static {
        Native.register(LinuxSyscalls.class, Platform.C_LIBRARY_NAME);
    }

    private LinuxSyscalls() {
    }

    /** prctl(2). */
    public static native int prctl(int option, long a2, long a3, long a4, long a5);

    /** clock_gettime(2); {@code timespec} is {tv_sec, tv_nsec} (two C longs: LP64 only). */
    public static native int clock_gettime(int clock, long[] timespec);

    /** socket(2). */
    public static native int socket(int domain, int type, int protocol);

    /** bind(2); {@code address} is a struct sockaddr_un (see {@link #unixAddress}). */
    public static native int bind(int fd, byte[] address, int length);

    /** listen(2). */
    public static native int listen(int fd, int backlog);

    /** accept4(2), without the peer's address. */
    public static native int accept4(int fd, com.sun.jna.Pointer address, com.sun.jna.Pointer length, int flags);

    /** getsockopt(2); {@code length} is a socklen_t in and out. */
    public static native int getsockopt(int fd, int level, int name, int[] value, int[] length);

    /** send(2). */
    public static native long send(int fd, byte[] buffer, long count, int flags);

    /**
     * A struct sockaddr_un for the abstract socket {@code name} (unix(7)): sa_family_t AF_UNIX in the
     * machine's byte order, a NUL, then the name, whose length the address's length gives.
     *
     * @param name ASCII, at most 107 bytes
     */
    public static byte[] abstractAddress(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= 108) {
            throw new IllegalArgumentException("an abstract socket name of " + bytes.length + " bytes");
        }
        byte[] address = new byte[2 + 1 + bytes.length];
        java.nio.ByteBuffer.wrap(address).order(java.nio.ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
        System.arraycopy(bytes, 0, address, 3, bytes.length);
        return address;
    }

    /** RLIMIT_NOFILE for getrlimit (asm-generic/resource.h; x86_64 and aarch64). */
    public static final int RLIMIT_NOFILE = 7;

    /** getrlimit(2): {@code limits} is struct rlimit, {soft, hard} (two C longs: LP64 only; -1 is infinity). */
    public static native int getrlimit(int resource, long[] limits);

    /** sysconf(3). */
    public static native long sysconf(int name);
}
