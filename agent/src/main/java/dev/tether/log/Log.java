package dev.tether.log;

import dev.tether.options.LogLevel;
import dev.tether.options.Options;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import org.slf4j.Logger;

/**
 * Tether's logging: the (relocated) SLF4J API over a tiny backend of its own.
 *
 * <p>Deliberately no {@code LoggerFactory}: provider discovery reads global system properties and
 * prints its own diagnostics, both of which a host could observe. Loggers write to the process's
 * real standard error (not {@code System.err}, which the host may have replaced) with a
 * {@code tether:} prefix, at the level the {@code log} option sets.
 */
public final class Log {

    private static volatile LogLevel level = Options.DEFAULT_LOG;

    private Log() {
    }

    public static void setLevel(LogLevel newLevel) {
        level = newLevel;
    }

    public static Logger get(Class<?> owner) {
        return new TetherLogger(owner.getName());
    }

    static boolean enabled(LogLevel message) {
        return level.allows(message);
    }

    static void write(String line) {
        Stderr.STREAM.println(line);
    }

    /** Made at the first message, not when premain sets the level: a PrintStream costs start-up time. */
    private static final class Stderr {
        static final PrintStream STREAM = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }
}
