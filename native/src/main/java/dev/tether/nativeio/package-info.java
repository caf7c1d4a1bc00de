/**
 * The libc and Linux system calls that Java lacks, bound through JNA's direct mapping, and the
 * redirects that keep JNA's own properties and logging away from the host's. Results are returned as
 * the C calls give them; callers decide what a failure means.
 */
package dev.tether.nativeio;
