/*
 * tether-watchdog: ends the process groups a JVM recorded when the JVM dies without running its
 * shutdown hooks (SIGKILL, the OOM killer, Runtime.halt, -Xrs, a crash).
 *
 * Usage: tether-watchdog [-c SOCKET] GRACE_MS JVM_SID [DIR]
 *   -c SOCKET read the JVM's lines from a connection to the abstract Unix stream socket SOCKET
 *             (unix(7): a name, not a file; the JVM listens on it for a moment), made before the
 *             fork and put on fd 0, instead of from stdin. A connected socket cannot be opened
 *             again through /proc/PID/fd (open(2) fails with ENXIO), as a pipe can: no other
 *             process, the user's own included, can write into this channel or close it for us.
 *             The JVM takes the first connection whose peer is this process (SO_PEERCRED).
 *   GRACE_MS  0..86400000: time between SIGTERM and SIGKILL, as the agent's grace option
 *   JVM_SID   the JVM's session id (getsid(0)): proof that a member of a leaderless group is ours;
 *             0 when the session leader is outside the JVM's PID namespace (then no such proof)
 *   DIR       the agent's private directory (absolute, named tether-*), which holds this binary,
 *             the launcher and JNA's library. The JVM deletes it at a normal exit (deleteOnExit);
 *             after a death without one, the watchdog does, once the JVM is provably gone and the
 *             groups are reaped. Only a directory that is ours by every sign: no symbolic link,
 *             owned by this user, mode 0700 as the agent makes it; only the entries in it that are
 *             not directories; and rmdir(2) itself leaves a directory that is not empty.
 *
 * The agent starts it once, at its first spawn, with -c (tests may use a pipe on stdin instead).
 * It forks at once; the parent exits 0 (so the JDK reaps a short-lived child and the host never sees
 * a lasting one) and the child detaches with setsid(): signals to the JVM's group or terminal
 * (Ctrl-C, kill -- -PGID) cannot reach it. SIGHUP, SIGINT and SIGPIPE are ignored; SIGTERM keeps
 * its default, so `kill <watchdog pid>` ends the watchdog alone (the groups stay the JVM's business).
 *
 * Stdin, whole lines per write(2) of the JVM (they may still arrive split or joined), read in
 * batches at most every BATCH_PAUSE_NS:
 *   + PID START OWN [FD]
 *                     record child PID, START its start time (field 22 of /proc/PID/stat), OWN 1 if
 *                     it leads its own group (signal the group), 0 if it stayed in the JVM's group
 *                     (signal the process and its descendants, never the group); FD, if given, is
 *                     the JVM's own pidfd on PID, opened while PID was unreaped
 *   - PID             forget PID
 *   bye               the JVM ended its groups itself: forget them all; at EOF only DIR goes (once
 *                     the JVM is provably gone: a JVM that hangs in its exit and is then killed
 *                     leaves no directory behind either), no group is touched
 *   anything else     one line on stderr, then ignored; so is any PID of 0 or 1 (kill(2) would
 *                     read 0 as "my group", and -1 as "everyone": never a target)
 * EOF (or a read error) without "bye" means the JVM is gone: every recorded entry gets SIGTERM and
 * SIGCONT, then SIGKILL once GRACE_MS has passed, repeatedly (a fork loop refills a group), until
 * no member is alive or GRACE_MS + 5 s have passed; then DIR goes, if given, and it exits. Zombies
 * count as gone.
 *
 * Never a stranger (as the agent's GroupSignaller): a group through a pidfd, with
 * PIDFD_SIGNAL_PROCESS_GROUP (Linux 6.9+). Best the JVM's own (FD), copied with pidfd_getfd(2)
 * through a pidfd on the JVM opened before the fork: it names the child even when the "+" is read
 * after the JDK reaped it. Without FD, where pidfd_getfd is refused (ptrace access checks, e.g.
 * Yama or a seccomp profile), or for lines read after the JVM died (its fds are gone then: the
 * lines of its last BATCH_PAUSE_NS), one opened at "+" and checked against START. Otherwise kill(-PID) only
 * with proof from /proc: the leader alive with START, or, leader gone, every live member in session
 * JVM_SID and started at or after START. No proof, no signal. macOS (no /proc, no pidfd): a group
 * only while its leader is alive in it; OWN=0 entries are left alone.
 *
 * Exit codes: the starting process (the one the JDK sees)
 *   0  the watchdog runs, detached        1  it could not start (fork, the socket, ...: said on stderr)
 *   2  usage error
 * and the detached watchdog (seen only by whoever reaps it: init or a subreaper)
 *   0  "bye", or every recorded entry ended     3  some still had live members at GRACE_MS + 5 s
 *
 * It keeps fds 0 (the channel), 1 and 2 as inherited, and one pidfd per recorded child. Its stderr
 * is the JVM's only with the agent's log=debug: every line it writes is a degradation or a fault
 * the host did not cause. The environment
 * variable TETHER_WATCHDOG_NO_PIDFD (any value) turns pidfds off, so tests can cover the /proc path.
 */
