package dev.tether.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands out {@link Mark}s and kills every process carrying one after each test, passed or failed.
 * A JVM shutdown hook sweeps every mark of this run as a last resort (a test JVM killed by a timeout).
 * Use as {@code @RegisterExtension final Marks marks = new Marks();}.
 */
public final class Marks implements BeforeEachCallback, AfterEachCallback {
    /** Common to every mark of this test JVM, unique across runs (pid plus start time). */
    static final String RUN_PREFIX = "it" + ProcessHandle.current().pid() + "x"
            + Long.toString(System.currentTimeMillis(), 36) + "-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Sweeper.sweepPrefix(RUN_PREFIX),
                "tether-it-last-sweep"));
    }

    private final List<Mark> issued = new ArrayList<>();
    private String testName = "test";

    /** A new mark for one child JVM of the running test. */
    public synchronized Mark next() {
        Mark mark = new Mark(RUN_PREFIX + COUNTER.incrementAndGet() + "-" + testName);
        issued.add(mark);
        return mark;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String name = context.getTestMethod().map(m -> m.getName()).orElse("test");
        testName = name.replaceAll("[^A-Za-z0-9_]", "_");
        if (testName.length() > 40) testName = testName.substring(0, 40);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (Mark mark : issued) mark.sweep();
        issued.clear();
    }
}
