package dev.tether.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kills (SIGKILL) every live process carrying a mark, repeating until none is left, so that no test
 * leaks a process whatever it did or however it failed. Signals through {@link ProcessHandle}, which
 * checks the start time, so a pid reused by a stranger is never hit.
 *
 * <p>Keepers last, and given a moment to end by themselves first (continued if a test stopped
 * one): a keeper whose JVM is gone removes the agent's private directory on its way out, and one
 * killed with its JVM would leave it in the temporary directory, once per test.
 */
final class Sweeper {
    private static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KEEPERS_OWN_END = Duration.ofSeconds(3);

    private Sweeper() {}

    /** Kills everything whose environment holds exactly {@code TETHER_IT_MARK=token}. */
    static void sweep(String token) {
        sweepMatching((Mark.ENV + "=" + token)::equals);
    }

    /** Kills everything whose mark starts with {@code prefix} (all marks of this test run). */
    static void sweepPrefix(String prefix) {
        String start = Mark.ENV + "=" + prefix;
        sweepMatching(entry -> entry.startsWith(start));
    }

    private static void sweepMatching(Predicate<String> entryMatches) {
        long self = ProcessHandle.current().pid();
        List<ProcessInfo> marked = ProcessTable.liveWithEnvironmentEntry(entryMatches);
        List<ProcessInfo> keepers = new ArrayList<>(marked);
        keepers.removeIf(p -> !p.isKeeper());
        if (!keepers.isEmpty()) {
            marked.removeIf(p -> p.pid == self || p.isKeeper());
            marked.forEach(p -> ProcessHandle.of(p.pid).ifPresent(ProcessHandle::destroyForcibly));
            keepers.stream().filter(p -> p.state == 'T').forEach(Sweeper::resume);
            Poll.until(KEEPERS_OWN_END, () -> keepers.stream().noneMatch(w -> ProcessTable.read(w.pid)
                    .filter(now -> now.startTime == w.startTime && !now.isZombie()).isPresent()));
        }
        // A fork loop can refill what was just killed: repeat until a scan finds nothing alive.
        boolean empty = Poll.until(SWEEP_TIMEOUT, () -> {
            List<ProcessInfo> live = ProcessTable.liveWithEnvironmentEntry(entryMatches);
            live.removeIf(p -> p.pid == self);
            for (ProcessInfo p : live) {
                ProcessHandle.of(p.pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            return live.isEmpty();
        });
        if (!empty) {
            System.err.println("[tether-it] sweeper: marked processes still alive after "
                    + SWEEP_TIMEOUT.toSeconds() + "s: "
                    + ProcessTable.liveWithEnvironmentEntry(entryMatches));
        }
    }

    private static void resume(ProcessInfo stopped) {
        try {
            Signal.CONT.sendTo(stopped.pid);
        } catch (AssertionError gone) {
            // ended meanwhile: nothing to resume
        }
    }
}
