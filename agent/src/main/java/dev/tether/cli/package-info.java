/**
 * The jar as a command-line tool ({@code java -jar tether-agent.jar}): version and usage, and
 * {@code status PID}, what a running JVM's keeper holds. Never loaded into a host: only
 * {@code TetherPremain.main} reaches it.
 */
package dev.tether.cli;
