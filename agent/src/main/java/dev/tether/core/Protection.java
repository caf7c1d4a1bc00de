package dev.tether.core;

import com.sun.jna.Platform;
import dev.tether.launch.LauncherFiles;
import dev.tether.launch.ProgramResolver;
import dev.tether.log.Log;
import dev.tether.nativeio.Errno;
import dev.tether.nativeio.JnaLogging;
import dev.tether.nativeio.JnaProperties;
import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Pidfd;
import dev.tether.nativeio.Signals;
import dev.tether.nativeio.Syscalls;
import dev.tether.options.LogLevel;
import dev.tether.options.Options;
import dev.tether.proc.ProcStat;
import dev.tether.proc.StartTimes;
import dev.tether.reaper.GroupSignaller;
import dev.tether.reaper.Reaper;
import dev.tether.registry.GroupRegistry;
import dev.tether.registry.ProcessGroup;
import dev.tether.shutdown.ShutdownCleanup;
import dev.tether.strict.Escapees;
import dev.tether.watchdog.Watchdog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Everything Tether needs once the JVM spawns its first child: the launcher on disk, libc through
 * JNA, the registry of groups and the shutdown cleanup. Built on the first spawn, never before, so a
 * JVM that never spawns pays for none of it.
 */
final class Protection {
    private static final Logger log = Log.get(Protection.class);
    private static final int PR_SET_CHILD_SUBREAPER = 36; // linux/prctl.h
    /** For tests: the agent as on a kernel without pidfds (the watchdog has TETHER_WATCHDOG_NO_PIDFD). */
    private static final String NO_PIDFD_VARIABLE = "TETHER_NO_PIDFD";

    private final LauncherFiles launcher;
    private final ProgramResolver resolver;
    private final boolean pidfds;
    private final GroupSignaller signaller;
    private final GroupRegistry registry;
    private final TerminalPolicy terminal;
    private final StartTimes startTimes = StartTimes.forThisSystem(Platform.isLinux());
    /** A pidfd at or above this number is not kept (see openPidfd): half the descriptor limit. */
    private final int pidfdCeiling;
    private volatile boolean pidfdsShort;
    private Watchdog watchdog;
    /** Strict mode only. */
    private Escapees escapees;

    private Protection(LauncherFiles launcher, boolean pidfds, GroupSignaller signaller, TerminalPolicy terminal) {
        this.launcher = launcher;
        this.terminal = terminal;
        this.resolver = new ProgramResolver(System.getenv("PATH"));
        this.pidfds = pidfds;
        this.signaller = signaller;
        int descriptors = descriptorLimit();
        this.pidfdCeiling = descriptors / 2;
        // As many finished children's pidfds as 1/16 of the limit, 8 to 64: under ulimit -n 64 the
        // registry prunes every 8 spawns; with a common limit every 64, as cheap as before.
        this.registry = new GroupRegistry(signaller::emptyGroups, this::dropped,
                Math.max(8, Math.min(64, descriptors / 16)));
    }

