package dev.tether.shutdown;

import dev.tether.log.Log;
import dev.tether.reaper.Reaper;
import dev.tether.registry.GroupRegistry;
import dev.tether.registry.ProcessGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Ends every recorded group when the JVM ends: from a shutdown hook (main returned, System.exit, or
 * the JVM's own handling of SIGTERM, SIGINT and SIGHUP), started early from those signals' handlers
 * when the JVM's own handling is about to shut it down. A SIGINT from the terminal is forwarded first.
 * Runs once; the shutdown hook waits for it, so the JVM exits only when the groups are gone.
 */
public final class ShutdownCleanup {
    private static final Logger log = Log.get(ShutdownCleanup.class);

    private final GroupRegistry registry;
    private final Reaper reaper;
    private final Duration grace;
    private final BooleanSupplier forwardInterrupt;
    private final Function<List<ProcessGroup>, List<ProcessGroup>> escapees;
    private final Runnable afterwards;
    private final AtomicBoolean begun = new AtomicBoolean();
    private volatile boolean interruptForwarded;
    private volatile long interruptForwardedAt;
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param forwardInterrupt forwards a SIGINT to the groups if it came from the terminal; says whether it did
     * @param escapees given the recorded groups, the processes that left them (strict mode), or none
     * @param afterwards runs once the groups are gone (tells the watchdog it is not needed)
     */
    public ShutdownCleanup(GroupRegistry registry, Reaper reaper, Duration grace, BooleanSupplier forwardInterrupt,
            Function<List<ProcessGroup>, List<ProcessGroup>> escapees, Runnable afterwards) {
        this.registry = registry;
        this.reaper = reaper;
        this.grace = grace;
        this.forwardInterrupt = forwardInterrupt;
        this.escapees = escapees;
        this.afterwards = afterwards;
    }

    /**
     * @param last run after every shutdown hook has finished, right before the JVM halts
     * @throws IllegalStateException if the JVM is already shutting down.
     */
    public void install(Runnable last) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::runAndWait, "tether-shutdown"));
        // The last step also does the work itself if no thread could: where the user's process limit
        // is exhausted, starting the hook's thread fails (ApplicationShutdownHooks.runHooks lets the
        // OutOfMemoryError out, and Shutdown.runHooks swallows it), but the JDK's system hook slots
        // still run, on the exiting thread.
        LastShutdownStep.register(() -> {
            runAndWait();
            last.run();
        });
        SignalChain.install("TERM", this::beginIfJvmTerminates);
        SignalChain.install("HUP", this::beginIfJvmTerminates);
        SignalChain.install("INT", jvmTerminates -> {
            // Children that got the terminal's SIGINT get the grace period to act on it before SIGTERM
            // (see reapAll): without Tether nothing would follow it at all.
            if (forwardInterrupt.getAsBoolean()) {
                interruptForwardedAt = System.nanoTime();
                interruptForwarded = true;
            } else {
                beginIfJvmTerminates(jvmTerminates);
            }
        });
    }

    private void beginIfJvmTerminates(boolean jvmTerminates) {
        if (jvmTerminates) {
            beginInBackground();
        }
    }

    private void beginInBackground() {
        if (begun.compareAndSet(false, true)) {
            try {
                Thread reaping = new Thread(this::reapAll, "tether-reaper");
                reaping.setDaemon(true);
                reaping.start();
            } catch (Throwable noThread) {
                begun.set(false); // the shutdown hook, or failing that the last step, does it on its own thread
            }
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
            List<ProcessGroup> targets = new ArrayList<>(groups);
            targets.addAll(escapees.apply(groups)); // found while their parents live, before the signals
            if (interruptForwarded) {
                // A Ctrl-C was forwarded: a child busy acting on it must not get SIGTERM in the middle.
                reaper.awaitEmpty(targets, interruptForwardedAt + grace.toNanos());
            }
            Reaper.Outcome outcome = reaper.reap(targets, grace);
            report(outcome);
            // Strict mode: a fork during the grace period, from an escapee or a process that has left since.
            for (int pass = 0; pass < 2; pass++) {
                List<ProcessGroup> late = escapees.apply(groups);
                if (late.isEmpty()) {
                    break;
                }
                report(reaper.reap(late, grace));
            }
            afterwards.run();
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
        String seconds = seconds(outcome.took);
        String how = outcome.killed == 0 ? "all ended on SIGTERM"
                : outcome.killed + " needed SIGKILL after the " + grace.toMillis() + " ms grace period";
        log.info("stopped {} process group(s) still running at exit ({}) in {} s", outcome.signalled, how, seconds);
        if (!outcome.leftOver.isEmpty()) {
            log.warn("{} group(s) still have members that SIGKILL did not end: {}", outcome.leftOver.size(),
                    outcome.leftOver);
        }
    }

    /**
     * Seconds with two decimals, rounded half up ("0.13"), as %.2f would print them. Not with
     * String.format: on the exit path of a JVM that never formatted a number before, its format
     * regex and the locale data behind the decimal separator took some 30 ms, while the JVM waited
     * to halt (the class-loading log of Benchmark's shutdown: Formatter, Pattern, CLDR, ...).
     */
    static String seconds(Duration took) {
        long hundredths = (took.toNanos() + 5_000_000) / 10_000_000;
        long fraction = hundredths % 100;
        return hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction;
    }
}
