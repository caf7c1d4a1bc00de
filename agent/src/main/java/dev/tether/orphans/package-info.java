/**
 * Reaping (waitpid) the orphans that the JVM inherits as PID 1 or as a subreaper in strict mode, and
 * never a child the JDK started: the ledger of spawns in flight decides which zombies are not the JDK's.
 */
package dev.tether.orphans;
