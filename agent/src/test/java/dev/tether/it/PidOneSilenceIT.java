package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.it.fixtures.MainRan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JDK 25 as PID 1 of a PID namespace (a container whose entry point is java): the agent loads JNA at
 * premain there, for the orphan reaper, in a race with the host's first spawn. Twenty runs, each
 * printing exactly what the host prints: the JDK's restricted-method warning for JNA came in 7 of 20.
 */
@Timeout(300)
class PidOneSilenceIT {
    private static final int RUNS = 20;

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void jdk25_as_pid_1_prints_nothing_of_its_own_in_twenty_runs() {
        String why = PidNamespace.unavailable();
        assumeTrue(why == null, why);
        Optional<Jdk> jdk25 = Jdk.temurin25();
        assumeTrue(jdk25.isPresent(), "no Temurin 25 under /usr/lib/jvm");
        List<String> noisy = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            // Every PID 1 shares one file name for HotSpot's performance data, /tmp/hsperfdata_<user>/1:
            // where the build itself runs as PID 1 (a container whose entry point is mvn), the JDK
            // warns on stdout that the file is locked. That line is the JDK's, with or without the
            // agent; the flag keeps it out of a comparison of what the agent prints.
            ChildJvm jvm = ChildJvm.of(jdk25.get(), marks.next()).withAgent("").vmDefaults().jvmFlag("-XX:-UsePerfData")
                    .through(PidNamespace.UNSHARE.toArray(new String[0]));
            RunningJvm child = jvm.main(MainRan.class).start();
            child.closeStdin();
            JvmExit exit = child.awaitExit(Duration.ofSeconds(60));
            child.mark().sweep();
            assertEquals(0, exit.exitCode, exit::describe);
            if (!exit.stderr.isEmpty() || !exit.stdout.equals("MAIN-RAN\nSPAWNED exit=0\n")) {
                noisy.add("run " + run + ":\n" + exit.describe());
            }
        }
        ItLog.line("PID1 jdk25: " + noisy.size() + " of " + RUNS + " runs printed something of the agent's");
        assertEquals(List.of(), noisy);
    }
}
