package dev.tether.instrument;

import java.lang.TetherBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.lang.ProcessImpl.destroy(boolean)}: before the JDK signals its child, the
 * child's whole group gets the same signal, so {@code sh -c "a & b"} loses a and b too.
 */
final class DestroyAdvice {

    private DestroyAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("pid") int pid, @Advice.Argument(0) boolean force) {
        TetherBridge.destroying(pid, force);
    }
}
