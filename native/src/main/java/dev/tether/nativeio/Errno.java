package dev.tether.nativeio;

/** The errno values Tether tests for. Linux and macOS agree on these three. */
public final class Errno {
    /** No such process (or process group). */
    public static final int ESRCH = 3;
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** Interrupted system call. */
    public static final int EINTR = 4;

    private Errno() {
    }
}
