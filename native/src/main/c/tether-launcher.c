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
 *
 * Two builds of this one file, chosen by the compiler flags:
 *   - Hosted (plain `cc`; macOS, where the kernel interface is libc): the syscalls through libc.
 *   - Freestanding (`-ffreestanding -nostdlib -static`; Linux x86_64 and aarch64, see
 *     native/pom.xml): no libc at all, our own _start and raw syscalls. The launcher runs on every
 *     spawn: as a static glibc binary (~750 KB) its exec cost ~300 us, mostly mapping a large image
 *     and starting up a libc this program never needs (ifunc relocations, TLS, stdio); this build
 *     (~2 KB) costs ~40 us (issue 6). It needs the kernel's UAPI headers (linux-libc-dev), no libc.
 * Both report errors in the same words: strerror(3) text, which the freestanding build copies for
 * the errnos execve(2) and setpgid(2) can return here.
 */

#if !__STDC_HOSTED__ && defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define NOLIBC 1
#elif !__STDC_HOSTED__
#error "the freestanding build exists for Linux on x86_64 and aarch64 only"
#endif

#ifdef NOLIBC
#include <asm/unistd.h>   /* __NR_* of this architecture */
#include <linux/errno.h>
#include <linux/limits.h> /* PATH_MAX */
#include <linux/uio.h>    /* struct iovec */
#include <stddef.h>       /* size_t: a compiler header, not libc */
#else
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#endif

#define EXIT_USAGE 125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND 127

static const char HELPER_NAME[] = "jspawnhelper";
static const char HELPER_SUFFIX[] = ".jdk";

/* ---- The system interface: each call returns its result, or -errno as the kernel does. ---- */

#ifdef NOLIBC

/* Every call here takes at most three arguments; unused ones are passed as 0. */
static long syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
    /* x86_64 syscall ABI: rax = nr, args in rdi rsi rdx; the kernel clobbers rcx and r11. */
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
#else
    /* aarch64: x8 = nr, args in x0 x1 x2, result in x0. */
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#endif
}

static long sys_setpgid(long pid, long pgid) { return syscall3(__NR_setpgid, pid, pgid, 0); }
/* getpgid(0), not getpgrp(): aarch64 has no getpgrp syscall. */
static long sys_getpgrp(void) { return syscall3(__NR_getpgid, 0, 0, 0); }
static long sys_getpid(void) { return syscall3(__NR_getpid, 0, 0, 0); }
static long sys_writev(int fd, const struct iovec *iov, int n) { return syscall3(__NR_writev, fd, (long)iov, n); }

static long sys_execve(const char *path, char **argv, char **envp)
{
    return syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
}

/* What strerror(3) says (glibc's wording, which the JDK's messages and our tests use) for the errnos
 * execve(2) and setpgid(2) return in practice; NULL for the rest, which are reported as numbers. */
static const char *errno_text(int err)
{
    switch (err) {
    case EPERM: return "Operation not permitted";
    case ENOENT: return "No such file or directory";
    case E2BIG: return "Argument list too long";
    case ENOEXEC: return "Exec format error";
    case ENOMEM: return "Cannot allocate memory";
    case EACCES: return "Permission denied";
    case ENOTDIR: return "Not a directory";
    case ETXTBSY: return "Text file busy";
    case ENAMETOOLONG: return "File name too long";
    case ELOOP: return "Too many levels of symbolic links";
    default: return NULL;
    }
}

#else /* libc */

static long sys_setpgid(long pid, long pgid) { return setpgid((pid_t)pid, (pid_t)pgid) == 0 ? 0 : -errno; }
static long sys_getpgrp(void) { return getpgrp(); }
static long sys_getpid(void) { return getpid(); }
static long sys_writev(int fd, const struct iovec *iov, int n) { return writev(fd, iov, n); }

static long sys_execve(const char *path, char **argv, char **envp)
{
    execve(path, argv, envp);
    return -errno;
}

static const char *errno_text(int err) { return strerror(err); }

#endif

