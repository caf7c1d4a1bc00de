package dev.tether.instrument;

import static java.lang.invoke.MethodType.methodType;

import dev.tether.core.SpawnHooks;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Set;

/**
 * Defines {@code java.lang.TetherBridge} in the bootstrap loader and points its hooks at
 * {@link SpawnHooks}.
 *
 * <p>The class goes straight into {@code java.lang} through a {@code Lookup} on that package, which
 * java.base opens to Tether's own (unnamed) module only. Compared with the alternatives this is
 * silent and leaves nothing behind: appending a jar to the boot class path makes JDK 17 warn that CDS
 * is disabled for it, and {@code Unsafe}-based injection prints deprecation warnings on JDK 24+.
 */
final class BridgeInstaller {
    private static final String BRIDGE = "java.lang.TetherBridge";

    private BridgeInstaller() {
    }

    private static void openJavaLang(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of(),
                Map.of("java.lang", Set.of(BridgeInstaller.class.getModule())), Set.of(), Map.of());
    }

    static synchronized void install(Instrumentation inst, SpawnHooks hooks)
            throws ReflectiveOperationException, IOException {
        openJavaLang(inst);
        Class<?> bridge = defineOnce();
        MethodHandles.Lookup inBridge = MethodHandles.privateLookupIn(bridge, MethodHandles.lookup());
        MethodHandles.Lookup own = MethodHandles.lookup();
        set(inBridge, bridge, "command", own.findVirtual(SpawnHooks.class, "command",
                methodType(String[].class, String[].class, java.util.Map.class, String.class, ProcessBuilder.Redirect[].class,
                        Object.class)).bindTo(hooks));
        set(inBridge, bridge, "helperPath", own.findVirtual(SpawnHooks.class, "helperPath",
                methodType(byte[].class, byte[].class)).bindTo(hooks));
        set(inBridge, bridge, "started", own.findVirtual(SpawnHooks.class, "started",
                methodType(void.class, int.class)).bindTo(hooks));
        set(inBridge, bridge, "destroying", own.findVirtual(SpawnHooks.class, "destroying",
                methodType(void.class, int.class, boolean.class)).bindTo(hooks));
    }

    private static Class<?> defineOnce() throws IllegalAccessException, IOException {
        try {
            return Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException notYet) {
            MethodHandles.Lookup javaLang = MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup());
            return javaLang.defineClass(bridgeBytes());
        }
    }

    private static byte[] bridgeBytes() throws IOException {
        String resource = BRIDGE.replace('.', '/') + ".class";
        try (InputStream in = BridgeInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return in.readAllBytes();
        }
    }

    private static void set(MethodHandles.Lookup inBridge, Class<?> bridge, String hook, MethodHandle target)
            throws ReflectiveOperationException {
        inBridge.findStaticVarHandle(bridge, hook, MethodHandle.class).setVolatile(target);
    }
}
