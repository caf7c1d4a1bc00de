/**
 * Reading /proc: one process's stat line, start times without a read where the clock tells them, one
 * pass over every process, and whether a running process is already doomed. Facts only, no policy.
 */
package dev.tether.proc;
