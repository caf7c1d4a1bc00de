package dev.tether.benchmark.spawn;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The steady-state cost of one spawn: start /bin/true and wait for it. SpawnLatency runs it in
 * forked JVMs without and with the agent; the difference is what Tether adds to every spawn after
 * the first (the launcher's extra exec and the bookkeeping around start()).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpawnBenchmark {
    private final ProcessBuilder trueCommand = new ProcessBuilder("/bin/true");

    @Benchmark
    public int startAndWaitFor() throws IOException, InterruptedException {
        return trueCommand.start().waitFor();
    }
}
