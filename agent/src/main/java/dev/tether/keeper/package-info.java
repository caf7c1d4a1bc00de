/**
 * The JVM's end of the keeper (native/src/main/c/tether-keeper.c, docs/keeper.md): starting it,
 * its channel, and the requests the JVM makes of it. The keeper alone holds, proves and signals the
 * children's groups; nothing here opens a pidfd or loads JNA.
 */
package dev.tether.keeper;
