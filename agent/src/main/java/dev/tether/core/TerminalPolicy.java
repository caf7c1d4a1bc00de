package dev.tether.core;

import dev.tether.proc.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which children must stay in the JVM's process group because of the terminal.
 *
 * <p>A child in a group of its own is a background job of the JVM's controlling terminal: reading
 * the terminal stops it with SIGTTIN (the host's {@code waitFor} then hangs), changing its modes
 * stops it with SIGTTOU, and Ctrl-C no longer reaches it (termios(3), "Job control"). So when the
 * JVM's group is the foreground group of a terminal and the child inherits that terminal as stdin,
 * stdout or stderr, it is left in the JVM's group, as without Tether, and recorded as a process
 * instead (stopped at exit with its descendants). Every other child gets a group of its own; for
 * those, a SIGINT that arrives while the JVM is in the foreground is forwarded, since Ctrl-C would
 * have reached them had they stayed in the JVM's group.
 *
 * <p>Not covered: a child with no terminal on its standard streams that opens /dev/tty itself
 * (an ssh password prompt) is in its own group and stops if it reads.
 */
final class TerminalPolicy {
    private static final int STANDARD_STREAMS = 3;

    /** @param redirects as ProcessImpl.start receives them: null means three pipes. */
    boolean childSharesForegroundTerminal(ProcessBuilder.Redirect[] redirects) {
        if (redirects == null) {
            return false;
        }
        ProcStat self = null;
        for (int fd = 0; fd < STANDARD_STREAMS && fd < redirects.length; fd++) {
            if (redirects[fd] == ProcessBuilder.Redirect.INHERIT) {
                self = self != null ? self : ProcStat.self();
                if (inForegroundOf(self, fd)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the JVM's group is the foreground group of the terminal on any standard stream. */
    boolean jvmInForeground() {
        ProcStat self = ProcStat.self();
        for (int fd = 0; fd < STANDARD_STREAMS; fd++) {
            if (inForegroundOf(self, fd)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What isatty(fd) and tcgetpgrp(fd) == getpgrp() say, from /proc and without JNA: the stream is
     * the JVM's controlling terminal (the device it names is /proc/self/stat's tty_nr; tcgetpgrp(3)
     * fails with ENOTTY for any other terminal), and that terminal's foreground group (tpgid) is
     * the JVM's (proc(5)).
     */
    private static boolean inForegroundOf(ProcStat self, int fd) {
        if (self == null || self.ttyNr == 0 || self.tpgid != self.pgid) {
            return false;
        }
        try {
            Object device = Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:rdev");
            return device instanceof Long && ((Long) device).intValue() == self.ttyNr;
        } catch (IOException | RuntimeException e) {
            return false; // closed, or no "unix" attribute view
        }
    }
}