#define _GNU_SOURCE /* syscall(2) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#endif

#define EXIT_START 1
#define EXIT_USAGE 2
#define EXIT_LEFT 3
#define MAX_GRACE_MS 86400000ULL
#define KILL_PATIENCE_NS 5000000000LL /* after SIGKILL only a process stuck in the kernel lingers */
#define FIRST_POLL_NS 1000000LL
#define MAX_POLL_NS 20000000LL
/* Pause after each batch of lines: a JVM spawning fast then wakes the watchdog at most 100 times a
 * second, not once per child. Each wake-up is a context switch that, on a busy machine, preempts
 * the very thread that is spawning (issue 6: the JVM's write of a "+" line cost ~31 us with a
 * wake-up per line, ~5 us batched). The price: lines are read up to this much later. */
#define BATCH_PAUSE_NS 10000000L

struct entry {
    pid_t pid;
    unsigned long long start;
    int own, pidfd, live;
};

static struct entry *entries;
static size_t n_entries, cap_entries;
static pid_t jvm_sid, jvm_pid;
static const char *private_dir;

/* One line on stderr in one write(2), so it cannot interleave with the JVM's output. */
static void say(int err, const char *fmt, ...)
{
    char what[400], line[512]; /* 400 + the prefix + any strerror(3) text fit in line */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int n = snprintf(line, sizeof line, "tether-watchdog: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
    if (n < 0 || write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
        /* nowhere left to report it */
    }
}

static void *grow(void *array, size_t *cap, size_t size)
{
    size_t n = *cap ? *cap * 2 : 64;
    void *p = realloc(array, n * size);
    if (p == NULL)
        say(errno, "realloc");
    else
        *cap = n;
    return p;
}

static void close_fd(int fd)
{
    if (close(fd) < 0)
        say(errno, "close");
}

/* Parses decimal digits at *s, at most max, and advances *s past them. */
static int number(char **s, unsigned long long max, unsigned long long *out)
{
    char *p = *s;
    unsigned long long v = 0;
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > max || v > (max - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    *s = p;
    return 1;
}

#ifdef __linux__
/* Numbered alike on every architecture (new syscalls since Linux 5.1); glibc wraps them only in 2.36. */
#define NR_PIDFD_SEND_SIGNAL 424
#define NR_PIDFD_OPEN 434
#define NR_PIDFD_GETFD 438
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2) /* include/uapi/linux/pidfd.h, Linux 6.9 */

static int have_pidfd, have_group_flag, jvm_pidfd = -1, getfd_refused;
static unsigned long long pidfd_limit = 1024 - 16; /* pidfds stop here: the /proc scan needs fds too */

struct proc {
    pid_t pid, ppid, pgid, sid;
    char state;
    int mark;
    unsigned long long start;
};
static struct proc *procs; /* the last scan of /proc, sorted by pid */
static size_t n_procs, cap_procs;

static int pidfd_signal(int fd, int sig, unsigned flags)
{
    return (int)syscall(NR_PIDFD_SEND_SIGNAL, fd, sig, NULL, flags);
}

/* /proc/PID/stat (proc(5)); 0 if the process is gone. */
static int read_stat(pid_t pid, struct proc *p)
{
    char path[32], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0; /* ENOENT, ESRCH: it exited since readdir */
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close_fd(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The command (field 2) may contain spaces and ')': the fields resume after the last ')'. */
    char *s = strrchr(buf, ')');
    p->pid = pid;
    return s != NULL && sscanf(s, ") %c %d %d %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                               &p->state, &p->ppid, &p->pgid, &p->sid, &p->start) == 5;
}

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
    return (x > y) - (x < y);
}

static void scan(void)
{
    n_procs = 0;
    DIR *dir = opendir("/proc");
    if (dir == NULL) {
        say(errno, "/proc");
        return;
    }
    struct dirent *d;
    while ((errno = 0, d = readdir(dir)) != NULL) {
        char *s = d->d_name;
        unsigned long long pid;
        if (!number(&s, INT_MAX, &pid) || *s != '\0')
            continue;
        if (n_procs == cap_procs) {
            void *p = grow(procs, &cap_procs, sizeof *procs);
            if (p == NULL)
                break;
            procs = p;
        }
        n_procs += read_stat((pid_t)pid, &procs[n_procs]);
    }
    if (errno != 0)
        say(errno, "readdir /proc");
    if (closedir(dir) < 0)
        say(errno, "closedir");
    qsort(procs, n_procs, sizeof *procs, by_pid);
}

static struct proc *find(pid_t pid)
{
    struct proc key = {.pid = pid};
    return bsearch(&key, procs, n_procs, sizeof *procs, by_pid);
}

/* Zombies run nothing. Where PID 1 reaps no orphans they stay forever, and still answer kill(-pgid, 0). */
static int live(const struct proc *p) { return p->state != 'Z' && p->state != 'X'; }

/* The recorded process itself, alive: same pid and start time (the pair names one process per boot). */
static struct proc *the_child(const struct entry *e)
{
    struct proc *p = find(e->pid);
    return p != NULL && p->start == e->start && live(p) ? p : NULL;
}

/* A group is ours if its leader is the recorded one or, leader gone, every live member is in the
 * JVM's session and no older than the leader (a stranger's group is in another session or younger). */
static int ours(const struct entry *e)
{
    struct proc *leader = find(e->pid);
    if (leader != NULL)
        return leader->start == e->start;
    if (jvm_sid == 0)
        return 0; /* the JVM's session leader is outside our PID namespace: no session to compare */
    for (size_t i = 0; i < n_procs; i++)
        if (procs[i].pgid == e->pid && live(&procs[i]) && (procs[i].sid != jvm_sid || procs[i].start < e->start))
            return 0;
    return 1;
}

/* The entry's process (group 0) or group (1): through the pidfd when there is one, which the
 * kernel resolves to that very process or group, or to no one. */
static int signal_entry(const struct entry *e, int sig, int group)
{
    if (e->pid <= 1)
        return 0; /* never kill(0 or -1, ...) nor init: handle() refuses such a PID already */
    if (e->pidfd >= 0 && (!group || have_group_flag))
        return pidfd_signal(e->pidfd, sig, group ? PIDFD_SIGNAL_PROCESS_GROUP : 0) == 0;
    return kill(group ? -e->pid : e->pid, sig) == 0; /* ESRCH: nobody left; EPERM: not ours */
}

/* Sends sig (0: only asks) to what the entry names, if provably ours; 1 if it reached anyone. */
static int reach(const struct entry *e, int sig)
{
    struct proc *child = the_child(e);
    if (!e->own) {
        /* In the JVM's group: the process and the live descendants the ppid links show. Once it is
         * gone its orphans are re-parented out of reach. */
        if (child == NULL)
            return 0;
        for (size_t i = 0; i < n_procs; i++)
            procs[i].mark = 0;
        for (int changed = 1; changed;) {
            changed = 0;
            for (size_t i = 0; i < n_procs; i++) {
                struct proc *p = &procs[i], *parent;
                if (!p->mark && live(p) && (p->ppid == e->pid || ((parent = find(p->ppid)) && parent->mark)))
                    p->mark = changed = 1;
            }
        }
        int reached = signal_entry(e, sig, 0);
        for (size_t i = 0; i < n_procs; i++)
            if (procs[i].mark && procs[i].pid > 1)
                reached |= kill(procs[i].pid, sig) == 0;
        return reached;
    }
    if (!(e->pidfd >= 0 && have_group_flag) && !ours(e))
        return 0;
    /* FORK/VFORK mode: the JDK may record the launcher before its setpgid(0, 0) ran. */
    return signal_entry(e, sig, 1) || (child != NULL && child->pgid != e->pid && signal_entry(e, sig, 0));
}

static int alive(const struct entry *e)
{
    if (!reach(e, 0))
        return 0;
    if (!e->own)
        return 1; /* reach counted live processes only */
    for (size_t i = 0; i < n_procs; i++)
        if (procs[i].pgid == e->pid && live(&procs[i]))
            return 1;
    struct proc *child = the_child(e);
    return child != NULL && child->pgid != e->pid;
}

#else /* no /proc, no pidfd (macOS) */

static void scan(void) {}
/* A group is ours only while its leader is alive in it (getpgid(2)). A child in the JVM's group
 * cannot be told from a stranger that reused its pid without start times: it is left alone. */
static int reach(const struct entry *e, int sig)
{
    return e->own && e->pid > 1 && getpgid(e->pid) == e->pid && kill(-e->pid, sig) == 0;
}

static int alive(const struct entry *e) { return reach(e, 0); }

#endif

static void forget(pid_t pid)
{
    for (size_t i = 0; i < n_entries; i++)
        if (entries[i].pid == pid) {
            if (entries[i].pidfd >= 0)
                close_fd(entries[i].pidfd);
            entries[i] = entries[--n_entries];
            return;
        }
}

#ifdef __linux__
/* PIDFD_GET_INFO (Linux 6.13, include/uapi/linux/pidfd.h), asked only of a file on pidfs (6.9:
 * statfs(2) f_type PID_FS_MAGIC, include/uapi/linux/magic.h), never of whatever else the JVM may
 * have at that number. Its first version, 64 bytes; "pid" is in our PID namespace, which is the
 * JVM's. ESRCH: the process is reaped. */
#define PID_FS_MAGIC 0x50494446
struct pidfd_info_v0 {
    uint64_t mask, cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid, spare0;
};
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info_v0)
#define PIDFD_INFO_PID 1ULL

/* 1 or 0 as pidfd_on below; -1 where the kernel cannot tell this way (before 6.9 pidfds are anon
 * inodes; before 6.13 pidfs has no PIDFD_GET_INFO: ENOTTY or EINVAL). One statfs and one ioctl
 * instead of opening, reading and parsing /proc/self/fdinfo for every recorded child. */
static int pidfd_on_by_ioctl(int fd, pid_t pid)
{
    static int unsupported;
    struct statfs fs;
    if (unsupported || fstatfs(fd, &fs) < 0 || fs.f_type != PID_FS_MAGIC)
        return -1;
    struct pidfd_info_v0 info = {.mask = PIDFD_INFO_PID};
    if (ioctl(fd, PIDFD_GET_INFO, &info) == 0)
        return (pid_t)info.pid == pid;
    if (errno == ESRCH)
        return 1;
    unsupported = errno == ENOTTY || errno == EINVAL;
    return -1;
}

/* Whether fd, copied from the JVM, is a pidfd on pid: it names pid, or a reaped process (fdinfo's
 * "Pid:" is then -1, proc(5)). The JVM holds pidfds only on its children, so a pidfd there is the
 * agent's. */
static int pidfd_on(int fd, pid_t pid)
{
    int known = pidfd_on_by_ioctl(fd, pid);
    if (known >= 0)
        return known;
    char path[48], buf[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY | O_CLOEXEC);
    if (info < 0) {
        say(errno, "%s", path);
        return 0;
    }
    ssize_t n = read(info, buf, sizeof buf - 1);
    if (n < 0)
        say(errno, "%s", path);
    close_fd(info);
    buf[n > 0 ? n : 0] = '\0';
    char *line = strstr(buf, "\nPid:\t");
    int named;
    return line != NULL && sscanf(line, "\nPid:\t%d", &named) == 1 && (named == pid || named == -1);
}

/* A pidfd on pid: the JVM's own if it handed one over, else one opened now and checked against start. */
static int open_pidfd(pid_t pid, unsigned long long start, int jvm_fd)
{
    int fd;
    if (jvm_fd >= 0 && jvm_pidfd >= 0 && !getfd_refused) {
        fd = (int)syscall(NR_PIDFD_GETFD, jvm_pidfd, jvm_fd, 0);
        if (fd >= 0 && pidfd_on(fd, pid))
            return fd;
        if (fd >= 0) {
            close_fd(fd); /* the JVM closed it since, and the number now names something else */
        } else if (errno == EPERM || errno == EACCES || errno == ENOSYS) {
            /* It needs ptrace access to the JVM: Docker's default seccomp profile and Yama's
             * ptrace_scope >= 1 refuse it, and kernels before 5.6 lack it. The same answer would
             * come for every child: said once, and not asked again; the pidfd opened below and the
             * start time stand in. */
            getfd_refused = 1;
            say(errno, "pidfd_getfd refused; proving children by their start time instead");
        } else if (errno != EBADF && errno != ESRCH) {
            /* EBADF: closed since, the group is gone. ESRCH: the JVM is gone, and this line was read
             * after it (batches, see BATCH_PAUSE_NS): expected. */
            say(errno, "pidfd_getfd %d from the JVM", jvm_fd);
        }
    }
    fd = (int)syscall(NR_PIDFD_OPEN, pid, 0);
    if (fd < 0) {
        if (errno != ESRCH) /* already reaped: kept without a pidfd, its group may live on */
            say(errno, "pidfd_open %d", (int)pid);
        return -1;
    }
    /* Opened first, checked second: if the start time still matches, the pidfd names the very
     * process the JVM recorded, not a later one that reused its pid. */
    struct proc p;
    if (read_stat(pid, &p) && p.start == start)
        return fd;
    close_fd(fd);
    return -1;
}
#endif

static void record(pid_t pid, unsigned long long start, int own, int jvm_fd)
{
    forget(pid); /* the same pid again: the earlier process is gone, and so is its group */
    if (n_entries == cap_entries) {
        void *p = grow(entries, &cap_entries, sizeof *entries);
        if (p == NULL)
            return;
        entries = p;
    }
    struct entry *e = &entries[n_entries++];
    *e = (struct entry){.pid = pid, .start = start, .own = own, .pidfd = -1};
#ifdef __linux__
    if (!have_pidfd)
        return;
    int fd = open_pidfd(pid, start, jvm_fd);
    if ((unsigned long long)fd < pidfd_limit)
        e->pidfd = fd;
    else if (fd >= 0)
        close_fd(fd);
#else
    (void)jvm_fd;
#endif
}

/* One protocol line, without its '\n'. Returns 1 for "bye". */
static int handle(char *line)
{
    unsigned long long pid, start, own, fd = ULLONG_MAX;
    char *s = line + 2;
    if (strcmp(line, "bye") == 0)
        return 1;
    if (line[0] == '+' && line[1] == ' ' && number(&s, INT_MAX, &pid) && pid > 1 && *s++ == ' ' &&
        number(&s, ULLONG_MAX, &start) && *s++ == ' ' && number(&s, 1, &own) &&
        (*s == '\0' || (*s++ == ' ' && number(&s, INT_MAX, &fd) && *s == '\0')))
        record((pid_t)pid, start, (int)own, fd == ULLONG_MAX ? -1 : (int)fd);
    else if (line[0] == '-' && line[1] == ' ' && number(&s, INT_MAX, &pid) && pid > 1 && *s == '\0')
        forget((pid_t)pid);
    else
        say(0, "ignoring malformed line \"%s\"", line);
    return 0;
}

static long long now_ns(void)
{
    struct timespec t = {0, 0};
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        say(errno, "clock_gettime"); /* cannot happen: CLOCK_MONOTONIC exists wherever this builds */
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* What the agent's shutdown does: TERM, CONT, wait up to grace, then KILL until empty. */
static int reap(long long grace_ns)
{
    long long kill_at = now_ns() + grace_ns, poll = FIRST_POLL_NS;
    scan();
    for (size_t i = 0; i < n_entries; i++)
        if ((entries[i].live = reach(&entries[i], SIGTERM)))
            reach(&entries[i], SIGCONT); /* a stopped process acts on SIGTERM only once it runs */
    for (;;) {
        size_t left = 0;
        scan();
        for (size_t i = 0; i < n_entries; i++)
            if (entries[i].live)
                left += (size_t)(entries[i].live = alive(&entries[i]));
        long long now = now_ns();
        if (left == 0)
            return 0;
        if (now - kill_at > KILL_PATIENCE_NS) {
            say(0, "%zu recorded group(s) still alive %lld ms after SIGKILL; giving up", left,
                (now - kill_at) / 1000000);
            return EXIT_LEFT;
        }
        if (now >= kill_at)
            for (size_t i = 0; i < n_entries; i++)
                if (entries[i].live)
                    reach(&entries[i], SIGKILL);
        long long wait = now < kill_at && kill_at - now < poll ? kill_at - now : poll;
        struct timespec t = {.tv_sec = (time_t)(wait / 1000000000), .tv_nsec = (long)(wait % 1000000000)};
        if (nanosleep(&t, NULL) < 0 && errno != EINTR)
            say(errno, "nanosleep");
        poll = poll * 2 < MAX_POLL_NS ? poll * 2 : MAX_POLL_NS;
    }
}

/* Whether the JVM has ended. EOF comes when its last thread has closed its files, a moment before
 * the kernel counts the process as exited, so this waits up to a second. With a pidfd: it polls
 * readable once the process has exited (pidfd_open(2)). Without one, kill(2) until ESRCH: a JVM
 * left a zombie by its parent counts as alive, and its directory stays. */
static int jvm_gone(void)
{
#ifdef __linux__
    if (jvm_pidfd >= 0) {
        struct pollfd p = {.fd = jvm_pidfd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, 1000)) < 0 && errno == EINTR) {
        }
        if (n < 0)
            say(errno, "poll on the JVM's pidfd");
        return n > 0;
    }
#endif
    for (int tries = 0; tries < 100; tries++) {
        if (kill(jvm_pid, 0) < 0 && errno == ESRCH)
            return 1;
        struct timespec t = {.tv_sec = 0, .tv_nsec = 10000000L};
        if (nanosleep(&t, NULL) < 0 && errno != EINTR)
            say(errno, "nanosleep");
    }
    return 0;
}

