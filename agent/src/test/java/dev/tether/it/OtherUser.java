package dev.tether.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * A second (and third) user for the tests, without user accounts: {@code setpriv --reuid=N --regid=N
 * --clear-groups} runs a command as uid N (needs root). Such a user cannot read the build's tree, so
 * {@link #publicCopy} copies the agent jar and the test classes where everyone can read them.
 */
final class OtherUser {
    final int uid;

    OtherUser(int uid) {
        this.uid = uid;
    }

    /** Null if this machine lets the tests run commands as other users, else why not. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the tests run as " + System.getProperty("user.name") + ", not root: no other user to be";
        }
        if (!Files.isExecutable(Paths.get("/usr/bin/setpriv"))) {
            return "no /usr/bin/setpriv (util-linux)";
        }
        return null;
    }

    /** The prefix that runs a command as this user, exec'ing it (same pid). */
    List<String> prefix() {
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--");
    }

    /** A directory owned by this user, mode 0700. */
    Path privateDir(Path path) throws IOException {
        Files.createDirectories(path);
        Files.setAttribute(path, "unix:uid", uid);
        Files.setAttribute(path, "unix:gid", uid);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        return path;
    }

    /** Copies {@code source} (a file or a tree) to {@code target}, readable (and runnable) by everyone. */
    static Path publicCopy(Path source, Path target) {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path from : (Iterable<Path>) tree::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
