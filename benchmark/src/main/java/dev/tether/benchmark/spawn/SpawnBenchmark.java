package dev.tether.benchmark.spawn;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The steady-state cost of one spawn: start /bin/true and wait for it. SpawnLatency runs it in
 * forked JVMs without and with the agent; the difference is what Tether adds to every spawn after
 * the first (the launcher's extra exec and the bookkeeping around start()). Without the agent it
 * also runs the same spawn through Tether's launcher ({@code -Dtether.launcher}): one extra exec of
 * it and nothing else, the floor of what the agent can add, measured in the same JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpawnBenchmark {
    private final ProcessBuilder trueCommand = new ProcessBuilder("/bin/true");
    private ProcessBuilder throughTheLauncher;

    @Setup
    public void findTheLauncher() {
        String launcher = System.getProperty("tether.launcher");
        throughTheLauncher = launcher == null ? null : new ProcessBuilder(launcher, "/bin/true", "true");
    }

    @Benchmark
    public int startAndWaitFor() throws IOException, InterruptedException {
        return trueCommand.start().waitFor();
    }

    @Benchmark
    public int startAndWaitForThroughTheLauncher() throws IOException, InterruptedException {
        if (throughTheLauncher == null) {
            throw new IllegalStateException("-Dtether.launcher=<Tether's launcher binary> is not set");
        }
        return throughTheLauncher.start().waitFor();
    }
}
