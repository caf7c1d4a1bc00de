package dev.tether.proc;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass over /proc. Needed because a process group that holds only zombies still answers
 * {@code kill(-pgid, 0)}: where no init reaps orphans (PID 1 of a container that is not an init),
 * dead members stay in their group forever, yet nothing in it runs.
 */
public final class ProcScan {

    private ProcScan() {
    }

    public static boolean available() {
        return new File("/proc/self/stat").exists();
    }

    /** @return for each of {@code pgids} that has any, its live (not zombie) members: one pass for all. */
    public static Map<Integer, List<ProcStat>> liveMembers(Set<Integer> pgids) {
        Map<Integer, List<ProcStat>> members = new HashMap<>();
        for (ProcStat stat : liveProcesses()) {
            if (pgids.contains(stat.pgid)) {
                members.computeIfAbsent(stat.pgid, k -> new ArrayList<>()).add(stat);
            }
        }
        return members;
    }

    /** @return the live (non-zombie) members of group {@code pgid}. */
    public static List<ProcStat> members(int pgid) {
        List<ProcStat> members = new ArrayList<>();
        for (ProcStat stat : liveProcesses()) {
            if (stat.pgid == pgid) {
                members.add(stat);
            }
        }
        return members;
    }

    /** @return the live descendants of {@code pid} that are still its descendants (not re-parented away). */
    public static List<ProcStat> descendants(int pid) {
        Map<Integer, List<ProcStat>> children = new HashMap<>();
        for (ProcStat stat : liveProcesses()) {
            children.computeIfAbsent(stat.ppid, k -> new ArrayList<>()).add(stat);
        }
        List<ProcStat> found = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        parents.add(pid);
        while (!parents.isEmpty()) {
            List<ProcStat> next = children.getOrDefault(parents.remove(parents.size() - 1), List.of());
            for (ProcStat child : next) {
                found.add(child);
                parents.add(child.pid);
            }
        }
        return found;
    }

    /** @return the children of {@code pid}, zombies included. */
    static List<ProcStat> childrenOf(int pid) {
        List<ProcStat> children = new ArrayList<>();
        for (ProcStat stat : processes(true)) {
            if (stat.ppid == pid) {
                children.add(stat);
            }
        }
        return children;
    }

    private static List<ProcStat> liveProcesses() {
        return processes(false);
    }

    /** @return every process, zombies included. */
    public static List<ProcStat> all() {
        return processes(true);
    }

    private static List<ProcStat> processes(boolean withZombies) {
        List<ProcStat> found = new ArrayList<>();
        String[] entries = new File("/proc").list();
        if (entries == null) {
            return found;
        }
        for (String entry : entries) {
            if (entry.isEmpty() || !Character.isDigit(entry.charAt(0))) {
                continue;
            }
            ProcStat stat = ProcStat.read(Integer.parseInt(entry));
            if (stat != null && (withZombies || !stat.isZombie())) {
                found.add(stat);
            }
        }
        return found;
    }
}
