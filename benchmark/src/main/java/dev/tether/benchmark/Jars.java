package dev.tether.benchmark;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The jars a benchmark puts on child JVMs: -Dtether.agent and -Dtether.emptyAgent when set, else the
 * repository layout seen from this code's own jar (benchmark/target/tether-benchmark.jar), so the
 * benchmarks run from any working directory.
 */
public final class Jars {
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
