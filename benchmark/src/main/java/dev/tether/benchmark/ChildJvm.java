package dev.tether.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM running one of this module's mains, optionally with a -javaagent, run to completion.
 * Its output goes to files, so no draining threads compete with what is being timed.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** -Dtether.java, else the java running us. */
    public static String java() {
        String set = System.getProperty("tether.java");
        if (set != null) return set;
        return ProcessHandle.current().info().command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** java [-javaagent:AGENT] -cp <this jar> MAIN ARGS...; agent may be null. */
    public static List<String> command(Path agent, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        if (agent != null) command.add("-javaagent:" + agent);
        command.add("-cp");
        command.add(Jars.self().toString());
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    public static final class Finished {
        public final int exit;
        public final String out;
        public final String err;
        /** System.nanoTime() right after waitFor() returned: when the JVM was seen to exit. */
        public final long exitedAtNanos;

        Finished(int exit, String out, String err, long exitedAtNanos) {
            this.exit = exit;
            this.out = out;
            this.err = err;
            this.exitedAtNanos = exitedAtNanos;
        }

        /** The value of the first stdout line "KEY VALUE". */
        public String value(String key) {
            for (String line : out.split("\n")) {
                if (line.startsWith(key + " ")) return line.substring(key.length() + 1).trim();
            }
            throw new IllegalStateException("no \"" + key + "\" line in the child's output:\n" + out + err);
        }
    }

    /** Runs the command; a non-zero exit or a timeout is an exception, and kills what it started. */
    public static Finished run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tether-bench", ".out");
        Path err = Files.createTempFile("tether-bench", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile())).start();
            boolean ended = false;
            long exitedAt;
            try {
                ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
                exitedAt = System.nanoTime();
            } finally {
                if (!ended) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
            Finished f = new Finished(ended ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), exitedAt);
            if (!ended || f.exit != 0) {
                throw new IOException((ended ? "exit " + f.exit : "timed out after " + timeoutSeconds + " s")
                        + ": " + String.join(" ", command) + "\n" + f.out + f.err);
            }
            return f;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
