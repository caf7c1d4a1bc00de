package dev.tether.options;

/** How much Tether says on standard error. */
public enum LogLevel {
    OFF, WARN, INFO, DEBUG;

    public boolean allows(LogLevel message) {
        return this != OFF && message.ordinal() <= ordinal();
    }
}
