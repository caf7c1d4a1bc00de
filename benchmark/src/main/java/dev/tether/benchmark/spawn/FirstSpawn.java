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
 * own first spawn (FirstSpawnChild); medians.
 *
 * Options: --runs N per variant (20).
 */
public final class FirstSpawn {
    private FirstSpawn() {}

    public static void main(String[] argv) throws Exception {
        int runs = new Args(argv).integer("--runs", 20);
        Path agent = Jars.tetherAgent();
        double[] without = new double[runs];
        double[] with = new double[runs];
        for (int i = 0; i < runs; i++) {
            // Swap the order every round: neither variant always runs right after the other.
            boolean agentFirst = i % 2 == 1;
            if (agentFirst) with[i] = firstSpawnMillis(agent);
            without[i] = firstSpawnMillis(null);
            if (!agentFirst) with[i] = firstSpawnMillis(agent);
        }
        double none = Stats.median(without);
        double tether = Stats.median(with);
        String jdk = String.valueOf(Runtime.version().feature());
        System.out.printf(Locale.ROOT, "first spawn of /bin/true in a fresh JVM (java %s), median of %d, ms:%n",
                System.getProperty("java.version"), runs);
        System.out.printf(Locale.ROOT, "  without the agent  %7.1f%n", none);
        System.out.printf(Locale.ROOT, "  with the agent     %7.1f%n", tether);
        System.out.printf(Locale.ROOT, "  difference         %+7.1f (aim: at most +100)%n", tether - none);
        Results.print("firstspawn." + jdk + ".none", none, "ms");
        Results.print("firstspawn." + jdk + ".tether", tether, "ms");
    }

    private static double firstSpawnMillis(Path agent) throws Exception {
        ChildJvm.Finished f = ChildJvm.run(ChildJvm.command(agent, FirstSpawnChild.class), 120);
        return Long.parseLong(f.value("first-spawn-ns")) / 1e6;
    }
}
