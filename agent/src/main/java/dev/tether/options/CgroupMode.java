package dev.tether.options;

/**
 * Whether the JVM's children live in a cgroup v2 of Tether's, ended with {@code cgroup.kill}, which
 * nothing in it escapes (setsid, setpgid, double forks): see docs/how-it-works.md.
 */
public enum CgroupMode {
    /** Process groups only (the default). */
    OFF,
    /** The cgroup where the JVM may make one, else process groups only, silently (a debug line). */
    AUTO,
    /** The cgroup, or a start-up error naming why it cannot be had. */
    ON
}
