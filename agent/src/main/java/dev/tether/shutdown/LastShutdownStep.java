package dev.tether.shutdown;

import dev.tether.log.Log;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A step that runs after every shutdown hook, right before the JVM halts: one of the JDK's system
 * hook slots ({@code java.lang.Shutdown.add}, JDK 17 and 25: slot 0 the console, 1 all application
 * hooks, 2 DeleteOnExitHook; slots run in order, on the exiting thread). Application hooks run
 * concurrently, so from one of them there is no way to act after all the others; this is the only
 * point at which no hook can still spawn. Reachable because java.base opens java.lang to Tether's
 * module (see BridgeInstaller). If the slot cannot be had, the step is skipped.
 */
final class LastShutdownStep {
    /** The last of the JDK's ten slots (Shutdown.MAX_SYSTEM_HOOKS); the JDK uses 0 to 2. */
    private static final int SLOT = 9;

    private LastShutdownStep() {
    }

    static void register(Runnable step) {
        try {
            Class<?> shutdown = Class.forName("java.lang.Shutdown");
            MethodHandle add = MethodHandles.privateLookupIn(shutdown, MethodHandles.lookup())
                    .findStatic(shutdown, "add", MethodType.methodType(void.class, int.class, boolean.class, Runnable.class));
            add.invoke(SLOT, false, (Runnable) () -> {
                try {
                    step.run();
                } catch (Throwable t) {
                    // the JVM halts regardless
                }
            });
        } catch (Throwable e) {
            Log.get(LastShutdownStep.class).debug("no last shutdown step ({}): a spawn racing with the halt may "
                    + "leave its child behind", e.toString());
        }
    }
}
