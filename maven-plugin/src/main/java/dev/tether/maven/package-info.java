/**
 * The Maven plugin: {@code tether:prepare-agent} puts the agent on the test forks' command line.
 */
package dev.tether.maven;
