package dev.tether.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.stream.Stream;

/** A JDK whose {@code bin/java} starts the child JVMs. */
public final class Jdk {
    private final String label;
    private final Path home;

    private Jdk(String label, Path home) {
        this.label = label;
        this.home = home;
    }

    /** The JDK running the tests (JDK 17 on the build machine). */
    public static Jdk current() {
        return new Jdk("jdk" + Runtime.version().feature(), Paths.get(System.getProperty("java.home")));
    }

    /** Temurin 25 under /usr/lib/jvm, if installed. */
    public static Optional<Jdk> temurin25() {
        try (Stream<Path> homes = Files.list(Paths.get("/usr/lib/jvm"))) {
            return homes.filter(h -> h.getFileName().toString().startsWith("temurin-25"))
                    .filter(h -> Files.isExecutable(h.resolve("bin/java")))
                    .sorted()
                    .findFirst()
                    .map(h -> new Jdk("jdk25", h));
        } catch (IOException noJvmDirectory) {
            return Optional.empty();
        }
    }

    public Path java() {
        return home.resolve("bin/java");
    }

    @Override
    public String toString() {
        return label;
    }
}
