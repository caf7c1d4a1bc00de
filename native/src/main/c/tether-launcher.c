/*
 * tether-launcher: put the calling process in a new process group, then exec the real program in
 * the same process (same PID), so Tether can later signal the whole group with kill(-pgid, sig).
 *
 * Usage, chosen by the name this binary was invoked under (the basename of argv[0]):
 *
 *   tether-launcher PROGRAM ARGV0 [ARG...]        ("exec" form: any name but jspawnhelper)
 *       setpgid(0, 0), then execv(PROGRAM, {ARGV0, ARG...}). PROGRAM is the already resolved path
 *       (relative paths are relative to the current directory); ARGV0 is passed on as written.
 *       If PROGRAM is not a binary the kernel knows (ENOEXEC) it is run as
 *       /bin/sh PROGRAM [ARG...], as the JDK does.
 *
 *   <dir>/jspawnhelper JDK-ARGS...                 ("jspawnhelper" form)
 *       setpgid(0, 0), then execv("<dir>/jspawnhelper.jdk", {"<dir>/jspawnhelper.jdk", JDK-ARGS...}).
 *       The agent makes the JDK posix_spawn this binary through a symlink named jspawnhelper, next
 *       to a symlink jspawnhelper.jdk to the JDK's own lib/jspawnhelper; the JDK's arguments
 *       (its version and the fd triple "in:out:err") pass through unchanged.
 *
 * A failed setpgid is reported on stderr but the program is run anyway: the host's child must run
 * even if Tether cannot protect it.
 *
 * Exit codes (only when no program could be exec'd; otherwise the program's own):
 *   125  exec form called with fewer than 2 arguments (usage error)
 *   126  exec form: PROGRAM found but could not be executed (EACCES, ...)
 *   127  exec form: PROGRAM not found (ENOENT, ENOTDIR), as in the shell (POSIX XCU 2.8.2)
 *   127  jspawnhelper form: "<argv[0]>.jdk" longer than PATH_MAX, or its exec failed
 *
 * The JDK runs this in the child after fork/posix_spawn, so it allocates nothing beyond one PATH_MAX
 * stack buffer and never touches signal dispositions or the signal mask: the program must inherit
 * exactly what the JDK set up.
 *
 * There is deliberately no prctl(PR_SET_PDEATHSIG): the "parent" it watches is the spawning
 * *thread*, so the child would be killed whenever the Java thread that called start() exits
 * (prctl(2), "the parent thread"), not when the JVM does.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ERR(fmt, ...) \
    fprintf(stderr, "tether-launcher: " fmt ": %s\n", ##__VA_ARGS__, strerror(errno))

#define EXIT_USAGE 125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND 127

static const char HELPER_NAME[] = "jspawnhelper";
static const char HELPER_SUFFIX[] = ".jdk";

static void new_group(void)
{
    /* setpgid(2) fails with EPERM for a session leader, which already leads its own group (its
     * pgid is its pid): that is what we want, so only a real failure is worth a line on stderr. */
    if (setpgid(0, 0) != 0 && getpgrp() != getpid())
        ERR("setpgid");
}

static int exec_form(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tether-launcher PROGRAM ARGV0 [ARG...]\n");
        return EXIT_USAGE;
    }
    char *program = argv[1];
    new_group();
    execv(program, &argv[2]);
    if (errno == ENOEXEC) {
        /* What the JDK does for a file without "#!" (childproc.c, execve_as_traditional_shell_script):
         * /bin/sh PROGRAM ARG..., dropping ARGV0. Rebuilt in place: argv[1..] is {sh, PROGRAM, ARG...}. */
        static char sh[] = "/bin/sh";
        argv[1] = sh;
        argv[2] = program;
        execv(sh, &argv[1]);
    }
    int err = errno;
    ERR("cannot execute %s", program);
    return (err == ENOENT || err == ENOTDIR) ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
}

static int helper_form(char **argv)
{
    char real[PATH_MAX];
    new_group();
    int n = snprintf(real, sizeof real, "%s%s", argv[0], HELPER_SUFFIX);
    if (n < 0 || (size_t)n >= sizeof real) {
        errno = ENAMETOOLONG;
        ERR("%s%s", argv[0], HELPER_SUFFIX);
        return EXIT_NOT_FOUND;
    }
    argv[0] = real;
    execv(real, argv);
    ERR("cannot execute %s", real);
    return EXIT_NOT_FOUND;
}

int main(int argc, char **argv)
{
    /* argc may be 0 (execve with an empty argv): then there is no name, so it is the exec form. */
    if (argc > 0) {
        const char *slash = strrchr(argv[0], '/');
        const char *name = slash ? slash + 1 : argv[0];
        if (strcmp(name, HELPER_NAME) == 0)
            return helper_form(argv);
    }
    return exec_form(argc, argv);
}
