/**
 * Cgroup mode's one question for the JVM: which cgroup v2 directory it is in, and whether it may
 * make one below it. Everything the mode does with it (the JVM's children's cgroup, freezing,
 * {@code cgroup.kill}, removal) is the keeper's: see tether-keeper.c and docs/how-it-works.md.
 */
package dev.tether.cgroup;
