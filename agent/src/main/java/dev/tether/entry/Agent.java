package dev.tether.entry;

import dev.tether.cgroup.JvmCgroup;
import dev.tether.core.SpawnHooks;
import dev.tether.instrument.JavaLangAccess;
import dev.tether.instrument.ProcessImplTransformer;
import dev.tether.log.Log;
import dev.tether.options.CgroupMode;
import dev.tether.options.LogLevel;
import dev.tether.options.OptionException;
import dev.tether.options.Options;

/**
 * Stage two's entry point, initialised by {@code dev.tether.boot.TetherPremain} through the isolating
 * loader. Parses the options and installs the transformer; nothing else happens before the first
 * spawn.
 *
 * <p>Failure policy: a malformed option stops a JVM that is starting (the user asked for something
 * Tether cannot do, and must hear it before the program runs); it never stops a running JVM that
 * Tether was attached to. Any other failure is one warning, and the host runs on unprotected.
 */
public final class Agent {

    static {
        // Started by stage one's Class.forName: the arguments come from the loader (see TetherPremain).
        @SuppressWarnings("unchecked")
        Object[] premain = ((java.util.function.Supplier<Object[]>) Agent.class.getClassLoader()).get();
        Boolean[] accepted = (Boolean[]) premain[3];
        accepted[0] = start((String) premain[0], (java.lang.instrument.Instrumentation) premain[1], (Boolean) premain[2]);
    }

    private Agent() {
    }

    /**
     * Through /proc/self (a link to /proc/PID): ProcessHandle.current() would cost every JVM's start-up
     * about 18 ms here (ProcessHandleImpl's initialisation). No /proc (macOS): no PID namespaces either.
     */
    private static boolean isPid1() {
        try {
            return "1".equals(new java.io.File("/proc/self").getCanonicalFile().getName());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** @return whether the options were taken (false: nothing was installed, another attach may try again) */
    private static boolean start(String agentArgs, java.lang.instrument.Instrumentation inst, boolean attached) {
        Options options;
        try {
            options = Options.parse(agentArgs, System.getProperties());
        } catch (OptionException e) {
            System.err.println(e.getMessage());
            if (attached) {
                System.err.println("tether: not attached");
                return false;
            }
            System.err.flush();
            // halt, not exit: nothing of the host's has run, so there is nothing to shut down.
            Runtime.getRuntime().halt(1);
            return false;
        }
        if (options.log() != Options.DEFAULT_LOG) {
            Log.setLevel(options.log()); // else Log stays unloaded here: each class costs every host's start-up
        }
        if (!options.enabled()) {
            // The off switch for one JVM that inherits the agent (JAVA_TOOL_OPTIONS): nothing woven,
            // nothing started, nothing printed unless asked.
            if (options.log() == LogLevel.DEBUG) {
                Log.get(Agent.class).debug("disabled by enabled=false; child processes are left alone");
            }
            return true;
        }
        if (options.ignored() != null) {
            Log.get(Agent.class).warn(options.ignored());
        }
        if (options.cgroup() == CgroupMode.ON) {
            JvmCgroup cgroup = JvmCgroup.find();
            if (cgroup.directory == null) {
                // Asked for, and impossible here: the user must hear it before the program runs.
                System.err.println("tether: cgroup=on, but " + cgroup.why + "; use cgroup=auto to fall back to "
                        + "process groups where no cgroup can be had, or cgroup=off");
                if (attached) {
                    System.err.println("tether: not attached");
                    return false;
                }
                System.err.flush();
                Runtime.getRuntime().halt(1);
            }
        }
        try {
            ClassLoader resources = Agent.class.getClassLoader();
            // PID 1 of a PID namespace inherits every orphan in it (pid_namespaces(7)), from the start.
            SpawnHooks now = null;
            if (isPid1()) {
                // The orphan reaper loads JNA now, before any spawn has opened java.lang to Tether:
                // without it NativeModule could not grant JNA's module native access, and whenever the
                // reaper won the race with the host's first spawn, JDK 22+ printed its restricted-method
                // warning (7 runs in 20 on JDK 25).
                JavaLangAccess.open(inst);
                now = new SpawnHooks(options, resources, true);
            }
            ProcessImplTransformer.install(inst, options, resources, now);
        } catch (Throwable t) {
            Log.get(Agent.class).warn("not active; child processes will not be stopped when the JVM exits", t);
        }
        return true;
    }
}
