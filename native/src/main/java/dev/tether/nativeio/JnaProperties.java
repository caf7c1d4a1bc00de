package dev.tether.nativeio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JNA's system properties, kept away from the host's.
 *
 * <p>JNA configures itself through {@code jna.*} system properties and writes some back
 * ({@code jna.loaded}, {@code jnidispatch.path}, {@code jna.platform.library.path}): a host would see
 * them, and a host that configures its own JNA would configure Tether's too. The build rewrites
 * JNA's calls to System.getProperty, System.setProperty and Boolean.getBoolean into calls to this
 * class (the agent's JnaRedirects, agent/src/build), which keeps {@code jna.*} and {@code jnidispatch.*} in a map of its own and passes
 * every other key (os.name, java.io.tmpdir, ...) to the real system properties.
 */
public final class JnaProperties {
    private static final Map<String, String> OWN = new ConcurrentHashMap<>(Map.of(
            // Never a jnidispatch from the host's java.library.path: only the one in the agent jar.
            "jna.nosys", "true",
            // Set, so NativeLibrary's initialiser does not run `/sbin/ldconfig -p` (an extra child of
            // the host) to build a search path; libc is opened by its exact soname anyway.
            "jna.platform.library.path", ""));

    private JnaProperties() {
    }

    public static String getProperty(String key) {
        return isJnas(key) ? OWN.get(key) : System.getProperty(key);
    }

    public static String getProperty(String key, String fallback) {
        String value = getProperty(key);
        return value == null ? fallback : value;
    }

    public static String setProperty(String key, String value) {
        return isJnas(key) ? OWN.put(key, value) : System.setProperty(key, value);
    }

    /** Boolean.getBoolean's rule: true only for "true", ignoring case. */
    public static boolean getBoolean(String key) {
        return "true".equalsIgnoreCase(getProperty(key));
    }

    private static boolean isJnas(String key) {
        return key.startsWith("jna.") || key.startsWith("jnidispatch.");
    }
}
