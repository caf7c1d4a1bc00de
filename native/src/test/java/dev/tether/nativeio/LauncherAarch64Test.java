package dev.tether.nativeio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every LauncherTest case against the linux-aarch64 launcher (cross-compiled on x86_64), run by
 * qemu-aarch64-static: the programs it execs are this machine's own.
 */
class LauncherAarch64Test extends LauncherTest {
    private static final String QEMU = Stream.of(System.getenv("PATH").split(":"))
            .map(d -> Path.of(d, "qemu-aarch64-static")).filter(Files::isExecutable).map(Path::toString)
            .findFirst().orElse(null);

    @Override
    String platform() {
        assumeTrue("linux-x86_64".equals(System.getProperty("tether.platform")), "cross-built on x86_64 only");
        assumeTrue(QEMU != null, "no qemu-aarch64-static on PATH (Debian: qemu-user-static)");
        return "linux-aarch64";
    }

    @Override
    List<String> emulator() {
        return List.of(QEMU);
    }
}
