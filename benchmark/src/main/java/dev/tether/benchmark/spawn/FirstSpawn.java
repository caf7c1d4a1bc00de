package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.ChildJvm;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The first spawn of a JVM, which is where Tether does its lazy work (weaving java.lang.ProcessImpl,
 * loading JNA, extracting the launcher). Not a steady state, so not JMH: fresh JVMs, alternately
 * without and with the agent (alternating spreads a busy machine's drift over both), each timing its
 * own first spawn (FirstSpawnChild); medians. Besides the wall time, the spawning thread's CPU time,
 * where that lazy work runs: on a shared machine the host's steal stretches the wall time, and the
 * thread's CPU time (the scheduler leaves stolen time out of it) holds still.
 *
 * Options: --runs N per variant (20).
 */
public final class FirstSpawn {
    private FirstSpawn() {}

    public static void main(String[] argv) throws Exception {
        int runs = new Args(argv).integer("--runs", 20);
        Path agent = Jars.tetherAgent();
        double[][] without = new double[2][runs];
        double[][] with = new double[2][runs];
        for (int i = 0; i < runs; i++) {
            // Swap the order every round: neither variant always runs right after the other.
            boolean agentFirst = i % 2 == 1;
            if (agentFirst) firstSpawnMillis(agent, with, i);
            firstSpawnMillis(null, without, i);
            if (!agentFirst) firstSpawnMillis(agent, with, i);
        }
        double none = Stats.median(without[0]);
        double tether = Stats.median(with[0]);
        double noneCpu = Stats.median(without[1]);
        double tetherCpu = Stats.median(with[1]);
        String jdk = String.valueOf(Runtime.version().feature());
        System.out.printf(Locale.ROOT, "first spawn of /bin/true in a fresh JVM (java %s), median of %d, ms:%n",
                System.getProperty("java.version"), runs);
        System.out.printf(Locale.ROOT, "  without the agent  %7.1f%n", none);
        System.out.printf(Locale.ROOT, "  with the agent     %7.1f%n", tether);
        System.out.printf(Locale.ROOT, "  difference         %+7.1f (aim: at most +100)%n", tether - none);
        System.out.printf(Locale.ROOT, "  the spawning thread's CPU time: %.1f without, %.1f with, %+.1f%n",
                noneCpu, tetherCpu, tetherCpu - noneCpu);
        Results.print("firstspawn." + jdk + ".none", none, "ms");
        Results.print("firstspawn." + jdk + ".tether", tether, "ms");
        Results.print("firstspawn." + jdk + ".cpu.none", noneCpu, "ms");
        Results.print("firstspawn." + jdk + ".cpu.tether", tetherCpu, "ms");
    }

    /** times[0][i]: the first spawn's wall time, times[1][i]: the spawning thread's CPU time, ms. */
    private static void firstSpawnMillis(Path agent, double[][] times, int i) throws Exception {
        ChildJvm.Finished f = ChildJvm.run(ChildJvm.command(agent, FirstSpawnChild.class), 120);
        times[0][i] = Long.parseLong(f.value("first-spawn-ns")) / 1e6;
        times[1][i] = Long.parseLong(f.value("first-spawn-cpu-ns")) / 1e6;
    }
}
