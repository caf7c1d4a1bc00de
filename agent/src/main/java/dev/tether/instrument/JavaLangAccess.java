package dev.tether.instrument;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Opens java.lang (in java.base) to Tether's own module, and to no other: the bridge is defined into
 * java.lang through it, the last shutdown step takes a JDK system hook slot, and NativeModule grants
 * native access to JNA's module through {@code Module.implAddEnableNativeAccess}. Once is enough;
 * a second open changes nothing.
 */
public final class JavaLangAccess {
    private JavaLangAccess() {
    }

    public static void open(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of(),
                Map.of("java.lang", Set.of(JavaLangAccess.class.getModule())), Set.of(), Map.of());
    }
}
