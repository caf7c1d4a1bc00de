/**
 * The groups Tether started that may still have members, each with its pidfd: memory and descriptors
 * follow live groups, not spawns, and closing it at shutdown races safely with spawns still recording.
 */
package dev.tether.registry;
