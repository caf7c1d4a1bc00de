package dev.tether.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher the build produced (target/classes), as the JDK would: through ProcessBuilder. */
class LauncherTest {

    /**
     * Shell code that reports who runs it. The group comes from field 5 of /proc/PID/stat where
     * there is a /proc (its field 2, the command name, has no spaces here), else from ps (macOS).
     */
    private static final String REPORT = String.join("\n",
            "printf 'argv0=%s\\n' \"$0\"",
            "printf 'pid=%s\\n' \"$$\"",
            "if [ -r /proc/$$/stat ]; then read -r _ _ _ _ g _ < /proc/$$/stat; else g=$(ps -o pgid= -p $$); fi",
            "printf 'pgid=%s\\n' $g",
            "printf 'args=%s\\n' \"$*\"",
            "");

    private String launcher;

    @TempDir
    Path tmp;

    /** The platform whose launcher runs: the build's own; a subclass runs another's under an emulator. */
    String platform() {
        return System.getProperty("tether.platform");
    }

    /** The command that runs the launcher, before its path: nothing here (it is this machine's). */
    List<String> emulator() {
        return List.of();
    }

    @BeforeEach
    void findLauncher() throws Exception {
        String platform = platform();
        assertTrue(platform != null, "tether.platform is set by the build (native/pom.xml)");
        assumeTrue(!platform.equals("unsupported"), "no launcher is built on this platform");
        String resource = "dev/tether/native/" + platform + "/tether-launcher";
        URL url = LauncherTest.class.getClassLoader().getResource(resource);
        assertTrue(url != null, "the build put " + resource + " on the test class path");
        launcher = Path.of(url.toURI()).toString();
    }

    @Test
    void exec_form_puts_the_program_in_a_new_group_with_the_same_pid() throws Exception {
        Result r = run(null, launcher, "/bin/sh", "sh", "-c", REPORT);
        r.assertExit(0);
        Map<String, String> seen = r.report();
        assertEquals(String.valueOf(r.pid), seen.get("pid"), "exec'd in place, not forked");
        assertEquals(seen.get("pid"), seen.get("pgid"), "leads its own group");
        assertNotEquals(jvmGroup(), seen.get("pgid"), "left the test JVM's group");
    }

    @Test
    void a_child_started_without_the_launcher_stays_in_the_jvm_group() throws Exception {
        // The baseline the first test relies on: the JDK itself never starts a new group.
        Result r = run(null, "/bin/sh", "-c", REPORT);
        r.assertExit(0);
        assertNotEquals(r.report().get("pid"), r.report().get("pgid"));
    }

    @Test
    void exec_form_keeps_argv0_as_the_caller_wrote_it() throws Exception {
        // Without a word after the script, sh -c takes $0 from its own argv[0] (POSIX sh, -c).
        Result r = run(null, launcher, "/bin/sh", "custom-name", "-c", "echo \"$0\"");
        r.assertExit(0);
        assertEquals("custom-name\n", r.out);
    }

    @Test
    void exec_form_passes_arguments_and_exit_status_through() throws Exception {
        Result r = run(null, launcher, "/bin/sh", "sh", "-c", REPORT + "exit 42", "me", "a b", "", "c");
        r.assertExit(42);
        assertEquals("me", r.report().get("argv0"));
        assertEquals("a b  c", r.report().get("args"));
        assertEquals("", r.err);
    }

    @Test
    void exec_form_runs_a_script_without_shebang_through_sh_with_the_script_as_dollar_zero() throws Exception {
        Path script = executable(tmp.resolve("no-shebang"), REPORT);
        Result r = run(null, launcher, script.toString(), "ignored-argv0", "a", "b");
        r.assertExit(0);
        Map<String, String> seen = r.report();
        assertEquals(script.toString(), seen.get("argv0"), "as the JDK does: /bin/sh PROGRAM ARG...");
        assertEquals("a b", seen.get("args"));
        assertEquals(String.valueOf(r.pid), seen.get("pid"));
        assertEquals(seen.get("pid"), seen.get("pgid"));
    }

    @Test
    void exec_form_resolves_a_relative_program_against_the_working_directory() throws Exception {
        executable(tmp.resolve("tool"), "#!/bin/sh\n" + REPORT);
        Result r = run(tmp, launcher, "./tool", "tool", "a");
        r.assertExit(0);
        assertEquals("./tool", r.report().get("argv0"));
        assertEquals("a", r.report().get("args"));
    }

    @Test
    void exec_form_exits_127_and_names_a_missing_program() throws Exception {
        String missing = tmp.resolve("missing").toString();
        Result r = run(null, launcher, missing, "missing");
        r.assertExit(127);
        assertEquals("tether-launcher: cannot execute " + missing + ": No such file or directory\n", r.err);
    }

