package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one jar in a real aarch64 JVM: Debian's arm64 JDK 17 under qemu-user (build/aarch64-jdk.sh,
 * which .ci/run runs), where the agent must pick the aarch64 launcher and keeper by os.arch and the
 * kernel runs them through binfmt_misc, as it runs the JVM. A SIGTERM to the JVM ends the tree; the
 * same JVM without the agent leaves it. Skipped, saying why, where no such JDK or binfmt entry exists.
 */
@Timeout(300)
class AArch64JvmIT {
    private static final Duration UP = Duration.ofSeconds(120);
    private static Jdk jdk;

    @RegisterExtension
    final Marks marks = new Marks();

    @BeforeAll
    static void aarch64Jdk() throws IOException {
        Optional<Jdk> found = Jdk.aarch64();
        if (found.isEmpty()) {
            System.out.println("[tether-it] AArch64JvmIT skipped: no aarch64 JDK under qemu (build/aarch64-jdk.sh)");
        }
        Assumptions.assumeTrue(found.isPresent(), "no aarch64 JDK under qemu (build/aarch64-jdk.sh makes one)");
        jdk = found.get();
        try (InputStream elf = Files.newInputStream(jdk.java())) {
            byte[] header = elf.readNBytes(20);
            assertEquals(183, header[18] & 0xff, "e_machine of " + jdk.java() + " is not EM_AARCH64");
        }
    }

    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {true, false})
    void sigterm_to_an_aarch64_jvm_ends_its_tree_only_with_the_agent(boolean agent) {
        ChildJvm jvm = ChildJvm.of(jdk, marks.next()).agent(agent).env(Jdk.QEMU_LD_PREFIX, jdk.libraryRoot().toString());
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        Mark mark = child.mark();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 2), child::describe);
            if (agent) {
                // The keeper is the aarch64 build: the kernel ran it through qemu (binfmt_misc), which
                // /proc/PID/exe names; the x86_64 build would run natively.
                ProcessInfo keeper = mark.liveExcept(child.pid()).stream().filter(ProcessInfo::isKeeper).findFirst()
                        .orElseThrow(() -> new AssertionError("no keeper\n" + child.describe()));
                assertTrue(exe(keeper.pid).endsWith("qemu-aarch64-static"), () -> "the keeper runs " + exe(keeper.pid));
            }
            Signal.TERM.sendTo(child.pid());
            JvmExit exit = child.awaitExit(UP);
            Poll.until(UP, () -> mark.liveExcept(child.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            long sleeps = Trees.sleeps(mark.liveExcept(child.pid()));
            ItLog.line("AARCH64 " + jvm.label() + " agent=" + agent + ": exit=" + exit.exitCode + " sleeps-left="
                    + sleeps + " stderr=" + exit.stderr.trim());
            assertEquals(143, exit.exitCode, exit::describe);
            assertEquals(agent ? 0 : 2, sleeps, exit::describe);
            if (agent) {
                assertTrue(exit.stderr.startsWith("tether: stopped 1 process group(s)"), exit::describe);
            }
        } finally {
            mark.sweep();
        }
    }

    private static String exe(long pid) {
        try {
            return Files.readSymbolicLink(java.nio.file.Paths.get("/proc/" + pid + "/exe")).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
