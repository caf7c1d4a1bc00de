package dev.tether.reaper;

import dev.tether.nativeio.Signals;
import dev.tether.registry.ProcessGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends a set of groups: SIGTERM, then SIGCONT (a stopped process acts on SIGTERM only once it runs
 * again), wait until every group is empty or the grace period is over, then SIGKILL what is left,
 * repeatedly, because a fork loop can refill a group between two signals. Returns as soon as every
 * group is empty.
 */
public final class Reaper {
    /** After SIGKILL only processes stuck in the kernel (state D) can linger; never hang the JVM on them. */
    private static final long KILL_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** Polls this far apart also look for groups of zombies only (see GroupSignaller.emptyGroups). */
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final GroupSignaller signaller;

    public Reaper(GroupSignaller signaller) {
        this.signaller = signaller;
    }

    public Outcome reap(Collection<ProcessGroup> groups, Duration grace) {
        long start = System.nanoTime();
        List<ProcessGroup> live = new ArrayList<>();
        for (ProcessGroup group : groups) {
            if (signaller.signal(group, Signals.TERM)) {
                signaller.signal(group, Signals.CONT);
                live.add(group);
            }
        }
        int terminated = live.size();
        Set<ProcessGroup> killed = new HashSet<>();
        Set<ProcessGroup> leaderExited = new HashSet<>();
        long killAt = start + grace.toNanos();
        long poll = FIRST_POLL_NANOS;
        while (true) {
            live.removeAll(signaller.emptyGroups(live, poll >= MAX_POLL_NANOS));
            long now = System.nanoTime();
            if (live.isEmpty() || now - killAt > KILL_PATIENCE_NANOS) {
                break;
            }
            if (now - killAt >= 0) {
                for (ProcessGroup group : live) {
                    // On a crowded machine a group can end on SIGTERM and still be counted live: its
                    // doomed leader waits for the CPU to run its exit, or exited after the last look.
                    // It did not need SIGKILL, and gets none; a group whose leader exited gets it only
                    // if the next look still finds a live member.
                    GroupSignaller.Escalation needs = signaller.beforeKill(group);
                    if (needs == GroupSignaller.Escalation.KILL
                            || (needs == GroupSignaller.Escalation.LEADER_EXITED && !leaderExited.add(group))) {
                        signaller.signal(group, Signals.KILL);
                        killed.add(group);
                    }
                }
            }
            LockSupport.parkNanos(Math.min(poll, Math.max(killAt - now, FIRST_POLL_NANOS)));
            poll = Math.min(poll * 2, MAX_POLL_NANOS);
        }
        return new Outcome(terminated, killed.size(), live, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Signals nothing: waits until every group is empty or {@code deadlineNanos} (System.nanoTime) has passed. */
    public void awaitEmpty(Collection<ProcessGroup> groups, long deadlineNanos) {
        List<ProcessGroup> live = new ArrayList<>(groups);
        long poll = FIRST_POLL_NANOS;
        while (true) {
            live.removeAll(signaller.emptyGroups(live, poll >= MAX_POLL_NANOS));
            long left = deadlineNanos - System.nanoTime();
            if (live.isEmpty() || left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(poll, left));
            poll = Math.min(poll * 2, MAX_POLL_NANOS);
        }
    }

    /** What a reap did. */
    public static final class Outcome {
        public final int signalled;
        public final int killed;
        public final List<ProcessGroup> leftOver;
        public final Duration took;

        Outcome(int signalled, int killed, List<ProcessGroup> leftOver, Duration took) {
            this.signalled = signalled;
            this.killed = killed;
            this.leftOver = leftOver;
            this.took = took;
        }
    }
}
