package dev.tether.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a base directory can hold Tether's private directory without another user being able to
 * swap it: the rule OpenSSH applies to the paths of its keys ({@code safe_path} in misc.c) and
 * systemd to its runtime directories.
 *
 * <p>The launcher is exec'd by path at every spawn, long after it was checked. A user who may rename
 * entries of a directory on that path can move the private directory away and put one of their own
 * there, and the next spawn runs their program as this user. rename(2) and unlink(2) of an entry
 * need write access to its parent, and in a sticky directory (mode 01000, /tmp) also ownership of
 * the entry or the parent. So every directory from the base up to the root must be owned by this
 * user or root and, if others may write it, be sticky. Only their owners can change that later, so
 * the check cannot be undone behind Tether's back. The base is given as a real path (no symbolic
 * link left in it, Path.toRealPath) and used only as such.
 */
final class SafeBase {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private SafeBase() {
    }

    /**
     * The user this JVM creates files as: the fsuid, the fourth of the "Uid:" line of
     * /proc/self/status (proc(5)); -1 where there is no /proc (macOS), and then the owner of a
     * directory it has just created tells (see LauncherFiles.extract).
     */
    static int fileUser() {
        try (java.io.BufferedReader status = new java.io.BufferedReader(new java.io.FileReader("/proc/self/status"))) {
            for (String line; (line = status.readLine()) != null; ) {
                if (line.startsWith("Uid:")) {
                    java.util.StringTokenizer ids = new java.util.StringTokenizer(line.substring(4)); // real, effective, saved, fs
                    ids.nextToken();
                    ids.nextToken();
                    ids.nextToken();
                    return Integer.parseInt(ids.nextToken());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: fall through
        }
        return -1;
    }

    /** @return why {@code realBase} is unsafe for files of {@code uid}, or null if it is safe */
    static String whyUnsafe(Path realBase, int uid) throws IOException {
        for (Path dir = realBase; dir != null; dir = dir.getParent()) {
            Map<String, Object> attributes = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) attributes.get("uid");
            int mode = (Integer) attributes.get("mode");
            if (owner != uid && owner != 0) {
                return dir + " belongs to another user (uid " + owner + ")";
            }
            if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
                return dir + " is writable by others without the sticky bit (mode "
                        + Integer.toOctalString(mode & 07777) + ")";
            }
        }
        return null;
    }
}
