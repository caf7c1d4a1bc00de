package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent jar is reproducible: build/reproducible.sh builds it from two copies of the working tree
 * in two different directories, with the Maven running this build (offline: this build has fetched
 * everything already), and compares the SHA-256 sums. Its output, the two sums, goes to the IT log.
 */
@Timeout(600)
class ReproducibleBuildIT {

    @Test
    void two_copies_in_two_directories_build_the_same_agent_jar() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("tether.repository.root", "")).toAbsolutePath().normalize();
        Path script = root.resolve("build/reproducible.sh");
        assumeTrue(Files.isExecutable(script), "no " + script);
        Path mavenBin = Path.of(System.getProperty("tether.maven.home", "/nonexistent"), "bin");
        assumeTrue(Files.isExecutable(mavenBin.resolve("mvn")), "no mvn under " + mavenBin);
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-o").redirectErrorStream(true);
        pb.environment().put("PATH", mavenBin + ":" + System.getenv("PATH"));
        // The copies' own builds must not pick up options meant for this one's test JVMs.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().put("MAVEN_REPO_LOCAL", System.getProperty("tether.maven.repository", ""));
        Process check = pb.start();
        try {
            check.getOutputStream().close();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(check.waitFor(10, TimeUnit.MINUTES), "build/reproducible.sh still running after 10 min");
            output.lines().forEach(line -> ItLog.line("REPRODUCIBLE " + line));
            assertEquals(0, check.exitValue(), output);
        } finally {
            // Its two Maven builds too, should it have been cut off.
            check.descendants().forEach(ProcessHandle::destroyForcibly);
            check.destroyForcibly();
        }
    }
}
