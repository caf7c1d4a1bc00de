/**
 * The few libc calls only the JVM itself can make, and only as PID 1 or in strict mode (waitpid(2)
 * for orphans, prctl(2) to become a child subreaper), bound through JNA's direct mapping; and the
 * redirects that keep JNA's own properties and logging away from the host's. Results are returned as
 * the C calls give them; callers decide what a failure means. Nothing here is on the spawn path.
 */
package dev.tether.nativeio;
