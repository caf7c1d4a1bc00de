package dev.tether.core;

import dev.tether.keeper.Keeper;
import dev.tether.launch.LauncherFiles;
import dev.tether.launch.Placement;
import dev.tether.log.Log;
import dev.tether.options.LogLevel;
import dev.tether.options.Options;
import dev.tether.proc.ProcStat;
import dev.tether.shutdown.ShutdownCleanup;
import dev.tether.cgroup.JvmCgroup;
import dev.tether.options.CgroupMode;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * What the first spawn sets up, once: the launcher and the keeper on disk, the keeper running, the
 * shutdown cleanup, and in strict mode the subreaper. Wiring only; nothing here loads JNA unless
 * strict mode needs prctl(2).
 */
final class Activation {
    private static final Logger log = Log.get(Activation.class);

    private Activation() {
    }

    /**
     * @param reapOrphans starts reaping orphans, which strict mode makes the JVM's (a subreaper's)
     * @param seal run as the JVM's very last shutdown step (see SpawnHooks)
     * @throws IOException when the launcher or the keeper cannot run here: the host then runs unprotected
     */
    static Children activate(Options options, ClassLoader resources, Runnable reapOrphans, Runnable seal)
            throws IOException {
        long start = System.nanoTime();
        LauncherFiles files = LauncherFiles.extract(resources);
        long extracted = System.nanoTime();
        ProcStat self = ProcStat.self();
        if (self == null) {
            throw new IOException("no /proc/self/stat: no keeper for this platform");
        }
        String cgroup = cgroupDirectory(options);
        List<String> modes = keeperModes(options, cgroup);
        // The session id as this JVM's PID namespace numbers it; 0 if its leader is outside the namespace.
        Keeper keeper = Keeper.start(files.keeper(), files.directory(), options.grace(), modes, self.sid,
                options.log() == LogLevel.DEBUG);
        Children children = new Children(files, keeper, new TerminalPolicy(), inCgroup(cgroup, files, options));
        if (options.strict()) {
            StrictMode.becomeSubreaper(resources, reapOrphans);
        }
        new ShutdownCleanup(keeper, options.grace(), children::forwardInterrupt).install(seal);
        if (log.isDebugEnabled()) {
            long done = System.nanoTime();
            log.debug("active in {} ms (extract {}, keeper {}): launcher {}", (done - start) / 1_000_000,
                    (extracted - start) / 1_000_000, (done - extracted) / 1_000_000, files.launcher(Placement.OWN_GROUP));
        }
        return children;
    }

    /** The JVM's cgroup directory for the keeper's cgroup mode, or null: the mode is off or impossible. */
    private static String cgroupDirectory(Options options) {
        if (options.cgroup() == CgroupMode.OFF) {
            return null;
        }
        JvmCgroup cgroup = JvmCgroup.find(); // cgroup=on: Agent checked it before the JVM ran
        if (cgroup.directory == null) {
            log.debug("cgroup mode off: {}", cgroup.why);
        }
        return cgroup.directory;
    }

    /** The keeper's options (tether-keeper.c, "Usage") for these of the agent's. */
    private static List<String> keeperModes(Options options, String cgroup) {
        List<String> modes = new ArrayList<>();
        if (options.strict()) {
            modes.add("-s");
        }
        if (cgroup != null) {
            modes.add("-c");
            modes.add(cgroup);
        }
        if (options.report() != null) {
            modes.add("-r");
            modes.add(options.report());
        }
        return modes;
    }

    /**
     * Whether the keeper put the JVM (and so every child it spawns from now on) in the children's
     * cgroup: it links {@code cgroup.outside} into the private directory only then.
     */
    private static boolean inCgroup(String cgroup, LauncherFiles files, Options options) {
        if (cgroup == null) {
            return false;
        }
        if (new File(files.directory(), "cgroup.outside").exists()) {
            log.debug("cgroup mode: the children's cgroup is below {}", cgroup);
            return true;
        }
        if (options.cgroup() == CgroupMode.ON) {
            log.warn("cgroup mode could not start (log=debug says why); child processes are ended by their "
                    + "process groups only");
        } else {
            log.debug("cgroup mode could not start; child processes are ended by their process groups only");
        }
        return false;
    }
}
