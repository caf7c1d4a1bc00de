package dev.tether.benchmark.spawn;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Times this JVM's first spawn: "first-spawn-ns N" (wall) and "first-spawn-cpu-ns N" (this thread's
 * CPU time, where the agent's lazy work runs) on stdout. Run by FirstSpawn.
 */
public final class FirstSpawnChild {
    private FirstSpawnChild() {}

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int exit = new ProcessBuilder("/bin/true").start().waitFor();
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        if (exit != 0) throw new IllegalStateException("/bin/true exited " + exit);
        System.out.println("first-spawn-ns " + elapsed);
        System.out.println("first-spawn-cpu-ns " + cpu);
    }
}
