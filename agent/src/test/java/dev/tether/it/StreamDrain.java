package dev.tether.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Reads a child's stdout or stderr on its own thread into memory, so the child never blocks on a full pipe. */
final class StreamDrain {
    private final StringBuilder text = new StringBuilder();
    private final Thread thread;

    StreamDrain(InputStream in, String name) {
        thread = new Thread(() -> pump(in), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(InputStream in) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n; (n = reader.read(buffer)) != -1; ) {
                synchronized (this) {
                    text.append(buffer, 0, n);
                }
            }
        } catch (IOException closed) {
            // the child is gone; what was read is kept
        }
    }

    synchronized String text() {
        return text.toString();
    }

    /** Complete lines so far (a last line without its newline is not complete yet). */
    List<String> lines() {
        String all = text();
        int end = all.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(all.substring(0, end).split("\n", -1));
    }

    /** Waits until the stream reached its end (the child and every holder of the pipe closed it). */
    boolean awaitEnd(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
