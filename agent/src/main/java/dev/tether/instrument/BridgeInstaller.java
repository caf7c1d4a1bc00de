package dev.tether.instrument;

import dev.tether.core.SpawnHooks;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;

/**
 * Defines {@code java.lang.TetherBridge} (and its {@code Hooks} interface) in the bootstrap loader and
 * connects it to {@link SpawnHooks}.
 *
 * <p>The classes go straight into {@code java.lang} through a {@code Lookup} on that package, which
 * java.base opens to Tether's own (unnamed) module only. Compared with the alternatives this is
 * silent and leaves nothing behind: appending a jar to the boot class path makes JDK 17 warn that CDS
 * is disabled for it, and {@code Unsafe}-based injection prints deprecation warnings on JDK 24+.
 */
final class BridgeInstaller {
    private static final String BRIDGE = "java.lang.TetherBridge";
    /** Defined first: the bridge's field and calls name it. */
    private static final String HOOKS = BRIDGE + "$Hooks";

    private BridgeInstaller() {
    }

    /** Set once the bridge leads to Tether: a later weave (another agent retransforming ProcessImpl) reuses it. */
    private static boolean connected;

    static synchronized void install(Instrumentation inst, SpawnHooks hooks) throws IllegalAccessException, IOException {
        if (connected) {
            return;
        }
        JavaLangAccess.open(inst);
        MethodHandles.Lookup javaLang = MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup());
        defineOnce(javaLang, HOOKS);
        defineOnce(javaLang, BRIDGE);
        // Only now may a class that names the bridge's types load: BridgeHooks does, this class does not.
        if (!BridgeHooks.connect(hooks)) {
            throw new IllegalStateException(BRIDGE + " is already connected to another agent");
        }
        connected = true;
    }

    private static void defineOnce(MethodHandles.Lookup javaLang, String name) throws IllegalAccessException, IOException {
        try {
            Class.forName(name, false, null);
        } catch (ClassNotFoundException notYet) {
            javaLang.defineClass(classBytes(name));
        }
    }

    private static byte[] classBytes(String name) throws IOException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = BridgeInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return in.readAllBytes();
        }
    }
}
