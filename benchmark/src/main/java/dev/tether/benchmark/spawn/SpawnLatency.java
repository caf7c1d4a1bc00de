package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import dev.tether.benchmark.Jars;
import dev.tether.benchmark.Results;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs SpawnBenchmark twice through JMH's API: forks without the agent, then forks with
 * -javaagent:tether-agent.jar. The agent cannot go into @Fork: an annotation takes constants only,
 * and the jar's path is known at run time.
 *
 * Options: --forks N (3), --iterations N (5), --warmup N (3), --seconds N per iteration (1).
 */
public final class SpawnLatency {
    private SpawnLatency() {}

    public static void main(String[] argv) throws RunnerException {
        Args args = new Args(argv);
        String agent = "-javaagent:" + Jars.tetherAgent();
        Result without = run(args, new String[0]);
        Result with = run(args, new String[] {agent});
        System.out.printf(Locale.ROOT, "%nspawn of /bin/true (start + waitFor), %s:%n", without.getScoreUnit());
        System.out.printf(Locale.ROOT, "  without the agent  %8.1f ± %.1f%n", without.getScore(), without.getScoreError());
        System.out.printf(Locale.ROOT, "  with the agent     %8.1f ± %.1f%n", with.getScore(), with.getScoreError());
        System.out.printf(Locale.ROOT, "  difference         %+8.1f (target: at most +60)%n", with.getScore() - without.getScore());
        Results.print("spawn.none", without.getScore(), "us");
        Results.print("spawn.none.error", without.getScoreError(), "us");
        Results.print("spawn.tether", with.getScore(), "us");
        Results.print("spawn.tether.error", with.getScoreError(), "us");
    }

    private static Result run(Args args, String[] jvmArgs) throws RunnerException {
        int seconds = args.integer("--seconds", 1);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SpawnBenchmark.class.getName() + ".startAndWaitFor")
                .forks(args.integer("--forks", 3))
                .warmupIterations(args.integer("--warmup", 3))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(args.integer("--iterations", 5))
                .measurementTime(TimeValue.seconds(seconds))
                // Explicit, so the forks never inherit this JVM's own flags (JMH's default).
                .jvmArgs(jvmArgs);
        return new Runner(options.build()).runSingle().getPrimaryResult();
    }
}
