package dev.tether.boot;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * Stage one of the agent: the only Tether code on the host's class path.
 *
 * <p>{@code -javaagent} appends the agent jar to the application class path, so anything at the top
 * of the jar is visible to the host. This class therefore does nothing but open its own jar, create
 * the isolating loader for everything under {@code tether/inst/} (Tether, ByteBuddy, SLF4J, JNA) and
 * hand over. No static state beyond the one-agent guard, no logging.
 */
public final class TetherPremain {

    private static final String ENTRY_CLASS = "dev.tether.core.Agent";
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
            URL jarUrl = TetherPremain.class.getProtectionDomain().getCodeSource().getLocation();
            JarFile jar = new JarFile(new File(jarUrl.toURI()), false); // unsigned: no verifier to set up
            IsolatingClassLoader loader = new IsolatingClassLoader(jar, jarUrl);
            // No reflection: on JDK 18+ Method.invoke spins method handles, some 40 ms of every host's
            // start-up on JDK 25. Stage two's initializer fetches these arguments from its own loader.
            loader.handOver(new Object[] {agentArgs, inst, attached, accepted});
            Class.forName(ENTRY_CLASS, true, loader);
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
