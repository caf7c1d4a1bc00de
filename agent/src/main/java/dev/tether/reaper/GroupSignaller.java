package dev.tether.reaper;

import dev.tether.nativeio.Pidfd;
import dev.tether.nativeio.Syscalls;
import dev.tether.proc.ProcScan;
import dev.tether.proc.ProcStat;
import dev.tether.proc.Doomed;
import dev.tether.registry.ProcessGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends signals to recorded groups, and only to them.
 *
 * <p>A group id is its leader's pid; once the group empties, the number can be reused by a stranger.
 * Where the kernel has {@code PIDFD_SIGNAL_PROCESS_GROUP} (Linux 6.9) the signal goes through the
 * leader's pidfd, which the kernel resolves to this very group or to nothing. Elsewhere a group is
 * signalled with {@code kill(-pgid)} only after proof that it is still ours: its leader is alive with
 * the start time we recorded, or (leader gone) every live member is in our session and started after
 * the leader did. Without proof the group is left alone.
 */
public final class GroupSignaller {
    private final boolean pidfdGroups;
    private final boolean proc;
    private final int ourSession;

    public GroupSignaller(boolean pidfdGroups) {
        this.pidfdGroups = pidfdGroups;
        this.proc = ProcScan.available();
        this.ourSession = Syscalls.getsid(0);
    }

    /** @return whether the signal reached at least one member (false: the group is empty or not provably ours). */
    public boolean signal(ProcessGroup group, int signal) {
        if (!group.ownGroup()) {
            return signalProcessTree(group, signal);
        }
        return group.withPidfd(fd -> {
            if (pidfdGroups && fd >= 0) {
                // A leader that is gone (the usual answer when pruning) needs no look at /proc.
                return send(fd, signal, Pidfd.SIGNAL_PROCESS_GROUP)
                        || (send(fd, 0, 0) && leaderNotYetInItsGroup(group) && send(fd, signal, 0));
            }
            if (!provablyOurs(group)) {
                return false;
            }
            return kill(-group.pgid(), signal) || (leaderNotYetInItsGroup(group) && kill(group.pgid(), signal));
        });
    }

    /**
     * A child that stays in the JVM's group (it shares the JVM's terminal) cannot be signalled as a
     * group: the JVM is in it. It is signalled itself, while it is provably the process we started,
     * and so are its descendants that /proc still shows under it. Without /proc only the child.
     */
    private boolean signalProcessTree(ProcessGroup child, int signal) {
        if (!proc) {
            return provablyOurs(child) && kill(child.pgid(), signal);
        }
        ProcStat leader = ProcStat.read(child.pgid());
        if (leader == null || leader.startTime != child.leaderStartTime()) {
            return false; // gone, and its number possibly reused: its orphans are out of reach
        }
        boolean reached = !leader.isZombie() && kill(child.pgid(), signal);
        for (ProcStat descendant : ProcScan.descendants(child.pgid())) {
            reached |= kill(descendant.pid, signal);
        }
        return reached;
    }

    /**
     * @return the groups among {@code groups} that have no live (non-zombie) member that is provably
     *         ours (a group whose number a stranger took counts as empty: it is not ours to wait for)
     */
    public Set<ProcessGroup> emptyGroups(Collection<ProcessGroup> groups) {
        return emptyGroups(groups, true);
    }

    /**
     * @param zombies false: a group that answers through its pidfd counts as live even if only
     *        zombies answer (no look at /proc). A reaper polling a thousand dying groups every few
     *        milliseconds asks so, and the thorough question only now and then: zombie-only groups
     *        exist only where no init reaps orphans. Groups with a pidfd are always asked the thorough
     *        question at every call: while their leader runs it costs no /proc read (see leaderState),
     *        and a group whose processes have all exited counts as empty at once, whether or not the
     *        JDK has reaped its leader yet (with a thousand children ending, its reaper threads lag
     *        far behind, and a group counted live for that reason would be escalated to SIGKILL).
     */
    public Set<ProcessGroup> emptyGroups(Collection<ProcessGroup> groups, boolean zombies) {
        Set<ProcessGroup> empty = new HashSet<>();
        List<ProcessGroup> answering = new ArrayList<>();
        List<ProcessGroup> leaderExited = new ArrayList<>();
        List<ProcessGroup> unproven = new ArrayList<>();
        for (ProcessGroup group : groups) {
            LeaderState leader = group.ownGroup() && pidfdGroups
                    ? group.withPidfd(this::leaderState) : LeaderState.UNKNOWN;
            if (leader == LeaderState.RUNNING) {
                continue;
            }
            if (leader == LeaderState.GROUP_EMPTY) {
                empty.add(group);
                continue;
            }
            if (leader == LeaderState.EXITED_GROUP_ANSWERS) {
                // The JDK may not have reaped the leader yet: a zombie in the group answers signal 0,
                // so /proc decides, in one pass for all such groups.
                if (proc) {
                    leaderExited.add(group);
                }
                continue;
            }
            if (proc && !pidfdGroups && group.ownGroup()) {
                // Without pidfds, probing a group whose leader is gone proves ownership with a pass
                // over /proc per group (a prune of 64 groups cost ~150 ms): one pass below serves all.
                if (!leaderAliveInGroup(group)) {
                    unproven.add(group);
                }
                continue;
            }
            if (!signal(group, 0)) {
                empty.add(group);
            } else if (zombies && group.ownGroup() && !leaderAliveInGroup(group)) {
                // A child in the JVM's group answers only while it or a descendant is alive (the
                // tree walk skips zombies); a group answers while it holds zombies too. A group
                // whose leader is alive in it is not empty: only the others need the /proc scan,
                // so the children that are running when a prune comes (the last one spawned,
                // at least) do not cost a pass over every process of the system.
                answering.add(group);
            }
        }
        if (proc && !(answering.isEmpty() && leaderExited.isEmpty() && unproven.isEmpty())) {
            // Only a look at the members' states tells a group of zombies from a live one.
            Set<Integer> ids = new HashSet<>();
            answering.forEach(g -> ids.add(g.pgid()));
            leaderExited.forEach(g -> ids.add(g.pgid()));
            unproven.forEach(g -> ids.add(g.pgid()));
            Map<Integer, List<ProcStat>> live = ProcScan.liveMembers(ids);
            for (ProcessGroup group : leaderExited) {
                if (!live.containsKey(group.pgid())) {
                    empty.add(group);
                }
            }
            for (ProcessGroup group : answering) {
                if (!live.containsKey(group.pgid()) && !leaderNotYetInItsGroup(group)) {
                    empty.add(group);
                }
            }
            for (ProcessGroup group : unproven) {
                if (!ours(group, live.getOrDefault(group.pgid(), List.of())) && !leaderNotYetInItsGroup(group)) {
                    empty.add(group);
                }
            }
        }
        return empty;
    }