/* DIR (see the usage above) and the files in it, once the JVM is gone. */
static void remove_private_dir(void)
{
    if (private_dir == NULL || !jvm_gone())
        return;
    int fd = open(private_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            say(errno, "%s", private_dir);
        return;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
        say(0, "not removing %s: not a directory of this user with mode 0700", private_dir);
        close_fd(fd);
        return;
    }
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        say(errno, "%s", private_dir);
        close_fd(fd);
        return;
    }
    struct dirent *d;
    while ((errno = 0, d = readdir(dir)) != NULL)
        if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 && unlinkat(fd, d->d_name, 0) < 0 &&
            errno != ENOENT)
            say(errno, "removing %s/%s", private_dir, d->d_name);
    if (errno != 0)
        say(errno, "readdir %s", private_dir);
    if (closedir(dir) < 0)
        say(errno, "closedir");
    if (rmdir(private_dir) < 0 && errno != ENOENT)
        say(errno, "removing %s", private_dir);
}

/* DIR must be absolute (the watchdog runs in /) and named as the agent names it. */
static int plausible_dir(const char *dir)
{
    const char *name = strrchr(dir, '/');
    return dir[0] == '/' && strncmp(name + 1, "tether-", 7) == 0 && name[8] != '\0';
}

/* -c SOCKET: connects to the JVM's abstract socket (a leading NUL, then the name, and no more: the
 * address length counts the name's bytes, unix(7)) and puts the connection on fd 0. */
