package dev.tether.benchmark;

import java.util.Arrays;

/** Medians and quantiles: robust to the outliers a busy machine adds to the samples. */
public final class Stats {
    private Stats() {}

    public static double median(double[] samples) {
        double[] sorted = sorted(samples);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The q-quantile (0..1) by the nearest rank on the sorted samples. */
    public static double quantile(double[] samples, double q) {
        double[] sorted = sorted(samples);
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    }

    /**
     * The mean without the lowest and highest {@code fraction} of the samples: unlike the median it
     * still counts a cost paid by a minority of the samples (a prune every 64 spawns), unlike the
     * mean it does not follow the few samples the machine stalled.
     */
    public static double trimmedMean(double[] samples, double fraction) {
        double[] sorted = sorted(samples);
        int cut = (int) (sorted.length * fraction);
        double sum = 0;
        for (int i = cut; i < sorted.length - cut; i++) sum += sorted[i];
        return sum / (sorted.length - 2 * cut);
    }

    /** A sorted copy; none of these figures exists for no samples. */
    private static double[] sorted(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted;
    }
}
