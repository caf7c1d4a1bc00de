package dev.tether.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads processes from /proc (proc(5)); every read tolerates a process vanishing mid-way. */
final class ProcessTable {
    static final class Proc {
        final long pid, ppid, pgid, startTime;
        final char state;
        final String name, cmdline;

        Proc(long pid, long ppid, long pgid, long startTime, char state, String name, String cmdline) {
            this.pid = pid; this.ppid = ppid; this.pgid = pgid; this.startTime = startTime;
            this.state = state; this.name = name; this.cmdline = cmdline;
        }

        /**
         * Alive and not a zombie (a dead orphan stays one when PID 1 does not reap), checked with
         * the start time (stat field 22) so a reused PID does not count as the same process.
         */
        boolean stillRunning() {
            return read(pid).filter(now -> now.startTime == startTime && now.state != 'Z').isPresent();
        }
    }

    private static final Path PROC = Paths.get("/proc");

    private ProcessTable() {}

    static Optional<Proc> read(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            // comm (field 2) is in parentheses and may itself hold spaces or ')': split after the last ')'.
            int close = stat.lastIndexOf(')');
            String name = stat.substring(stat.indexOf('(') + 1, close);
            String[] f = stat.substring(close + 2).split(" "); // f[0] is field 3 (state)
            String cmdline = new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ').trim();
            return Optional.of(new Proc(pid, Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[19]), f[0].charAt(0), name, cmdline));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        for (long pid : pids()) read(pid).ifPresent(procs::add);
        return procs;
    }

    /** Everything below {@code root} in the ppid tree, root excluded. */
    static List<Proc> descendantsOf(long root) {
        List<Proc> snapshot = all(), found = new ArrayList<>();
        List<Long> frontier = new ArrayList<>(List.of(root));
        while (!frontier.isEmpty()) {
            long parent = frontier.remove(0);
            for (Proc p : snapshot) {
                if (p.ppid == parent) { found.add(p); frontier.add(p.pid); }
            }
        }
        return found;
    }

    /** PIDs whose environment holds {@code entry} ("NAME=value"); unreadable ones are skipped. */
    static List<Long> pidsWithEnvironment(String entry) {
        List<Long> marked = new ArrayList<>();
        for (long pid : pids()) {
            try {
                String environ = new String(Files.readAllBytes(PROC.resolve(pid + "/environ")),
                        StandardCharsets.UTF_8);
                if (("\0" + environ).contains("\0" + entry + "\0")) marked.add(pid);
            } catch (IOException notOursOrGone) {
                // another user's process, or it exited: either way not one to clean up
            }
        }
        return marked;
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : dir) pids.add(Long.parseLong(p.getFileName().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }
}
