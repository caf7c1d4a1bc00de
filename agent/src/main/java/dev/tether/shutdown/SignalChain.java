package dev.tether.shutdown;

import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Puts a handler in front of the JVM's own for one signal, and always calls on to it.
 *
 * <p>The action learns whether the handler it chains to is the JVM's own terminator
 * ({@code java.lang.Terminator}, which runs the shutdown hooks and exits with 128+signal): then the
 * JVM is going down anyway and the children can be signalled while other shutdown hooks start. A
 * signal the JVM inherited as ignored (nohup, a background job's SIGINT) stays ignored, a host's own
 * handler is called as before and decides alone, and with {@code -Xrs} nothing is installed.
 */
final class SignalChain {

    private SignalChain() {
    }

    /** @return whether a handler was installed. */
    static boolean install(String name, Action before) {
        AtomicReference<SignalHandler> next = new AtomicReference<>();
        SignalHandler ours = signal -> {
            SignalHandler handler;
            while ((handler = next.get()) == null) {
                Thread.onSpinWait(); // a signal raced with install(); next is set a moment later
            }
            if (handler == SignalHandler.SIG_IGN || handler == SignalHandler.SIG_DFL) {
                return;
            }
            before.run(isJvmTerminator(handler));
            handler.handle(signal);
        };
        SignalHandler previous;
        try {
            previous = Signal.handle(new Signal(name), ours);
        } catch (IllegalArgumentException e) {
            return false; // -Xrs, or the VM owns this signal
        }
        next.set(previous);
        if (previous == SignalHandler.SIG_IGN || previous == SignalHandler.SIG_DFL) {
            Signal.handle(new Signal(name), previous);
            return false;
        }
        return true;
    }

    /** What to do before the handler chained to runs. */
    interface Action {
        /** @param jvmTerminates whether the next handler is the JVM's own, which shuts the JVM down */
        void run(boolean jvmTerminates);
    }

    private static boolean isJvmTerminator(SignalHandler handler) {
        return String.valueOf(handler).startsWith("java.lang.Terminator");
    }
}
