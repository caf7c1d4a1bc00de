package dev.tether.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jars a benchmark puts on child JVMs: -Dtether.agent and -Dtether.emptyAgent when set, else the
 * repository layout seen from this code's own jar (benchmark/target/tether-benchmark.jar), so the
 * benchmarks run from any working directory.
 */
public final class Jars {
    private static final String LAUNCHER = "tether/inst/dev/tether/native/linux-x86_64/tether-launcher";

    private Jars() {}

    /** The jar (or classes directory) this code runs from: the class path of every child JVM. */
    public static Path self() {
        try {
            return Paths.get(Jars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path tetherAgent() {
        return existing("tether.agent", repositoryRoot().resolve("agent/target/tether-agent.jar"));
    }

    public static Path emptyAgent() {
        return existing("tether.emptyAgent", repositoryRoot().resolve("benchmark/target/tether-benchmark-empty-agent.jar"));
    }

    /**
     * Tether's launcher out of the agent jar, into a temporary file of its own (mode 0700), for
     * spawns through it alone: one extra exec and nothing else. The caller deletes it.
     */
    public static Path extractLauncher() throws IOException {
        Path file = Files.createTempFile("tether-benchmark-launcher", "");
        try (ZipFile jar = new ZipFile(tetherAgent().toFile())) {
            ZipEntry entry = jar.getEntry(LAUNCHER);
            if (entry == null) {
                throw new IOException(tetherAgent() + " has no " + LAUNCHER + " (not Linux x86_64?)");
            }
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** benchmark/target/tether-benchmark.jar (or benchmark/target/classes) -> the repository root. */
    private static Path repositoryRoot() {
        return self().toAbsolutePath().getParent().getParent().getParent();
    }

    private static Path existing(String property, Path fallback) {
        String set = System.getProperty(property);
        Path jar = set != null ? Paths.get(set).toAbsolutePath() : fallback.normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it with `mvn -B -q -DskipTests package`"
                    + " from the repository root, or set -D" + property + "=<path>");
        }
        return jar;
    }
}
