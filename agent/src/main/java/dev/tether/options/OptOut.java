package dev.tether.options;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The environment variable {@value #VARIABLE}: a process started with it set (to anything but the
 * empty string) is left alone, with everything it starts. For a host: set it in
 * {@code ProcessBuilder.environment()} for a child meant to outlive the JVM; for a child: set it for
 * a daemon it starts, which strict mode would otherwise end.
 */
public final class OptOut {
    public static final String VARIABLE = "TETHER_DETACH";
    private static final String INHERITED = System.getenv(VARIABLE);
    private static final byte[] ENTRY_PREFIX = (VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);

    private OptOut() {
    }

    /** @param env the child's environment as ProcessImpl.start has it: null for the JVM's own */
    public static boolean requested(Map<String, String> env) {
        String value = env == null ? INHERITED : env.get(VARIABLE);
        return value != null && !value.isEmpty();
    }

    /** @param environ a /proc/PID/environ: NUL-separated NAME=value entries */
    public static boolean requested(byte[] environ, int length) {
        for (int start = 0; start < length; ) {
            int end = start;
            while (end < length && environ[end] != 0) {
                end++;
            }
            if (end - start > ENTRY_PREFIX.length
                    && Arrays.equals(environ, start, start + ENTRY_PREFIX.length, ENTRY_PREFIX, 0, ENTRY_PREFIX.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
