package dev.tether.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs the experiment of "kill the parent, the children live on" twice: without Tether, where the
 * children are orphaned to init, and with it, where they die with the JVM. Exit code 0 when the run
 * with the agent leaves no survivors, 1 otherwise, 2 when the agent jar is missing.
 */
public final class Demo {
    private static final String AGENT_IN_REPO = "agent/target/tether-agent.jar";

    public static void main(String[] args) throws Exception {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            System.out.println("This demo reads /proc and only runs on Linux.");
            return;
        }
        String token = UUID.randomUUID().toString();
        // finally blocks do not run on Ctrl-C; shutdown hooks do.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Experiment.killMarked(token)));
        Path demoJar = Paths.get(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        System.out.println("== 1. without the agent ==");
        Experiment.Result without = new Experiment(parentCommand(demoJar, null), token).run();

        Path agentJar = agentJar(demoJar);
        if (!Files.isRegularFile(agentJar)) {
            System.err.printf("%nTether agent jar not found: %s%nBuild it first, from the repository root:"
                    + " mvn -B -DskipTests package%n(or point -Dtether.agent=<path to tether-agent.jar> at it)%n",
                    agentJar);
            System.exit(2);
        }
        System.out.printf("%n== 2. with the agent (%s) ==%n", agentJar);
        Experiment.Result with = new Experiment(parentCommand(demoJar, agentJar), token).run();

        System.out.printf("%nwithout the agent: %d survivors%s%n", without.survivors,
                without.survivors > 0 ? " (orphans re-parented, still running)" : "");
        System.out.printf("with the agent:    %d survivors%s%n", with.survivors, with.survivors == 0
                ? String.format(", gone %.2f s after the JVM exited", with.secondsUntilGone) : "");
        System.exit(with.survivors == 0 ? 0 : 1);
    }

    private static List<String> parentCommand(Path demoJar, Path agentJar) {
        List<String> command = new ArrayList<>();
        // The same java that runs us, so the demo does not depend on PATH.
        command.add(ProcessHandle.current().info().command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        if (agentJar != null) command.add("-javaagent:" + agentJar);
        command.addAll(List.of("-cp", demoJar.toString(), Parent.class.getName()));
        return command;
    }

    /** -Dtether.agent, else the repo layout seen from the working directory, else from this jar. */
    private static Path agentJar(Path demoJar) {
        String property = System.getProperty("tether.agent");
        if (property != null) return Paths.get(property).toAbsolutePath();
        Path fromWorkingDirectory = Paths.get(AGENT_IN_REPO).toAbsolutePath();
        if (Files.isRegularFile(fromWorkingDirectory)) return fromWorkingDirectory;
        // demo/target/tether-demo.jar -> demo/target -> ../../agent/target/tether-agent.jar
        return demoJar.getParent().resolve("../..").resolve(AGENT_IN_REPO).normalize();
    }
}
