/*
 * tether-launcher: put the calling process in a new process group, tell the keeper (the agent's
 * tether-keeper) about itself, then exec the real program in the same process (same PID), so the
 * keeper can later signal the whole group.
 *
 * Usage, chosen by the name this binary was invoked under (the basename of argv[0]):
 *
 *   tether-launcher PROGRAM ARGV0 [ARG...]        ("exec" form: any name but those below)
 *       setpgid(0, 0), register, then execv(PROGRAM, {ARGV0, ARG...}). PROGRAM is the already
 *       resolved path (relative paths are relative to the current directory); ARGV0 is passed on as
 *       written. If PROGRAM is not a binary the kernel knows (ENOEXEC) it is run as
 *       /bin/sh PROGRAM [ARG...], as the JDK does.
 *
 *   <dir>/jspawnhelper JDK-ARGS...                 ("jspawnhelper" form)
 *       setpgid(0, 0), register, then execv("<dir>/jspawnhelper.jdk", {"<dir>/jspawnhelper.jdk",
 *       JDK-ARGS...}). The agent makes the JDK posix_spawn this binary through a symbolic link named
 *       jspawnhelper, next to a link jspawnhelper.jdk to the JDK's own lib/jspawnhelper; the JDK's
 *       arguments (its version and the fd triple "in:out:err") pass through unchanged.
 *
 *   tether-launcher-samegroup ..., <dir>/jspawnhelper-samegroup ...
 *       the same without setpgid: a child that shares the terminal of a JVM in the foreground stays
 *       in the JVM's group (the agent's TerminalPolicy), and is registered as such.
 *
 *   tether-launcher-outside ..., <dir>/jspawnhelper-outside ...
 *       cgroup mode, a child the agent leaves alone: no setpgid and no registration; it moves out of
 *       the cgroup of the JVM's children into the JVM's own (see leave_cgroup), then the exec.
 *
 * Registering: one datagram to the keeper's socket "<dir>/keeper.regX", <dir> being the directory of
 * argv[0] and X the last hex digit of this process's pid; the kernel adds this process's pid and uid. It carries "g" (a group of its own) or "j" (the
 * JVM's group), a pidfd on this process (SCM_RIGHTS), and, where no pidfd can name the group (no
 * pidfd_open, or a kernel before 6.9 without PIDFD_SIGNAL_PROCESS_GROUP), " START": this process's
 * start time from /proc/self/stat, the keeper's proof then. It is sent before the exec, so it is in
 * the keeper's queue by the time the JDK's start() returns. Any failure here (no keeper, no socket)
 * is silent: this process's stderr is the host's child's, and the child must run even if Tether
 * cannot protect it. The send waits at most SEND_PATIENCE_US for room in the keeper's queue.
 *
 * A failed setpgid is reported on stderr but the program is run anyway, for the same reason.
 *
 * Exit codes (only when no program could be exec'd; otherwise the program's own):
 *   125  exec form called with fewer than 2 arguments (usage error)
 *   126  exec form: PROGRAM found but could not be executed (EACCES, ...)
 *   127  exec form: PROGRAM not found (ENOENT, ENOTDIR), as in the shell (POSIX XCU 2.8.2)
 *   127  jspawnhelper form: "<dir>/jspawnhelper.jdk" longer than PATH_MAX, or its exec failed
 *
 * The JDK runs this in the child after fork/posix_spawn, so it allocates nothing beyond a few stack
 * buffers and never touches signal dispositions or the signal mask: the program must inherit
 * exactly what the JDK set up. Every descriptor it opens is closed again before the exec.
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
 *     (a few KB) costs ~40 us (issue 6). It needs the kernel's UAPI headers (linux-libc-dev), no libc.
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
#include <linux/fcntl.h>  /* O_RDONLY, O_CLOEXEC, AT_FDCWD */
#include <linux/limits.h> /* PATH_MAX */
#include <linux/uio.h>    /* struct iovec */
#include <linux/un.h>     /* struct sockaddr_un */
#include <stddef.h>       /* size_t: a compiler header, not libc */
#else
#define _GNU_SOURCE       /* the hosted build on Linux: syscall(2) for the pidfd calls */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0 /* macOS */
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SIGPIPE cannot come from a datagram socket anyway */
#endif
#endif

#ifdef NOLIBC
/* The kernel's user ABI for sendmsg(2) on 64-bit Linux (include/linux/socket.h: struct
 * user_msghdr, struct cmsghdr), which the UAPI headers do not export; libc's are the same. */
