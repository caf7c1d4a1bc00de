/**
 * Weaving java.lang.ProcessImpl and defining the bridge that its woven code calls: the only code that
 * touches the JDK's classes or opens java.lang to Tether. Everything it weaves is tiny and never
 * throws into the host.
 */
package dev.tether.instrument;
