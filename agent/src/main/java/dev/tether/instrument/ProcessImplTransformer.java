package dev.tether.instrument;

import dev.tether.core.SpawnHooks;
import dev.tether.log.Log;
import dev.tether.options.Options;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.AccessController;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.security.ProtectionDomain;

/**
 * Waits for {@code java.lang.ProcessImpl} and weaves it when the JVM loads it, which in a plain
 * program happens at its first spawn: until then this is one string comparison per loaded class and
 * ByteBuddy is not even loaded. If the class is already loaded (another agent spawned first, or
 * Tether was attached late) it is retransformed at once.
 */
@SuppressWarnings("removal") // AccessController: what a host's SecurityManager (JDK 17-23) checks (SecurityManagerIT)
public final class ProcessImplTransformer implements ClassFileTransformer {
    private static final String TARGET = "java/lang/ProcessImpl";

    private final Instrumentation inst;
    private final Options options;
    private final ClassLoader resources;
    private SpawnHooks hooks;

    private ProcessImplTransformer(Instrumentation inst, Options options, ClassLoader resources, SpawnHooks hooks) {
        this.inst = inst;
        this.options = options;
        this.resources = resources;
        this.hooks = hooks;
    }

    /**
     * @param hooks the hooks, if they must exist from the start (orphan reaping as PID 1); else null,
     *        and they are made when ProcessImpl loads: one class less in every host's start-up
     */
    public static void install(Instrumentation inst, Options options, ClassLoader resources, SpawnHooks hooks)
            throws UnmodifiableClassException {
        inst.addTransformer(new ProcessImplTransformer(inst, options, resources, hooks), true);
        for (Class<?> loaded : inst.getAllLoadedClasses()) {
            // isAssignableFrom before getName: most of the JVM's classes have no name string yet,
            // and making a thousand of them would cost every host's start-up about a millisecond.
            if (Process.class.isAssignableFrom(loaded) && loaded.getClassLoader() == null
                    && ProcessImplWeaver.NAME.equals(loaded.getName())) {
                inst.retransformClasses(loaded);
            }
        }
    }

    private synchronized SpawnHooks hooks() {
        if (hooks == null) {
            hooks = new SpawnHooks(options, resources, false);
        }
        return hooks;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfile) {
        if (loader != null || !TARGET.equals(className)) {
            return null;
        }
        try {
            // The host's thread, under the host's security policy if it has one: weaving reads JDK
            // class files (accessSystemModules) and defines the bridge, with Tether's own permissions.
            return AccessController.doPrivileged((PrivilegedExceptionAction<byte[]>) () -> {
                byte[] woven = ProcessImplWeaver.weave(classfile);
                BridgeInstaller.install(inst, hooks());
                return woven;
            });
        } catch (Throwable t) {
            Throwable cause = t instanceof PrivilegedActionException ? t.getCause() : t;
            Log.get(ProcessImplTransformer.class).warn("cannot instrument java.lang.ProcessImpl on Java {}; child "
                    + "processes will not be stopped when the JVM exits", Runtime.version(), cause);
            return null;
        }
    }
}
