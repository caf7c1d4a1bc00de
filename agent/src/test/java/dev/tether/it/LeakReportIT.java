package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report option: one JSON line per process Tether had to stop, appended, from the JVM's exit and
 * from the keeper after a death that skips every hook; never a byte on the host's own output. Each
 * line is checked by a JSON parser that is not ours (Perl's core JSON::PP, strict about UTF-8), and
 * printed back by it in ASCII, so a hostile command line shows exactly what became of it.
 */
@Timeout(120)
class LeakReportIT {
    private static final Duration UP = Duration.ofSeconds(30);
    /**
     * A shell, a sleep, and a process whose last argument is q"b\c, a newline, n, a tab, the byte 0xFF
     * (no UTF-8) and U+00E9 (UTF-8): chr() builds it, so no quoting of ours is involved.
     */
    private static final String HOSTILE = "perl -e 'exec \"perl\", \"-e\", \"sleep 1000\","
            + " join(\"\", map { chr } 113, 34, 98, 92, 99, 10, 110, 9, 255, 195, 169)' & sleep 1000 & wait";
    private static final String HOSTILE_AS_JSON = "\"perl -e sleep 1000 q\\\"b\\\\c\\nn\\t\\ufffd\\u00e9\"";

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    @Test
    void every_process_stopped_is_one_line_appended_after_an_exit_and_after_sigkill() {
        Path report = dir.resolve("leaks.jsonl");
        long first = run(report, Ending.RETURN, HOSTILE, "");
        long second = run(report, Ending.SIGKILL, HOSTILE, "");
        List<String> lines = parsed(report);
        assertEquals(6, lines.size(), String.join("\n", lines));
        for (int i = 0; i < 6; i++) {
            String line = lines.get(i);
            assertTrue(line.contains("jvm=" + (i < 3 ? first : second) + " "), line);
            assertTrue(line.contains(" ended=\"term\" found=\"group\" "), line);
        }
        assertEquals(2, lines.stream().filter(l -> l.endsWith(" command=" + HOSTILE_AS_JSON)).count(),
                () -> String.join("\n", lines));
        assertEquals(2, lines.stream().filter(l -> l.endsWith(" command=\"sleep 1000\"")).count());
    }

    @Test
    void a_group_that_ignores_sigterm_is_reported_as_needing_sigkill() {
        Path report = dir.resolve("leaks.jsonl");
        run(report, Ending.SIGTERM, Tree.TERM_IGNORING.command, "");
        List<String> lines = parsed(report);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.contains(" ended=\"kill\" ")), () -> String.join("\n", lines));
    }

    @Test
    void nothing_stopped_writes_nothing() {
        Path report = dir.resolve("leaks.jsonl");
        run(report, Ending.RETURN, "exit 0", "");
        assertFalse(Files.exists(report), "a report of nothing");
    }

    /** Two JVMs with 201 processes each, ended together, write one file: no line is torn or interleaved. */
    @Test
    void two_jvms_appending_at_once_never_tear_a_line() throws Exception {
        Path report = dir.resolve("leaks.jsonl");
        List<RunningJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                jvms.add(start(report, Ending.SIGTERM, Tree.WIDE.command, ""));
            }
            for (RunningJvm jvm : jvms) {
                jvm.awaitLine("READY", UP);
                assertTrue(Poll.until(UP, () -> Trees.sleeps(jvm.mark().liveExcept(jvm.pid())) == 200), jvm::describe);
            }
            jvms.forEach(jvm -> Signal.TERM.sendTo(jvm.pid()));
            for (RunningJvm jvm : jvms) {
                assertEquals(143, jvm.awaitExit(UP).exitCode);
                Poll.until(UP, () -> jvm.mark().liveExcept(jvm.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            }
        } finally {
            jvms.forEach(jvm -> jvm.mark().sweep());
        }
        List<String> lines = parsed(report);
        ItLog.line("REPORT two JVMs with 201 processes each: " + lines.size() + " lines, all valid JSON");
        assertEquals(402, lines.size());
    }

    /** Runs the Spawner with the report, ends it, returns its pid; checks the host's stdout holds its lines only. */
    private long run(Path report, Ending ending, String tree, String more) {
        RunningJvm child = start(report, ending, tree, more);
        try {
            child.awaitLine("READY", UP);
            if (!tree.startsWith("exit")) {
                assertTrue(Poll.until(UP, () -> Trees.sleeps(child.mark().liveExcept(child.pid())) >= 1), child::describe);
                assertTrue(Poll.until(UP, () -> child.mark().liveExcept(child.pid()).size() >= 4), child::describe);
            }
            ending.trigger(child);
            JvmExit exit = child.awaitExit(UP);
            assertEquals(ending.exitCode, exit.exitCode, exit::describe);
            assertTrue(exit.stdout.lines().allMatch(l -> l.startsWith("CHILD ") || l.equals("READY")), exit::describe);
            Poll.until(UP, () -> child.mark().liveExcept(child.pid()).stream().noneMatch(ProcessInfo::isKeeper));
            return child.pid();
        } finally {
            child.mark().sweep();
        }
    }

    private RunningJvm start(Path report, Ending ending, String tree, String more) {
        return ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=300ms,report=" + report + more)
                .main(Spawner.class, "pb", ending.fixtureArg, tree).start();
    }

    /** Each line decoded by JSON::PP and printed back in ASCII as "name=value" pairs in order; fails on any bad line. */
    private static List<String> parsed(Path report) {
        String perl = "use JSON::PP; my $j = JSON::PP->new->ascii->allow_nonref; while (<>) {"
                + " my $o = decode_json($_); print join(' ', map { \"$_=\" . $j->encode($o->{$_}) }"
                + " qw(time jvm pid pgid age_ms ended found command)), \"\\n\" }";
        try {
            Process p = new ProcessBuilder("perl", "-e", perl, report.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "perl did not finish");
            assertEquals(0, p.exitValue(), () -> "not JSON lines: " + out);
            return out.lines().collect(java.util.stream.Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
