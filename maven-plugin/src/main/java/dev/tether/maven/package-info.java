/**
 * The Maven plugin: {@code tether:prepare-agent} puts the agent on the test forks' command line, with
 * a report of what they leave running; {@code tether:check} fails the build on that report.
 */
package dev.tether.maven;
