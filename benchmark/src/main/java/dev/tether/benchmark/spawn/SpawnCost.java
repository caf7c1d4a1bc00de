package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.ChildJvm;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What Tether adds to a spawn, measured spawn by spawn inside one JVM (SpawnCostChild): a spawn the
 * agent protects against its neighbours that the agent leaves alone (the opt-out variable), with and
 * without Tether's launcher. Each round's differences cancel what the machine did to that round, so
 * the figure holds still on a shared machine where JMH's forks, minutes apart, do not (SpawnLatency).
 * The same loop in a JVM without the agent is the control: there "protected" is no different from
 * "alone", and whatever difference it shows is the method's own error.
 *
 * <p>Options: --warmup SECONDS per JVM (15; C2 compiles Tether's path for 10-15 s of such a loop
 * on 2 cores), --rounds N per JVM (2000), --options NAME=VALUE[,...] (agent options for one more JVM
 * with the agent, measured in the same run: {@code --options cgroup=on} is cgroup mode's cost; there
 * "alone" is no longer the JDK's own spawn, since an opted-out child leaves the cgroup through the
 * launcher, so compare "protected - launcher", Tether's bookkeeping, between the two agent runs).
 */
public final class SpawnCost {
    private SpawnCost() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String warmup = String.valueOf(args.integer("--warmup", 15));
        String rounds = String.valueOf(args.integer("--rounds", 2000));
        Path launcher = Jars.extractLauncher();
        try {
            String[] loop = {"--launcher", launcher.toString(), "--warmup", warmup, "--rounds", rounds};
            List<String> withAgent = ChildJvm.command(Jars.tetherAgent(), SpawnCostChild.class, loop);
            withAgent.add("--agent");
            report("with the agent", "spawncost.tether", run(withAgent));
            if (args.flag("--options")) {
                String options = args.string("--options");
                List<String> withOptions = new ArrayList<>(withAgent);
                for (String option : options.split(",")) {
                    withOptions.add(1, "-Dtether." + option);
                }
                report("with the agent, " + options, "spawncost.tether." + options.replaceAll("[^a-z0-9]+", "-"),
                        run(withOptions));
            }
            report("without the agent (control: protected = alone)", "spawncost.control",
                    run(ChildJvm.command(null, SpawnCostChild.class, loop)));
        } finally {
            Files.deleteIfExists(launcher);
        }
    }

    /** The rounds' times in microseconds: [round][alone, launcher, protected]. */
    private static double[][] run(List<String> command) throws Exception {
        ChildJvm.Finished finished = ChildJvm.run(command, 600);
        List<double[]> rounds = new ArrayList<>();
        for (String line : finished.out.split("\n")) {
            if (line.startsWith("checked ")) {
                System.out.println(line);
            } else if (line.startsWith("round ")) {
                String[] f = line.split(" ");
                rounds.add(new double[] {Long.parseLong(f[1]) / 1e3, Long.parseLong(f[2]) / 1e3, Long.parseLong(f[3]) / 1e3});
            }
        }
        return rounds.toArray(new double[0][]);
    }

    private static void report(String jvm, String key, double[][] rounds) {
        double[] alone = column(rounds, 0, -1);
        double[] launcher = column(rounds, 1, -1);
        double[] protectedOne = column(rounds, 2, -1);
        double[] tether = column(rounds, 2, 0);
        double[] floor = column(rounds, 1, 0);
        double[] bookkeeping = column(rounds, 2, 1);
        System.out.printf(Locale.ROOT, "%nspawn of /bin/true (start + waitFor), %s, %d rounds, us:%n", jvm, rounds.length);
        System.out.printf(Locale.ROOT, "  medians: alone %.1f, through the launcher %.1f, protected %.1f%n",
                Stats.median(alone), Stats.median(launcher), Stats.median(protectedOne));
        System.out.printf(Locale.ROOT, "  per-round differences      median  [p25, p75]         5%%-trimmed mean%n");
        line("protected - alone", tether, "(Tether's cost; target: at most +60)");
        line("launcher - alone", floor, "(the floor: one extra exec)");
        line("protected - launcher", bookkeeping, "(Tether's bookkeeping)");
        Results.print(key + ".cost", Stats.median(tether), "us");
        Results.print(key + ".floor", Stats.median(floor), "us");
        Results.print(key + ".trimmed", Stats.trimmedMean(tether, 0.05), "us");
    }

    private static void line(String name, double[] d, String note) {
        System.out.printf(Locale.ROOT, "  %-24s %+8.1f  [%+7.1f, %+7.1f]  %+8.1f  %s%n", name, Stats.median(d),
                Stats.quantile(d, 0.25), Stats.quantile(d, 0.75), Stats.trimmedMean(d, 0.05), note);
    }

    /** Column a of each round, minus column b unless b is -1. */
    private static double[] column(double[][] rounds, int a, int b) {
        double[] values = new double[rounds.length];
        for (int i = 0; i < rounds.length; i++) {
            values[i] = rounds[i][a] - (b < 0 ? 0 : rounds[i][b]);
        }
        return values;
    }
}