struct msghdr {
    void *msg_name;
    int msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    unsigned msg_flags;
};
struct cmsghdr {
    size_t cmsg_len;
    int cmsg_level;
    int cmsg_type;
};
#define AF_UNIX 1         /* linux/socket.h, include/linux/net.h: not in the UAPI headers */
#define SOCK_DGRAM 2
#define SOCK_CLOEXEC O_CLOEXEC
#define SOL_SOCKET 1      /* asm-generic/socket.h, x86_64 and aarch64 alike */
#define SCM_RIGHTS 1
#define SO_SNDTIMEO_OLD 21
#define SO_SNDTIMEO SO_SNDTIMEO_OLD /* 64-bit: struct timeval of two longs */
#define MSG_NOSIGNAL 0x4000
struct timeval {
    long tv_sec, tv_usec;
};
#endif

#define EXIT_USAGE 125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND 127

static const char HELPER_NAME[] = "jspawnhelper";
static const char REAL_HELPER[] = "jspawnhelper.jdk";
static const char SAME_GROUP_SUFFIX[] = "-samegroup";
static const char OUTSIDE_SUFFIX[] = "-outside";
static const char OUTSIDE_LINK[] = "cgroup.outside"; /* tether-keeper.c, cgroup mode */
static const char KEEPER_SOCKET[] = "keeper.reg"; /* + the last hex digit of the pid: tether-keeper.c, REG_SOCKETS */
/* A keeper that cannot take a registration this soon (its queue full: stopped, or starved of CPU)
 * leaves this child unregistered rather than hold up the host's spawn any longer. A keeper that
 * runs drains its queue within a millisecond or so (see PAUSE_PER_DATAGRAM_NS in tether-keeper.c). */
#define SEND_PATIENCE_US 100000
/* Linux, alike on every architecture (new syscalls since 5.1; include/uapi/linux/pidfd.h). */
#define NR_PIDFD_SEND_SIGNAL 424
#define NR_PIDFD_OPEN 434
#define PIDFD_SIGNAL_PROCESS_GROUP 4

/* ---- The system interface: each call returns its result, or -errno as the kernel does. ---- */

#ifdef NOLIBC

/* Unused arguments are passed as 0. */
static long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
    /* x86_64 syscall ABI: rax = nr, args in rdi rsi rdx r10 r8 r9; the kernel clobbers rcx and r11. */
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
#else
    /* aarch64: x8 = nr, args in x0..x5, result in x0. */
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#endif
}

static long syscall3(long nr, long a, long b, long c) { return syscall6(nr, a, b, c, 0, 0, 0); }

static long sys_setpgid(long pid, long pgid) { return syscall3(__NR_setpgid, pid, pgid, 0); }
/* getpgid(0), not getpgrp(): aarch64 has no getpgrp syscall. */
static long sys_getpgrp(void) { return syscall3(__NR_getpgid, 0, 0, 0); }
static long sys_getpid(void) { return syscall3(__NR_getpid, 0, 0, 0); }
static long sys_writev(int fd, const struct iovec *iov, int n) { return syscall3(__NR_writev, fd, (long)iov, n); }
static long sys_socket(int domain, int type) { return syscall3(__NR_socket, domain, type, 0); }
static long sys_setsockopt(int fd, int level, int name, const void *value, unsigned size)
{
    return syscall6(__NR_setsockopt, fd, level, name, (long)value, size, 0);
}
static long sys_sendmsg(int fd, const struct msghdr *m, int flags) { return syscall3(__NR_sendmsg, fd, (long)m, flags); }
static long sys_close(int fd) { return syscall3(__NR_close, fd, 0, 0); }
/* openat: aarch64 has no open syscall. */
static long sys_open(const char *path, int flags) { return syscall6(__NR_openat, AT_FDCWD, (long)path, flags, 0, 0, 0); }
static long sys_read(int fd, char *buf, size_t n) { return syscall3(__NR_read, fd, (long)buf, (long)n); }
static long sys_pidfd_open(long pid) { return syscall3(NR_PIDFD_OPEN, pid, 0, 0); }
static long sys_pidfd_signal(int fd, int sig, unsigned flags) { return syscall6(NR_PIDFD_SEND_SIGNAL, fd, sig, 0, flags, 0, 0); }

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
/* The hosted build: each call as in the freestanding one, its result or -errno. */
static long result(long r) { return r < 0 ? -errno : r; }
static long sys_socket(int domain, int type) { return result(socket(domain, type, 0)); }
static long sys_setsockopt(int fd, int level, int name, const void *value, unsigned size)
{
    return result(setsockopt(fd, level, name, value, size));
}
static long sys_sendmsg(int fd, const struct msghdr *m, int flags) { return result(sendmsg(fd, m, flags)); }
static long sys_close(int fd) { return result(close(fd)); }
static long sys_open(const char *path, int flags) { return result(open(path, flags)); }
static long sys_read(int fd, char *buf, size_t n) { return result(read(fd, buf, n)); }
#ifdef __linux__
static long sys_pidfd_open(long pid) { return result(syscall(NR_PIDFD_OPEN, pid, 0)); }
static long sys_pidfd_signal(int fd, int sig, unsigned flags) { return result(syscall(NR_PIDFD_SEND_SIGNAL, fd, sig, NULL, flags)); }
#else
static long sys_pidfd_open(long pid) { return (void)pid, -ENOSYS; }
static long sys_pidfd_signal(int fd, int sig, unsigned flags) { return (void)fd, (void)sig, (void)flags, -ENOSYS; }
#endif

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

