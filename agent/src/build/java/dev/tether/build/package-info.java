/**
 * Build-time tools that run while the agent jar is assembled (not shipped): rewriting JNA's classes so
 * that its system properties and logging calls go to Tether instead of the host.
 */
package dev.tether.build;