/* ---- The launcher. ---- */

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static int equal(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The decimal digits of v, written backwards from the end of buf[12]. */
static const char *decimal(unsigned v, char *buf)
{
    char *p = buf + 11;
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return p;
}

/* One line on stderr, in one writev so it cannot interleave with the program's own output:
 * "tether-launcher: <what><name><suffix>: <strerror(err)>", or "... : errno <err>" for an errno
 * the freestanding build has no text for. */
static void report(int err, const char *what, const char *name, const char *suffix)
{
    char digits[12];
    const char *text = errno_text(err);
    const char *parts[] = {"tether-launcher: ", what, name, suffix, ": ",
                           text ? text : "errno ", text ? "" : decimal((unsigned)err, digits), "\n"};
    struct iovec iov[sizeof parts / sizeof parts[0]];
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        iov[i].iov_base = (void *)parts[i];
        iov[i].iov_len = length(parts[i]);
    }
    sys_writev(2, iov, (int)(sizeof iov / sizeof iov[0]));
}

static void new_group(void)
{
    /* setpgid(2) fails with EPERM for a session leader, which already leads its own group (its
     * pgid is its pid): that is what we want, so only a real failure is worth a line on stderr. */
    long r = sys_setpgid(0, 0);
    if (r < 0 && sys_getpgrp() != sys_getpid())
        report((int)-r, "setpgid", "", "");
}

static int exec_form(int argc, char **argv, char **envp)
{
    if (argc < 3) {
        static const char usage[] = "usage: tether-launcher PROGRAM ARGV0 [ARG...]\n";
        struct iovec iov = {(void *)usage, sizeof usage - 1};
        sys_writev(2, &iov, 1);
        return EXIT_USAGE;
    }
    char *program = argv[1];
    new_group();
    long err = -sys_execve(program, &argv[2], envp);
    if (err == ENOEXEC) {
        /* What the JDK does for a file without "#!" (childproc.c, execve_as_traditional_shell_script):
         * /bin/sh PROGRAM ARG..., dropping ARGV0. Rebuilt in place: argv[1..] is {sh, PROGRAM, ARG...}. */
        static const char sh[] = "/bin/sh"; /* const: execve never writes argv, and no data segment */
        argv[1] = (char *)sh;
        argv[2] = program;
        err = -sys_execve(sh, &argv[1], envp);
    }
    report((int)err, "cannot execute ", program, "");
    return (err == ENOENT || err == ENOTDIR) ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
}

static int helper_form(char **argv, char **envp)
{
    char real[PATH_MAX];
    new_group();
    /* real = argv[0] + ".jdk", NUL included. Copied byte by byte up to the NUL: a loop with a known
     * length could be turned into a call to memcpy, which the freestanding build does not have. */
    size_t n = 0;
    for (const char *s = argv[0]; *s != '\0'; s++) {
        if (n == sizeof real - sizeof HELPER_SUFFIX) {
            report(ENAMETOOLONG, "", argv[0], HELPER_SUFFIX);
            return EXIT_NOT_FOUND;
        }
        real[n++] = *s;
    }
    for (const char *s = HELPER_SUFFIX; (real[n++] = *s) != '\0'; s++)
        ;
    argv[0] = real;
    long err = -sys_execve(real, argv, envp);
    report((int)err, "cannot execute ", real, "");
    return EXIT_NOT_FOUND;
}

static int launch(int argc, char **argv, char **envp)
{
    /* argc may be 0 (execve with an empty argv): then there is no name, so it is the exec form. */
    if (argc > 0) {
        const char *name = argv[0];
        for (const char *p = argv[0]; *p != '\0'; p++)
            if (*p == '/')
                name = p + 1;
        if (equal(name, HELPER_NAME))
            return helper_form(argv, envp);
    }
    return exec_form(argc, argv, envp);
}

/* ---- Entry. ---- */

#ifdef NOLIBC

/* The kernel starts _start with the stack pointer on argc, then argv[argc] and its NULL, then envp
 * and its NULL (System V ABI, "Process Initialization"). _start passes that address on; there is
 * nothing to initialise: no libc, no TLS, no constructors. */
__attribute__((noreturn, used)) void tether_start(long *sp);

void tether_start(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    syscall3(__NR_exit_group, launch(argc, argv, envp), 0, 0);
    __builtin_unreachable();
}

#if defined(__x86_64__)
/* rbp = 0 marks the outermost frame; the call needs rsp 16-byte aligned (the kernel already does
 * that, the `and` makes it explicit). */
__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call tether_start\n"
        "    hlt\n");
#else
__asm__(".text\n"
        ".global _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "    mov x29, #0\n"
        "    mov x30, #0\n"
        "    mov x0, sp\n"
        "    bl tether_start\n"
        "    brk #0\n");
#endif

#else

int main(int argc, char **argv, char **envp)
{
    return launch(argc, argv, envp);
}

#endif
