package dev.tether.demo;

import dev.tether.demo.ProcessTable.Proc;
import java.util.List;

/** Prints processes indented like pstree: a process whose parent is not in the list is a root. */
final class TreePrinter {
    private static final int MAX_COMMAND = 100;

    private TreePrinter() {}

    static void print(List<Proc> procs) {
        for (Proc p : procs) {
            if (procs.stream().noneMatch(q -> q.pid == p.ppid)) print(procs, p, "  ");
        }
    }

    private static void print(List<Proc> procs, Proc p, String indent) {
        System.out.printf("%s%s(%d) ppid %d pgid %d   %s%n", indent, p.name, p.pid, p.ppid, p.pgid,
                shorten(withoutExecutableDirectory(p.cmdline)));
        for (Proc child : procs) {
            if (child.ppid == p.pid) print(procs, child, indent + "  ");
        }
    }

    // "/usr/lib/jvm/.../bin/java -cp ..." reads as "java -cp ...", like ps -o comm would show it.
    private static String withoutExecutableDirectory(String command) {
        int end = command.indexOf(' ') < 0 ? command.length() : command.indexOf(' ');
        return command.substring(command.lastIndexOf('/', end - 1) + 1);
    }

    // A java command line is a screenful (classpath, agent path); the head and tail say enough.
    private static String shorten(String command) {
        if (command.length() <= MAX_COMMAND) return command;
        int half = MAX_COMMAND / 2;
        return command.substring(0, half) + " ... " + command.substring(command.length() - half);
    }
}
