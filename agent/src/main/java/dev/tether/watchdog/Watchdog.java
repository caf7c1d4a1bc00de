package dev.tether.watchdog;

import dev.tether.log.Log;
import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Syscalls;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's end of the watchdog (native/src/main/c/tether-watchdog.c): a small process in a session
 * of its own that ends the recorded groups itself when the JVM dies without running its shutdown
 * hooks (SIGKILL, Runtime.halt, -Xrs, a crash), which it notices as EOF on its stdin.
 *
 * <p>The pipe is Tether's own, not a Process's stdin: the watchdog detaches from the process the
 * JDK starts (which exits at once, so the host never sees a lasting child), and the JDK closes a
 * Process's stdin when that process exits. The write end is close-on-exec, so no child of the JVM
 * can hold it open, and non-blocking: a full pipe (the watchdog reads in batches, see
 * BATCH_PAUSE_NS in the C file) holds up the writing thread for at most {@link #PATIENCE_NANOS},
 * once: after that the watchdog counts as stuck and is given up with a warning. Given up, not
 * closed: EOF is the watchdog's sign that the JVM died, and a stuck watchdog that woke to it would
 * end every group it knows while the JVM still runs them (and take the launcher's directory away).
 */
public final class Watchdog {
    /** O_NONBLOCK (asm-generic/fcntl.h; x86_64 and aarch64). */
    private static final int O_NONBLOCK = 04000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    /** pipe(7): a write of at most this many bytes is atomic, so no line is ever torn. */
    private static final int PIPE_BUF = 4096;
    /** Far more than the watchdog needs to drain a full pipe (it pauses 10 ms between batches). */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final String BYE = "bye\n";

    private int fd;
    /** Set when the watchdog stopped reading: nothing more is sent, but the pipe stays open. */
    private boolean givenUp;

    private Watchdog(int fd) {
        this.fd = fd;
    }

    /**
     * Starts the watchdog; returns once it has detached. Linux (it re-opens the pipe through /proc).
     *
     * @param dir the private directory the watchdog runs from, which it removes after a hard death
     */
    public static Watchdog start(String path, String dir, Duration grace) throws IOException {
        int[] pipe = new int[2];
        if (LinuxSyscalls.pipe2(pipe, LinuxSyscalls.O_CLOEXEC | O_NONBLOCK) != 0) {
            throw new IOException("pipe2: errno " + Syscalls.errno());
        }
        try {
            // The JDK opens the child's stdin by path; /proc/self/fd/N opens this pipe's read end anew
            // (a blocking one: O_NONBLOCK belongs to our open file description only).
            Process starter = new ProcessBuilder(path, Long.toString(grace.toMillis()), Integer.toString(Syscalls.getsid(0)), dir)
                    .redirectInput(new File("/proc/self/fd/" + pipe[0]))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            int exit = starter.waitFor();
            if (exit != 0) {
                throw new IOException(path + " exited with " + exit + " instead of detaching");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            Syscalls.close(pipe[1]);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        } finally {
            Syscalls.close(pipe[0]);
        }
        return new Watchdog(pipe[1]);
    }

    /**
     * {@code + PID START OWN [FD]}: a child recorded (OWN 1: it leads its group; 0: it shares the
     * JVM's). FD is this JVM's pidfd on it, which the watchdog copies (pidfd_getfd(2)) so that its
     * proof of ownership does not depend on reading the line before the JDK reaps the child.
     */
    public void recorded(int pid, long startTime, boolean ownGroup, int pidfd) {
        String line = "+ " + pid + " " + startTime + " " + (ownGroup ? 1 : 0);
        send(pidfd >= 0 ? line + " " + pidfd + "\n" : line + "\n");
    }

    /** {@code - PID} for each: the children's groups are gone; forget them. */
    public void forgotten(int[] pids) {
        StringBuilder lines = new StringBuilder();
        for (int pid : pids) {
            String line = "- " + pid + "\n";
            if (lines.length() + line.length() > PIPE_BUF) {
                send(lines.toString());
                lines.setLength(0);
            }
            lines.append(line);
        }
        if (lines.length() > 0) {
            send(lines.toString());
        }
    }

    /**
     * {@code bye}: the JVM has ended its groups itself; the watchdog exits without touching them.
     * To a watchdog given up, one try without waiting: if it does not fit, the EOF that follows makes
     * the watchdog end what it still knows of, which the JVM has just ended anyway.
     */
    public synchronized void goodbye() {
        if (givenUp && fd >= 0) {
            byte[] bye = BYE.getBytes(StandardCharsets.US_ASCII);
            Syscalls.write(fd, bye, bye.length);
        } else {
            send(BYE);
        }
        if (fd >= 0) {
            Syscalls.close(fd);
            fd = -1;
        }
    }

    /** @param lines whole lines, at most PIPE_BUF bytes: written whole or not at all (pipe(7)) */
    private synchronized void send(String lines) {
        if (fd < 0 || givenUp) {
            return;
        }
        byte[] bytes = lines.getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (Syscalls.write(fd, bytes, bytes.length) < 0) {
            int errno = Syscalls.errno();
            if (errno == EAGAIN && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(RETRY_NANOS);
            } else if (errno == EAGAIN) {
                giveUp("is not keeping up");
                givenUp = true; // the pipe stays open: see the class comment
                return;
            } else if (errno != EINTR) {
                giveUp("is gone (errno " + errno + ")");
                Syscalls.close(fd);
                fd = -1;
                return;
            }
        }
    }

    private static void giveUp(String why) {
        Log.get(Watchdog.class).warn("the watchdog {}; children will not be stopped if the JVM is killed", why);
    }
}
