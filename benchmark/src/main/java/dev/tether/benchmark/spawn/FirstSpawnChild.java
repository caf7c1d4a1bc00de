package dev.tether.benchmark.spawn;

/** Times this JVM's first spawn: "first-spawn-ns N" on stdout. Run by FirstSpawn. */
public final class FirstSpawnChild {
    private FirstSpawnChild() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        int exit = new ProcessBuilder("/bin/true").start().waitFor();
        long elapsed = System.nanoTime() - start;
        if (exit != 0) throw new IllegalStateException("/bin/true exited " + exit);
        System.out.println("first-spawn-ns " + elapsed);
    }
}
