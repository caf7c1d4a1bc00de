package dev.tether.options;

/** A malformed option: the message is the whole diagnosis a user needs, ready to print. */
public final class OptionException extends Exception {
    private static final long serialVersionUID = 1L;

    OptionException(String message) {
        super(message);
    }
}
