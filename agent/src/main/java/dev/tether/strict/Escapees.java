package dev.tether.strict;

import dev.tether.options.OptOut;
import dev.tether.proc.ProcScan;
import dev.tether.proc.ProcStat;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Strict mode: the JVM's descendants that left the groups Tether recorded (setsid(2), setpgid(2)),
 * found by parentage in /proc. A descendant stays one while its parent lives; once the parent exits,
 * it is re-parented to the nearest child subreaper, which strict mode makes the JVM (prctl(2)
 * PR_SET_CHILD_SUBREAPER), so it is then the JVM's child. Left alone, with everything below them:
 * processes spared at spawn (the exclude option, {@code TETHER_DETACH} in the child's environment),
 * processes whose own environment has {@code TETHER_DETACH}, and the watchdog.
 */
public final class Escapees {
    private static final int ENVIRON_MAX = 256 * 1024;

    private final int jvm;
    private final Map<Integer, Long> spared = new ConcurrentHashMap<>();
    private volatile int sparedPruneAt = 64;

    public Escapees() {
        this.jvm = (int) ProcessHandle.current().pid();
    }

    /** A child spawned with the exclude option or the opt-out variable: it and its descendants stay. */
    public void spare(int pid) {
        ProcStat stat = ProcStat.read(pid);
        if (stat != null) {
            spared.put(pid, stat.startTime);
        }
        if (spared.size() >= sparedPruneAt) {
            spared.entrySet().removeIf(e -> !same(ProcStat.read(e.getKey()), e.getValue()));
            sparedPruneAt = Math.max(64, spared.size() * 2);
        }
    }

    /**
     * The topmost escapees below this JVM: live descendants outside {@code recordedGroups}, whose
     * parent is not an escapee already (the signaller reaches a process's descendants through it).
     * A descendant in the JVM's own group is one too, unless it is a child recorded there (it shares
     * the JVM's terminal) or below one: a grandchild that joined the JVM's group (setpgid(2) allows
     * it within the session) is reached by no group signal of Tether's.
     *
     * @param recordedGroups the process-group ids of the recorded groups of their own
     * @param inJvmGroup the pids of the children recorded in the JVM's own group
     * @param watchdog the watchdog's executable, or null
     */
    public List<ProcStat> find(Collection<Integer> recordedGroups, Collection<Integer> inJvmGroup, String watchdog) {
        Map<Integer, List<ProcStat>> children = new HashMap<>();
        ProcStat self = null;
        for (ProcStat p : ProcScan.all()) {
            if (p.pid == jvm) {
                self = p;
            } else if (!p.isZombie()) {
                children.computeIfAbsent(p.ppid, k -> new ArrayList<>()).add(p);
            }
        }
        List<ProcStat> found = new ArrayList<>();
        if (self == null) {
            return found;
        }
        Set<Integer> groups = new HashSet<>(recordedGroups);
        Set<Integer> recordedHere = new HashSet<>(inJvmGroup);
        // Each entry: a process already reached, and whether it is (below) a child recorded in the JVM's group.
        List<ProcStat> parents = new ArrayList<>(List.of(self));
        List<Boolean> belowRecordedHere = new ArrayList<>(List.of(Boolean.FALSE));
        while (!parents.isEmpty()) {
            ProcStat parent = parents.remove(parents.size() - 1);
            boolean below = belowRecordedHere.remove(belowRecordedHere.size() - 1);
            for (ProcStat child : children.getOrDefault(parent.pid, List.of())) {
                if (same(child, spared.get(child.pid)) || isWatchdog(child, watchdog) || optedOut(child.pid)) {
                    continue; // with everything below it
                }
                boolean childBelow = below || (parent == self && recordedHere.contains(child.pid));
                if (groups.contains(child.pgid) || (child.pgid == self.pgid && childBelow)) {
                    parents.add(child);
                    belowRecordedHere.add(childBelow);
                } else {
                    found.add(child); // its descendants go with it
                }
            }
        }
        return found;
    }

    private static boolean same(ProcStat stat, Long startTime) {
        return stat != null && startTime != null && stat.startTime == startTime;
    }

    private boolean isWatchdog(ProcStat p, String watchdog) {
        if (watchdog == null || p.ppid != jvm || p.sid != p.pid) {
            return false;
        }
        byte[] cmdline = read("/proc/" + p.pid + "/cmdline", watchdog.length() + 1);
        return cmdline != null && new String(cmdline, java.nio.charset.StandardCharsets.UTF_8)
                .equals(watchdog + "\0");
    }

    private boolean optedOut(int pid) {
        byte[] environ = read("/proc/" + pid + "/environ", ENVIRON_MAX);
        return environ != null && OptOut.requested(environ, environ.length);
    }

    private static byte[] read(String path, int max) {
        try (FileInputStream in = new FileInputStream(path)) {
            return in.readNBytes(max);
        } catch (IOException e) {
            return null;
        }
    }
}
