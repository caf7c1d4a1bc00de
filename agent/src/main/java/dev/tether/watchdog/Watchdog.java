package dev.tether.watchdog;

import dev.tether.log.Log;
import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Syscalls;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The JVM's end of the watchdog (native/src/main/c/tether-watchdog.c): a small process in a session
 * of its own that ends the recorded groups itself when the JVM dies without running its shutdown
 * hooks (SIGKILL, Runtime.halt, -Xrs, a crash), which it notices as EOF on its stdin.
 *
 * <p>The pipe is Tether's own, not a Process's stdin: the watchdog detaches from the process the
 * JDK starts (which exits at once, so the host never sees a lasting child), and the JDK closes a
 * Process's stdin when that process exits. The write end is close-on-exec, so no child of the JVM
 * can hold it open, and non-blocking, so a stuck watchdog can never stall a spawn.
 */
public final class Watchdog {
    /** O_NONBLOCK (asm-generic/fcntl.h; x86_64 and aarch64). */
    private static final int O_NONBLOCK = 04000;
    private static final int EAGAIN = 11;

    private int fd;

    private Watchdog(int fd) {
        this.fd = fd;
    }

    /** Starts the watchdog; returns once it has detached. Linux (it re-opens the pipe through /proc). */
    public static Watchdog start(String path, Duration grace) throws IOException {
        int[] pipe = new int[2];
        if (LinuxSyscalls.pipe2(pipe, LinuxSyscalls.O_CLOEXEC | O_NONBLOCK) != 0) {
            throw new IOException("pipe2: errno " + Syscalls.errno());
        }
        try {
            // The JDK opens the child's stdin by path; /proc/self/fd/N opens this pipe's read end anew
            // (a blocking one: O_NONBLOCK belongs to our open file description only).
            Process starter = new ProcessBuilder(path, Long.toString(grace.toMillis()), Integer.toString(Syscalls.getsid(0)))
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

    /** {@code - PID}: the child's group is gone; forget it. */
    public void forgotten(int pid) {
        send("- " + pid + "\n");
    }

    /** {@code bye}: the JVM has ended its groups itself; the watchdog exits without touching them. */
    public synchronized void goodbye() {
        send("bye\n");
        if (fd >= 0) {
            Syscalls.close(fd);
            fd = -1;
        }
    }

    private synchronized void send(String line) {
        if (fd < 0) {
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        // Shorter than PIPE_BUF, so written whole or not at all (pipe(7)).
        if (Syscalls.write(fd, bytes, bytes.length) < 0) {
            int errno = Syscalls.errno();
            String why = errno == EAGAIN ? "is not keeping up" : "is gone (errno " + errno + ")";
            Log.get(Watchdog.class).warn("the watchdog {}; children will not be stopped if the JVM is killed", why);
            Syscalls.close(fd);
            fd = -1;
        }
    }
}
