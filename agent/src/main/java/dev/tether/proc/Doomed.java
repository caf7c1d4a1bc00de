package dev.tether.proc;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;

/**
 * Whether a running process is already on its way out, though it has not exited yet: a fatal
 * signal (SIGTERM at its default action) puts SIGKILL in every thread's pending set at once
 * (kernel/signal.c, complete_signal), which /proc/PID/status shows in SigPnd until the process
 * takes it; from then on it runs its exit, and the flags of /proc/PID/stat have PF_EXITING
 * (include/linux/sched.h). On a crowded machine either can last a long time.
 */
public final class Doomed {
    private static final long SIGKILL_BIT = 1L << (9 - 1);
    private static final long PF_EXITING = 0x4;

    private Doomed() {
    }

    /** @return whether {@code pid} is doomed; false if unknown or gone */
    public static boolean process(int pid) {
        // In this order: the process clears SIGKILL from SigPnd when it takes it, and sets
        // PF_EXITING just after (do_group_exit, do_exit): read the other way round, a process that
        // takes its signal between the two reads would show neither.
        return killPending(pid) || exiting(pid);
    }

    /** Field 9 of /proc/PID/stat, the flags: the seventh after the command's closing parenthesis. */
    private static boolean exiting(int pid) {
        try (BufferedReader stat = new BufferedReader(new FileReader("/proc/" + pid + "/stat"))) {
            String line = stat.readLine();
            java.util.StringTokenizer fields = new java.util.StringTokenizer(line.substring(line.lastIndexOf(')') + 1));
            for (int field = 3; field < 9; field++) {
                fields.nextToken();
            }
            return (Long.parseLong(fields.nextToken()) & PF_EXITING) != 0;
        } catch (IOException | RuntimeException e) {
            return false; // gone, or no /proc
        }
    }

    private static boolean killPending(int pid) {
        try (BufferedReader status = new BufferedReader(new FileReader("/proc/" + pid + "/status"))) {
            for (String line; (line = status.readLine()) != null; ) {
                if (line.startsWith("SigPnd:")) {
                    return (Long.parseUnsignedLong(line.substring("SigPnd:".length()).trim(), 16) & SIGKILL_BIT) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or no /proc
        }
        return false;
    }
}
