package dev.tether.orphans;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which children of this JVM belong to the JDK, so that {@link OrphanReaper} never reaps one: the JDK
 * waits for its own children by pid (ProcessHandleImpl.waitForProcessExit0), and a child reaped by
 * anyone else loses its exit code (the JDK's waitpid(2) fails with ECHILD).
 *
 * <p>A child is the JDK's from the moment {@link #started} names it. The moments before (fork(2)
 * done, forkAndExec not yet returned: a child that exits at once is already a zombie) are covered by
 * the spawns in flight: from {@link #begin} (ProcessImpl.start) to {@link #started}. A spawn that
 * fails never reaches started(), but the JDK has then reaped its child itself (ProcessImpl_md.c waits
 * for a child whose exec failed), so a thread whose spawn is over no longer counts as in flight.
 */
public final class SpawnLedger {
    private final AtomicLong begun = new AtomicLong();
    private final Map<Thread, Long> inFlight = new ConcurrentHashMap<>();
    /** The JDK's children, each with the reaper's round in which it was named. */
    private final Map<Integer, Long> jdkChildren = new ConcurrentHashMap<>();
    private volatile long round;

    /** ProcessImpl.start on this thread: a child may exist from now on. */
    public void begin() {
        inFlight.put(Thread.currentThread(), begun.incrementAndGet());
    }

    /** forkAndExec returned {@code pid}: the JDK will wait for it. Named first, then no longer in flight. */
    public void started(int pid) {
        jdkChildren.put(pid, round);
        inFlight.remove(Thread.currentThread());
    }

    /** Starts one of the reaper's rounds: returns the count of spawns begun so far. */
    long newRound() {
        round++;
        return begun.get();
    }

    boolean isJdkChild(int pid) {
        return jdkChildren.containsKey(pid);
    }

    /**
     * Forgets the JDK's children that were named before this round and are no longer children of
     * this JVM (the JDK has reaped them).
     */
    void forgetReaped(Set<Integer> currentChildren) {
        long now = round;
        jdkChildren.entrySet().removeIf(e -> e.getValue() < now && !currentChildren.contains(e.getKey()));
    }

    /**
     * Whether no spawn is in flight and none has begun since {@code begunAtRoundStart}: then every zombie
     * child seen in this round that {@link #isJdkChild} does not name is an orphan.
     */
    boolean quietSince(long begunAtRoundStart) {
        for (Map.Entry<Thread, Long> e : inFlight.entrySet()) {
            if (!insideSpawn(e.getKey())) {
                inFlight.remove(e.getKey(), e.getValue()); // its spawn failed; a new one would have replaced the value
            }
        }
        return inFlight.isEmpty() && begun.get() == begunAtRoundStart;
    }

    /** A thread whose stack holds no ProcessImpl frame has finished its spawn, one way or another. */
    private static boolean insideSpawn(Thread thread) {
        if (!thread.isAlive()) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if ("java.lang.ProcessImpl".equals(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }
}
