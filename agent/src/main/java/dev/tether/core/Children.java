package dev.tether.core;

import dev.tether.keeper.Keeper;
import dev.tether.launch.LauncherFiles;
import dev.tether.launch.Placement;
import dev.tether.launch.ProgramResolver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A child's life as the JVM sees it: how it is made to start in a group (the command or the helper
 * rewritten to the launcher, which registers the child with the keeper itself), which spawns are
 * in flight, and what the JVM asks the keeper about it later (destroy, a forwarded Ctrl-C, strict
 * mode's exceptions). The groups themselves are the keeper's alone.
 */
final class Children {
    /** A spawn takes well under a millisecond; this only bounds a wait for one that failed unseen. */
    private static final long IN_FLIGHT_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final LauncherFiles launcher;
    private final ProgramResolver resolver = new ProgramResolver(System.getenv("PATH"));
    private final Keeper keeper;
    private final TerminalPolicy terminal;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final boolean inCgroup;

    Children(LauncherFiles launcher, Keeper keeper, TerminalPolicy terminal, boolean inCgroup) {
        this.launcher = launcher;
        this.keeper = keeper;
        this.terminal = terminal;
        this.inCgroup = inCgroup;
    }

    /**
     * FORK/VFORK: {@code [launcher, resolved program, argv0, args...]}, or the command itself when the
     * JDK would fail (so that it fails with the JDK's own message).
     */
    String[] wrap(String[] cmd, String dir, Placement where) {
        String program = resolver.resolve(cmd[0], dir);
        if (program == null) {
            return cmd;
        }
        String[] wrapped = new String[cmd.length + 2];
        wrapped[0] = launcher.launcher(where);
        wrapped[1] = program;
        System.arraycopy(cmd, 0, wrapped, 2, cmd.length);
        return wrapped;
    }

    byte[] helperFor(byte[] jdkHelper, Placement where) throws IOException {
        return launcher.helperFor(jdkHelper, where);
    }

    /**
     * Where a child goes: its own group, the JVM's (it shares the terminal of a JVM in the
     * foreground), or, left alone while cgroup mode is on, out of the children's cgroup.
     */
    Placement placement(boolean spared, ProcessBuilder.Redirect[] redirects) {
        if (spared) {
            return Placement.OUTSIDE;
        }
        return terminal.childSharesForegroundTerminal(redirects) ? Placement.JVM_GROUP : Placement.OWN_GROUP;
    }

    /** Whether the keeper runs the JVM's children in a cgroup of their own (cgroup mode). */
    boolean inCgroup() {
        return inCgroup;
    }

    /** A spawn through the launcher has begun: between the JDK's fork and the end of start(). */
    void spawning() {
        inFlight.incrementAndGet();
    }

    /** That spawn has registered its child (before its exec), or failed. */
    void spawned() {
        inFlight.decrementAndGet();
    }

    /**
     * Waits (briefly) until no spawn is in flight, then until the keeper has read every registration
     * (see SpawnHooks.seal): a child that registered after the keeper's "stop" is ended as the keeper
     * reads it, which must happen while the JVM is still its parent.
     */
    void awaitSpawnsInFlight() {
        long deadline = System.nanoTime() + IN_FLIGHT_PATIENCE_NANOS;
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        keeper.awaitRegistrations();
    }

    /** Strict mode: a child left alone (exclude option, opt-out variable) is no escapee. */
    void spare(int pid) {
        keeper.spare(pid);
    }

    /** Process.destroy(): the child's whole group, not only the child. */
    void destroy(int pid, boolean force) {
        keeper.destroy(pid, force);
    }

    /**
     * SIGINT reached the JVM: if the JVM is in the foreground of its terminal, it most likely came
     * from Ctrl-C, which would also have reached the children had they stayed in the JVM's group.
     *
     * @return whether it was forwarded
     */
    boolean forwardInterrupt() {
        if (!terminal.jvmInForeground()) {
            return false;
        }
        keeper.interrupt();
        return true;
    }
}
