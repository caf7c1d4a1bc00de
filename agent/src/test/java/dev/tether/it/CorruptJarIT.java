package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.MainRan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged agent jar (bytes flipped in the compressed data of one entry, as a bad download or disk
 * does) costs the host its protection, with one line on stderr, never the host itself. Beyond
 * repair: the manifest and the Premain-Class itself, which the JVM reads before any agent code runs.
 */
@Timeout(120)
class CorruptJarIT {
    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev/tether/boot/IsolatingClassLoader.class", "tether/inst/dev/tether/entry/Agent.class"})
    void a_damaged_entry_leaves_the_host_running_unprotected_with_one_line(String entry) throws IOException {
        Path jar = dir.resolve("tether-agent.jar");
        byte[] bytes = Files.readAllBytes(Paths.get(ChildJvm.agentJar()));
        damage(bytes, entry);
        Files.write(jar, bytes);

        RunningJvm child = ChildJvm.of(Jdk.current(), marks.next()).withAgent("").agentJar(jar).main(MainRan.class).start();
        child.closeStdin();
        JvmExit exit = child.awaitExit(Duration.ofSeconds(30));
        List<String> stderr = exit.stderr.lines().collect(Collectors.toList());
        ItLog.line("CORRUPT " + entry + ": exit=" + exit.exitCode + " stderr=" + stderr);
        assertEquals(0, exit.exitCode, exit::describe);
        assertTrue(exit.printedLine("MAIN-RAN") && exit.printedLine("SPAWNED exit=0"), exit::describe);
        assertEquals(1, stderr.size(), exit::describe);
        assertTrue(stderr.get(0).startsWith("tether: "), exit::describe);
    }

    /** Flips bytes in the middle of {@code entry}'s data, found through its local file header (zip APPNOTE 4.3.7). */
    private static void damage(byte[] jar, String entry) {
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 30 + name.length <= jar.length; at++) {
            ByteBuffer header = ByteBuffer.wrap(jar, at, 30).order(ByteOrder.LITTLE_ENDIAN);
            if (header.getInt(at) != 0x04034b50 || (header.getShort(at + 26) & 0xffff) != name.length) {
                continue;
            }
            if (!new String(jar, at + 30, name.length, StandardCharsets.UTF_8).equals(entry)) {
                continue;
            }
            int size = header.getInt(at + 18); // 0 where a data descriptor follows the data (flag bit 3)
            int span = size > 0 ? size : 64;
            int data = at + 30 + name.length + (header.getShort(at + 28) & 0xffff);
            for (int i = span / 3; i < span / 3 + 16 && i < span; i++) {
                jar[data + i] ^= (byte) 0x5a;
            }
            return;
        }
        throw new AssertionError("no local header for " + entry);
    }
}
