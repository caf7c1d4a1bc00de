/**
 * When the JVM ends: the shutdown hook, the signal handlers chained in front of the JVM's own, and the
 * last step in a JDK system hook slot, which also does the work where no thread could be started.
 */
package dev.tether.shutdown;
