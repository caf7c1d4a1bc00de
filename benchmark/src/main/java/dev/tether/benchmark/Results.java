package dev.tether.benchmark;

import java.util.Locale;

/**
 * The one line per figure that benchmark/run.sh collects into its summary table:
 * "RESULT key value unit". Everything else a benchmark prints is for the reader.
 */
public final class Results {
    private Results() {}

    public static void print(String key, double value, String unit) {
        System.out.printf(Locale.ROOT, "RESULT %s %.1f %s%n", key, value, unit);
    }
}
