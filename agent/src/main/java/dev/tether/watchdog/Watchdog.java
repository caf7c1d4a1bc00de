package dev.tether.watchdog;

import dev.tether.log.Log;
import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Syscalls;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's end of the watchdog (native/src/main/c/tether-watchdog.c): a small process in a session
 * of its own that ends the recorded groups itself when the JVM dies without running its shutdown
 * hooks (SIGKILL, Runtime.halt, -Xrs, a crash), which it notices as the end of its channel.
 *
 * <p>The channel is a connected Unix stream socket, not a pipe: a pipe can be opened again by any
 * process of the user through /proc/PID/fd (of the JVM or of the watchdog), which could then send
 * "bye" and leave every child to outlive a SIGKILL, or forge records; a socket cannot be opened that
 * way (ENXIO). The JVM listens on an abstract socket (unix(7): a name, not a file, so no path length
 * limit and nothing to remove) named after its private directory, starts the watchdog, which
 * connects before it detaches, and accepts the first connection whose peer (SO_PEERCRED) is the
 * process it started, then closes the listener. Anyone may connect meanwhile, and is turned away:
 * connections queue in order, the watchdog's was made while its process still held that pid, so a
 * stranger's connection ahead of it has another pid, and one made by a process that took the pid
 * later queues behind it. Both ends are close-on-exec, so no child holds one. Writes are non-blocking: a full socket (the watchdog reads in batches, see BATCH_PAUSE_NS in
 * the C file) holds up the writing thread for at most {@link #PATIENCE_NANOS}, once: after that the
 * watchdog counts as stuck and is given up with a warning. Given up, not closed: the end of the
 * channel is the watchdog's sign that the JVM died, and a stuck watchdog that woke to it would end
 * every group it knows while the JVM still runs them (and take the launcher's directory away). For
 * the same reason the channel stays open after "bye": its end then tells the watchdog when the JVM
 * has exited, so that it removes the private directory if the JVM could not (a hook that hangs).
 */
public final class Watchdog {
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    /** At most this many bytes per {@link #send}, so that a batch of "-" lines stays a bounded write. */
    private static final int MAX_SEND = 4096;
    /** Far more than the watchdog needs to drain a full socket (it pauses 10 ms between batches). */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final String BYE = "bye\n";

    private final int fd;
    /** Set when the watchdog stopped reading or is gone: nothing more is sent. */
    private boolean givenUp;

    private Watchdog(int fd) {
        this.fd = fd;
    }

    /**
     * Starts the watchdog; returns once it has detached and connected. Linux.
     *
     * @param dir the private directory, which the watchdog removes after a hard death; its (random)
     *        name names the channel
     * @param verbose whether the watchdog's stderr is the JVM's (log=debug): all it says is a
     *        degradation or a fault the host did not cause, so otherwise it says nothing at all
     */
    public static Watchdog start(String path, String dir, Duration grace, boolean verbose) throws IOException {
        String name = new File(dir).getName(); // random: see LauncherFiles
        byte[] address = LinuxSyscalls.abstractAddress(name);
        int listener = LinuxSyscalls.socket(LinuxSyscalls.AF_UNIX,
                LinuxSyscalls.SOCK_STREAM | LinuxSyscalls.SOCK_CLOEXEC | LinuxSyscalls.SOCK_NONBLOCK, 0);
        if (listener < 0) {
            throw new IOException("socket: errno " + Syscalls.errno());
        }
        try {
            if (LinuxSyscalls.bind(listener, address, address.length) != 0 || LinuxSyscalls.listen(listener, 4) != 0) {
                throw new IOException("cannot listen on @" + name + ": errno " + Syscalls.errno());
            }
            Process starter = new ProcessBuilder(path, "-c", name, Long.toString(grace.toMillis()),
                    Integer.toString(Syscalls.getsid(0)), dir)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(verbose ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD)
                    .start();
            int exit = starter.waitFor();
            if (exit != 0) {
                throw new IOException(path + " exited with " + exit + " instead of detaching");
            }
            return new Watchdog(acceptFrom(listener, starter.pid()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Syscalls.close(listener);
        }
    }

    /**
     * The connection of process {@code pid}: the watchdog connects before it forks and its starter
     * exits, so by now it is queued. Anyone else who connected (only this user can reach the
     * directory) is turned away.
     */
    private static int acceptFrom(int listener, long pid) throws IOException {
        while (true) {
            int fd = LinuxSyscalls.accept4(listener, null, null, LinuxSyscalls.SOCK_CLOEXEC | LinuxSyscalls.SOCK_NONBLOCK);
            if (fd < 0) {
                throw new IOException("the watchdog did not connect (errno " + Syscalls.errno() + ")");
            }
            int[] peer = new int[3]; // struct ucred: pid, uid, gid
            int[] length = {12};
            if (LinuxSyscalls.getsockopt(fd, LinuxSyscalls.SOL_SOCKET, LinuxSyscalls.SO_PEERCRED, peer, length) == 0
                    && peer[0] == pid) {
                return fd;
            }
            Syscalls.close(fd);
        }
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
            if (lines.length() + line.length() > MAX_SEND) {
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
     * {@code bye}: the JVM has ended its groups itself; the watchdog forgets them. The channel stays
     * open (see the class comment). To a watchdog given up, one try without waiting.
     */
    public synchronized void goodbye() {
        if (givenUp) {
            byte[] bye = BYE.getBytes(StandardCharsets.US_ASCII);
            LinuxSyscalls.send(fd, bye, bye.length, LinuxSyscalls.MSG_NOSIGNAL);
        } else {
            send(BYE);
        }
    }

    /**
     * @param lines whole lines, at most MAX_SEND bytes: a stream socket may take part of them, so the
     *        rest follows before any other thread's lines (this method holds the lock), and no line is torn
     */
    private synchronized void send(String lines) {
        if (givenUp) {
            return;
        }
        byte[] bytes = lines.getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (bytes.length > 0) {
            long sent = LinuxSyscalls.send(fd, bytes, bytes.length, LinuxSyscalls.MSG_NOSIGNAL);
            if (sent == bytes.length) {
                return;
            }
            if (sent >= 0) {
                bytes = Arrays.copyOfRange(bytes, (int) sent, bytes.length);
                continue;
            }
            int errno = Syscalls.errno();
            if (errno == EAGAIN && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(RETRY_NANOS);
            } else if (errno == EAGAIN) {
                giveUp("is not keeping up");
                return;
            } else if (errno != EINTR) {
                giveUp("is gone (errno " + errno + ")");
                return;
            }
        }
    }

    private void giveUp(String why) {
        givenUp = true; // the channel stays open: see the class comment
        Log.get(Watchdog.class).warn("the watchdog {}; children will not be stopped if the JVM is killed", why);
    }
}
