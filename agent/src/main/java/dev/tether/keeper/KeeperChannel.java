package dev.tether.keeper;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * <p>Every line sent is answered by one line, in order. The same thread reads the answers; the end
 * of the channel (the keeper died, or was killed) fails every open request and is reported once.
 * The channel is never closed by the JVM: its end is the keeper's sign that the JVM has exited.
 */
final class KeeperChannel {
    private static final String SOCKET = "keeper.ctl";

    private final String address;
    private final CompletableFuture<SocketChannel> socket = new CompletableFuture<>();
    private final Queue<CompletableFuture<String>> waiting = new ArrayDeque<>();
    private final Runnable lost;
    private boolean closed;

    private KeeperChannel(String address, Runnable lost) {
        this.address = address;
        this.lost = lost;
    }

    /**
     * Starts {@code keeper} for the private directory {@code dir}; returns once it has detached and
     * its sockets are bound (a child can register), and connects in the background. Its stderr is the JVM's only if {@code verbose}: every line it writes
     * is a degradation or a fault the host did not cause.
     *
     * @param lost run once, on the reader thread, if the channel ends while the JVM runs
     */
    static KeeperChannel start(String keeper, String dir, Duration grace, boolean strict, int jvmSession,
            boolean verbose, Runnable lost) throws IOException {
        ProcessBuilder starter = new ProcessBuilder(keeper);
        if (strict) {
            starter.command().add("-s");
        }
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
        Thread reader = new Thread(channel::connectAndRead, "tether-keeper");
        reader.setDaemon(true);
        reader.start();
        return channel;
    }

    /**
     * Sends {@code line} and waits for its answer.
     *
     * @throws IOException if the keeper is gone, or did not answer within {@code patience}
     */
    String ask(String line, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            SocketChannel connected = socket.get(patience.toNanos(), TimeUnit.NANOSECONDS);
            synchronized (this) {
                if (closed) {
                    throw new IOException("the keeper is gone");
                }
                waiting.add(answer);
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    connected.write(bytes);
                }
            }
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the keeper is gone", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the keeper did not answer \"" + line + "\" within " + patience.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the keeper", e);
        }
    }

    private void connectAndRead() {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        StringBuilder line = new StringBuilder();
        try {
            SocketChannel connected = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                connected.connect(UnixDomainSocketAddress.of(address));
            } catch (IOException e) {
                connected.close();
                throw e;
            }
            socket.complete(connected);
            while (connected.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    char c = (char) buffer.get();
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    CompletableFuture<String> next;
                    synchronized (this) {
                        next = waiting.poll();
                    }
                    if (next != null) {
                        next.complete(line.toString());
                    }
                    line.setLength(0);
                }
                buffer.clear();
            }
        } catch (IOException | RuntimeException e) {
            // the same as the end of the channel
        }
        socket.completeExceptionally(new IOException("cannot connect to the keeper"));
        synchronized (this) {
            closed = true;
            for (CompletableFuture<String> open : waiting) {
                open.completeExceptionally(new IOException("the keeper is gone"));
            }
            waiting.clear();
        }
        lost.run();
    }
}
