package dev.tether.nativeio;

/** The errno values Tether tests for. Linux and macOS agree on them. */
public final class Errno {
    /** No such process (or process group). */
    public static final int ESRCH = 3;
    /** Too many open files: this process's descriptor limit (RLIMIT_NOFILE). */
    public static final int EMFILE = 24;
    /** Too many open files in the system. macOS numbers it 23 too. */
    public static final int ENFILE = 23;

    private Errno() {
    }
}
