package dev.tether.core;

import dev.tether.keeper.Keeper;
import dev.tether.launch.LauncherFiles;
import dev.tether.log.Log;
import dev.tether.options.LogLevel;
import dev.tether.options.Options;
import dev.tether.proc.ProcStat;
import dev.tether.shutdown.ShutdownCleanup;
import java.io.IOException;
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
        // The session id as this JVM's PID namespace numbers it; 0 if its leader is outside the namespace.
        Keeper keeper = Keeper.start(files.keeper(), files.directory(), options.grace(), options.strict(), self.sid,
                options.log() == LogLevel.DEBUG);
        Children children = new Children(files, keeper, new TerminalPolicy());
        if (options.strict()) {
            StrictMode.becomeSubreaper(resources, reapOrphans);
        }
        new ShutdownCleanup(keeper, options.grace(), children::forwardInterrupt).install(seal);
        if (log.isDebugEnabled()) {
            long done = System.nanoTime();
            log.debug("active in {} ms (extract {}, keeper {}): launcher {}", (done - start) / 1_000_000,
                    (extracted - start) / 1_000_000, (done - extracted) / 1_000_000, files.launcher(false));
        }
        return children;
    }
}
