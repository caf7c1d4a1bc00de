package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that installs a restrictive SecurityManager before its first spawn: the agent then weaves
 * ProcessImpl, extracts its launcher and loads JNA on a thread that carries the host's permissions
 * only, and must still do all of it with its own (JDK 17; the SecurityManager is gone in JDK 24).
 */
@Timeout(120)
class SecurityManagerIT {
    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @Test
    void a_restrictive_policy_installed_before_the_first_spawn_does_not_stop_the_agent() throws Exception {
        TreeOutcome outcome = run(true);
        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, outcome::describe);
        // The JDK warns about setSecurityManager itself; the agent must not add a warning of its own.
        assertFalse(outcome.exit.stderr.contains("tether: warning"), outcome::describe);
    }

    @Test
    void without_the_agent_the_same_host_leaves_its_tree_behind() throws Exception {
        TreeOutcome outcome = run(false);
        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertTrue(Trees.sleeps(outcome.survivors) >= 2, outcome::describe);
    }

    private TreeOutcome run(boolean agent) throws Exception {
        // Only what the host itself needs: install the manager, run programs. Nothing for the agent.
        Path policy = dir.resolve("host.policy");
        String classes = Paths.get(ChildJvm.testClasses()).toUri().toString();
        Files.write(policy, ("grant codeBase \"" + classes + "-\" {\n"
                + "  permission java.lang.RuntimePermission \"setSecurityManager\";\n"
                + "  permission java.io.FilePermission \"<<ALL FILES>>\", \"execute\";\n"
                + "};\n").getBytes(StandardCharsets.UTF_8));
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).agent(agent)
                .jvmFlag("-Djava.security.manager=allow")
                .jvmFlag("-Djava.security.policy==" + policy)
                .jvmFlag("-Dspawner.securityManager=true");
        return TreeRun.of(jvm).tree(Tree.TWO_SLEEPS).ending(Ending.SIGTERM).scenario("SECURITY-MANAGER").run();
    }
}
