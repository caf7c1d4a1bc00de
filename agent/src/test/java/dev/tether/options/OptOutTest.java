package dev.tether.options;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptOutTest {
    private static boolean environ(String entries) {
        byte[] bytes = entries.replace('|', '\0').getBytes(StandardCharsets.US_ASCII);
        return OptOut.requested(bytes, bytes.length);
    }

    @Test
    void a_non_empty_value_in_proc_environ_opts_out() {
        assertTrue(environ("PATH=/bin|TETHER_DETACH=1|HOME=/root|"));
        assertTrue(environ("TETHER_DETACH=yes"));
    }

    @Test
    void an_empty_value_a_longer_name_or_a_value_that_mentions_it_does_not() {
        assertFalse(environ("TETHER_DETACH=|"));
        assertFalse(environ("TETHER_DETACHED=1|"));
        assertFalse(environ("X_TETHER_DETACH=1|"));
        assertFalse(environ("NOTE=TETHER_DETACH=1|"));
        assertFalse(environ(""));
    }

    @Test
    void a_childs_environment_map_opts_out_with_a_non_empty_value() {
        assertTrue(OptOut.requested(Map.of("TETHER_DETACH", "1")));
        assertFalse(OptOut.requested(Map.of("TETHER_DETACH", "")));
        assertFalse(OptOut.requested(Map.of("PATH", "/bin")));
    }
}
