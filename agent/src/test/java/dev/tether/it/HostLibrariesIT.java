package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.it.fixtures.HostWithLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A host that carries its own JNA 4.5.2 (whose API lacks what Tether's 5.x has), its own older
 * ByteBuddy and SLF4J 1.7 with slf4j-simple sees only its own copies, with or without the agent, and
 * the agent still ends its tree. The jars come from agent/pom.xml (maven-dependency-plugin, into
 * target/host-libs/), their versions through failsafe's system properties.
 *
 * <p>Two orders: the host uses its libraries before and after its first spawn (the host's JNA is
 * loaded first), or only after it (Tether's JNA is loaded first).
 */
@Timeout(120)
class HostLibrariesIT {
    /** The one line the agent adds to stderr when it had to stop the tree at exit. */
    static final Pattern SUMMARY = Pattern.compile(
            "tether: stopped \\d+ process group\\(s\\) still running at exit .*");

    @RegisterExtension
    final Marks marks = new Marks();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"before-and-after", "after-only"})
    void a_host_sees_only_its_own_jna_bytebuddy_and_slf4j_and_prints_the_same_as_without_the_agent(String mode) {
        TreeOutcome without = run(mode, false);
        TreeOutcome with = run(mode, true);

        // The fixture really used the host's old libraries (else two equal reports of failures would pass).
        String jna = hostVersion("jna");
        String byteBuddy = hostVersion("bytebuddy");
        String slf4j = hostVersion("slf4j");
        List<String> expected = new ArrayList<>();
        List<String> phases = mode.equals("after-only") ? List.of("after-spawn") : List.of("before-spawn", "after-spawn");
        for (String when : phases) {
            expected.add("jna " + when + ": version=" + jna + " jar=jna-" + jna + ".jar has-Native.load=false"
                    + " getpid-matches=true");
            expected.add("bytebuddy " + when + ": made=host.Made instance-of-made=true knows-java-25=false"
                    + " jar=byte-buddy-" + byteBuddy + ".jar");
            expected.add("slf4j " + when + ": factory=org.slf4j.impl.SimpleLoggerFactory jar=slf4j-api-" + slf4j + ".jar");
        }
        expected.add("READY");
        expected.add("jna at-shutdown: getpid-matches=true");
        assertEquals(expected, without.exit.stdout.lines().collect(Collectors.toList()),
                () -> "the host did not use its own libraries as expected\n" + without.describe());
        for (String when : phases) {
            assertTrue(without.exit.stderr.contains("[main] INFO host - hello " + when + "\n"),
                    () -> "slf4j-simple did not log\n" + without.describe());
        }

        assertEquals(without.exit.stdout, with.exit.stdout,
                () -> "stdout with the agent differs (- without, + with)\n"
                        + HostFactsRun.diff(without.exit.stdout, with.exit.stdout) + "\n" + with.describe());
        List<String> summaries = with.exit.stderr.lines().filter(l -> SUMMARY.matcher(l).matches())
                .collect(Collectors.toList());
        assertEquals(1, summaries.size(), () -> "expected the agent's one summary line\n" + with.describe());
        String withoutSummary = with.exit.stderr.replace(summaries.get(0) + "\n", "");
        assertEquals(without.exit.stderr, withoutSummary,
                () -> "stderr with the agent (its summary line removed) differs (- without, + with)\n"
                        + HostFactsRun.diff(without.exit.stderr, withoutSummary));
        assertEquals(without.exit.exitCode, with.exit.exitCode, with::describe);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"before-and-after", "after-only"})
    void the_tree_of_a_host_with_its_own_libraries_dies_at_sigterm_only_with_the_agent(String mode) {
        TreeOutcome with = run(mode, true);
        assertEquals(143, with.exit.exitCode, with::describe);
        assertEquals(List.of(), with.survivors, () -> "processes outlived the JVM\n" + with.describe());

        TreeOutcome without = run(mode, false);
        assertEquals(143, without.exit.exitCode, without::describe);
        assertTrue(Trees.sleeps(without.survivors) >= 2,
                () -> "expected both sleeps to outlive a JVM without the agent\n" + without.describe());
    }

    private TreeOutcome run(String mode, boolean agent) {
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).agent(agent).jvmFlag("-Dhost.libs.mode=" + mode);
        for (Path jar : hostJars()) jvm.classPath(jar);
        return TreeRun.of(jvm).fixture(HostWithLibraries.class).tree(Tree.TWO_SLEEPS).ending(Ending.SIGTERM)
                .scenario("HOST-LIBS " + mode).run();
    }

    /** The four jars in target/host-libs/, each checked to be there. */
    static List<Path> hostJars() {
        String dir = System.getProperty("tether.host.libs");
        if (dir == null) fail("no system property tether.host.libs: run the integration tests through 'mvn verify'");
        List<Path> jars = List.of(
                Paths.get(dir, "jna-" + hostVersion("jna") + ".jar"),
                Paths.get(dir, "byte-buddy-" + hostVersion("bytebuddy") + ".jar"),
                Paths.get(dir, "slf4j-api-" + hostVersion("slf4j") + ".jar"),
                Paths.get(dir, "slf4j-simple-" + hostVersion("slf4j") + ".jar"));
        for (Path jar : jars) {
            assertTrue(Files.isRegularFile(jar), () -> "missing host library " + jar
                    + " (maven-dependency-plugin, execution host-libs, in agent/pom.xml)");
        }
        return jars;
    }

    private static String hostVersion(String library) {
        String property = "tether.host." + library + ".version";
        String version = System.getProperty(property);
        if (version == null) fail("no system property " + property + ": run the integration tests through 'mvn verify'");
        return version;
    }
}
