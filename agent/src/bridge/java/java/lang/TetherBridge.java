package java.lang;

/**
 * The one Tether class that the JDK's own code can see (with its nested {@link Hooks}).
 *
 * <p>The calls that Tether weaves into {@code java.lang.ProcessImpl} run in the bootstrap loader and
 * can only reach bootstrap classes. Tether defines this class straight into {@code java.lang}
 * (so the inlined code reaches it without any module or class-path change) and then connects it,
 * once, to an implementation of {@link Hooks} in the agent's own isolated class loader. It uses JDK
 * types only, is a no-op while unconnected, and never lets anything escape into the host program: a
 * failing hook leaves the JDK's values untouched.
 *
 * <p>An interface rather than method handles: in a JVM that has not used {@code java.lang.invoke}
 * yet, binding and calling four handles made the JDK generate some twenty classes at the first spawn.
 */
public final class TetherBridge {

    /** What the woven code reaches; see dev.tether.core.SpawnHooks for each call's meaning. */
    public interface Hooks {
        /** From ProcessImpl.start: the command to start. */
        String[] command(String[] cmdarray, java.util.Map<String, String> env, String dir,
                ProcessBuilder.Redirect[] redirects, Object launchMechanism);

        /** From the ProcessImpl constructor: the spawn helper the JDK is to run. */
        byte[] helperPath(byte[] jdkHelperPath);

        /** The JDK has just created the child and nobody has waited for it yet. */
        void started(int pid);

        /** The host is destroying this child. */
        void destroying(int pid, boolean force);
    }

    private static volatile Hooks hooks;

    static {
        if (TetherBridge.class.getClassLoader() != null) {
            throw new IllegalStateException("TetherBridge must be defined by the bootstrap loader");
        }
    }

    private TetherBridge() {
    }

    /**
     * Connects the bridge, once: Tether calls this right after it defined the class, and no later call
     * (from anyone) takes the spawn path over.
     *
     * @return whether {@code to} is now connected
     */
    public static synchronized boolean connect(Hooks to) {
        if (hooks != null || to == null) {
            return false;
        }
        hooks = to;
        return true;
    }

    public static String[] command(String[] cmdarray, java.util.Map<String, String> env, String dir,
            ProcessBuilder.Redirect[] redirects, Object launchMechanism) {
        Hooks to = hooks;
        if (to == null) {
            return cmdarray;
        }
        try {
            String[] command = to.command(cmdarray, env, dir, redirects, launchMechanism);
            return command != null ? command : cmdarray;
        } catch (Throwable t) {
            return cmdarray;
        }
    }

    public static byte[] helperPath(byte[] jdkHelperPath) {
        Hooks to = hooks;
        if (to == null) {
            return jdkHelperPath;
        }
        try {
            byte[] helper = to.helperPath(jdkHelperPath);
            return helper != null ? helper : jdkHelperPath;
        } catch (Throwable t) {
            return jdkHelperPath;
        }
    }

    /** Returns {@code pid} unchanged so that the call can sit on the JDK's operand stack. */
    public static int started(int pid) {
        Hooks to = hooks;
        if (to != null) {
            try {
                to.started(pid);
            } catch (Throwable ignored) {
                // the child runs on unrecorded; the agent has already reported why
            }
        }
        return pid;
    }

    public static void destroying(int pid, boolean force) {
        Hooks to = hooks;
        if (to != null) {
            try {
                to.destroying(pid, force);
            } catch (Throwable ignored) {
                // the JDK still signals its own child
            }
        }
    }
}
