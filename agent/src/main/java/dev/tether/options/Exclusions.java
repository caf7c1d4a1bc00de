package dev.tether.options;

import java.util.Arrays;

/**
 * The {@code exclude} option: programs Tether leaves alone (never in a group of their own, never
 * recorded, never signalled), for children that are meant to outlive the JVM. An entry with a slash
 * is an absolute path and matches the command's first word exactly; an entry without one matches
 * the last component of the first word ({@code sshd} matches {@code sshd} and {@code /usr/sbin/sshd}).
 */
public final class Exclusions {
    static final Exclusions NONE = new Exclusions(new String[0]);

    private final String[] programs;

    Exclusions(String[] programs) {
        this.programs = programs.clone();
    }

    public boolean isEmpty() {
        return programs.length == 0;
    }

    /** @param program the command's first word, as the host wrote it */
    public boolean matches(String program) {
        if (programs.length == 0) {
            return false; // every spawn asks: no allocation when nothing is excluded
        }
        String name = program.substring(program.lastIndexOf('/') + 1);
        for (String excluded : programs) {
            if (excluded.equals(excluded.startsWith("/") ? program : name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return Arrays.toString(programs);
    }
}
