package dev.tether.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The groups Tether started that may still have members.
 *
 * <p>Memory and descriptors follow live groups, not spawns: once the map has doubled since the last
 * prune, the next record drops every group found empty, so the cost per spawn is amortised O(1) and
 * the map never holds more than twice the live groups (plus a floor). Each group holds a pidfd
 * until it is dropped, and descriptors are the host's too: with a floor of 64, a JVM under
 * {@code ulimit -n 64} ran out of them after 47 finished children. The floor is the caller's: a
 * prune every 8 spawns instead of every 64 cost each later spawn some 17 us here (SpawnCost), so
 * it is small only where descriptors are few.
 *
 * <p>Closing (at shutdown) and recording race safely: {@link #record} publishes the group before it
 * reads {@code closed}, and {@link #close} sets {@code closed} before it takes its snapshot, so a
 * group is either in the snapshot or its recorder is told to stop it at once.
 */
public final class GroupRegistry {
    /** A spawn takes well under a millisecond; this only bounds a wait for one that failed unseen. */
    private static final long IN_FLIGHT_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Map<Integer, ProcessGroup> groups = new ConcurrentHashMap<>();
    private final Function<Collection<ProcessGroup>, Set<ProcessGroup>> findEmpty;
    private final Consumer<List<ProcessGroup>> dropped;
    private final Object pruning = new Object();
    private final int pruneFloor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;
    private int pruneAt;

    /**
     * @param dropped told of the groups the registry lets go of (to close their pidfds, tell the
     *        watchdog), all of one prune at once
     * @param pruneFloor prune at least this often (in groups recorded): the most descriptors of
     *        finished children it keeps
     */
    public GroupRegistry(Function<Collection<ProcessGroup>, Set<ProcessGroup>> findEmpty,
            Consumer<List<ProcessGroup>> dropped, int pruneFloor) {
        this.findEmpty = findEmpty;
        this.dropped = dropped;
        this.pruneFloor = pruneFloor;
        this.pruneAt = pruneFloor;
    }

    /** @return false if shutdown has already taken its snapshot: the caller must stop the group itself. */
    public boolean record(ProcessGroup group) {
        ProcessGroup previous = groups.put(group.pgid(), group);
        if (previous != null) {
            // The number was free again, so the earlier group had emptied: its pidfd is stale.
            dropped.accept(List.of(previous));
        }
        if (closed) {
            return false;
        }
        if (groups.size() >= pruneAt) {
            prune();
        }
        return true;
    }

    public ProcessGroup find(int pgid) {
        return groups.get(pgid);
    }

    public int size() {
        return groups.size();
    }

    /** Drops the groups that have no live member left. */
    public void prune() {
        synchronized (pruning) {
            if (closed) {
                return;
            }
            List<ProcessGroup> removed = new ArrayList<>();
            for (ProcessGroup empty : findEmpty.apply(new ArrayList<>(groups.values()))) {
                if (groups.remove(empty.pgid(), empty)) {
                    removed.add(empty);
                }
            }
            if (!removed.isEmpty()) {
                dropped.accept(removed);
            }
            pruneAt = Math.max(pruneFloor, 2 * groups.size());
        }
    }

    /** The groups recorded now. */
    public List<ProcessGroup> snapshot() {
        return new ArrayList<>(groups.values());
    }

    /** A spawn that will be recorded has begun: between the JDK's fork and {@link #record}. */
    public void spawning() {
        inFlight.incrementAndGet();
    }

    /** That spawn was recorded, or failed. */
    public void spawned() {
        inFlight.decrementAndGet();
    }

    /**
     * Ends recording and returns every group that may still have members. Waits (briefly) for spawns
     * in flight: a child forked but not yet recorded when the JVM halts would outlive it. Those
     * spawns find the registry closed and stop their child themselves.
     */
    public List<ProcessGroup> close() {
        closed = true;
        awaitSpawnsInFlight();
        synchronized (pruning) {
            return new ArrayList<>(groups.values());
        }
    }

    /** Waits (briefly) until no spawn is between the JDK's fork and {@link #record}. */
    public void awaitSpawnsInFlight() {
        long deadline = System.nanoTime() + IN_FLIGHT_PATIENCE_NANOS;
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }
}
