package dev.tether.shutdown;

import dev.tether.keeper.Keeper;
import dev.tether.log.Log;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Asks the keeper to end every group when the JVM ends, and waits for its answer: from a shutdown
 * hook (main returned, System.exit, or the JVM's own handling of SIGTERM, SIGINT and SIGHUP), started
 * early from those signals' handlers when the JVM's own handling is about to shut it down. A SIGINT
 * from the terminal is forwarded first. Runs once; the shutdown hook waits for it, so the JVM exits
 * only when the groups are gone. (Deaths without hooks: the keeper sees the end of its channel.)
 */
public final class ShutdownCleanup {
    private static final Logger log = Log.get(ShutdownCleanup.class);

    private final Keeper keeper;
    private final Duration grace;
    private final BooleanSupplier forwardInterrupt;
    private final AtomicBoolean begun = new AtomicBoolean();
    private volatile boolean interruptForwarded;
    private volatile long interruptForwardedAt;
    private final CountDownLatch done = new CountDownLatch(1);

    /** @param forwardInterrupt forwards a SIGINT to the groups if it came from the terminal; says whether it did */
    public ShutdownCleanup(Keeper keeper, Duration grace, BooleanSupplier forwardInterrupt) {
        this.keeper = keeper;
        this.grace = grace;
        this.forwardInterrupt = forwardInterrupt;
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
            // (see stopAll): without Tether nothing would follow it at all.
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
                Thread stopping = new Thread(this::stopAll, "tether-stop");
                stopping.setDaemon(true);
                stopping.start();
            } catch (Throwable noThread) {
                begun.set(false); // the shutdown hook, or failing that the last step, does it on its own thread
            }
        }
    }

    private void runAndWait() {
        if (begun.compareAndSet(false, true)) {
            stopAll();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAll() {
        try {
            // A Ctrl-C was forwarded: a child busy acting on it must not get SIGTERM in the middle.
            long wait = interruptForwarded ? Math.max(0, interruptForwardedAt + grace.toNanos() - System.nanoTime()) : 0;
            report(keeper.stop(Duration.ofNanos(wait)));
        } catch (Throwable t) {
            log.warn("could not stop the child processes at exit", t);
        } finally {
            done.countDown();
        }
    }

    private void report(Keeper.Outcome outcome) {
        if (outcome == null || outcome.signalled == 0) {
            return;
        }
        String seconds = seconds(outcome.took);
        String how = outcome.killed == 0 ? "all ended on SIGTERM"
                : outcome.killed + " needed SIGKILL after the " + grace.toMillis() + " ms grace period";
        log.info("stopped {} process group(s) still running at exit ({}) in {} s{}", outcome.signalled, how, seconds,
                commands(outcome));
        if (outcome.left > 0) {
            log.warn("{} group(s) still have members that SIGKILL did not end", outcome.left);
        }
    }

    /** ": " and the first few commands, quoted, and how many more; "" if the keeper named none. */
    static String commands(Keeper.Outcome outcome) {
        if (outcome.commands.isEmpty()) {
            return "";
        }
        StringBuilder line = new StringBuilder(": ");
        for (String command : outcome.commands) {
            line.append(line.length() == 2 ? "" : ", ").append('"').append(command).append('"');
        }
        int more = outcome.signalled - outcome.commands.size();
        return more > 0 ? line.append(" and ").append(more).append(" more").toString() : line.toString();
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
