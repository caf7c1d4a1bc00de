package dev.tether.benchmark.emptyagent;

import java.lang.instrument.Instrumentation;

/**
 * An agent that does nothing: what any -javaagent costs (the JVM opens the jar, loads the
 * instrument library and calls premain), the floor Tether's start-up is measured against.
 */
public final class EmptyAgent {
    private EmptyAgent() {}

    public static void premain(String args, Instrumentation inst) {
        // Deliberately empty.
    }
}