static int connect_channel(const char *name)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof addr.sun_path) {
        errno = EINVAL;
        return -1;
    }
    memcpy(addr.sun_path + 1, name, n);
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, length) < 0 || dup2(fd, STDIN_FILENO) < 0) {
        int err = errno;
        close_fd(fd);
        errno = err;
        return -1;
    }
    close_fd(fd);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long grace_ms, sid;
    const char *channel = NULL;
    if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
        channel = argv[2];
        argc -= 2;
        argv += 2;
    }
    char *g = argc == 3 || argc == 4 ? argv[1] : "", *j = argc == 3 || argc == 4 ? argv[2] : "";
    if (!number(&g, MAX_GRACE_MS, &grace_ms) || *g != '\0' || !number(&j, INT_MAX, &sid) || *j != '\0' ||
        (argc == 4 && !plausible_dir(argv[3]))) {
        say(0, "usage: tether-watchdog [-c SOCKET] GRACE_MS JVM_SID [DIR]");
        return EXIT_USAGE;
    }
    jvm_sid = (pid_t)sid;
    jvm_pid = getppid(); /* the JVM waits for this process to exit, so our parent is the JVM until then */
    private_dir = argc == 4 ? argv[3] : NULL;

    /* All that can fail happens before the fork, so exit 0 means the watchdog runs. SIGTERM too is
     * ignored until setsid(), so `kill -- -PGID` between fork and setsid cannot end it. */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigset_t none;
    int fl;
    if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0 || sigaction(SIGPIPE, &ign, NULL) < 0 ||
        sigaction(SIGHUP, &ign, NULL) < 0 || sigaction(SIGINT, &ign, NULL) < 0 || sigaction(SIGTERM, &ign, NULL) < 0 ||
        (channel != NULL && connect_channel(channel) < 0) ||
        chdir("/") < 0 || (fl = fcntl(STDIN_FILENO, F_GETFL)) < 0 ||
        ((fl & O_NONBLOCK) && fcntl(STDIN_FILENO, F_SETFL, fl & ~O_NONBLOCK) < 0)) {
        say(errno, "cannot start");
        return EXIT_START;
    }
