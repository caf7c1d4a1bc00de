package dev.tether.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent's report (its {@code report=<file>} option: one JSON line per process it had to stop
 * at a JVM's end, appended by every fork) says, summed up for a build: each command with how many
 * times it was left running and how those ended.
 */
final class Leaks {
    /** How many distinct commands a message lists before it says how many more there are. */
    private static final int LISTED = 20;

    final int processes;
    final int unreadable;
    /** Command to its count and the ways it ended ("term", "kill", "survived"), in the report's order. */
    private final Map<String, Tally> commands;

    private Leaks(int processes, int unreadable, Map<String, Tally> commands) {
        this.processes = processes;
        this.unreadable = unreadable;
        this.commands = commands;
    }

    /** The report at {@code file}; a file that does not exist is a report of nothing (no JVM stopped anything). */
    static Leaks read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            lines = List.of();
        }
        Map<String, Tally> commands = new LinkedHashMap<>();
        int processes = 0;
        int unreadable = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> leak = FlatJson.parse(line);
            if (leak == null || !leak.containsKey("command") || !leak.containsKey("pid")) {
                unreadable++;
                continue;
            }
            processes++;
            commands.computeIfAbsent(leak.get("command"), c -> new Tally()).add(leak.getOrDefault("ended", "?"));
        }
        return new Leaks(processes, unreadable, commands);
    }

    /** One line per command, in the report's order: {@code   2 x sleep 1000 (ended by SIGTERM)}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Tally> e : commands.entrySet()) {
            if (lines.size() == LISTED) {
                lines.add("  ... and " + (commands.size() - LISTED) + " more commands");
                break;
            }
            lines.add("  " + e.getValue().count + " x " + e.getKey() + " (" + e.getValue().ended() + ")");
        }
        return lines;
    }

    private static final class Tally {
        int count;
        final Map<String, Integer> ended = new LinkedHashMap<>();

        void add(String how) {
            count++;
            ended.merge(how, 1, Integer::sum);
        }

        String ended() {
            List<String> ways = new ArrayList<>();
            ended.forEach((how, n) -> ways.add((ended.size() > 1 ? n + " " : "") + words(how)));
            return String.join(", ", ways);
        }

        private static String words(String how) {
            switch (how) {
                case "term":
                    return "ended by SIGTERM";
                case "kill":
                    return "needed SIGKILL";
                case "survived":
                    return "survived SIGKILL";
                default:
                    return "ended: " + how;
            }
        }
    }
}
