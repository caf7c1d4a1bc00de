package dev.tether.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keeper's status lines as a tree, as {@code systemctl status} draws a unit's processes: one
 * branch per group, its processes below their parents, each with its age and command line; in
 * cgroup mode a last branch for the cgroup's members that left their groups.
 */
final class StatusTree {

    private StatusTree() {
    }

    /** A process of the keeper's answer: "proc PID PPID PGID AGE_MS COMMAND". */
    private static final class Proc {
        final int pid;
        final int ppid;
        final long ageMillis;
        final String command;
        final List<Proc> children = new ArrayList<>();

        Proc(String line) {
            String[] f = line.split(" ", 6);
            pid = Integer.parseInt(f[1]);
            ppid = Integer.parseInt(f[2]);
            ageMillis = Long.parseLong(f[4]);
            command = f.length > 5 ? f[5] : "";
        }
    }

    static String render(int jvm, List<String> lines) {
        Map<String, List<Proc>> groups = new LinkedHashMap<>();
        List<Proc> current = null;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("group ")) {
                current = new ArrayList<>();
                groups.put(line.substring("group ".length()), current);
            } else if (line.startsWith("proc ") && current != null) {
                current.add(new Proc(line));
            }
        }
        StringBuilder out = new StringBuilder();
        long held = groups.keySet().stream().filter(id -> !id.endsWith(" c")).count();
        out.append("JVM ").append(jvm).append(": ").append(held).append(held == 1 ? " child process group" : " child process groups").append(" held by Tether\n");
        int g = 0;
        for (Map.Entry<String, List<Proc>> group : groups.entrySet()) {
            boolean lastGroup = ++g == groups.size();
            String[] id = group.getKey().split(" ");
            String kind = id.length > 1 ? id[1] : "g";
            out.append(lastGroup ? "└─ " : "├─ ").append(kind.equals("c")
                    ? "cgroup: left their groups (setsid, setpgid), ended with the cgroup"
                    : "group " + id[0] + " (" + (kind.equals("j") ? "in the JVM's group (shares its terminal)" : "own group")
                            + ")").append("\n");
            String indent = lastGroup ? "   " : "│  ";
            List<Proc> roots = treeOf(group.getValue());
            for (int i = 0; i < roots.size(); i++) {
                draw(out, roots.get(i), indent, i == roots.size() - 1);
            }
        }
        return out.toString();
    }

    /** Links each process to its parent within the group; the roots are those whose parent is outside. */
    private static List<Proc> treeOf(List<Proc> procs) {
        Map<Integer, Proc> byPid = new LinkedHashMap<>();
        procs.forEach(p -> byPid.put(p.pid, p));
        List<Proc> roots = new ArrayList<>();
        for (Proc p : procs) {
            Proc parent = byPid.get(p.ppid);
            if (parent != null && parent != p) {
                parent.children.add(p);
            } else {
                roots.add(p);
            }
        }
        return roots;
    }

    private static void draw(StringBuilder out, Proc p, String indent, boolean last) {
        out.append(indent).append(last ? "└─ " : "├─ ").append(p.pid).append("  ").append(age(p.ageMillis))
                .append("  ").append(p.command).append('\n');
        for (int i = 0; i < p.children.size(); i++) {
            draw(out, p.children.get(i), indent + (last ? "   " : "│  "), i == p.children.size() - 1);
        }
    }

    /** "850ms", "12s", "5min 3s", "2h 5min", as systemctl prints ages. */
    static String age(long millis) {
        if (millis < 0) {
            return "?";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "min " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "min";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }
}
