package dev.tether.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The only test here: the build runs no benchmark, but the summary's medians must be right. */
class StatsTest {
    @Test
    void median_of_an_odd_count_is_the_middle_sample() {
        assertEquals(3.0, Stats.median(new double[] {9, 3, 1}));
    }

    @Test
    void median_of_an_even_count_is_the_mean_of_the_two_middle_samples() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
    }
}
