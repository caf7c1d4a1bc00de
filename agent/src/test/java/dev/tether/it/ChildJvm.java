package dev.tether.it;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes one child JVM: which java, with or without {@code -javaagent:<tether-agent.jar>[=args]},
 * extra JVM flags, extra environment, a fixture main class and its arguments. {@link #start()} runs it
 * with the mark in its environment.
 */
public final class ChildJvm {
    /** Set by failsafe (agent/pom.xml): the packaged agent and this module's test classes. */
    private static final String AGENT_JAR_PROPERTY = "tether.agent.jar";
    private static final String TEST_CLASSES_PROPERTY = "tether.test.classes";
    /**
     * Cheaper start-up on the 2-core build machine; neither flag touches process spawning.
     * Both runs of every with/without comparison use them alike.
     */
    private static final List<String> FAST_START = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Jdk jdk;
    private final Mark mark;
    private String agentArgs; // null: no agent; "": agent without arguments
    private final List<String> jvmFlags = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String launchMechanism;
    private String mainClass;
    private final List<String> args = new ArrayList<>();
    private final List<String> extraClassPath = new ArrayList<>();
    private boolean fastStart = true;
    private Path stdoutFile;
    private Path stderrFile;
    private final List<String> wrapper = new ArrayList<>();
    private String agentJar;
    private String classPath;

    private ChildJvm(Jdk jdk, Mark mark) {
        this.jdk = jdk;
        this.mark = mark;
    }

    public static ChildJvm of(Jdk jdk, Mark mark) {
        return new ChildJvm(jdk, mark);
    }

    /** {@code -javaagent:<jar>} when {@code agent}, nothing otherwise. */
    public ChildJvm agent(boolean agent) {
        return agent ? withAgent("") : withoutAgent();
    }

    /** {@code -javaagent:<jar>=args} ({@code -javaagent:<jar>} for an empty string). */
    public ChildJvm withAgent(String agentArgs) {
        this.agentArgs = agentArgs;
        return this;
    }

    public ChildJvm withoutAgent() {
        this.agentArgs = null;
        return this;
    }

    public boolean hasAgent() {
        return agentArgs != null;
    }

    public ChildJvm jvmFlag(String flag) {
        jvmFlags.add(flag);
        return this;
    }

    /** {@code -Djdk.lang.Process.launchMechanism=FORK|VFORK|POSIX_SPAWN}. */
    public ChildJvm launchMechanism(String mechanism) {
        this.launchMechanism = mechanism;
        return jvmFlag("-Djdk.lang.Process.launchMechanism=" + mechanism);
    }

    /** Appends {@code entry} (a jar or a directory) to the class path, after the test classes. */
    public ChildJvm classPath(Path entry) {
        extraClassPath.add(entry.toString());
        return this;
    }

    /**
     * Runs the JVM with its own defaults (garbage collector, JIT) instead of the cheaper start-up
     * flags: for tests of what a host sees on its terminal, where any flag could hide a warning.
     */
    public ChildJvm vmDefaults() {
        this.fastStart = false;
        return this;
    }

    /**
     * Sends the JVM's stdout and stderr to these files instead of pipes, for byte-exact comparison
     * (the {@link RunningJvm}'s own view of both streams is then empty).
     */
    public ChildJvm redirectOutput(Path stdout, Path stderr) {
        this.stdoutFile = stdout;
        this.stderrFile = stderr;
        return this;
    }

    /**
     * Runs the JVM through {@code command} (which execs its arguments: same pid), for the hostile and
     * old systems the tests simulate: {@code setpriv --reuid=N ...} for another user, {@code prlimit},
     * the seccomp wrapper.
     */
    public ChildJvm through(String... command) {
        Collections.addAll(wrapper, command);
        return this;
    }

    /** Another copy of the agent jar (one another user can read), instead of the build's. */
    public ChildJvm agentJar(Path jar) {
        this.agentJar = jar.toString();
        return this;
    }

    /** Another copy of the test classes (one another user can read), instead of the build's. */
    public ChildJvm testClasses(Path dir) {
        this.classPath = dir.toString();
        return this;
    }

    public ChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public ChildJvm main(Class<?> mainClass, String... args) {
        this.mainClass = mainClass.getName();
        Collections.addAll(this.args, args);
        return this;
    }

    public Mark mark() {
        return mark;
    }

    public Jdk jdk() {
        return jdk;
    }

    /** "jdk17 POSIX_SPAWN agent" / "jdk17 no-agent", for report lines. */
    public String label() {
        return jdk + (launchMechanism != null ? " " + launchMechanism : "") + " "
                + (hasAgent() ? "agent" + (agentArgs.isEmpty() ? "" : "=" + agentArgs) : "no-agent");
    }

    public List<String> command() {
        List<String> command = new ArrayList<>(wrapper);
        command.add(jdk.java().toString());
        if (agentArgs != null) {
            command.add("-javaagent:" + (agentJar != null ? agentJar : agentJar())
                    + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        if (fastStart) command.addAll(FAST_START);
        command.addAll(jvmFlags);
        command.add("-cp");
        List<String> classPath = new ArrayList<>();
        classPath.add(this.classPath != null ? this.classPath : testClasses());
        classPath.addAll(extraClassPath);
        command.add(String.join(File.pathSeparator, classPath));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    public RunningJvm start() {
        if (mainClass == null) throw new IllegalStateException("no main class");
        List<String> command = command();
        ProcessBuilder pb = new ProcessBuilder(InheritedSignals.withDefaultDispositions(command));
        Map<String, String> environment = pb.environment();
        // Options that the JVM picks up on its own would change every child JVM and its stderr.
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.remove("JDK_JAVA_OPTIONS");
        environment.remove("_JAVA_OPTIONS");
        environment.putAll(env);
        environment.put(Mark.ENV, mark.token());
        if (stdoutFile != null) pb.redirectOutput(stdoutFile.toFile());
        if (stderrFile != null) pb.redirectError(stderrFile.toFile());
        try {
            return new RunningJvm(pb.start(), mark, label(), command);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command, e);
        }
    }

    static String agentJar() {
        String jar = System.getProperty(AGENT_JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Paths.get(jar))) {
            throw new AssertionError("no agent jar (system property " + AGENT_JAR_PROPERTY + " = " + jar
                    + "): run the integration tests through 'mvn verify', which packages it first");
        }
        return jar;
    }

    static String testClasses() {
        String dir = System.getProperty(TEST_CLASSES_PROPERTY);
        if (dir != null) return dir;
        try { // outside failsafe (an IDE): where this class was loaded from
            Path here = Paths.get(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.toString();
        } catch (URISyntaxException e) {
            return "target" + File.separator + "test-classes";
        }
    }
}
