package dev.tether.it;

import java.util.List;

/** Small questions about a list of processes. */
public final class Trees {
    private Trees() {}

    /** How many of {@code processes} are the fixtures' {@code sleep 1000}. */
    public static long sleeps(List<ProcessInfo> processes) {
        return processes.stream().filter(p -> p.cmdline.equals("sleep 1000")).count();
    }
}
