package dev.tether.orphans;

import dev.tether.log.Log;
import dev.tether.nativeio.Syscalls;
import dev.tether.proc.ProcChildren;
import dev.tether.proc.ProcStat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reaps the zombies among this JVM's children that the JDK did not start. Orphans are re-parented to
 * the nearest child subreaper, or to PID 1 of their PID namespace (prctl(2) PR_SET_CHILD_SUBREAPER,
 * pid_namespaces(7)); when that is the JVM (a container whose entry point is java, or strict mode)
 * nobody else will ever wait for them, and each one that exits stays a zombie, holding a pid, forever.
 *
 * <p>It polls: the JVM has no SIGCHLD handler to hook without taking the signal from the host. A round
 * lists the children, and reaps a zombie by pid (waitpid(2) with WNOHANG, never "any child") only when
 * {@link SpawnLedger} proves it is not the JDK's.
 */
public final class OrphanReaper implements Runnable {
    private static final int WNOHANG = 1; // sys/wait.h, Linux and macOS
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final SpawnLedger ledger;
    private final Runnable prepareNatives;
    private int self;
    private long reaped;

    /** @param prepareNatives makes {@link Syscalls} usable; run once, on the reaper's thread */
    public OrphanReaper(SpawnLedger ledger, Runnable prepareNatives) {
        this.ledger = ledger;
        this.prepareNatives = prepareNatives;
    }

    /** Starts the daemon thread that runs the rounds. */
    public void start() {
        Thread thread = new Thread(this, "tether-orphan-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            prepareNatives.run();
            // Here, not in the constructor: a PID 1 JVM builds this in premain, and ProcessHandle's
            // initialisation costs about 18 ms of start-up.
            self = (int) ProcessHandle.current().pid();
            for (;;) {
                LockSupport.parkNanos(PERIOD_NANOS);
                round();
            }
        } catch (Throwable t) {
            Log.get(OrphanReaper.class).warn("stopped reaping orphans; they stay zombies", t);
        }
    }

    /** One round: returns how many orphans it reaped. */
    private int round() {
        long begun = ledger.newRound();
        List<ProcStat> children = ProcChildren.of(self);
        Set<Integer> pids = new HashSet<>();
        List<Integer> zombies = new ArrayList<>();
        for (ProcStat child : children) {
            pids.add(child.pid);
            if (child.isZombie() && !ledger.isJdkChild(child.pid)) {
                zombies.add(child.pid);
            }
        }
        ledger.forgetReaped(pids);
        if (zombies.isEmpty() || !ledger.quietSince(begun)) {
            return 0; // a spawn in flight may have made one of them: next round
        }
        int count = 0;
        for (int pid : zombies) {
            if (!ledger.isJdkChild(pid) && Syscalls.waitpid(pid, null, WNOHANG) == pid) {
                count++;
            }
        }
        reaped += count;
        Log.get(OrphanReaper.class).debug("reaped {} orphan(s), {} in all", count, reaped);
        return count;
    }
}
