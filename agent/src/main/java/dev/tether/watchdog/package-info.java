/**
 * The JVM's end of the watchdog, the native process that ends the groups after a death that skips the
 * shutdown hooks: starting it, and the protocol on the socket that only the JVM and it hold.
 */
package dev.tether.watchdog;
