package dev.tether.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;

/**
 * The libc calls Tether makes rarely (once per JVM, or per spawn only where a terminal is involved),
 * bound through a JNA interface; the frequent ones are on {@link Syscalls}. No policy lives here:
 * callers decide what a failure means. Every call that can fail declares
 * {@link LastErrorException}, which carries errno.
 */
public interface LibC extends Library {

    /** getpgid(2). */
    int getpgid(int pid) throws LastErrorException;

    /** getpgrp(2): this process's group. */
    int getpgrp();

    /** isatty(3): 1 if {@code fd} is a terminal, else 0 (errno ENOTTY). */
    int isatty(int fd);

    /** tcgetpgrp(3): the foreground process group of the terminal on {@code fd}. */
    int tcgetpgrp(int fd) throws LastErrorException;

    /** O_CLOEXEC for pipe2 on Linux (asm-generic/fcntl.h; the same on x86_64 and aarch64). */
    int O_CLOEXEC = 02000000;

    /** getsid(2). */
    int getsid(int pid) throws LastErrorException;

    /** pipe2(2) (Linux): {@code fds[0]} the read end, {@code fds[1]} the write end. */
    int pipe2(int[] fds, int flags) throws LastErrorException;


}
