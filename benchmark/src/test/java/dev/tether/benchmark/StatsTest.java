package dev.tether.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The only tests here: the build runs no benchmark, but the figures it prints must be computed right. */
class StatsTest {
    @Test
    void median_of_an_odd_count_is_the_middle_sample() {
        assertEquals(3.0, Stats.median(new double[] {9, 3, 1}));
    }

    @Test
    void median_of_an_even_count_is_the_mean_of_the_two_middle_samples() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
    }

    @Test
    void quantiles_are_samples_by_nearest_rank() {
        double[] samples = {40, 10, 30, 20};
        assertEquals(10.0, Stats.quantile(samples, 0.25));
        assertEquals(20.0, Stats.quantile(samples, 0.5));
        assertEquals(30.0, Stats.quantile(samples, 0.75));
        assertEquals(40.0, Stats.quantile(samples, 1.0));
        assertEquals(10.0, Stats.quantile(samples, 0.0));
    }

    @Test
    void trimmed_mean_drops_both_tails() {
        assertEquals(5.5, Stats.trimmedMean(new double[] {1000, 5, 6, -1000, 5, 6, 5, 6, 5, 6}, 0.1));
    }
}
