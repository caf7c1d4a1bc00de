package dev.tether.nativeio;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where JNA's java.util.logging calls go once the build has rewritten them (see the
 * agent's JnaRedirects, agent/src/build): {@code Logger.getLogger} returns null, which JNA only ever passes back here
 * as the receiver of {@code log} and {@code isLoggable}. So no Logger exists and the JDK's LogManager
 * is not initialised on the host's behalf. JNA's warnings and errors reach {@link #sink}, if set.
 */
public final class JnaLogging {
    /** Receives JNA's messages at WARNING and above (Tether logs them at debug). */
    public static volatile Consumer<String> sink;

    private JnaLogging() {
    }

    public static Logger getLogger(String name) {
        return null;
    }

    public static boolean isLoggable(Logger logger, Level level) {
        return false;
    }

    public static void log(Logger logger, Level level, String message) {
        report(level, message, null);
    }

    public static void log(Logger logger, Level level, String message, Object parameter) {
        report(level, message, parameter);
    }

    public static void log(Logger logger, Level level, String message, Throwable thrown) {
        report(level, message, thrown);
    }

    public static void log(Logger logger, Level level, String message, Object[] parameters) {
        report(level, message, parameters == null ? null : Arrays.toString(parameters));
    }

    private static void report(Level level, String message, Object detail) {
        Consumer<String> to = sink;
        if (to != null && level.intValue() >= Level.WARNING.intValue()) {
            to.accept("JNA: " + message + (detail == null ? "" : " (" + detail + ")"));
        }
    }
}
