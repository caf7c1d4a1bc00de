package dev.tether.shutdown;

import dev.tether.log.Log;
import dev.tether.reaper.Reaper;
import dev.tether.registry.GroupRegistry;
import dev.tether.registry.ProcessGroup;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Ends every recorded group when the JVM ends: from a shutdown hook (main returned, System.exit, or
 * the JVM's own handling of SIGTERM, SIGINT and SIGHUP), started early from those signals' handlers.
 * Runs once; the shutdown hook waits for it, so the JVM exits only when the groups are gone.
 */
public final class ShutdownCleanup {
    private static final Logger log = Log.get(ShutdownCleanup.class);
    private static final String[] SIGNALS = {"TERM", "INT", "HUP"};

    private final GroupRegistry registry;
    private final Reaper reaper;
    private final Duration grace;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    public ShutdownCleanup(GroupRegistry registry, Reaper reaper, Duration grace) {
        this.registry = registry;
        this.reaper = reaper;
        this.grace = grace;
    }

    /** @throws IllegalStateException if the JVM is already shutting down. */
    public void install() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::runAndWait, "tether-shutdown"));
        for (String signal : SIGNALS) {
            SignalChain.install(signal, this::beginInBackground);
        }
    }

    private void beginInBackground() {
        if (begun.compareAndSet(false, true)) {
            Thread reaping = new Thread(this::reapAll, "tether-reaper");
            reaping.setDaemon(true);
            reaping.start();
        }
    }

    private void runAndWait() {
        if (begun.compareAndSet(false, true)) {
            reapAll();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reapAll() {
        try {
            List<ProcessGroup> groups = registry.close();
            Reaper.Outcome outcome = reaper.reap(groups, grace);
            report(outcome);
        } catch (Throwable t) {
            log.warn("could not stop the child processes at exit", t);
        } finally {
            done.countDown();
        }
    }

    private void report(Reaper.Outcome outcome) {
        if (outcome.signalled == 0) {
            return;
        }
        String seconds = String.format(Locale.ROOT, "%.2f", outcome.took.toNanos() / 1e9);
        String how = outcome.killed == 0 ? "all ended on SIGTERM"
                : outcome.killed + " needed SIGKILL after the " + grace.toMillis() + " ms grace period";
        log.info("stopped {} process group(s) still running at exit ({}) in {} s", outcome.signalled, how, seconds);
        if (!outcome.leftOver.isEmpty()) {
            log.warn("{} group(s) still have members that SIGKILL did not end: {}", outcome.leftOver.size(),
                    outcome.leftOver);
        }
    }
}
