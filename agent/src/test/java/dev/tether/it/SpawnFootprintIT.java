package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.CountsDescriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JVM that only spawns (not PID 1, not strict) carries for Tether: no JNA class (JNA is left
 * for PID 1 and strict mode, which need waitpid and prctl), and no descriptor per child: after 100
 * and after 300 finished children it holds the same descriptors, and beyond those of the same JVM
 * without the agent only a constant few (the agent's jar, the keeper's channel, and the two random
 * devices the JDK's Unix sockets open for themselves), never a pidfd. The class-loading log is the
 * JVM's own (-Xlog:class+load); the twin without the agent is the floor.
 */
@Timeout(180)
class SpawnFootprintIT {
    private static final Duration UP = Duration.ofSeconds(60);
    private static final Set<String> CONSTANT_EXTRAS = Set.of("socket", "/dev/random", "/dev/urandom", "tether-agent.jar");

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @Test
    void a_spawning_jvm_loads_no_jna_class_and_holds_no_descriptor_per_child() throws IOException {
        List<Jdk> jdks = new ArrayList<>(List.of(Jdk.current()));
        Jdk.temurin25().ifPresent(jdks::add);
        for (Jdk jdk : jdks) {
            Path classes = dir.resolve("classes-" + jdk + ".log");
            List<String> with100 = descriptors(ChildJvm.of(jdk, marks.next()).withAgent("grace=500ms")
                    .jvmFlag("-Xlog:class+load=info:file=" + classes), 100);
            List<String> with300 = descriptors(ChildJvm.of(jdk, marks.next()).withAgent("grace=500ms")
                    .jvmFlag("-Xlog:class+load=info:file=" + dir.resolve("classes-300-" + jdk + ".log")), 300);
            List<String> without = descriptors(ChildJvm.of(jdk, marks.next()).withoutAgent()
                    .jvmFlag("-Xlog:class+load=info:file=" + dir.resolve("classes-without-" + jdk + ".log")), 100);
            List<String> jna = Files.readAllLines(classes).stream()
                    .filter(line -> line.contains("com.sun.jna") || line.contains("dev.tether.nativeio"))
                    .collect(Collectors.toList());
            long tether = Files.readAllLines(classes).stream().filter(line -> line.contains(" dev.tether.")).count();
            List<String> extras = new ArrayList<>(with100);
            without.forEach(extras::remove);
            ItLog.line("FOOTPRINT " + jdk + ": descriptors after 100 children " + with100.size() + ", after 300 "
                    + with300.size() + ", no agent " + without.size() + " (extras " + extras + "); Tether classes "
                    + tether + ", JNA classes " + jna.size());
            assertTrue(tether > 0, "the log shows the agent's classes: the check would see JNA's too");
            assertEquals(List.of(), jna, "JNA loaded in a JVM that only spawns");
            assertEquals(with100, with300, "descriptors after 100 and after 300 children");
            assertTrue(extras.stream().allMatch(CONSTANT_EXTRAS::contains), "descriptors beyond no agent: " + extras);
        }
    }

    /** The kinds of descriptor open at the end: a path, or "socket", "pipe", "anon_inode:[pidfd]". */
    private List<String> descriptors(ChildJvm jvm, int children) {
        RunningJvm child = jvm.main(CountsDescriptors.class, Integer.toString(children)).start();
        try {
            String line = child.awaitLineStartingWith("FDS ", UP);
            JvmExit exit = child.awaitExit(UP);
            assertEquals(0, exit.exitCode, exit::describe);
            return Arrays.stream(line.split(" ")).skip(2).map(fd -> fd.substring(fd.indexOf('=') + 1))
                    .filter(target -> !target.endsWith(".log"))
                    .map(target -> target.startsWith("socket:") ? "socket" : target.startsWith("pipe:") ? "pipe"
                            : target.endsWith("/tether-agent.jar") ? "tether-agent.jar" : target)
                    .sorted().collect(Collectors.toList());
        } finally {
            child.mark().sweep();
        }
    }
}
