package dev.tether.launch;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the file the JDK would execute, for the FORK and VFORK launch mechanisms, where Tether puts
 * its launcher in front of the program and so must know in advance whether the exec would succeed.
 *
 * <p>The rules are the JDK's (childproc.c, JDK_execvpe): a name with a '/' is a path, relative to
 * the child's working directory; a bare name is searched in the JVM's own PATH (not the child's
 * environment), ":/bin:/usr/bin" when PATH is unset, an empty element meaning the working directory.
 * Whenever the file would not run — missing, a directory, not executable, a script whose {@code #!}
 * interpreter is missing — this returns null: the command is then left alone and the JDK raises its
 * own IOException, with its own message.
 */
public final class ProgramResolver {
    private static final int SHEBANG_LIMIT = 256;

    private final List<String> path = new ArrayList<>();

    public ProgramResolver(String pathVariable) {
        String effective = pathVariable == null ? ":/bin:/usr/bin" : pathVariable;
        for (String element : effective.split(":", -1)) {
            path.add(element.isEmpty() ? "." : element);
        }
    }

    /** @return the path to give the launcher (relative paths are relative to {@code dir}), or null. */
    public String resolve(String program, String dir) {
        if (program.isEmpty()) {
            return null;
        }
        if (program.indexOf('/') >= 0) {
            return runnable(program, dir) ? program : null;
        }
        for (String element : path) {
            String candidate = element.endsWith("/") ? element + program : element + "/" + program;
            if (runnable(candidate, dir)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean runnable(String candidate, String dir) {
        File file = inDirectory(candidate, dir);
        return file.isFile() && file.canExecute() && interpreterRunnable(file, dir);
    }

    /** execve(2): a script's interpreter must itself exist and be executable, or exec fails with ENOENT/EACCES. */
    private static boolean interpreterRunnable(File script, String dir) {
        byte[] head = new byte[SHEBANG_LIMIT];
        int n;
        try (InputStream in = new FileInputStream(script)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        if (n < 2 || head[0] != '#' || head[1] != '!') {
            return true;
        }
        String line = new String(head, 2, n - 2, StandardCharsets.ISO_8859_1);
        int end = line.indexOf('\n');
        String interpreter = (end < 0 ? line : line.substring(0, end)).trim().split("[ \t]", 2)[0];
        File file = inDirectory(interpreter, dir);
        return !interpreter.isEmpty() && file.isFile() && file.canExecute();
    }

    private static File inDirectory(String name, String dir) {
        File file = new File(name);
        if (file.isAbsolute()) {
            return file;
        }
        File base = dir == null ? new File(System.getProperty("user.dir")) : new File(dir).getAbsoluteFile();
        return new File(base, name);
    }
}
