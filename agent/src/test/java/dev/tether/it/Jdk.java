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

    /**
     * Debian's aarch64 JDK 17 as build/aarch64-jdk.sh unpacks it, run through qemu-user by binfmt_misc
     * (its children too), or why there is none. Its child JVMs need {@link #QEMU_LD_PREFIX}.
     */
    public static Optional<Jdk> aarch64() {
        Path root = Paths.get(System.getProperty("tether.it.aarch64Jdk", "/opt/tether-aarch64-jdk"), "root");
        Path home = root.resolve("usr/lib/jvm/java-17-openjdk-arm64");
        if (!Files.isExecutable(home.resolve("bin/java")) || !aarch64Runs()) {
            return Optional.empty();
        }
        return Optional.of(new Jdk("jdk17-aarch64", home));
    }

    /** Where qemu-user finds the aarch64 JDK's libraries (its -L). */
    public static final String QEMU_LD_PREFIX = "QEMU_LD_PREFIX";

    /** The aarch64 JDK's library root, for {@link #QEMU_LD_PREFIX}. */
    public Path libraryRoot() {
        return home.resolve("../../../..").normalize();
    }

    private static boolean aarch64Runs() {
        try {
            return Files.readAllLines(Paths.get("/proc/sys/fs/binfmt_misc/qemu-aarch64")).contains("enabled");
        } catch (IOException none) {
            return false;
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
