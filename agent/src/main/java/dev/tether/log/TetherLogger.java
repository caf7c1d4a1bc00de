package dev.tether.log;

import dev.tether.options.LogLevel;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One line per event on standard error: {@code tether: message}, plus the cause when there is one. */
final class TetherLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    TetherLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return Log.enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isDebugEnabled() {
        return Log.enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return Log.enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.enabled(LogLevel.WARN);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String prefix = level.toInt() >= Level.WARN.toInt() ? "tether: warning: " : "tether: ";
        Log.write(throwable == null ? prefix + message : prefix + message + " (" + throwable + ")");
    }
}
