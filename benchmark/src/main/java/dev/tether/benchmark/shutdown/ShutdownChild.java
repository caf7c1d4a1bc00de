package dev.tether.benchmark.shutdown;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts N `sleep 1000` (each its own group under the agent), prints "sleep PID STARTTIME" for each,
 * then "exit-called-ns T" and calls System.exit. Run by Shutdown, which times the rest.
 */
public final class ShutdownChild {
    private ShutdownChild() {}

    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        // No pipes: 1,000 children with three pipes each would exhaust a 1,024-descriptor limit, and a
        // sleep holding our stdout open would keep Shutdown's reader waiting after we exit.
        ProcessBuilder sleep = new ProcessBuilder("sleep", "1000")
                .redirectInput(Redirect.INHERIT).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        List<Process> sleeps = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) sleeps.add(sleep.start());
        } catch (Exception e) {
            // Leave nothing behind when a start fails half-way, with or without the agent.
            sleeps.forEach(Process::destroyForcibly);
            throw new IllegalStateException("started " + sleeps.size() + " of " + count, e);
        }
        StringBuilder report = new StringBuilder();
        for (Process p : sleeps) {
            ProcStat stat = ProcStat.of(p.pid());
            report.append("sleep ").append(p.pid()).append(' ').append(stat == null ? "gone" : stat.startTime).append('\n');
        }
        // The clock is read last: "..." + long would bootstrap the JDK's string concatenation (some
        // 7 ms of method handles in a JVM that has not concatenated yet) after it and count that as
        // exit time, with or without the agent.
        System.out.print(report);
        System.out.print("exit-called-ns ");
        long called = System.nanoTime();
        System.out.println(called);
        System.out.flush();
        System.exit(0);
    }
}
