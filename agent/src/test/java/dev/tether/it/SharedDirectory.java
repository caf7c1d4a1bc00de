package dev.tether.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A directory under /tmp that other users can reach (JUnit's @TempDir is 0700), with copies of the
 * agent jar and the test classes they can read; removed, with everything in it, on close.
 */
final class SharedDirectory implements AutoCloseable {
    final Path path;

    SharedDirectory(String prefix) {
        try {
            path = Files.createTempDirectory(Paths.get("/tmp"), prefix);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the packaged agent jar, readable by everyone. */
    Path agentJar() {
        return OtherUser.publicCopy(Paths.get(ChildJvm.agentJar()), path.resolve("tether-agent.jar"));
    }

    /** A copy of the test classes, readable by everyone. */
    Path testClasses() {
        return OtherUser.publicCopy(Paths.get(ChildJvm.testClasses()), path.resolve("classes"));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> tree = Files.walk(path)) {
            List<Path> deepestFirst = tree.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        }
    }
}
