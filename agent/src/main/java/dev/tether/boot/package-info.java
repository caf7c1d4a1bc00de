/**
 * Stage one of the agent, the only Tether code on the host's class path: opens the agent jar and
 * hands over to stage two through an isolating class loader. Nothing here may log, keep state beyond
 * the one-agent guard, or use a type that the JVM would load before premain's try.
 */
package dev.tether.boot;
