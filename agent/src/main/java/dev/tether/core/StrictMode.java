package dev.tether.core;

import dev.tether.log.Log;
import dev.tether.nativeio.LinuxSyscalls;
import dev.tether.nativeio.Syscalls;

/**
 * Strict mode's one thing the JVM must do itself: become a child subreaper (prctl(2)
 * PR_SET_CHILD_SUBREAPER, Linux 3.4), so that orphans below the JVM are re-parented to it rather
 * than to init and the keeper can still find the ones that left their group. The JVM then inherits
 * zombies the JDK does not reap: the orphan reaper does. The only use of JNA outside PID 1.
 */
final class StrictMode {
    private static final int PR_SET_CHILD_SUBREAPER = 36; // linux/prctl.h

    private StrictMode() {
    }

    static void becomeSubreaper(ClassLoader resources, Runnable reapOrphans) {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            warn("no child subreaper on this platform");
            return;
        }
        try {
            NativeModule.define(resources);
        } catch (Exception e) {
            warn("cannot load JNA (" + e + ")");
            return;
        }
        if (LinuxSyscalls.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            warn("cannot become a child subreaper (errno " + Syscalls.errno() + ")");
            return;
        }
        reapOrphans.run();
    }

    private static void warn(String why) {
        Log.get(StrictMode.class).warn("strict mode: {}; a descendant that left its group is stopped at exit only "
                + "while its parent lives", why);
    }
}
