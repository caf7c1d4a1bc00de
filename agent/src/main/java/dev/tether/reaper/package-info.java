/**
 * Ending recorded groups: signals only to groups provably Tether's (a pidfd, else proof from /proc),
 * and the stop sequence SIGTERM, SIGCONT, grace, SIGKILL until empty, where a group whose processes all
 * exited counts as empty at once. (Despite the package's name it reaps nothing: waitpid is the JDK's
 * and the orphans package's.)
 */
package dev.tether.reaper;
