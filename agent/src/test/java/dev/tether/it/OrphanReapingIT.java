package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.it.fixtures.OrphanMaker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JVM as PID 1 of a PID namespace (a container whose entry point is java): every orphan in the
 * namespace is re-parented to it, and the JDK reaps only its own children. {@link OrphanMaker} makes
 * 40 double-forked orphans that exit while 60 children of its own exit with code 7 on two threads;
 * then it counts the zombies in the namespace. With the agent: none, and every exit code 7. Without
 * it: 40 zombies (so the test can fail).
 */
@Timeout(180)
class OrphanReapingIT {
    private static final int ORPHANS = 40;
    private static final int DIRECT = 60;
    private static final Duration RUN = Duration.ofSeconds(60);

    @RegisterExtension
    final Marks marks = new Marks();

    @BeforeAll
    static void needsPidNamespaces() {
        String why = PidNamespace.unavailable();
        if (why != null) {
            ItLog.line("ORPHANS skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "OrphanReapingIT skipped: " + why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Jdks.CURRENT, Jdks.TEMURIN_25})
    void as_pid_1_the_agent_reaps_orphans_and_never_the_jdks_own_children(String jdk) throws IOException {
        Map<String, String> o = run(ChildJvm.of(Jdks.named(jdk), marks.next()).withAgent(""));
        assertEquals("1", o.get("PID"), o::toString);
        assertEquals("ok", o.get("EXIT_CODES"), o::toString);
        assertEquals("0", o.get("ZOMBIES"), o::toString);
    }

    @Test
    void without_the_agent_the_orphans_stay_zombies() throws IOException {
        Map<String, String> o = run(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent());
        assertEquals("ok", o.get("EXIT_CODES"), o::toString);
        assertEquals(String.valueOf(ORPHANS), o.get("ZOMBIES"), o::toString);
    }

    private static Map<String, String> run(ChildJvm jvm) throws IOException {
        List<String> command = new ArrayList<>(PidNamespace.UNSHARE);
        command.addAll(jvm.main(OrphanMaker.class, String.valueOf(ORPHANS), String.valueOf(DIRECT)).command());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put(Mark.ENV, jvm.mark().token());
        RunningJvm namespace = new RunningJvm(pb.start(), jvm.mark(), "orphans", command);
        try {
            JvmExit exit = namespace.awaitExit(RUN);
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : exit.stdout.split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    values.put(line.substring(0, space), line.substring(space + 1));
                }
            }
            ItLog.line("ORPHANS as PID 1 " + jvm.label() + ": orphans=" + ORPHANS + " direct-children=" + DIRECT
                    + " exit-codes=" + values.get("EXIT_CODES") + " zombies-left=" + values.get("ZOMBIES")
                    + " jvm-exit=" + exit.exitCode);
            values.put("describe", exit.describe());
            return values;
        } finally {
            jvm.mark().sweep();
        }
    }
}
