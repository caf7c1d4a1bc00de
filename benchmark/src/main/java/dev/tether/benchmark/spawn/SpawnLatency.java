package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import dev.tether.benchmark.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs SpawnBenchmark through JMH's API in pairs of forks, one without the agent and one with
 * -javaagent:tether-agent.jar, alternating: on a shared machine the load drifts over the minutes a
 * run takes, and running all forks of one kind first would charge that drift to one side. The
 * figure is the median of the pairs' differences. The fork without the agent also measures the
 * spawn through Tether's launcher (taken from the agent jar): the floor of one extra exec, measured
 * in the same JVM, so the difference above the floor is Tether's own bookkeeping. The agent cannot
 * go into @Fork: an annotation takes constants only, and the jar's path is known at run time.
 *
 * Options: --forks N pairs (3), --iterations N (5), --warmup N (3), --seconds N per iteration (1).
 */
public final class SpawnLatency {
    private static final String PLAIN = SpawnBenchmark.class.getName() + ".startAndWaitFor";
    private static final String THROUGH_LAUNCHER = SpawnBenchmark.class.getName() + ".startAndWaitForThroughTheLauncher";

    private SpawnLatency() {}

    public static void main(String[] argv) throws RunnerException, IOException {
        Args args = new Args(argv);
        Path launcher = Jars.extractLauncher();
        String[] agent = {"-javaagent:" + Jars.tetherAgent()};
        String[] floorArgs = {"-Dtether.launcher=" + launcher};
        int pairs = args.integer("--forks", 3);
        double[] without = new double[pairs];
        double[] with = new double[pairs];
        double[] difference = new double[pairs];
        double[] floor = new double[pairs];
        try {
            for (int pair = 0; pair < pairs; pair++) {
                Map<String, Double> plain = run(args, floorArgs, PLAIN + "|" + THROUGH_LAUNCHER);
                without[pair] = plain.get(PLAIN);
                floor[pair] = plain.get(THROUGH_LAUNCHER) - without[pair];
                with[pair] = run(args, agent, PLAIN).get(PLAIN);
                difference[pair] = with[pair] - without[pair];
                System.out.printf(Locale.ROOT, "pair %d of %d: without %.1f us (through the launcher %+.1f), with %.1f us, "
                        + "difference %+.1f us%n", pair + 1, pairs, without[pair], floor[pair], with[pair], difference[pair]);
            }
        } finally {
            Files.deleteIfExists(launcher);
        }
        System.out.printf(Locale.ROOT, "%nspawn of /bin/true (start + waitFor), us/op, medians of %d pairs of forks:%n", pairs);
        System.out.printf(Locale.ROOT, "  without the agent  %8.1f%n", Stats.median(without));
        System.out.printf(Locale.ROOT, "  with the agent     %8.1f%n", Stats.median(with));
        System.out.printf(Locale.ROOT, "  difference         %+8.1f (pairs from %+.1f to %+.1f; target: at most +60)%n",
                Stats.median(difference), Arrays.stream(difference).min().orElse(0), Arrays.stream(difference).max().orElse(0));
        System.out.printf(Locale.ROOT, "  floor: one extra exec of the launcher, no agent, same JVM  %+8.1f%n", Stats.median(floor));
        Results.print("spawn.none", Stats.median(without), "us");
        Results.print("spawn.tether", Stats.median(with), "us");
        Results.print("spawn.difference", Stats.median(difference), "us");
        Results.print("spawn.floor", Stats.median(floor), "us");
    }

    /** One fork of the benchmarks matching {@code include}; their scores (us/op) by name. */
    private static Map<String, Double> run(Args args, String[] jvmArgs, String include) throws RunnerException {
        int seconds = args.integer("--seconds", 1);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^(" + include + ")$")
                .forks(1)
                .warmupIterations(args.integer("--warmup", 3))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(args.integer("--iterations", 5))
                .measurementTime(TimeValue.seconds(seconds))
                // Explicit, so the forks never inherit this JVM's own flags (JMH's default).
                .jvmArgs(jvmArgs);
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : new Runner(options.build()).run()) {
            scores.put(result.getParams().getBenchmark(), result.getPrimaryResult().getScore());
        }
        return scores;
    }
}
