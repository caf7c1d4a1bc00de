package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.util.Arrays;
import java.util.Locale;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs SpawnBenchmark through JMH's API in pairs of forks, one without the agent and one with
 * -javaagent:tether-agent.jar, alternating: on a shared machine the load drifts over the minutes a
 * run takes, and running all forks of one kind first would charge that drift to one side. The
 * figure is the median of the pairs' differences. The agent cannot go into @Fork: an annotation
 * takes constants only, and the jar's path is known at run time.
 *
 * Options: --forks N pairs (3), --iterations N (5), --warmup N (3), --seconds N per iteration (1).
 */
public final class SpawnLatency {
    private SpawnLatency() {}

    public static void main(String[] argv) throws RunnerException {
        Args args = new Args(argv);
        String[] agent = {"-javaagent:" + Jars.tetherAgent()};
        int pairs = args.integer("--forks", 3);
        double[] without = new double[pairs];
        double[] with = new double[pairs];
        double[] difference = new double[pairs];
        for (int pair = 0; pair < pairs; pair++) {
            without[pair] = run(args, new String[0]);
            with[pair] = run(args, agent);
            difference[pair] = with[pair] - without[pair];
            System.out.printf(Locale.ROOT, "pair %d of %d: without %.1f us, with %.1f us, difference %+.1f us%n",
                    pair + 1, pairs, without[pair], with[pair], difference[pair]);
        }
        System.out.printf(Locale.ROOT, "%nspawn of /bin/true (start + waitFor), us/op, medians of %d pairs of forks:%n", pairs);
        System.out.printf(Locale.ROOT, "  without the agent  %8.1f%n", Stats.median(without));
        System.out.printf(Locale.ROOT, "  with the agent     %8.1f%n", Stats.median(with));
        System.out.printf(Locale.ROOT, "  difference         %+8.1f (pairs from %+.1f to %+.1f; target: at most +60)%n",
                Stats.median(difference), Arrays.stream(difference).min().orElse(0), Arrays.stream(difference).max().orElse(0));
        Results.print("spawn.none", Stats.median(without), "us");
        Results.print("spawn.tether", Stats.median(with), "us");
        Results.print("spawn.difference", Stats.median(difference), "us");
    }

    /** One fork; its score (us/op). */
    private static double run(Args args, String[] jvmArgs) throws RunnerException {
        int seconds = args.integer("--seconds", 1);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SpawnBenchmark.class.getName() + ".startAndWaitFor")
                .forks(1)
                .warmupIterations(args.integer("--warmup", 3))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(args.integer("--iterations", 5))
                .measurementTime(TimeValue.seconds(seconds))
                // Explicit, so the forks never inherit this JVM's own flags (JMH's default).
                .jvmArgs(jvmArgs);
        return new Runner(options.build()).runSingle().getPrimaryResult().getScore();
    }
}
