package dev.tether.nativeio;

/** The errno value Tether tests for. Linux and macOS agree on it. */
public final class Errno {
    /** No such process (or process group). */
    public static final int ESRCH = 3;

    private Errno() {
    }
}
