/**
 * The native launcher on disk and the contract of its command line: the private directory (where,
 * with which mode, refused where another user could swap it), the JDK's own program lookup for the
 * FORK and VFORK routes, and the platform's resource name.
 */
package dev.tether.launch;
