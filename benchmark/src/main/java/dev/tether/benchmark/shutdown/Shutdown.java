package dev.tether.benchmark.shutdown;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.ChildJvm;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.util.Locale;
import java.util.Optional;

/**
 * Shutdown with many live groups: a JVM with the agent starts 1,000 `sleep 1000` (each honours
 * SIGTERM) and calls System.exit; the time from that call until the JVM has exited (seen by us, its
 * parent, in waitFor) is what Tether adds to exit. Then /proc must show every sleep gone. For
 * comparison, the same exit with no child and no agent, and, alternated with the agent's runs, the
 * same 1,000 sleeps with no agent: the JDK's own exit with that many children (a reaper thread
 * each), which the sleeps survive (killed here afterwards).
 *
 * Options: --groups N (1000), --runs N (3). Exit code 1 when a sleep survived (it is then killed).
 */
public final class Shutdown {
    private Shutdown() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int groups = args.integer("--groups", 1000);
        int runs = args.integer("--runs", 3);
        double floor = exitMillis(ChildJvm.run(ChildJvm.command(null, ShutdownChild.class, "0"), 60));

        double[] millis = new double[runs];
        double[] withoutAgent = new double[runs];
        int survivors = 0;
        for (int i = 0; i < runs; i++) {
            ChildJvm.Finished plain = ChildJvm.run(ChildJvm.command(null, ShutdownChild.class, Integer.toString(groups)), 300);
            withoutAgent[i] = exitMillis(plain);
            killSurvivors(plain.out);
            ChildJvm.Finished f = ChildJvm.run(ChildJvm.command(Jars.tetherAgent(), ShutdownChild.class,
                    Integer.toString(groups)), 300);
            millis[i] = exitMillis(f);
            int left = killSurvivors(f.out);
            survivors += left;
            System.out.printf(Locale.ROOT, "run %d: System.exit -> JVM gone %.1f ms, %d of %d sleeps still running; agent said: %s;"
                    + " without the agent %.1f ms, the sleeps left running%n",
                    i + 1, millis[i], left, groups, f.err.trim().isEmpty() ? "(nothing)" : f.err.trim(), withoutAgent[i]);
        }
        double median = Stats.median(millis);
        System.out.printf(Locale.ROOT, "shutdown with %d live groups, median of %d: %.1f ms (target: under 200);"
                + " a JVM with no child and no agent: %.1f ms; the same %d children without the agent, left running: %.1f ms%n",
                groups, runs, median, floor, groups, Stats.median(withoutAgent));
        Results.print("shutdown.tether", median, "ms");
        Results.print("shutdown.floor", floor, "ms");
        Results.print("shutdown.none", Stats.median(withoutAgent), "ms");
        Results.print("shutdown.survivors", survivors, "processes");
        System.exit(survivors == 0 ? 0 : 1);
    }

    private static double exitMillis(ChildJvm.Finished f) {
        return (f.exitedAtNanos - Long.parseLong(f.value("exit-called-ns"))) / 1e6;
    }

    /** Counts the reported sleeps still running (same PID and start time) and kills them. */
    private static int killSurvivors(String childOutput) {
        int survivors = 0;
        for (String line : childOutput.split("\n")) {
            String[] words = line.split(" ");
            if (words.length != 3 || !words[0].equals("sleep")) continue;
            long pid = Long.parseLong(words[1]);
            if (ProcStat.running(pid, words[2])) {
                survivors++;
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                handle.ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        return survivors;
    }
}
