/**
 * The agent's options, parsed once: agent arguments over -Dtether.* properties, a precise start-up
 * error for a bad agent argument, and the ways a child is left alone (exclude, TETHER_DETACH).
 */
package dev.tether.options;
