package dev.tether.benchmark;

import java.util.Arrays;

/** Medians: robust to the outliers a busy machine adds to a handful of samples. */
public final class Stats {
    private Stats() {}

    public static double median(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
