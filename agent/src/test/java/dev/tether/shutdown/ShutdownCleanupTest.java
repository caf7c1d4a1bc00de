package dev.tether.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The exit report's seconds: as String.format("%.2f") would print them, without its cost. */
class ShutdownCleanupTest {
    @Test
    void seconds_have_two_decimals_rounded_half_up() {
        assertEquals("0.00", ShutdownCleanup.seconds(Duration.ZERO));
        assertEquals("0.00", ShutdownCleanup.seconds(Duration.ofNanos(4_999_999)));
        assertEquals("0.01", ShutdownCleanup.seconds(Duration.ofMillis(5)));
        assertEquals("0.13", ShutdownCleanup.seconds(Duration.ofNanos(134_999_999)));
        assertEquals("0.14", ShutdownCleanup.seconds(Duration.ofMillis(135)));
        assertEquals("1.00", ShutdownCleanup.seconds(Duration.ofMillis(999)));
        assertEquals("12.34", ShutdownCleanup.seconds(Duration.ofMillis(12_340)));
    }

    @Test
    void seconds_agree_with_string_format_over_a_range() {
        for (long micros = 0; micros < 3_000_000; micros += 1_237) {
            Duration took = Duration.ofNanos(micros * 1_000 + 17);
            assertEquals(String.format(Locale.ROOT, "%.2f", took.toNanos() / 1e9), ShutdownCleanup.seconds(took),
                    took::toString);
        }
    }
}
