package dev.tether.cgroup;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup v2 directory this JVM is in, where it may make a cgroup below it. Read from
 * {@code /proc/self/cgroup} (the {@code 0::PATH} line: cgroups(7), "/proc/[pid]/cgroup") and
 * {@code /proc/self/mountinfo} (proc(5): field 4 is the mount's root within the hierarchy, field 5
 * its mount point, the type follows the " - " separator). The hierarchy may be mounted anywhere:
 * {@code /sys/fs/cgroup} on most systems, {@code /sys/fs/cgroup/unified} on hybrid ones; inside a
 * cgroup namespace the path and the mount's root are both relative to the namespace's root.
 */
public final class JvmCgroup {
    /** The directory, or null; with {@link #why} when null. */
    public final String directory;
    public final String why;

    private JvmCgroup(String directory, String why) {
        this.directory = directory;
        this.why = why;
    }

    public static JvmCgroup find() {
        String kernel = System.getProperty("os.version", "");
        if (!atLeast(kernel, 5, 14)) {
            return new JvmCgroup(null, "Linux " + kernel + " has no cgroup.kill (5.14 or later)");
        }
        String path = null;
        for (String line : lines("/proc/self/cgroup")) {
            if (line.startsWith("0::")) {
                path = line.substring(3);
            }
        }
        if (path == null) {
            return new JvmCgroup(null, "this JVM is in no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)");
        }
        String directory = null;
        for (String line : lines("/proc/self/mountinfo")) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length < 5 || dash < 0 || !line.startsWith("cgroup2 ", dash + 3)) {
                continue;
            }
            String root = unescape(f[3]);
            String mount = unescape(f[4]);
            if (root.equals("/") || path.equals(root) || path.startsWith(root + "/")) {
                directory = mount + (root.equals("/") ? path : path.substring(root.length()));
                break;
            }
        }
        if (directory == null) {
            return new JvmCgroup(null, "no cgroup2 mount holds this JVM's cgroup " + path);
        }
        if (directory.endsWith("/")) {
            directory = directory.substring(0, directory.length() - 1);
        }
        File dir = new File(directory);
        if (!dir.isDirectory() || !dir.canWrite() || !new File(dir, "cgroup.procs").canWrite()) {
            return new JvmCgroup(null, "this user may not write this JVM's cgroup " + directory
                    + " (root, a systemd unit with Delegate=yes, or a container with a writable cgroup namespace may)");
        }
        return new JvmCgroup(directory, null);
    }

    /** Whether a version such as "6.18.0-1-amd64" is at least major.minor. */
    static boolean atLeast(String version, int major, int minor) {
        int[] have = new int[2];
        int at = 0;
        for (int i = 0; i < 2; i++, at++) {
            int start = at;
            while (at < version.length() && Character.isDigit(version.charAt(at))) {
                have[i] = have[i] * 10 + (version.charAt(at++) - '0');
            }
            if (at == start || at - start > 6) {
                return false;
            }
        }
        return have[0] > major || (have[0] == major && have[1] >= minor);
    }

    private static List<String> lines(String file) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new FileReader(file))) {
            for (String line; (line = in.readLine()) != null;) {
                lines.add(line);
            }
        } catch (IOException e) {
            // No /proc (not Linux): no lines, so no cgroup.
        }
        return lines;
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes ("\040"). */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