    @Test
    void exec_form_exits_127_when_a_path_component_is_not_a_directory() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        Result r = run(null, launcher, file + "/program", "program");
        r.assertExit(127);
        assertTrue(r.err.startsWith("tether-launcher: cannot execute " + file + "/program: "), r.err);
    }

    @Test
    void exec_form_exits_126_for_a_file_that_is_not_executable() throws Exception {
        // Mode 644: even root may not execute a file without any x bit (execve(2), EACCES).
        Path file = Files.writeString(tmp.resolve("not-executable"), "#!/bin/sh\n");
        Result r = run(null, launcher, file.toString(), "x");
        r.assertExit(126);
        assertTrue(r.err.startsWith("tether-launcher: cannot execute " + file + ": "), r.err);
    }

    @Test
    void exec_form_exits_125_with_a_usage_line_when_arguments_are_missing() throws Exception {
        for (String[] command : new String[][] {{launcher}, {launcher, "/bin/sh"}}) {
            Result r = run(null, command);
            r.assertExit(125);
            assertEquals("usage: tether-launcher PROGRAM ARGV0 [ARG...]\n", r.err);
        }
    }

    @Test
    void exec_form_is_silent_when_it_already_leads_a_session() throws Exception {
        // setpgid(0, 0) fails with EPERM for a session leader, which is already alone in its group.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "needs util-linux setsid");
        Result r = run(null, "/usr/bin/setsid", launcher, "/bin/sh", "sh", "-c", REPORT);
        r.assertExit(0);
        assertEquals("", r.err);
        assertEquals(String.valueOf(r.pid), r.report().get("pid"), "setsid(1) did not fork");
        assertEquals(r.report().get("pid"), r.report().get("pgid"));
    }

    @Test
    void jspawnhelper_form_execs_the_jdk_helper_with_the_same_arguments_in_a_new_group() throws Exception {
        Path helper = helperPair(executable(tmp.resolve("fake-jdk-helper"), "#!/bin/sh\n" + REPORT));
        Result r = run(null, helper.toString(), "a", "b");
        r.assertExit(0);
        Map<String, String> seen = r.report();
        assertEquals(helper + ".jdk", seen.get("argv0"));
        assertEquals("a b", seen.get("args"));
        assertEquals(String.valueOf(r.pid), seen.get("pid"));
        assertEquals(seen.get("pid"), seen.get("pgid"));
        assertNotEquals(jvmGroup(), seen.get("pgid"));
        assertEquals("", r.err);
    }

    @Test
    void jspawnhelper_form_exits_127_when_the_jdk_helper_is_missing() throws Exception {
        Path helper = helperPair(tmp.resolve("no-such-helper"));
        Result r = run(null, helper.toString(), "a");
        r.assertExit(127);
        assertEquals("tether-launcher: cannot execute " + helper + ".jdk: No such file or directory\n", r.err);
    }

    @Test
    void jspawnhelper_form_exits_127_when_the_jdk_helper_path_would_exceed_path_max() throws Exception {
        // Linux PATH_MAX is 4096 with the NUL: a 4094-character argv[0] can still be exec'd, but
        // argv[0] + ".jdk" cannot be built.
        assumeTrue(System.getProperty("os.name").equals("Linux"), "PATH_MAX differs elsewhere");
        helperPair(executable(tmp.resolve("fake-jdk-helper"), "#!/bin/sh\n"));
        String longName = "./".repeat(2041) + "jspawnhelper";
        assertEquals(4094, longName.length());
        Result r = run(tmp, longName, "a");
        r.assertExit(127);
        assertTrue(r.err.startsWith("tether-launcher: ./././"), r.err);
        assertTrue(r.err.endsWith("jspawnhelper.jdk: File name too long\n"), r.err);
    }

    /**
     * In tmp: jspawnhelper -> a copy of the launcher, jspawnhelper.jdk -> target, as the agent sets
     * them up. The copy keeps every link inside tmp, which JUnit otherwise warns about on cleanup.
     */
    private Path helperPair(Path target) throws IOException {
        Path copy = Files.copy(Path.of(launcher), tmp.resolve("tether-launcher"), StandardCopyOption.COPY_ATTRIBUTES);
        Path helper = Files.createSymbolicLink(tmp.resolve("jspawnhelper"), copy);
        Files.createSymbolicLink(tmp.resolve("jspawnhelper.jdk"), target);
        return helper;
    }

    /** The test JVM's process group, as seen by a child the JDK starts without the launcher. */
    private String jvmGroup() throws Exception {
        Result r = run(null, "/bin/sh", "-c", REPORT);
        r.assertExit(0);
        return r.report().get("pgid");
    }

    /** The command, with the emulator (if any) before every word that names the launcher or a copy of it. */
    private List<String> emulated(Path dir, String... command) throws IOException {
        List<String> words = new ArrayList<>();
        for (String word : command) {
            Path file = (dir == null ? Path.of(word) : dir.resolve(word)).normalize();
            if (!emulator().isEmpty() && Files.isRegularFile(file)
                    && Files.mismatch(file.toRealPath(), Path.of(launcher)) == -1) {
                words.addAll(emulator());
            }
            words.add(word);
        }
        return words;
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Runs a command to completion with stdout and stderr in files (no draining threads needed). */
    private Result run(Path dir, String... command) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(emulated(dir, command))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                fail("still running after 30 s: " + Arrays.toString(command));
            }
            return new Result(p.pid(), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static final class Result {
        final long pid;
        final int exit;
        final String out;
        final String err;

        Result(long pid, int exit, String out, String err) {
            this.pid = pid;
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        void assertExit(int expected) {
            assertEquals(expected, exit, () -> "exit status; stdout: " + out + "; stderr: " + err);
        }

        /** The key=value lines REPORT prints. */
        Map<String, String> report() {
            Map<String, String> seen = new HashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) seen.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return seen;
        }
    }
}
