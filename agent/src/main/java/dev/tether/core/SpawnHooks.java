package dev.tether.core;

import dev.tether.log.Log;
import dev.tether.launch.Placement;
import dev.tether.options.CgroupMode;
import dev.tether.options.OptOut;
import dev.tether.options.Options;
import dev.tether.orphans.OrphanReaper;
import dev.tether.orphans.SpawnLedger;
import java.security.AccessController;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.security.PrivilegedAction;

/**
 * What the bridge calls on each spawn, on the spawning thread, in this order:
 * {@link #command} (from ProcessImpl.start), then {@link #helperPath} and {@link #started} (from the
 * ProcessImpl constructor, around the native forkAndExec). A thread-local carries the decision from
 * the first call to the others; command() resets it, so a spawn that failed leaves nothing stale.
 *
 * <p>A child that shares the terminal the JVM runs in the foreground of stays in the JVM's group
 * (see TerminalPolicy). Every other child takes one of two routes into a new process group. POSIX_SPAWN (the default on Linux since JDK 12 and on
 * macOS): the JDK's jspawnhelper is swapped for the launcher's jspawnhelper form, which calls
 * setpgid and execs the real helper, so the JDK's own program lookup and error reporting stay
 * untouched. FORK and VFORK have no helper: the command becomes {@code [launcher, program, argv0,
 * args...]}, but only after the program was resolved exactly as the JDK would.
 *
 * <p>All of it runs privileged (the host's security policy must neither stop the agent nor be
 * widened by it) and never throws: a failure to activate is one warning and the host runs on,
 * unprotected. Spawns made by the agent itself (JNA may spawn while loading) pass through untouched.
 */
@SuppressWarnings("removal") // AccessController: what a host's SecurityManager (JDK 17-23) checks (SecurityManagerIT)
public final class SpawnHooks {

    private final Options options;
    private final ClassLoader resources;
    /** Null unless orphans are reaped (the JVM is PID 1, or strict mode): then it sees every spawn. */
    private final SpawnLedger ledger;
    private OrphanReaper orphanReaper;
    private final ThreadLocal<Spawn> current = new ThreadLocal<>();
    private final ThreadLocal<Boolean> activating = new ThreadLocal<>();
    private volatile Children children;
    private volatile boolean unavailable;
    /** Set by the JVM's last shutdown step: every hook has run, the JVM halts next. */
    private volatile boolean sealed;

    public SpawnHooks(Options options, ClassLoader resources, boolean reapOrphansNow) {
        this.options = options;
        this.resources = resources;
        this.ledger = reapOrphansNow || options.strict() ? new SpawnLedger() : null;
        if (reapOrphansNow) {
            reapOrphans();
        }
    }

    /** Starts the orphan reaper once (PID 1: from the start; strict mode: once the JVM is a subreaper). */
    synchronized void reapOrphans() {
        if (orphanReaper == null) {
            orphanReaper = new OrphanReaper(ledger, () -> {
                try {
                    NativeModule.define(resources);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot load JNA", e);
                }
            });
            orphanReaper.start();
        }
    }

    public String[] command(String[] cmd, Map<String, String> env, String dir, ProcessBuilder.Redirect[] redirects,
            Object launchMechanism) {
        if (ledger != null) {
            ledger.begin();
        }
        forget(); // a previous spawn on this thread that failed in the JDK
        if (sealed) {
            awaitHalt();
        }
        if (unavailable || activating.get() != null) {
            return cmd;
        }
        try {
            return AccessController.doPrivileged((PrivilegedAction<String[]>) () -> route(cmd, env, dir, redirects,
                    launchMechanism));
        } catch (RuntimeException | Error e) {
            forget();
            disable("cannot protect this child process", e); // the bridge would swallow it unseen
            return cmd;
        }
    }

