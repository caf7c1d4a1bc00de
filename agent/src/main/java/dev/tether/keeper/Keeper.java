package dev.tether.keeper;

import dev.tether.log.Log;
import dev.tether.proc.ProcStat;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The JVM's requests to its keeper, and the keeper's lifecycle as the JVM sees it: started once at
 * the first spawn; if it dies while the JVM runs, one warning and a new one, which is handed the
 * JVM's live children that lead groups of their own (proven by their start times). Requests to a
 * keeper that is gone do nothing: the host runs on, its children unprotected.
 */
public final class Keeper {
    private static final Logger log = Log.get(Keeper.class);
    /** Far more than a keeper needs to answer anything but "stop". */
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** Beyond grace and the wait: the keeper gives up 5 s after SIGKILL, and /proc scans take time. */
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(10);
    private static final int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    private final String binary;
    private final String dir;
    private final Duration grace;
    private final List<String> modes;
    private final int jvmSession;
    private final boolean verbose;
    private volatile KeeperChannel channel;
    private volatile boolean stopping;
    private boolean warned;

    private Keeper(String binary, String dir, Duration grace, List<String> modes, int jvmSession, boolean verbose) {
        this.binary = binary;
        this.dir = dir;
        this.grace = grace;
        this.modes = modes;
        this.jvmSession = jvmSession;
        this.verbose = verbose;
    }

    /**
     * Starts the keeper for the private directory {@code dir}, which holds {@code binary} and the launcher.
     *
     * @param modes the keeper's options: {@code -s} (strict mode), {@code -c CGROUP} (cgroup mode, the
     *     JVM's cgroup directory), {@code -r REPORT} (the report file), as tether-keeper.c's usage says
     * @param jvmSession the JVM's session id, 0 if its leader is outside the JVM's PID namespace
     * @param verbose whether the keeper's stderr is the JVM's (log=debug)
     */
    public static Keeper start(String binary, String dir, Duration grace, List<String> modes, int jvmSession,
            boolean verbose) throws IOException {
        Keeper keeper = new Keeper(binary, dir, grace, List.copyOf(modes), jvmSession, verbose);
        keeper.channel = keeper.connect();
        return keeper;
    }

    private KeeperChannel connect() throws IOException {
        return KeeperChannel.start(binary, dir, grace, modes, jvmSession, verbose, this::lost);
    }

    /** The channel ended while the JVM runs: the keeper died (or was killed). */
    private void lost() {
        if (stopping) {
            return;
        }
        channel = null;
        try {
            KeeperChannel next = connect();
            channel = next;
            int adopted = adoptChildren(next);
            log.warn("the keeper died; a new one has taken over {} running child process group(s)", adopted);
        } catch (IOException | RuntimeException e) {
            warnOnce("the keeper died and no new one could start (" + e.getMessage() + ")");
        }
    }

    /**
     * The JVM's children that lead groups of their own: those Tether put there. (Children that
     * stayed in the JVM's group cannot be told from the ones Tether left alone, so they are not.)
     */
    private int adoptChildren(KeeperChannel next) throws IOException {
        List<ProcStat> children = ProcessHandle.current().children()
                .map(child -> ProcStat.readFile((int) child.pid()))
                .filter(stat -> stat != null && stat.pgid == stat.pid && !stat.isZombie())
                .collect(Collectors.toList());
        int adopted = 0;
        for (ProcStat child : children) {
            if ("ok".equals(next.ask("adopt " + child.pid + " " + child.startTime + " 1", PATIENCE))) {
                adopted++;
            }
        }
        return adopted;
    }

    /**
     * Ends every group (and in strict mode every escapee) and waits for the keeper's answer. After
     * this a child that registers is killed at once.
     *
     * @param wait how long the groups may take to end by themselves first (a forwarded Ctrl-C)
     * @return what it did, or null if there is no keeper to ask
     */
    public Outcome stop(Duration wait) {
        stopping = true;
        String answer = ask("stop " + wait.toMillis(), grace.plus(wait).plus(STOP_PATIENCE));
        return answer == null ? null : Outcome.parse(answer);
    }

    /**
     * Returns once the keeper has read every registration sent so far: every request drains them
     * first, and "list" changes nothing. The keeper reads them in batches (docs/keeper.md), so one
     * sent a moment ago may still be queued.
     */
    public void awaitRegistrations() {
        ask("list", PATIENCE);
    }

    /** Process.destroy() of child {@code pid}: SIGKILL if {@code force}, else SIGTERM, to its whole group. */
    public void destroy(int pid, boolean force) {
        ask("signal " + pid + " " + (force ? SIGKILL : SIGTERM), PATIENCE);
    }

    /** SIGINT to every group of its own: a Ctrl-C the JVM got, which the children would have got with it. */
    public void interrupt() {
        ask("interrupt", PATIENCE);
    }

    /** Strict mode: child {@code pid} (excluded or opted out) and what it starts are no escapees. */
    public void spare(int pid) {
        ask("spare " + pid, PATIENCE);
    }

    private String ask(String line, Duration patience) {
        KeeperChannel current = channel;
        if (current == null) {
            return null;
        }
        try {
            return current.ask(line, patience);
        } catch (IOException e) {
            warnOnce(e.getMessage());
            return null;
        }
    }

    private synchronized void warnOnce(String what) {
        if (!warned) {
            warned = true;
            log.warn("{}; child processes will not be stopped when the JVM exits", what);
        }
    }

    /** The keeper's answer to "stop": {@code stopped GROUPS KILLED LEFT MS}, then up to three commands after tabs. */
    public static final class Outcome {
        /** Groups (and escapees) that still had live members and were signalled. */
        public final int signalled;
        /** Of those, how many needed SIGKILL after the grace period. */
        public final int killed;
        /** Of those, how many SIGKILL did not empty either. */
        public final int left;
        public final Duration took;
        /** The commands of the first few groups signalled (their leaders'), as the keeper read them. */
        public final List<String> commands;

        private Outcome(int signalled, int killed, int left, Duration took, List<String> commands) {
            this.signalled = signalled;
            this.killed = killed;
            this.left = left;
            this.took = took;
            this.commands = commands;
        }

        /** @return null for anything else */
        static Outcome parse(String answer) {
            String[] parts = answer.split("\t");
            String[] f = parts[0].split(" ");
            if (f.length != 5 || !"stopped".equals(f[0])) {
                return null;
            }
            List<String> commands = new java.util.ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                if (!parts[i].isEmpty()) {
                    commands.add(parts[i]);
                }
            }
            try {
                return new Outcome(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Duration.ofMillis(Long.parseLong(f[4])), commands);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
