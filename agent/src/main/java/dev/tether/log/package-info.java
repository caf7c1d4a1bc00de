/**
 * Tether's logging: relocated SLF4J over a tiny backend that writes "tether: ..." lines to the
 * process's real standard error at the level of the log option. Never the host's logging.
 */
package dev.tether.log;