#ifdef __linux__
    /* One pidfd per live group: as many as the hard limit allows (setrlimit fails with EPERM for an
     * unlimited one above fs.nr_open: then the soft limit stays). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t soft = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        pidfd_limit = (unsigned long long)(setrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_max : soft) - 16;
    }
    int self = getenv("TETHER_WATCHDOG_NO_PIDFD") ? -1 : (int)syscall(NR_PIDFD_OPEN, getpid(), 0);
    if (self >= 0) {
        have_pidfd = 1;
        /* Signal 0 only asks. EINVAL: a kernel older than the flag (6.9), or a filter that refuses
         * it; ESRCH: understood, but we lead no group yet. ENOSYS: no pidfd_send_signal at all. */
        have_group_flag = pidfd_signal(self, 0, PIDFD_SIGNAL_PROCESS_GROUP) == 0 || (errno != EINVAL && errno != ENOSYS);
        if (pidfd_signal(self, 0, 0) < 0 && errno == ENOSYS)
            have_pidfd = have_group_flag = 0; /* pidfd_open without pidfd_send_signal: only /proc proofs */
        close_fd(self);
        jvm_pidfd = have_pidfd ? (int)syscall(NR_PIDFD_OPEN, jvm_pid, 0) : -1;
        if (have_pidfd && jvm_pidfd < 0)
            say(errno, "pidfd_open on the JVM");
    } else if (!getenv("TETHER_WATCHDOG_NO_PIDFD") && errno != ENOSYS && errno != EPERM) {
        say(errno, "pidfd_open");
    }
