package dev.tether.instrument;

import java.lang.TetherBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code java.lang.ProcessImpl.start(String[], Map, String, Redirect[], boolean)}, the
 * static method that every ProcessBuilder.start, startPipeline and Runtime.exec reaches on Unix.
 * Only calls the bridge, and suppresses anything thrown so the host can never see it.
 */
final class StartAdvice {

    private StartAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) String[] cmdarray,
            @Advice.Argument(2) String dir,
            @Advice.Argument(3) ProcessBuilder.Redirect[] redirects,
            @Advice.FieldValue("launchMechanism") Object launchMechanism) {
        cmdarray = TetherBridge.command(cmdarray, dir, redirects, launchMechanism);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Thrown Throwable thrown) {
        TetherBridge.finished(thrown);
    }
}
