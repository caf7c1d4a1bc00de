package dev.tether.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramResolverTest {

    @TempDir
    Path dir;

    private Path file(String name, String content, boolean executable) throws IOException {
        Path path = dir.resolve(name);
        Files.write(path, content.getBytes(StandardCharsets.UTF_8));
        path.toFile().setExecutable(executable);
        return path;
    }

    @Test
    void a_bare_name_is_found_in_the_first_path_element_that_has_it() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.write(bin.resolve("tool"), new byte[] {1});
        bin.resolve("tool").toFile().setExecutable(true);
        ProgramResolver resolver = new ProgramResolver("/nonexistent:" + bin);
        assertEquals(bin + "/tool", resolver.resolve("tool", null));
    }

    @Test
    void a_bare_name_skips_a_file_without_execute_permission_as_execvp_does() throws IOException {
        Path first = Files.createDirectory(dir.resolve("a"));
        Path second = Files.createDirectory(dir.resolve("b"));
        Files.write(first.resolve("tool"), new byte[] {1});
        Files.write(second.resolve("tool"), new byte[] {1});
        second.resolve("tool").toFile().setExecutable(true);
        assertEquals(second + "/tool", new ProgramResolver(first + ":" + second).resolve("tool", null));
    }

    @Test
    void an_unset_path_means_the_working_directory_then_bin_and_usr_bin() {
        assertEquals("/bin/sh", new ProgramResolver(null).resolve("sh", "/"));
    }

    @Test
    void an_empty_path_element_is_the_childs_working_directory() throws IOException {
        file("tool", "#!/bin/sh\n", true);
        assertEquals("./tool", new ProgramResolver("/nonexistent:").resolve("tool", dir.toString()));
    }

    @Test
    void a_relative_path_is_resolved_against_the_directory_and_kept_relative() throws IOException {
        file("run.sh", "echo hi\n", true);
        assertEquals("./run.sh", new ProgramResolver("/bin").resolve("./run.sh", dir.toString()));
    }

    @Test
    void a_missing_program_is_left_to_the_jdk() {
        assertNull(new ProgramResolver("/bin:/usr/bin").resolve("nonexistent-xyz", null));
        assertNull(new ProgramResolver("/bin:/usr/bin").resolve("/nonexistent/abs", null));
        assertNull(new ProgramResolver("/bin:/usr/bin").resolve("", null));
    }

    @Test
    void a_directory_is_left_to_the_jdk() {
        assertNull(new ProgramResolver("/bin").resolve("/tmp", null));
    }

    @Test
    void a_file_without_execute_permission_is_left_to_the_jdk() throws IOException {
        assertNull(new ProgramResolver("/bin").resolve(file("plain", "x", false).toString(), null));
    }

    @Test
    void a_script_whose_interpreter_is_missing_is_left_to_the_jdk() throws IOException {
        Path script = file("bad.sh", "#!/nonexistent/interpreter -x\necho hi\n", true);
        assertNull(new ProgramResolver("/bin").resolve(script.toString(), null));
    }

    @Test
    void a_script_with_a_runnable_interpreter_and_arguments_is_wrapped() throws IOException {
        Path script = file("good.sh", "#! /bin/sh -e\necho hi\n", true);
        assertEquals(script.toString(), new ProgramResolver("/bin").resolve(script.toString(), null));
    }

    @Test
    void a_script_without_a_shebang_is_wrapped_and_the_launcher_runs_it_through_sh() throws IOException {
        Path script = file("plain.sh", "echo hi\n", true);
        assertEquals(script.toString(), new ProgramResolver("/bin").resolve(script.toString(), null));
    }
}