#endif
    pid_t child = fork();
    if (child < 0) {
        say(errno, "fork");
        return EXIT_START;
    }
    if (child > 0)
        return 0;
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    if (setsid() < 0 || sigaction(SIGTERM, &dfl, NULL) < 0)
        say(errno, "detaching"); /* cannot fail in a fresh child; run on regardless */

    char buf[4096];
    size_t len = 0;
    int overlong = 0, bye = 0;
    for (;;) {
        size_t space = sizeof buf - len;
        ssize_t n = read(STDIN_FILENO, buf + len, space);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                say(errno, "reading from the JVM");
            int status = bye ? 0 : reap((long long)grace_ms * 1000000);
            remove_private_dir();
            return status;
        }
        if (bye)
            continue; /* nothing after "bye" counts: only the end of the channel */
        len += (size_t)n;
        char *line = buf, *nl;
        while (!bye && (nl = memchr(line, '\n', len - (size_t)(line - buf))) != NULL) {
            *nl = '\0';
            if (!overlong && handle(line)) {
                bye = 1;
                while (n_entries > 0)
                    forget(entries[n_entries - 1].pid);
            }
            overlong = 0;
            line = nl + 1;
        }
        len -= (size_t)(line - buf);
        memmove(buf, line, len);
        if ((size_t)n < space && !bye) { /* drained: wait for a batch (a full read may have more) */
            struct timespec pause = {.tv_sec = 0, .tv_nsec = BATCH_PAUSE_NS};
            if (nanosleep(&pause, NULL) < 0 && errno != EINTR)
                say(errno, "nanosleep");
        }
        if (len == sizeof buf) {
            if (!overlong)
                say(0, "ignoring a line longer than %zu bytes", sizeof buf);
            overlong = 1;
            len = 0;
        }
    }
}