    /** What a group still counted live at the end of the grace period needs. */
    public enum Escalation {
        /** SIGKILL: a member may be running that SIGTERM did not end. */
        KILL,
        /** None: its leader is running but already doomed (see Doomed): the exit only waits for the CPU. */
        DYING,
        /** None yet: its leader has exited since it was last looked at; the next look at /proc decides. */
        LEADER_EXITED
    }

    /** Only with a pidfd, which says whether the leader has exited (so that its pid is still the leader's). */
    public Escalation beforeKill(ProcessGroup group) {
        if (!group.ownGroup() || !pidfdGroups || !proc) {
            return Escalation.KILL;
        }
        return group.withPidfd(fd -> {
            if (fd < 0) {
                return Escalation.KILL;
            }
            if (Pidfd.exited(fd)) {
                return Escalation.LEADER_EXITED;
            }
            return Doomed.process(group.pgid()) ? Escalation.DYING : Escalation.KILL;
        });
    }

    /** What a group's pidfd tells of it without a look at /proc. */
    private enum LeaderState {
        /** No pidfd: ask the slow way. */
        UNKNOWN,
        /** The leader has not exited: the group has a live member (or will, in FORK mode, once it calls setpgid). */
        RUNNING,
        /** The leader has exited and the group answers signal 0: zombies only, or live members too. */
        EXITED_GROUP_ANSWERS,
        /** The leader has exited and nobody in the group answers. */
        GROUP_EMPTY
    }

    private LeaderState leaderState(int pidfd) {
        if (pidfd < 0) {
            return LeaderState.UNKNOWN;
        }
        // The group first: when pruning, most groups have ended and been reaped, and one system
        // call says so (ESRCH); only a group that answers needs the second.
        if (!send(pidfd, 0, Pidfd.SIGNAL_PROCESS_GROUP)) {
            return LeaderState.GROUP_EMPTY;
        }
        return Pidfd.exited(pidfd) ? LeaderState.EXITED_GROUP_ANSWERS : LeaderState.RUNNING;
    }

    private boolean leaderAliveInGroup(ProcessGroup group) {
        ProcStat leader = proc ? ourLiveLeader(group) : null;
        return leader != null && leader.pgid == group.pgid();
    }

    /** @return the group's leader as /proc shows it, if it is the process we started and not a zombie; else null */
    private static ProcStat ourLiveLeader(ProcessGroup group) {
        ProcStat leader = ProcStat.read(group.pgid());
        return leader != null && leader.startTime == group.leaderStartTime() && !leader.isZombie() ? leader : null;
    }

    /** Closes a pidfd (each is closed once, under its group's lock, so EBADF cannot happen). */
    public void close(int fd) {
        Syscalls.close(fd);
    }

    /**
     * In FORK and VFORK mode the JDK returns once the launcher has been exec'd, possibly before it
     * has called setpgid: then the leader is alive but not yet in the group that bears its number.
     */
    private boolean leaderNotYetInItsGroup(ProcessGroup group) {
        if (proc) {
            ProcStat leader = ourLiveLeader(group);
            return leader != null && leader.pgid != group.pgid();
        }
        int pgid = Syscalls.getpgid(group.pgid());
        return pgid >= 0 && pgid != group.pgid();
    }

    private boolean provablyOurs(ProcessGroup group) {
        if (!proc) {
            // No /proc (macOS): only a living leader of this group counts. Known gap: without start
            // times, a leader reaped and its number reused by a new group leader cannot be told apart.
            return Syscalls.getpgid(group.pgid()) == group.pgid();
        }
        ProcStat leader = ProcStat.read(group.pgid());
        if (leader != null) {
            return leader.startTime == group.leaderStartTime();
        }
        return ours(group, ProcScan.members(group.pgid()));
    }

    /** A group whose leader is gone is ours if it has members and each is in our session and started after the leader. */
    private boolean ours(ProcessGroup group, List<ProcStat> members) {
        return !members.isEmpty()
                && members.stream().allMatch(m -> m.sid == ourSession && m.startTime >= group.leaderStartTime());
    }

    private static boolean send(int fd, int signal, long flags) {
        return Pidfd.sendSignal(fd, signal, flags) == 0;
    }

    /**
     * ESRCH: nobody left; EPERM: not ours to signal. Either way, not delivered. Never a pid or pgid of
     * 0 or 1 (kill(2): 0 is the caller's own group, -1 every process it may signal, 1 init): no child
     * the JDK started can have one, so such a number can only come from a fault.
     */
    private static boolean kill(int target, int signal) {
        return (target > 1 || target < -1) && Syscalls.kill(target, signal) == 0;
    }
}
