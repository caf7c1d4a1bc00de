package dev.tether.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Reads processes from /proc (proc(5)); every read tolerates a process that vanishes mid-way. */
public final class ProcessTable {
    private static final Path PROC = Paths.get("/proc");

    private ProcessTable() {}

    public static Optional<ProcessInfo> read(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            // comm (field 2) is in parentheses and may itself hold spaces or ')': split after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "); // f[0] is field 3
            String cmdline = new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ').trim();
            return Optional.of(new ProcessInfo(pid, Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), f[0].charAt(0), Long.parseLong(f[19]), cmdline));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** True while the very process {@code p} (same pid and start time) exists and is not a zombie. */
    public static boolean isAlive(ProcessInfo p) {
        return read(p.pid).filter(now -> now.startTime == p.startTime && !now.isZombie()).isPresent();
    }

    /** Live (non-zombie) processes whose environment holds exactly {@code name=value}. */
    public static List<ProcessInfo> liveWithEnvironment(String name, String value) {
        String entry = name + "=" + value;
        return liveWithEnvironmentEntry(entry::equals);
    }

    /** Live (non-zombie) processes with an environment entry ("NAME=value") that matches. */
    public static List<ProcessInfo> liveWithEnvironmentEntry(Predicate<String> entryMatches) {
        List<ProcessInfo> found = new ArrayList<>();
        for (long pid : pids()) {
            if (!hasEnvironmentEntry(pid, entryMatches)) continue;
            read(pid).filter(p -> !p.isZombie()).ifPresent(found::add);
        }
        return found;
    }

    /** The signals {@code pid} ignores (SigIgn of /proc/[pid]/status, bit n-1 for signal n), or 0 if gone. */
    public static long ignoredSignals(long pid) {
        return statusMask(PROC.resolve(pid + "/status"), "SigIgn:");
    }

    static long statusMask(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) return Long.parseUnsignedLong(line.substring(field.length()).trim(), 16);
            }
        } catch (IOException gone) {
            // fall through
        }
        return 0;
    }

    private static boolean hasEnvironmentEntry(long pid, Predicate<String> entryMatches) {
        byte[] environ;
        try {
            // The initial environment, as execve(2) passed it: what a process and its children inherit.
            environ = Files.readAllBytes(PROC.resolve(pid + "/environ"));
        } catch (IOException notOursOrGone) {
            return false; // another user's process, or it exited: either way not one of ours
        }
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (entryMatches.test(entry)) return true;
        }
        return false;
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
