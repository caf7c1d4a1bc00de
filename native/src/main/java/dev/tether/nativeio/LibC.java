package dev.tether.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;

/**
 * The few libc calls Tether needs, bound through JNA. No policy lives here: callers decide what a
 * failure means. Every call that can fail declares {@link LastErrorException}, which carries errno.
 */
public interface LibC extends Library {

    /** kill(2): a negative pid addresses the process group -pid; signal 0 only checks existence. */
    int kill(int pid, int sig) throws LastErrorException;

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

    /** write(2). */
    long write(int fd, byte[] buffer, long count) throws LastErrorException;

    /** close(2), for pidfds and pipes. */
    int close(int fd) throws LastErrorException;

    /**
     * syscall(2), for calls glibc may not wrap (pidfd_open, pidfd_send_signal). The arguments are
     * passed as C longs so the same binding serves every 64-bit Linux.
     */
    long syscall(long number, long a1, long a2, long a3, long a4) throws LastErrorException;
}
