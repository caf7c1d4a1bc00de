package dev.tether.boot;

import java.lang.instrument.Instrumentation;

/**
 * Stage one of the agent: the only Tether code on the host's class path.
 *
 * <p>{@code -javaagent} appends the agent jar to the application class path, so anything at the top
 * of the jar is visible to the host. This class therefore does nothing but guard against a second
 * copy and call {@link IsolatingClassLoader#startStageTwo}, which opens the jar, creates the isolating
 * loader for everything under {@code tether/inst/} (Tether, ByteBuddy, SLF4J, JNA) and hands over,
 * inside a try: any failure there is one line. No static state beyond the one-agent guard, no logging.
 */
public final class TetherPremain {

    /** The first copy's agent arguments, once it has started; null before. */
    private static String startedWith;

    private TetherPremain() {
    }

    public static void premain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst, false);
    }

    public static void agentmain(String agentArgs, Instrumentation inst) {
        start(agentArgs, inst, true);
    }

    /** {@code java -jar tether-agent.jar ...}: the command line (dev.tether.cli), never run in a host. */
    public static void main(String[] args) throws Exception {
        String version = TetherPremain.class.getPackage().getImplementationVersion();
        System.exit(IsolatingClassLoader.runCommandLine(version == null ? "(unknown version)" : version, args));
    }

    private static synchronized void start(String agentArgs, Instrumentation inst, boolean attached) {
        if (startedWith != null) {
            System.err.println("tether: the agent is already running in this JVM; ignoring the second copy"
                    + (isEmpty(agentArgs) ? "" : " and its options \"" + agentArgs + "\"")
                    + " (in effect: " + (startedWith.isEmpty() ? "the first copy's defaults" : "\"" + startedWith + "\"")
                    + " with any -Dtether.* properties)");
            return;
        }
        // Stage two sets accepted[0] once it has taken the options: a copy that refused them (an
        // attach with a misspelt option) installed nothing, so a later attach must be able to start.
        Boolean[] accepted = {Boolean.FALSE};
        try {
            IsolatingClassLoader.startStageTwo(new Object[] {agentArgs, inst, attached, accepted});
        } catch (ExceptionInInitializerError e) {
            failOpen(e.getCause());
        } catch (Throwable t) {
            failOpen(t);
        }
        if (accepted[0]) {
            startedWith = agentArgs == null ? "" : agentArgs;
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    /** Stage two reports its own failures; this catches only what kept it from starting at all. */
    private static void failOpen(Throwable t) {
        System.err.println("tether: could not start, the program runs without it: " + t);
    }
}
