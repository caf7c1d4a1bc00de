package dev.tether.nativeio;

import com.sun.jna.Platform;

/** Signal numbers. TERM, KILL, INT and HUP are the same everywhere; CONT is not (signal(7), macOS signal.h). */
public final class Signals {
    public static final int HUP = 1;
    public static final int INT = 2;
    public static final int KILL = 9;
    public static final int TERM = 15;
    public static final int CONT = Platform.isMac() ? 19 : 18;

    private Signals() {
    }
}
