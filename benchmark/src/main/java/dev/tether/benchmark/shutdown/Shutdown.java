package dev.tether.benchmark.shutdown;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.ChildJvm;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Shutdown with many live groups: a JVM with the agent starts 1,000 `sleep 1000` (each honours
 * SIGTERM) and calls System.exit (or, with --sigterm, is sent SIGTERM); the time from that moment
 * until the JVM has exited (seen by us, its parent, in waitFor) is what the exit takes. Then /proc
 * must show every sleep gone. Floors, alternated with the agent's runs in the same run: the same
 * children with no agent, left running (the JDK's own exit, a reaper thread per child), and the
 * same children ended by the program itself without the agent (destroy() and waitFor() each, then
 * exit: what ending them from the JVM costs without Tether). Then /proc must show every sleep gone.
 *
 * Options: --groups N (1000), --runs N (3), --piped (the JDK's default pipes on every child instead
 * of none), --busy N (N threads spinning here meanwhile: load), --sigterm. Exit code 1 when a
 * sleep survived the agent (it is then killed).
 */
public final class Shutdown {
    private Shutdown() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int groups = args.integer("--groups", 1000);
        int runs = args.integer("--runs", 3);
        String pipes = args.flag("--piped") ? "piped" : "redirected";
        boolean sigterm = args.flag("--sigterm");
        int busy = args.integer("--busy", 0);
        String how = (sigterm ? "SIGTERM" : "System.exit") + ", " + groups + " " + pipes + " children"
                + (busy > 0 ? ", " + busy + " busy loops" : "");
        double floor = exitMillis(ChildJvm.run(ChildJvm.command(null, ShutdownChild.class, "0"), 60));
        List<Thread> spinners = spin(busy);

        double[] millis = new double[runs];
        double[] leftRunning = new double[runs];
        double[] endedByJdk = new double[runs];
        int survivors = 0;
        int escalated = 0;
        for (int i = 0; i < runs; i++) {
            Run plain = run(null, groups, pipes, sigterm ? "wait" : "exit", sigterm);
            leftRunning[i] = plain.millis;
            killSurvivors(plain.out);
            Run destroyed = run(null, groups, pipes, "destroy", false);
            endedByJdk[i] = destroyed.millis;
            killSurvivors(destroyed.out);
            Run tether = run(Jars.tetherAgent(), groups, pipes, sigterm ? "wait" : "exit", sigterm);
            millis[i] = tether.millis;
            int left = killSurvivors(tether.out);
            survivors += left;
            escalated += tether.err.contains("needed SIGKILL") ? 1 : 0;
            System.out.printf(Locale.ROOT, "run %d (%s): JVM gone after %.1f ms with the agent, %d of %d sleeps still running;"
                    + " agent said: %s; without the agent %.1f ms (sleeps left running), %.1f ms ending them itself%n",
                    i + 1, how, millis[i], left, groups, tether.err.trim().isEmpty() ? "(nothing)" : tether.err.trim(),
                    leftRunning[i], endedByJdk[i]);
        }
        spinners.forEach(Thread::interrupt);
        double median = Stats.median(millis);
        double none = Stats.median(leftRunning);
        double ended = Stats.median(endedByJdk);
        System.out.printf(Locale.ROOT, "shutdown (%s), median of %d: %.1f ms with the agent; without it %.1f ms"
                + " (children left running; ratio %.2f) and %.1f ms ending them itself (ratio %.2f); a JVM with no"
                + " child: %.1f ms; runs with an escalation to SIGKILL: %d%n",
                how, runs, median, none, median / none, ended, median / ended, floor, escalated);
        String key = "shutdown" + (args.flag("--piped") ? ".piped" : "") + (busy > 0 ? ".busy" : "") + (sigterm ? ".sigterm" : "");
        Results.print(key + ".tether", median, "ms");
        Results.print(key + ".none", none, "ms");
        Results.print(key + ".destroyed", ended, "ms");
        Results.print(key + ".floor", floor, "ms");
        Results.print(key + ".survivors", survivors, "processes");
        System.exit(survivors == 0 ? 0 : 1);
    }

    private static final class Run {
        final double millis;
        final String out;
        final String err;

        Run(double millis, String out, String err) {
            this.millis = millis;
            this.out = out;
            this.err = err;
        }
    }

    /** One child JVM: timed from its System.exit call, or (sigterm) from our SIGTERM, to its exit. */
    private static Run run(Path agent, int groups, String pipes, String end, boolean sigterm) throws Exception {
        List<String> command = ChildJvm.command(agent, ShutdownChild.class, Integer.toString(groups), pipes, end);
        if (!sigterm) {
            ChildJvm.Finished f = ChildJvm.run(command, 300);
            return new Run(exitMillis(f), f.out, f.err);
        }
        Path out = Files.createTempFile("tether-bench", ".out");
        Path err = Files.createTempFile("tether-bench", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!Files.readString(out, StandardCharsets.UTF_8).contains("\nready\n")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("the child never got ready: " + Files.readString(err, StandardCharsets.UTF_8));
                }
                Thread.sleep(20);
            }
            Thread.sleep(200); // let the start-up's stragglers (JIT, reaper threads parking) settle
            long signalled = System.nanoTime();
            p.destroy(); // SIGTERM
            p.waitFor();
            long gone = System.nanoTime();
            return new Run((gone - signalled) / 1e6, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<Thread> spin(int threads) {
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!Thread.currentThread().isInterrupted()) x++;
            }, "busy-" + i);
            t.setDaemon(true);
            t.start();
            spinners.add(t);
        }
        return spinners;
    }

    private static double exitMillis(ChildJvm.Finished f) {
        return (f.exitedAtNanos - Long.parseLong(f.value("exit-called-ns"))) / 1e6;
    }

    /** How long a sleep in its exit at the JVM's exit may take to be gone before it counts as running. */
    private static final long EXIT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Counts the reported sleeps still running (same PID and start time) and kills them. A sleep in its
     * exit (PF_EXITING: it acted on SIGTERM, the kernel is still tearing it down) counts only if it is
     * still there EXIT_PATIENCE_NANOS later; how many were exiting is printed on its own line.
     */
    private static int killSurvivors(String childOutput) {
        int survivors = 0;
        List<String[]> exiting = new ArrayList<>();
        for (String line : childOutput.split("\n")) {
            String[] words = line.split(" ");
            if (words.length != 3 || !words[0].equals("sleep")) continue;
            if (ProcStat.exiting(Long.parseLong(words[1]), words[2])) {
                exiting.add(words);
            } else if (ProcStat.running(Long.parseLong(words[1]), words[2])) {
                survivors += kill(Long.parseLong(words[1]));
            }
        }
        long start = System.nanoTime();
        for (String[] words : exiting) {
            long pid = Long.parseLong(words[1]);
            boolean there;
            while ((there = ProcStat.exiting(pid, words[2]) || ProcStat.running(pid, words[2]))
                    && System.nanoTime() - start < EXIT_PATIENCE_NANOS) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            survivors += there ? kill(pid) : 0;
        }
        if (!exiting.isEmpty()) {
            System.out.printf(Locale.ROOT, "  %d sleep(s) were in their exit (PF_EXITING) as the JVM exited; waited %.1f ms for their end%n",
                    exiting.size(), (System.nanoTime() - start) / 1e6);
        }
        return survivors;
    }

    private static int kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        return 1;
    }
}
