package dev.tether.benchmark;

import java.util.Arrays;

/** The few command-line options of the benchmark mains: "--name value" and "--flag". */
public final class Args {
    private final String[] args;

    public Args(String[] args) {
        this.args = args.clone();
    }

    public int integer(String name, int byDefault) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        }
        return byDefault;
    }

    /** The value of a required option. */
    public String string(String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) return args[i + 1];
        }
        throw new IllegalArgumentException(name + " is required");
    }

    public boolean flag(String name) {
        return Arrays.asList(args).contains(name);
    }
}
