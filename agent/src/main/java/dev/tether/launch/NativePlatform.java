package dev.tether.launch;

import java.util.Locale;

/** The platform name under which the native module packages the launcher (native/pom.xml profiles). */
final class NativePlatform {

    private NativePlatform() {
    }

    /** @return e.g. {@code linux-x86_64}, or null where Tether has no launcher. */
    static String current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : null;
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        return osPart == null || archPart == null ? null : osPart + "-" + archPart;
    }
}