    /**
     * @param reapOrphans starts reaping orphans, which strict mode makes the JVM's (a subreaper's)
     * @param seal run as the JVM's very last shutdown step (see ShutdownCleanup)
     */
    static Protection activate(Options options, ClassLoader resources, Runnable reapOrphans, Runnable seal)
            throws IOException {
        long start = System.nanoTime();
        // JNA's own library goes next to the launcher: JNA would otherwise unpack it itself, into a
        // temporary file under ~/.cache/JNA (a trace on the host's disk), after listing that directory.
        String dispatch = System.mapLibraryName("jnidispatch").replace(".dylib", ".jnilib"); // as JNA names it
        LauncherFiles launcher = LauncherFiles.extract(resources, "com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + dispatch);
        JnaLogging.sink = message -> log.debug("{}", message);
        if (launcher.libraryDir() != null) {
            JnaProperties.setProperty("jna.boot.library.path", launcher.libraryDir());
            JnaProperties.setProperty("jna.nounpack", "true");
        }
        long extracted = System.nanoTime();
        // The exact soname: a bare "c" would send JNA searching, on Linux through `ldconfig -p`.
        Syscalls.errno(); // binds libc (Native.register): JNA loads here
        long bound = System.nanoTime();
        boolean pidfdGroups = Pidfd.platformHasPidfd() && kernelSignalsGroupsThroughPidfd();
        GroupSignaller signaller = new GroupSignaller(pidfdGroups);
        Protection protection = new Protection(launcher, pidfdGroups, signaller, new TerminalPolicy());
        protection.watchdog = startWatchdog(launcher, options);
        if (options.strict()) {
            protection.escapees = new Escapees();
            becomeSubreaper(reapOrphans);
        }
        Watchdog watchdog = protection.watchdog;
        new ShutdownCleanup(protection.registry, new Reaper(signaller), options.grace(),
                protection::forwardInterrupt, protection::escapees,
                watchdog == null ? () -> { } : watchdog::goodbye).install(seal);
        if (log.isDebugEnabled()) {
            long done = System.nanoTime();
            log.debug("active in {} ms (extract {}, JNA {}, rest {}): launcher {}, group signals through {}",
                    (done - start) / 1_000_000, (extracted - start) / 1_000_000, (bound - extracted) / 1_000_000,
                    (done - bound) / 1_000_000, launcher.launcher(),
                    pidfdGroups ? "pidfd (PIDFD_SIGNAL_PROCESS_GROUP)" : "kill(-pgid) after checking /proc");
        }
        return protection;
    }

    /** Without a watchdog the children still end with the JVM, only not after SIGKILL, halt or a crash. */
    private static Watchdog startWatchdog(LauncherFiles files, Options options) {
        if (!Platform.isLinux() || files.watchdog() == null) {
            log.debug("no watchdog on this platform: children survive a JVM that dies without shutdown hooks");
            return null;
        }
        try {
            return Watchdog.start(files.watchdog(), files.directory(), options.grace(), options.log() == LogLevel.DEBUG);
        } catch (IOException | RuntimeException e) {
            log.warn("no watchdog ({}); children will not be stopped if the JVM is killed or crashes", e.toString());
            return null;
        }
    }

    /**
     * Strict mode: orphans below the JVM are re-parented to it rather than to init, so that the ones that
     * left their group stay within reach (prctl(2) PR_SET_CHILD_SUBREAPER, Linux 3.4). The JVM then
     * inherits zombies the JDK does not reap: the orphan reaper does.
     */
    private static void becomeSubreaper(Runnable reapOrphans) {
        if (!Platform.isLinux()) {
            log.warn("strict mode: no child subreaper on this platform; a descendant that left its group is "
                    + "stopped at exit only while its parent lives");
            return;
        }
        if (LinuxSyscalls.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            log.warn("strict mode: cannot become a child subreaper (errno {}); a descendant that left its group "
                    + "is stopped at exit only while its parent lives", Syscalls.errno());
            return;
        }
        reapOrphans.run();
    }

    /** Strict mode: what left the recorded groups, each to be signalled with its descendants. */
    private List<ProcessGroup> escapees(List<ProcessGroup> recorded) {
        if (escapees == null) {
            return List.of();
        }
        List<Integer> pgids = new ArrayList<>();
        List<Integer> inJvmGroup = new ArrayList<>();
        for (ProcessGroup group : recorded) {
            (group.ownGroup() ? pgids : inJvmGroup).add(group.pgid());
        }
        List<ProcessGroup> found = new ArrayList<>();
        for (ProcStat p : escapees.find(pgids, inJvmGroup, launcher.watchdog())) {
            found.add(new ProcessGroup(p.pid, false, p.startTime, -1, "escapee " + p.pid));
        }
        return found;
    }

    /** A spawn left alone (exclude option, opt-out variable): strict mode must not take it for an escapee. */
    void spare(int pid) {
        if (escapees != null) {
            escapees.spare(pid);
        }
    }

    private void dropped(List<ProcessGroup> groups) {
        // Forgotten first: the watchdog may still copy the pidfds by their numbers until it reads this.
        if (watchdog != null) {
            int[] pids = new int[groups.size()];
            for (int i = 0; i < pids.length; i++) {
                pids[i] = groups.get(i).pgid();
            }
            watchdog.forgotten(pids);
        }
        for (ProcessGroup group : groups) {
            group.release(signaller::close);
        }
    }

    /**
     * Linux 6.9 added PIDFD_SIGNAL_PROCESS_GROUP. Probe it with signal 0 through a pidfd on this JVM:
     * EINVAL means the flag is unknown; ESRCH (the JVM leads no group) or success means it is there.
     */
    private static boolean kernelSignalsGroupsThroughPidfd() {
        if (System.getenv(NO_PIDFD_VARIABLE) != null) {
            log.debug("{} is set: proving group ownership through /proc", NO_PIDFD_VARIABLE);
            return false;
        }
        int self = Pidfd.open((int) ProcessHandle.current().pid());
        if (self < 0) {
            log.debug("no pidfd_open (errno {}): proving group ownership through /proc", -self);
            return false;
        }
        int answer = Pidfd.sendSignal(self, 0, Pidfd.SIGNAL_PROCESS_GROUP);
        Syscalls.close(self);
        if (answer == 0 || answer == -Errno.ESRCH) {
            return true;
        }
        log.debug("no PIDFD_SIGNAL_PROCESS_GROUP (errno {}): proving group ownership through /proc", -answer);
        return false;
    }

    void awaitSpawnsInFlight() {
        registry.awaitSpawnsInFlight();
    }

    void spawning() {
        registry.spawning();
    }

    void spawned() {
        registry.spawned();
    }

    boolean sharesForegroundTerminal(ProcessBuilder.Redirect[] redirects) {
        return terminal.childSharesForegroundTerminal(redirects);
    }

    /**
     * SIGINT reached the JVM: if the JVM is in the foreground of its terminal, it most likely came
     * from Ctrl-C, which would also have reached children that were in the JVM's group.
     *
     * @return whether it was forwarded
     */
    boolean forwardInterrupt() {
        if (!terminal.jvmInForeground()) {
            return false;
        }
        for (ProcessGroup group : registry.snapshot()) {
            if (group.ownGroup()) {
                signaller.signal(group, Signals.INT);
            }
        }
        return true;
    }

    /** FORK/VFORK: {@code [launcher, resolved program, argv0, args...]}, or the command itself when the JDK would fail. */
    String[] wrap(String[] cmd, String dir) {
        String program = resolver.resolve(cmd[0], dir);
        if (program == null) {
            return cmd;
        }
        String[] wrapped = new String[cmd.length + 2];
        wrapped[0] = launcher.launcher();
        wrapped[1] = program;
        System.arraycopy(cmd, 0, wrapped, 2, cmd.length);
        return wrapped;
    }

    /** What {@link #record} needs to know the child's start time without reading /proc. */
    long clockBeforeFork() {
        return startTimes.before();
    }

    byte[] helperFor(byte[] jdkHelper) throws IOException {
        return launcher.helperFor(jdkHelper);
    }

    /**
     * Called while the child is still unreaped, so its pid (and pidfd) cannot name anyone else.
     *
     * @param clockBefore {@link #clockBeforeFork()}, taken before this child was forked
     */
    void record(int pid, boolean ownGroup, String command, long clockBefore) {
        int fd = pidfds ? openPidfd(pid) : -1;
        ProcessGroup group = new ProcessGroup(pid, ownGroup, startTimes.of(pid, clockBefore), fd, command);
        if (!registry.record(group)) {
            // Shutdown has already taken its list: this child must not outlive the JVM either.
            signaller.signal(group, Signals.KILL);
        } else if (watchdog != null) {
            watchdog.recorded(pid, group.leaderStartTime(), ownGroup, fd);
        }
        log.debug("recorded {}", group);
    }

    /**
     * A pidfd on the new child, or -1: then the child is proven by its start time, as on a kernel
     * without pidfds. Descriptors are the host's: one that runs out of them fails its own spawns
     * (error=24). So a pidfd is never kept in the upper half of the descriptor limit, and when
     * none is left the groups that have ended are dropped first (their pidfds closed) and the open
     * tried once more. Said once, at debug level.
     */
    private int openPidfd(int pid) {
        int fd = Pidfd.open(pid);
        if (fd == -Errno.EMFILE || fd == -Errno.ENFILE) {
            registry.prune();
            fd = Pidfd.open(pid);
        }
        if (fd >= pidfdCeiling) {
            signaller.close(fd);
            fd = -Errno.EMFILE;
        }
        if (fd < 0 && fd != -Errno.ESRCH && !pidfdsShort) {
            pidfdsShort = true;
            log.debug("no pidfd for child {} (errno {}, descriptors kept below {}): proving such children "
                    + "by their start time", pid, -fd, pidfdCeiling);
        }
        return Math.max(fd, -1);
    }

    /** The descriptor limit (the JVM raises its soft limit to the hard one at start-up, -XX:+MaxFDLimit). */
    private static int descriptorLimit() {
        long[] limits = new long[2];
        if (!Platform.isLinux() || LinuxSyscalls.getrlimit(LinuxSyscalls.RLIMIT_NOFILE, limits) != 0 || limits[0] < 0
                || limits[0] > Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (int) limits[0];
    }

    void destroy(int pid, boolean force) {
        ProcessGroup group = registry.find(pid);
        if (group != null) {
            signaller.signal(group, force ? Signals.KILL : Signals.TERM);
        }
    }
}
