package dev.tether.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaksTest {
    /** A line as tether-keeper.c's write_report writes it: a command with a quote, a backslash, a tab and U+00E9. */
    private static final String LINE = "{\"time\":\"2026-12-05T12:22:56.433Z\",\"jvm\":27498,\"pid\":27523,\"pgid\":27523,"
            + "\"age_ms\":1530,\"ended\":\"kill\",\"found\":\"group\",\"command\":\"sh -c echo \\\"a\\\\b\\\"\\u0009\u00e9\"}";

    @Test
    void reads_a_report_line_with_its_escapes() {
        Map<String, String> leak = FlatJson.parse(LINE);
        assertEquals("sh -c echo \"a\\b\"\t\u00e9", leak.get("command"));
        assertEquals("27523", leak.get("pid"));
        assertEquals("kill", leak.get("ended"));
    }

    @Test
    void refuses_what_is_not_one_flat_object() {
        for (String bad : new String[] {"", "{", "{\"a\":1", "{\"a\":1} x", "{\"a\":[1]}", "{\"a\":\"\\x\"}",
            "{\"a\":\"tab\there\"}", "{\"a\":1,}", "not json"}) {
            assertNull(FlatJson.parse(bad), bad);
        }
        assertEquals(Map.of(), FlatJson.parse(" { } "));
    }

    @Test
    void sums_up_each_command_and_how_it_ended(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("leaks.jsonl");
        String sleep = LINE.replace("sh -c echo \\\"a\\\\b\\\"\\u0009\u00e9", "sleep 1000");
        Files.write(report, List.of(sleep, sleep.replace("\"kill\"", "\"term\""), LINE, "garbage", ""),
                StandardCharsets.UTF_8);
        Leaks leaks = Leaks.read(report);
        assertEquals(3, leaks.processes);
        assertEquals(1, leaks.unreadable);
        assertEquals(List.of("  2 x sleep 1000 (1 needed SIGKILL, 1 ended by SIGTERM)",
                "  1 x sh -c echo \"a\\b\"\t\u00e9 (needed SIGKILL)"), leaks.describe());
    }

    @Test
    void a_missing_report_is_a_report_of_nothing(@TempDir Path dir) throws Exception {
        assertEquals(0, Leaks.read(dir.resolve("none.jsonl")).processes);
    }
}