/* Copies s to *at, stopping at end (exclusive); returns 0 if it did not fit. Byte by byte up to the
 * NUL: a loop with a known length could be turned into a call to memcpy, which the freestanding
 * build does not have. */
static int append(char **at, const char *end, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*at == end)
            return 0;
        *(*at)++ = *s;
    }
    return 1;
}

/* The length of the directory part of path, its last '/' included (0: none). */
static size_t dir_length(const char *path)
{
    size_t n = 0;
    for (size_t i = 0; path[i] != '\0'; i++)
        if (path[i] == '/')
            n = i + 1;
    return n;
}

/* out = the directory part of self (its last '/' included) + name, in room bytes with the NUL;
 * returns the end of it (its NUL), or 0 if it does not fit. */
static char *beside(const char *self, const char *name, char *out, size_t room)
{
    size_t dir = dir_length(self);
    char *at = out;
    if (dir >= room)
        return 0;
    for (size_t i = 0; i < dir; i++)
        *at++ = self[i];
    if (!append(&at, out + room - 1, name))
        return 0;
    *at = '\0';
    return at;
}

/* " START": this process's start time, field 22 of /proc/self/stat (proc(5)), after the command in
 * parentheses, which may itself hold spaces and ')'. 0 if it cannot be read. */
static size_t start_time(char *out, size_t room)
{
    char buf[1024];
    long fd = sys_open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    long n = sys_read((int)fd, buf, sizeof buf - 1);
    sys_close((int)fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    const char *p = 0;
    for (const char *q = buf; *q != '\0'; q++)
        if (*q == ')')
            p = q;
    for (int spaces = 0; p != 0 && *p != '\0' && spaces < 20; p++)
        if (*p == ' ')
            spaces++;
    size_t k = 0;
    if (p != 0 && room > 1)
        out[k++] = ' ';
    for (; p != 0 && *p >= '0' && *p <= '9' && k < room; p++)
        out[k++] = *p;
    return k > 1 ? k : 0;
}

/* Tells the keeper of the private directory that holds argv[0] about this process (see the top). */
static void register_self(const char *self, int own_group)
{
    struct sockaddr_un keeper = {.sun_family = AF_UNIX};
    const char *end = keeper.sun_path + sizeof keeper.sun_path - 1;
    long pid = sys_getpid();
    char digit[2] = {"0123456789abcdef"[pid & 15], '\0'};
    char *at = dir_length(self) == 0 ? 0 : beside(self, KEEPER_SOCKET, keeper.sun_path, sizeof keeper.sun_path);
    if (at == 0 || !append(&at, end, digit))
        return; /* the NUL after the digit: sun_path was zeroed */
    long sock = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
    if (sock < 0)
        return;
    char data[32] = {own_group ? 'g' : 'j'};
    size_t length = 1;
    long pidfd = sys_pidfd_open(pid);
    long named = pidfd < 0 ? pidfd : sys_pidfd_signal((int)pidfd, 0, PIDFD_SIGNAL_PROCESS_GROUP);
    if (named < 0 && named != -ESRCH) /* ESRCH: the flag is known, but no group is led by us (j) */
        length += start_time(data + 1, sizeof data - 2);
    union {
        char bytes[sizeof(struct cmsghdr) + sizeof(int) + sizeof(size_t)];
        struct cmsghdr align;
    } control;
    struct cmsghdr *rights = &control.align;
    rights->cmsg_len = sizeof(struct cmsghdr) + sizeof(int);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    int fd = (int)pidfd;
    char *slot = (char *)(rights + 1);
    for (size_t i = 0; i < sizeof fd; i++)
        slot[i] = ((char *)&fd)[i];
    struct iovec iov = {data, length};
    struct msghdr m = {.msg_name = &keeper,
                       .msg_namelen = (int)sizeof keeper,
                       .msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = pidfd < 0 ? 0 : control.bytes,
                       .msg_controllen = pidfd < 0 ? 0 : sizeof control.bytes};
    struct timeval patience = {0, SEND_PATIENCE_US};
    sys_setsockopt((int)sock, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
    sys_sendmsg((int)sock, &m, MSG_NOSIGNAL);
    if (pidfd >= 0)
        sys_close((int)pidfd);
    sys_close((int)sock);
}

/* Where the program runs, by the suffix of the name this binary was invoked under. */
enum placement { OWN_GROUP, JVM_GROUP, OUTSIDE };

/* Whether name (n bytes) ends in suffix. */
static int ends_in(const char *name, size_t n, const char *suffix)
{
    size_t k = length(suffix);
    return n > k && equal(name + n - k, suffix);
}

/* A child the agent leaves alone (its exclude option, TETHER_DETACH) is born in the cgroup of the
 * JVM's children where cgroup mode is on, and moves out to the JVM's own cgroup before its exec:
 * writing "0" into a cgroup.procs moves the writer (the kernel's cgroup-v2.rst, "Processes").
 * The keeper links DIR/cgroup.outside to that file only while cgroup mode is on, so ENOENT here is
 * the usual case; any failure is silent (the child runs, in the cgroup, and ends with the JVM). */
static void leave_cgroup(const char *self)
{
    char path[PATH_MAX];
    if (beside(self, OUTSIDE_LINK, path, sizeof path) == 0)
        return;
    long fd = sys_open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct iovec zero = {(void *)"0", 1};
    sys_writev((int)fd, &zero, 1);
    sys_close((int)fd);
}

/* What happens before the exec: a group of its own and a registration, a registration in the
 * JVM's group, or the move out of the children's cgroup (no group, no registration). */
static void place(const char *self, enum placement where)
{
    if (where == OUTSIDE) {
        leave_cgroup(self);
        return;
    }
    if (where == OWN_GROUP)
        new_group();
    register_self(self, where == OWN_GROUP);
}

static int exec_form(int argc, char **argv, char **envp, enum placement where)
{
    if (argc < 3) {
        static const char usage[] = "usage: tether-launcher PROGRAM ARGV0 [ARG...]\n";
        struct iovec iov = {(void *)usage, sizeof usage - 1};
        sys_writev(2, &iov, 1);
        return EXIT_USAGE;
    }
    char *program = argv[1];
    place(argv[0], where);
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

static int helper_form(char **argv, char **envp, enum placement where)
{
    char real[PATH_MAX];
    place(argv[0], where);
    if (beside(argv[0], REAL_HELPER, real, sizeof real) == 0) {
        argv[0][dir_length(argv[0])] = '\0'; /* its directory: the kernel's copy, ours to write, and not used again */
        report(ENAMETOOLONG, "", argv[0], REAL_HELPER);
        return EXIT_NOT_FOUND;
    }
    argv[0] = real;
    long err = -sys_execve(real, argv, envp);
    report((int)err, "cannot execute ", real, "");
    return EXIT_NOT_FOUND;
}

static int launch(int argc, char **argv, char **envp)
{
    /* argc may be 0 (execve with an empty argv): then there is no name, so it is the exec form,
     * which reports its usage. */
    if (argc == 0)
        return exec_form(argc, argv, envp, OWN_GROUP);
    const char *name = argv[0] + dir_length(argv[0]);
    size_t n = length(name);
    enum placement where = ends_in(name, n, SAME_GROUP_SUFFIX) ? JVM_GROUP
                           : ends_in(name, n, OUTSIDE_SUFFIX)  ? OUTSIDE
                                                               : OWN_GROUP;
    size_t base = n - (where == JVM_GROUP ? sizeof SAME_GROUP_SUFFIX - 1 : where == OUTSIDE ? sizeof OUTSIDE_SUFFIX - 1 : 0);
    int helper = base == sizeof HELPER_NAME - 1;
    for (size_t i = 0; helper && i < base; i++)
        helper = name[i] == HELPER_NAME[i];
    return helper ? helper_form(argv, envp, where) : exec_form(argc, argv, envp, where);
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
