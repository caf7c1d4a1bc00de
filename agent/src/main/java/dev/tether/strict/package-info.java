/**
 * Strict mode: the descendants of the JVM that left the recorded groups (setsid, setpgid, the JVM's own
 * group), found through parent links in /proc, except the ones left alone on purpose.
 */
package dev.tether.strict;