    private String[] route(String[] cmd, Map<String, String> env, String dir, ProcessBuilder.Redirect[] redirects,
            Object launchMechanism) {
        // Privileged: reading the environment needs a permission the host's policy may not give.
        boolean spared = options.exclude().matches(cmd[0]) || OptOut.requested(env);
        if (spared && !options.strict() && options.cgroup() == CgroupMode.OFF) {
            return cmd; // nothing to remember: not in a group of its own, not recorded
        }
        Children active = children();
        if (active == null) {
            return cmd;
        }
        if (spared && !active.inCgroup()) {
            begin(active, Route.SPARED, null, true); // strict mode must not take it for an escapee
            return cmd;
        }
        // In cgroup mode a spared child is born in the children's cgroup: the launcher moves it out.
        Placement where = active.placement(spared, redirects);
        if (launchMechanism != null && "POSIX_SPAWN".equals(launchMechanism.toString())) {
            begin(active, Route.HELPER, where, spared);
            return cmd;
        }
        String[] wrapped = active.wrap(cmd, dir, where);
        if (wrapped != cmd) {
            begin(active, Route.LAUNCHER, where, spared);
        }
        return wrapped;
    }

    public byte[] helperPath(byte[] jdkHelper) {
        Spawn spawn = current.get();
        if (spawn == null || spawn.route != Route.HELPER) {
            return jdkHelper;
        }
        return AccessController.doPrivileged((PrivilegedAction<byte[]>) () -> {
            try {
                return children.helperFor(jdkHelper, spawn.where);
            } catch (Exception e) {
                forget();
                disable("cannot stand in for the JDK's spawn helper", e);
                return jdkHelper;
            }
        });
    }

    public void started(int pid) {
        if (ledger != null) {
            ledger.started(pid);
        }
        Spawn spawn = current.get();
        if (spawn != null) {
            current.remove();
            try {
                if (spawn.spared && options.strict()) {
                    AccessController.doPrivileged((PrivilegedAction<Void>) () -> {
                        children.spare(pid);
                        return null;
                    });
                }
            } finally {
                children.spawned(); // the child registered itself before its exec, so before start() returns
            }
        }
    }

    public void destroying(int pid, boolean force) {
        Children active = children;
        if (active != null) {
            AccessController.doPrivileged((PrivilegedAction<Void>) () -> {
                active.destroy(pid, force);
                return null;
            });
        }
    }

    /** From here until started() (or the next command() on this thread) the spawn counts as in flight. */
    private void begin(Children active, Route route, Placement where, boolean spared) {
        active.spawning();
        current.set(new Spawn(route, where, spared));
    }

    private void forget() {
        if (current.get() != null) {
            current.remove();
            children.spawned();
        }
    }

    private Children children() {
        Children active = children;
        if (active != null) {
            return active;
        }
        synchronized (this) {
            if (children == null && !unavailable) {
                activating.set(Boolean.TRUE);
                try {
                    children = Activation.activate(options, resources, this::reapOrphans, this::seal);
                } catch (Throwable t) {
                    disable("cannot protect this JVM's child processes", t);
                } finally {
                    activating.remove();
                }
            }
            return children;
        }
    }

    /**
     * The JVM's last shutdown step: every shutdown hook has finished, the cleanup included, and the JVM
     * halts as soon as this returns. A child forked from here on could outlive it unrecorded, so a
     * spawn that begins now waits for the halt instead (no hook is left to wait for it); spawns
     * already past that point are waited for, and find the registry closed and stop their child.
     */
    private void seal() {
        sealed = true;
        Children active = children;
        if (active != null) {
            active.awaitSpawnsInFlight();
        }
    }

    private static void awaitHalt() {
        while (true) {
            LockSupport.park();
        }
    }

    private void disable(String what, Throwable cause) {
        if (!unavailable) {
            unavailable = true;
            Log.get(SpawnHooks.class).warn("{}; they will not be stopped when the JVM exits", what, cause);
        }
    }

    /** How a child gets to the keeper. */
    private enum Route {
        /** POSIX_SPAWN: the launcher stands in for jspawnhelper, puts the child in a new group, registers it. */
        HELPER,
        /** FORK, VFORK: the command runs through the launcher, which does the same. */
        LAUNCHER,
        /** Excluded, or opted out, outside cgroup mode: spawned as it is (strict mode: named to the keeper). */
        SPARED
    }

    /** The decision taken in {@link #command} for the spawn in progress on this thread. */
    private static final class Spawn {
        final Route route;
        /** The launcher's form: HELPER and LAUNCHER only. */
        final Placement where;
        /** Excluded or opted out: strict mode must not take it for an escapee. */
        final boolean spared;

        Spawn(Route route, Placement where, boolean spared) {
            this.route = route;
            this.where = where;
            this.spared = spared;
        }
    }
}
