/**
 * The wiring of a spawn: options in, the decision per child (which route into a group, or none), and
 * the activation of everything else at the first spawn. The weave above calls it; nothing below it
 * calls back up.
 */
package dev.tether.core;
