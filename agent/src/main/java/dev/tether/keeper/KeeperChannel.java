package dev.tether.keeper;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One running keeper and the JVM's connection to it: a Unix stream socket the keeper listens on in
 * the private directory, taken by the first connection whose peer is this JVM and then unlinked. A
 * connected socket cannot be opened again through /proc (open(2) fails with ENXIO, unlike a pipe),
 * so no other process, the user's own included, can speak for the JVM. JDK 16+ sockets: no JNA.
 *
 * <p>The connection is made on the channel's own daemon thread, not on the spawn that started the
 * keeper: the JDK's first Unix socket costs 23 to 30 ms here (sun.nio.ch.UnixDomainSockets seeds a
 * SecureRandom in its static initialiser, for names it never needs here), and nothing on the spawn
 * path waits for the channel: the children register through the keeper's other socket, and the
 * keeper learns of the JVM's death from a pidfd on it as well. A request waits for the connection.
 *
 * <p>Every line sent is answered by one line, in order; the asking thread reads its answer itself,
 * under the channel's lock. No thread of Tether's ever waits in a read: at exit the JVM waits up
 * to 300 ms for every thread that is in native code to leave it (HotSpot's
 * VM_Exit::wait_for_threads_in_native_to_block, vmOperations.cpp), and a reader blocked on this
 * socket made every exit (System.exit and Runtime.halt alike) 300 ms slower. So the same daemon
 * thread that connects then parks, and every {@link #WATCH_NANOS} looks, without blocking, whether
 * the keeper has gone (end of file): once, then reported. The channel is never closed by the JVM:
 * its end is the keeper's sign that the JVM has exited.
 */
final class KeeperChannel {
    private static final String SOCKET = "keeper.ctl";
    /** How soon a keeper that died (kill -9) is noticed and replaced while nothing is asked of it. */
    private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long ANSWER_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final String address;
    private final CompletableFuture<SocketChannel> socket = new CompletableFuture<>();
    private final Runnable lost;
    private final ByteBuffer in = ByteBuffer.allocate(4096);
    private boolean closed;

    private KeeperChannel(String address, Runnable lost) {
        this.address = address;
        this.lost = lost;
    }

    /**
     * Starts {@code keeper} for the private directory {@code dir}; returns once it has detached and
     * its sockets are bound (a child can register), and connects in the background. Its stderr
     * is the JVM's only if {@code verbose}: every line it writes is a degradation or a fault the host
     * did not cause.
     *
     * @param lost run once, on the channel's thread, if the channel ends while the JVM runs
     */
    static KeeperChannel start(String keeper, String dir, Duration grace, List<String> modes, int jvmSession,
            boolean verbose, Runnable lost) throws IOException {
        ProcessBuilder starter = new ProcessBuilder(keeper);
        starter.command().addAll(modes);
        starter.command().add(Long.toString(grace.toMillis()));
        starter.command().add(Integer.toString(jvmSession));
        starter.command().add(dir);
        Process process = starter.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(verbose ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(keeper + " exited with " + exit + " instead of detaching");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the keeper", e);
        }
        KeeperChannel channel = new KeeperChannel(new File(dir, SOCKET).getPath(), lost);
        Thread watcher = new Thread(channel::connectAndWatch, "tether-keeper");
        watcher.setDaemon(true);
        watcher.start();
        return channel;
    }

    /**
     * Sends {@code line} and waits for its answer.
     *
     * @throws IOException if the keeper is gone, or did not answer within {@code patience}
     */
    String ask(String line, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        SocketChannel connected;
        try {
            connected = socket.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the keeper is gone", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no connection to the keeper within " + patience.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the keeper", e);
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the keeper is gone");
            }
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                connected.write(bytes);
            }
            StringBuilder answer = new StringBuilder();
            while (true) {
                while (in.hasRemaining()) {
                    char c = (char) in.get();
                    if (c == '\n') {
                        return answer.toString();
                    }
                    answer.append(c);
                }
                in.clear();
                int n = connected.read(in); // non-blocking: see the class comment
                in.flip();
                if (n < 0) {
                    closed = true;
                    throw new IOException("the keeper is gone");
                }
                if (n == 0) {
                    if (System.nanoTime() - deadline > 0) {
                        // A late answer would be taken for the answer to the next question.
                        closed = true;
                        throw new IOException("the keeper did not answer \"" + line + "\" within "
                                + patience.toMillis() + " ms");
                    }
                    LockSupport.parkNanos(ANSWER_POLL_NANOS);
                }
            }
        }
    }

    private void connectAndWatch() {
        try {
            SocketChannel connected = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                connected.connect(UnixDomainSocketAddress.of(address));
                connected.configureBlocking(false);
            } catch (IOException e) {
                connected.close();
                throw e;
            }
            in.flip(); // empty, ready to be read from
            socket.complete(connected);
            ByteBuffer peek = ByteBuffer.allocate(1);
            while (true) {
                LockSupport.parkNanos(WATCH_NANOS);
                synchronized (this) {
                    if (closed) {
                        break;
                    }
                    // Nothing is ever sent unasked, so outside ask() there is only ever the end of file.
                    peek.clear();
                    if (connected.read(peek) < 0) {
                        closed = true;
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                closed = true;
            }
        }
        socket.completeExceptionally(new IOException("cannot connect to the keeper"));
        lost.run();
    }
}
