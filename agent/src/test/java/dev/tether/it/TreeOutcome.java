package dev.tether.it;

import java.time.Duration;
import java.util.List;

/** What a {@link TreeRun} observed. */
public final class TreeOutcome {
    public final JvmExit exit;
    /** The marked processes once the tree was up, the JVM excluded. */
    public final List<ProcessInfo> tree;
    /** Live marked processes right when the JVM's exit was seen. */
    public final List<ProcessInfo> survivorsAtExit;
    /** Live marked processes at the end: with the agent after polling (up to 10 s) for none. */
    public final List<ProcessInfo> survivors;
    /** From the ending (signal delivered, or "go" written) to the JVM's exit. */
    public final Duration exitAfter;
    /** From the ending to the first scan that found no marked process alive; null if that never happened. */
    public final Duration emptyAfter;

    TreeOutcome(JvmExit exit, List<ProcessInfo> tree, List<ProcessInfo> survivorsAtExit,
            List<ProcessInfo> survivors, Duration exitAfter, Duration emptyAfter) {
        this.exit = exit;
        this.tree = tree;
        this.survivorsAtExit = survivorsAtExit;
        this.survivors = survivors;
        this.exitAfter = exitAfter;
        this.emptyAfter = emptyAfter;
    }

    /** For assertion messages. */
    public String describe() {
        return "tree when up: " + tree + "\nsurvivors at exit: " + survivorsAtExit + "\nsurvivors: " + survivors
                + "\nexit after " + ItLog.seconds(exitAfter) + ", empty after " + ItLog.seconds(emptyAfter)
                + "\nchild JVM: " + exit.describe();
    }
}
