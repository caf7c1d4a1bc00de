package dev.tether.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code status PID}: finds the keeper that serves that JVM among this user's processes named
 * {@code tether-keeper}, reads its {@code DIR/keeper.status} (docs/keeper.md) and prints it as a tree.
 */
final class Status {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final String SOCKET = "keeper.status";

    private Status() {
    }

    static int print(int pid, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(Path.of("/proc/" + pid))) {
            err.println("tether: no process " + pid);
            return Cli.NO_TETHER;
        }
        boolean unanswered = false;
        for (Path dir : keeperDirectories()) {
            List<String> lines;
            try {
                lines = read(dir.resolve(SOCKET));
            } catch (IOException e) {
                unanswered = true;
                continue;
            }
            if (!lines.isEmpty() && lines.get(0).equals("jvm " + pid)) {
                out.print(StatusTree.render(pid, lines));
                return Cli.OK;
            }
        }
        if (unanswered) {
            err.println("tether: a keeper of this user did not answer; process " + pid + " may be its JVM");
            return Cli.NO_ANSWER;
        }
        err.println("tether: no Tether in process " + pid + ": no keeper of this user serves it (it runs without"
                + " the agent, has spawned nothing yet, or belongs to another user)");
        return Cli.NO_TETHER;
    }

    /** The private directories of this user's keepers: the last argument of each one's command line. */
    private static List<Path> keeperDirectories() {
        List<Path> dirs = new ArrayList<>();
        Object me;
        try {
            me = Files.getAttribute(Path.of("/proc/self/"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return dirs;
        }
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                try {
                    if (!Files.readString(p.resolve("comm")).trim().equals("tether-keeper")
                            || !me.equals(Files.getAttribute(p, "unix:uid"))) {
                        continue;
                    }
                    String[] args = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
                    if (args.length >= 4 && args[args.length - 1].startsWith("/")) {
                        dirs.add(Path.of(args[args.length - 1]));
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            return dirs;
        }
        return dirs;
    }

    /** Everything the keeper sends, up to its "end" line, within PATIENCE_NANOS. */
    private static List<String> read(Path socket) throws IOException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        StringBuilder text = new StringBuilder();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException("no answer from " + socket);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                text.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
        }
        List<String> lines = List.of(text.toString().split("\n"));
        if (lines.isEmpty() || !lines.get(lines.size() - 1).equals("end")) {
            throw new IOException("a cut-off answer from " + socket);
        }
        return lines.subList(0, lines.size() - 1);
    }
}
