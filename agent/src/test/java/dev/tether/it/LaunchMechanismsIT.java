package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDK starts children three ways (jdk.lang.Process.launchMechanism, see ProcessImpl and childproc.c):
 * FORK, VFORK, POSIX_SPAWN (through jspawnhelper). Each, on JDK 17 and on 25, must leave no survivor
 * after SIGTERM and show the host exactly what it shows without the agent. The JVMs that report the
 * host's facts verify the bytecode of boot classes too (-XX:+BytecodeVerificationLocal; off by
 * default), so a woven ProcessImpl with a wrong max stack fails here as a VerifyError instead of
 * corrupting a stack.
 */
@Timeout(180)
class LaunchMechanismsIT {
    private static final String DIAGNOSTIC = "-XX:+UnlockDiagnosticVMOptions";
    private static final String VERIFY_BOOT_CLASSES = "-XX:+BytecodeVerificationLocal";

    @RegisterExtension
    final Marks marks = new Marks();

    static Stream<Arguments> jdksAndMechanisms() {
        return Stream.of(Jdks.CURRENT, Jdks.TEMURIN_25)
                .flatMap(jdk -> Stream.of("FORK", "VFORK", "POSIX_SPAWN").map(m -> Arguments.of(jdk, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndMechanisms")
    void sigterm_kills_the_tree_under_every_launch_mechanism(String jdkName, String mechanism) {
        Jdk jdk = Jdks.named(jdkName);

        TreeOutcome without = TreeRun.of(ChildJvm.of(jdk, marks.next()).launchMechanism(mechanism).withoutAgent())
                .ending(Ending.SIGTERM)
                .run();
        assertTrue(Trees.sleeps(without.survivors) >= 2,
                () -> "expected both sleeps to outlive a JVM without the agent\n" + without.describe());

        TreeOutcome with = TreeRun.of(ChildJvm.of(jdk, marks.next()).launchMechanism(mechanism).withAgent("grace=500ms"))
                .ending(Ending.SIGTERM)
                .run();
        assertEquals(143, with.exit.exitCode, with::describe);
        assertEquals(List.of(), with.survivors, () -> "processes outlived the JVM\n" + with.describe());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndMechanisms")
    void host_sees_identical_facts_under_every_launch_mechanism(String jdkName, String mechanism) {
        Jdk jdk = Jdks.named(jdkName);

        JvmExit without = HostFactsRun.report(ChildJvm.of(jdk, marks.next()).launchMechanism(mechanism).withoutAgent()
                .jvmFlag(DIAGNOSTIC).jvmFlag(VERIFY_BOOT_CLASSES));
        JvmExit with = HostFactsRun.report(ChildJvm.of(jdk, marks.next()).launchMechanism(mechanism).withAgent("")
                .jvmFlag(DIAGNOSTIC).jvmFlag(VERIFY_BOOT_CLASSES));

        HostFactsIT.assertSameReport(jdk + " " + mechanism, without, with);
    }
}
