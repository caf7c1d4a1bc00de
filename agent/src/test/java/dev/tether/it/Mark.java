package dev.tether.it;

import java.util.List;

/**
 * A unique token put into the environment of one child JVM as {@code TETHER_IT_MARK=<token>}. Every
 * descendant inherits it (unless a program clears its environment), so /proc finds the whole tree,
 * wherever the processes were re-parented to.
 */
public final class Mark {
    public static final String ENV = "TETHER_IT_MARK";

    private final String token;

    Mark(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** Live processes carrying this mark. */
    public List<ProcessInfo> live() {
        return ProcessTable.liveWithEnvironment(ENV, token);
    }

    /** Live processes carrying this mark, the given one (normally the child JVM) excluded. */
    public List<ProcessInfo> liveExcept(long pid) {
        List<ProcessInfo> live = live();
        live.removeIf(p -> p.pid == pid);
        return live;
    }

    /** SIGKILLs everything that carries this mark. */
    public void sweep() {
        Sweeper.sweep(token);
    }

    @Override
    public String toString() {
        return token;
    }
}
