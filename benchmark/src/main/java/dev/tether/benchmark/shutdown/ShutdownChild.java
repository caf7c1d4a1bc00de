package dev.tether.benchmark.shutdown;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts N `sleep 1000` (each its own group under the agent), prints "sleep PID STARTTIME" for each,
 * then ends as told. Run by Shutdown, which times the rest.
 *
 * <pre>ShutdownChild N [piped|redirected] [exit|wait|destroy]</pre>
 * {@code piped}: the JDK's default pipes for each child; {@code redirected} (the default): none.
 * {@code exit} (the default): prints "exit-called-ns T" and calls System.exit. {@code wait}: prints
 * "ready" and waits for a signal (Shutdown sends SIGTERM). {@code destroy}: prints "exit-called-ns
 * T", ends every child itself (destroy(), then waitFor() each: what a program does to end its
 * children without Tether) and calls System.exit.
 */
public final class ShutdownChild {
    private ShutdownChild() {}

    public static void main(String[] args) throws InterruptedException {
        int count = Integer.parseInt(args[0]);
        boolean piped = args.length > 1 && args[1].equals("piped");
        String end = args.length > 2 ? args[2] : "exit";
        ProcessBuilder sleep = new ProcessBuilder("sleep", "1000");
        if (!piped) {
            // A sleep holding our stdout open would keep Shutdown's reader waiting after we exit.
            sleep.redirectInput(Redirect.INHERIT).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        }
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
        System.out.print(report);
        if (end.equals("wait")) {
            System.out.println("ready");
            System.out.flush();
            new CountDownLatch(1).await();
        }
        // The clock is read last: "..." + long would bootstrap the JDK's string concatenation (some
        // 7 ms of method handles in a JVM that has not concatenated yet) after it and count that as
        // exit time, with or without the agent.
        System.out.print("exit-called-ns ");
        long called = System.nanoTime();
        System.out.println(called);
        System.out.flush();
        if (end.equals("destroy")) {
            sleeps.forEach(Process::destroy);
            for (Process p : sleeps) p.waitFor();
        }
        System.exit(0);
    }
}
