package java.lang;

import java.lang.invoke.MethodHandle;

/**
 * The one Tether class that the JDK's own code can see.
 *
 * <p>The calls that Tether weaves into {@code java.lang.ProcessImpl} run in the bootstrap loader and
 * can only reach bootstrap classes. Tether defines this class straight into {@code java.lang}
 * (so the inlined code reaches it without any module or class-path change) and then sets the hooks,
 * which lead into the agent's own isolated class loader. It uses JDK types only, is a no-op while a
 * hook is unset, and never lets anything escape into the host program: a failing hook leaves the
 * JDK's values untouched.
 */
public final class TetherBridge {

    /** (String[] cmdarray, Map env, String dir, Redirect[] redirects, Object launchMechanism) String[]: the command to start. */
    private static volatile MethodHandle command;
    /** (byte[] jdkHelperPath) byte[]: the spawn helper the JDK is to run. */
    private static volatile MethodHandle helperPath;
    /** (int pid) void: the JDK has just created the child and nobody has waited for it yet. */
    private static volatile MethodHandle started;
    /** (int pid, boolean force) void: the host is destroying this child. */
    private static volatile MethodHandle destroying;

    static {
        if (TetherBridge.class.getClassLoader() != null) {
            throw new IllegalStateException("TetherBridge must be defined by the bootstrap loader");
        }
    }

    private TetherBridge() {
    }

    public static String[] command(String[] cmdarray, java.util.Map<String, String> env, String dir,
            ProcessBuilder.Redirect[] redirects, Object launchMechanism) {
        MethodHandle hook = command;
        if (hook == null) {
            return cmdarray;
        }
        try {
            return (String[]) hook.invokeExact(cmdarray, env, dir, redirects, launchMechanism);
        } catch (Throwable t) {
            return cmdarray;
        }
    }

    public static byte[] helperPath(byte[] jdkHelperPath) {
        MethodHandle hook = helperPath;
        if (hook == null) {
            return jdkHelperPath;
        }
        try {
            return (byte[]) hook.invokeExact(jdkHelperPath);
        } catch (Throwable t) {
            return jdkHelperPath;
        }
    }

    /** Returns {@code pid} unchanged so that the call can sit on the JDK's operand stack. */
    public static int started(int pid) {
        MethodHandle hook = started;
        if (hook != null) {
            try {
                hook.invokeExact(pid);
            } catch (Throwable ignored) {
                // the child runs on unrecorded; the agent has already reported why
            }
        }
        return pid;
    }

    public static void destroying(int pid, boolean force) {
        MethodHandle hook = destroying;
        if (hook != null) {
            try {
                hook.invokeExact(pid, force);
            } catch (Throwable ignored) {
                // the JDK still signals its own child
            }
        }
    }
}
