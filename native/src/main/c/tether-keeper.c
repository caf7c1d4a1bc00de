/*
 * tether-keeper: the one process that holds, proves and ends the process groups of a JVM's
 * children, for every way the JVM ends. The protocol and its rules: docs/keeper.md.
 *
 * Usage: tether-keeper [-s] [-c CGROUP] [-r REPORT] GRACE_MS JVM_SID DIR
 *   -s        strict mode: at "stop", also end the JVM's descendants that left the recorded groups
 *   -c        cgroup mode: CGROUP is the JVM's cgroup v2 directory (absolute); the JVM's children
 *             live in a cgroup of their own below it, ended with cgroup.kill (see cg_enter)
 *   -r        REPORT (an absolute path): at the end, one JSON line per process stopped is
 *             appended to it (see write_report)
 *   GRACE_MS  0..86400000: time between SIGTERM and SIGKILL, as the agent's grace option
 *   JVM_SID   the JVM's session id: proof that a member of a leaderless group is ours where no
 *             pidfd can name the group; 0 when its leader is outside the JVM's PID namespace, as
 *             /proc shows it for every process of that session
 *   DIR       the agent's private directory (absolute, named tether-*, this user's, mode 0700),
 *             which holds the launcher and this binary. The keeper binds two sockets in it:
 *               DIR/keeper.reg0 .. keeper.regf  datagrams: each child registers itself on the one
 *                               its pid's last hex digit names (the launcher, before it execs the
 *                               real program), with a pidfd on itself (SCM_RIGHTS)
 *               DIR/keeper.ctl  stream: the JVM's channel, taken by the first connection whose
 *                               peer (SO_PEERCRED) is the JVM; then the name is removed, and a
 *                               connected socket cannot be opened again through /proc (ENXIO)
 *               DIR/keeper.status  stream: any process of this user reads what the keeper holds
 *                               (`java -jar tether-agent.jar status PID`); see answer_status
 *             After the JVM is gone, the keeper removes DIR and what is in it.
 *
 * The JVM (our parent: the JVM waits for this process) starts it at its first spawn. Everything that
 * can fail happens before the fork; the parent then exits 0 and the child detaches with setsid(), out
 * of reach of signals to the JVM's group or terminal. SIGHUP, SIGINT and SIGPIPE are ignored; SIGTERM
 * ends the keeper alone (`kill <keeper>`: the groups stay alive).
 *
 * A registration (one datagram from the child itself, whose pid and uid the kernel attaches):
 *   "g" or "j", optionally " START": the child leads a group of its own (g) or stays in the JVM's
 *   group (j); START is its start time (field 22 of /proc/PID/stat), sent when it has no pidfd that
 *   can name its group. Taken only from this user's processes whose parent is the JVM; a pidfd must
 *   name the sender. Anything else is dropped with one line on stderr.
 * The JVM's lines, each answered by one line, in order:
 *   stop WAIT_MS      drain the registrations, wait up to WAIT_MS for the groups to end by themselves
 *                     (a forwarded Ctrl-C), then SIGTERM and SIGCONT, grace, SIGKILL until empty;
 *                     strict mode: then the escapees likewise. Answer "stopped GROUPS KILLED LEFT MS",
 *                     then up to three commands of what it signalled, each after a tab.
 *                     From then on a registration is ended with SIGKILL at once.
 *   signal PID SIG    the group of child PID (or the child and its descendants), SIG 2, 9 or 15
 *                     ("ok"; Process.destroy)
 *   interrupt         SIGINT to every group of its own ("ok"; a Ctrl-C the JVM forwards)
 *   spare PID         strict mode: the JVM's child PID and what it starts are no escapees ("ok")
 *   adopt PID START OWN   a child of the JVM registered by the JVM (a new keeper after one died),
 *                     proven by START ("ok", or "refused")
 *   list              "list" and one " PIDg" or " PIDj" per recorded entry
 *   anything else     "error"
 * The end of the channel, or the JVM's exit (a pidfd on it polls readable), without "stop" means
 * the JVM died without its shutdown hooks (SIGKILL, halt, a crash, -Xrs): the keeper does what
 * "stop" does, by itself. No pid or pgid of 0 or 1 is ever a target.
 *
 * Never a stranger: a group through the child's pidfd with PIDFD_SIGNAL_PROCESS_GROUP (Linux 6.9+),
 * which names that group or nobody. Otherwise kill(-PID) only with proof from /proc: the leader
 * alive with START, or, leader gone, every live member in session JVM_SID and started at or after
 * START. No proof, no signal. macOS (no /proc, no pidfd): a group only while its leader is alive in it.
 *
 * Exit codes: the starting process (the one the JVM sees): 0 the keeper runs, detached; 1 it could
 * not start (said on stderr); 2 usage error. The detached keeper (seen by init or a subreaper): 0
 * every group ended; 3 some still had live members at GRACE_MS + 5 s.
 *
 * Its stderr is the JVM's only with the agent's log=debug: every line it writes is a degradation or
 * a fault the host did not cause.
 */
#define _GNU_SOURCE /* syscall(2), struct ucred */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include <sys/xattr.h>
#endif

#ifndef __linux__
/* macOS (compiled, never tested here): no accept4 or SOCK_* flags, no credentials on datagrams, so
 * no registration can be proven and every one is dropped; the agent starts no keeper there anyway. */
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0
#define SOCK_NONBLOCK 0
#define MSG_CMSG_CLOEXEC 0
#define accept4(fd, address, length, flags) accept(fd, address, length)
#endif
#ifndef SCM_CREDENTIALS
struct ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};
#endif
#endif

#define EXIT_START 1
#define EXIT_USAGE 2
#define EXIT_LEFT 3
#define MAX_GRACE_MS 86400000ULL
#define KILL_PATIENCE_NS 5000000000LL /* after SIGKILL only a process stuck in the kernel lingers */
#define REAP_PATIENCE_NS 1000000000LL /* the JDK reaps a child within milliseconds of its exit */
#define FIRST_POLL_NS 500000LL
#define MAX_POLL_NS 20000000LL
/* After draining the registrations the keeper does not look at them again for a while: a JVM
 * spawning then wakes it in batches, not once per child. A wake-up per child cost each spawn 40 to
 * 60 us here (SpawnCost: the keeper, woken, preempts the child on its way to exec on 2 cores); one
 * per 10 ms costs nothing measurable. But each queue holds only net.unix.max_dgram_qlen datagrams
 * (10 on many systems; a full queue holds up the next child), so the pause is what fills the
 * REG_SOCKETS queues at 10,000 spawns a second: 100 us per datagram they hold, at most 10 ms. The
 * JVM's own lines are read at once; every one of them drains the registrations first. */
#define PAUSE_PER_DATAGRAM_NS 100000LL
#define MAX_PAUSE_NS 10000000LL
static long long batch_pause_ns = 1000000LL;
#define REG_NAME "keeper.reg"
/* Registrations come in on this many sockets, keeper.reg0 to keeper.regf, each child on the one its
 * pid's last hex digit names: a datagram queue holds only net.unix.max_dgram_qlen (10 on many
 * systems), and the keeper must be able to leave them alone for a while (see PAUSE_PER_DATAGRAM_NS). */
#define REG_SOCKETS 16
static int regs[REG_SOCKETS];
static size_t n_regs;
#define CTL_NAME "keeper.ctl"
#define STATUS_NAME "keeper.status" /* the longest name in DIR: LauncherFiles.LONGEST_SOCKET */
#define MAX_LINE 256

struct entry {
    pid_t pid;
    unsigned long long start; /* 0: unknown (a pidfd stands in) */
    int own, pidfd, live, killed;
    char found; /* g: registered, its own group; j: registered, in the JVM's group; s: strict mode's
                   escapee; c: cgroup mode's escapee (the last two with their descendants) */
};

static struct entry *entries;
static size_t n_entries, cap_entries, prune_at = 64;
static struct spared {
    pid_t pid;
    unsigned long long start;
} *spared;
static size_t n_spared, cap_spared;
static pid_t jvm_sid, jvm_pid, self_pid;
static unsigned long long jvm_start; /* the JVM's start time, 0 if unknown (no /proc) */
static uid_t self_uid;
static int strict, stopped, jvm_pidfd = -1;
static int jvm_ended; /* the end of the JVM's channel, or its exit, has been seen */
static long long grace_ns;
static const char *private_dir;
static const char *report_path; /* -r: one JSON line per process stopped (see write_report) */

/* One line on stderr in one write(2), so it cannot interleave with the JVM's output. */
static void say(int err, const char *fmt, ...)
{
    char what[400], line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int n = snprintf(line, sizeof line, "tether-keeper: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
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
    if (fd >= 0 && close(fd) < 0)
        say(errno, "close");
}

/* Parses decimal digits at *s, at most max, and advances *s past them. */
static int number(const char **s, unsigned long long max, unsigned long long *out)
{
    const char *p = *s;
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

static long long now_ns(void)
{
    struct timespec t = {0, 0};
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        say(errno, "clock_gettime");
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pause_ns(long long ns)
{
    struct timespec t = {.tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000)};
    if (nanosleep(&t, NULL) < 0 && errno != EINTR)
        say(errno, "nanosleep");
}

/* ---- What /proc says (Linux) ---- */

struct proc {
    pid_t pid, ppid, pgid, sid;
    char state;
    int mark;
    unsigned flags;
    unsigned long long start;
};

#ifdef __linux__
/* Numbered alike on every architecture (new syscalls since Linux 5.1); glibc wraps them only in 2.36. */
#define NR_PIDFD_SEND_SIGNAL 424
#define NR_PIDFD_OPEN 434
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2) /* include/uapi/linux/pidfd.h, Linux 6.9 */
#define PF_EXITING 0x00000004U

static int have_pidfd, have_group_flag;
static unsigned long long pidfd_limit = 1024 - 16; /* pidfds stop here: the /proc scan needs fds too */
static struct proc *procs; /* the last scan of /proc, sorted by pid */
static size_t n_procs, cap_procs;
/* The groups of the scan's processes, sorted: whether a group has such a member is one binary search,
 * not a pass over every process (1,000 groups at exit were a million comparisons a round). */
struct pgids {
    pid_t *v;
    size_t n, cap;
};
/* live: not a zombie. running: live and not in its exit (PF_EXITING, include/linux/sched.h, field 9),
 * so it still runs code of its own. A group whose members are all in their exit is waited for (they
 * may still hold files and sockets) but never sent SIGKILL: nothing can stop their end any more, and
 * with 1,000 children on pipes under load the kernel can take a second to finish such exits. */
static struct pgids live_pgids, running_pgids;

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
        return 0; /* ENOENT, ESRCH: it exited */
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close_fd(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The command (field 2) may contain spaces and ')': the fields resume after the last ')'. */
    char *s = strrchr(buf, ')');
    p->pid = pid;
    p->mark = 0;
    return s != NULL && sscanf(s, ") %c %d %d %d %*s %*s %u %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                               &p->state, &p->ppid, &p->pgid, &p->sid, &p->flags, &p->start) == 6;
}

static int by_number(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
    return (x > y) - (x < y);
}

/* Zombies run nothing. Where PID 1 reaps no orphans they stay forever, and still answer kill(-pgid, 0). */
static int live(const struct proc *p) { return p->state != 'Z' && p->state != 'X'; }

static void add_pgid(struct pgids *set, pid_t pgid)
{
    if (set->n == set->cap) {
        void *p = grow(set->v, &set->cap, sizeof *set->v);
        if (p == NULL)
            return; /* out of memory: the group counts as empty, as a process gone from /proc would */
        set->v = p;
    }
    set->v[set->n++] = pgid;
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
        const char *s = d->d_name;
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
    live_pgids.n = running_pgids.n = 0;
    for (size_t i = 0; i < n_procs; i++) {
        if (!live(&procs[i]))
            continue;
        add_pgid(&live_pgids, procs[i].pgid);
        if (!(procs[i].flags & PF_EXITING))
            add_pgid(&running_pgids, procs[i].pgid);
    }
    qsort(live_pgids.v, live_pgids.n, sizeof *live_pgids.v, by_number);
    qsort(running_pgids.v, running_pgids.n, sizeof *running_pgids.v, by_number);
}

static int has_pgid(const struct pgids *set, pid_t pgid)
{
    return set->n && bsearch(&pgid, set->v, set->n, sizeof *set->v, by_number) != NULL;
}

static struct proc *find(pid_t pid)
{
    struct proc key = {.pid = pid};
    return n_procs ? bsearch(&key, procs, n_procs, sizeof *procs, by_pid) : NULL;
}


/* The recorded process itself, alive: same pid and start time (the pair names one process per boot). */
static struct proc *the_child(const struct entry *e)
{
    struct proc *p = find(e->pid);
    return p != NULL && e->start != 0 && p->start == e->start && live(p) ? p : NULL;
}

/* A group is ours if its leader is the recorded one or, leader gone, every live member is in the
 * JVM's session and no older than the leader (a stranger's group is in another session or younger).
 * Where the JVM's session leader is outside our PID namespace, /proc shows session 0 for the JVM and
 * for every member that stayed in its session (proc(5): field 6, in the reader's namespace); a group
 * that began a session here shows its own number. 0 is compared like any other session: a container
 * whose init never called setsid(2) must not leave its leaderless groups behind. */
static int ours(const struct entry *e)
{
    if (e->start == 0)
        return 0; /* nothing to compare with */
    struct proc *leader = find(e->pid);
    if (leader != NULL)
        return leader->start == e->start;
    for (size_t i = 0; i < n_procs; i++)
        if (procs[i].pgid == e->pid && live(&procs[i]) && (procs[i].sid != jvm_sid || procs[i].start < e->start))
            return 0;
    return 1;
}

/* Marks the live descendants of pid (parent links of the last scan); returns how many. */
static size_t mark_below(pid_t pid)
{
    size_t marked = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n_procs; i++) {
            struct proc *p = &procs[i], *parent;
            if (!p->mark && live(p) && (p->ppid == pid || ((parent = find(p->ppid)) && parent->mark))) {
                p->mark = changed = 1;
                marked++;
            }
        }
    }
    return marked;
}

static int group_by_pidfd(const struct entry *e) { return e->own && e->pidfd >= 0 && have_group_flag; }

/* The entry's process (group 0) or group (1): through the pidfd when there is one, which the
 * kernel resolves to that very process or group, or to no one. */
static int signal_entry(const struct entry *e, int sig, int group)
{
    if (e->pid <= 1)
        return 0; /* never kill(0 or -1, ...) nor init: no entry has such a pid, checked again here */
    if (e->pidfd >= 0 && (!group || have_group_flag))
        return pidfd_signal(e->pidfd, sig, group ? PIDFD_SIGNAL_PROCESS_GROUP : 0) == 0;
    return kill(group ? -e->pid : e->pid, sig) == 0; /* ESRCH: nobody left; EPERM: not ours */
}

/* Sends sig (0: only asks) to what the entry names, if provably ours; 1 if it reached anyone.
 * Needs a scan unless the group is named by a pidfd. */
static int reach(const struct entry *e, int sig)
{
    if (group_by_pidfd(e))
        return signal_entry(e, sig, 1);
    if (!e->own) {
        /* In the JVM's group: the process and the live descendants the ppid links show. Once it is
         * gone its orphans are re-parented out of reach (strict mode finds them). */
        if (the_child(e) == NULL)
            return 0;
        for (size_t i = 0; i < n_procs; i++)
            procs[i].mark = 0;
        mark_below(e->pid);
        int reached = signal_entry(e, sig, 0);
        for (size_t i = 0; i < n_procs; i++)
            if (procs[i].mark && procs[i].pid > 1)
                reached |= kill(procs[i].pid, sig) == 0;
        return reached;
    }
    return ours(e) && signal_entry(e, sig, 1);
}

/* Whether a live (not zombie) process is left in what the entry names. Needs a scan. */
static int alive(const struct entry *e)
{
    if (!reach(e, 0))
        return 0;
    if (!e->own)
        return 1; /* reach counted live processes only */
    return has_pgid(&live_pgids, e->pid);
}

/* Whether SIGKILL can still change anything: a member of the group runs code of its own (last scan). */
static int running(const struct entry *e) { return !e->own || has_pgid(&running_pgids, e->pid); }

/* Whether any live entry's liveness needs /proc: through a pidfd the kernel says at once whether a
 * group has anyone left (ESRCH: not even a zombie), and such entries are settled here. */
static int settle_by_pidfd(void)
{
    int need_scan = 0;
    for (size_t i = 0; i < n_entries; i++) {
        struct entry *e = &entries[i];
        if (e->live && group_by_pidfd(e) && !reach(e, 0))
            e->live = 0;
        else if (e->live)
            need_scan = 1;
    }
    return need_scan;
}

/* Milliseconds since boot (/proc/uptime): with a start time in clock ticks, a process's age. */
static long long uptime_ms(void)
{
    char buf[64];
    int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    close_fd(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    unsigned long long seconds = 0, hundredths = 0;
    return sscanf(buf, "%llu.%2llu", &seconds, &hundredths) >= 1 ? (long long)(seconds * 1000 + hundredths * 10) : -1;
}

/* The first size bytes of pid's command line (its arguments, each ended by a NUL), without the
 * trailing NULs; how many (0 if the process is gone). */
static ssize_t cmdline_of(pid_t pid, char *out, size_t size)
{
    char path[32];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, out, size);
    close_fd(fd);
    if (n < 0)
        n = 0;
    while (n > 0 && out[n - 1] == '\0')
        n--;
    return n;
}

/* Age in milliseconds of a process started at start (clock ticks since boot), now_ms being
 * uptime_ms(); -1 if either is unknown. */
static long long age_ms(unsigned long long start, long long now_ms, long ticks)
{
    return now_ms < 0 || ticks <= 0 ? -1 : now_ms - (long long)(start * 1000 / (unsigned long long)ticks);
}

/* The command line, NULs as spaces, anything not printable as '?', at most size - 1 bytes. */
static void command_of(pid_t pid, char *out, size_t size)
{
    ssize_t n = cmdline_of(pid, out, size - 1);
    for (ssize_t i = 0; i < n; i++)
        out[i] = out[i] == '\0' ? ' ' : (unsigned char)out[i] < 0x20 || out[i] == 0x7f ? '?' : out[i];
    out[n] = '\0';
}

#else /* no /proc, no pidfd (macOS) */

static void scan(void) {}
static int read_stat(pid_t pid, struct proc *p)
{
    (void)pid, (void)p;
    return 0;
}
static int group_by_pidfd(const struct entry *e)
{
    (void)e;
    return 0;
}
/* A group is ours only while its leader is alive in it (getpgid(2)). A child in the JVM's group
 * cannot be told from a stranger that reused its pid without start times: it is left alone. */
static int reach(const struct entry *e, int sig)
{
    return e->own && e->pid > 1 && getpgid(e->pid) == e->pid && kill(-e->pid, sig) == 0;
}
static int alive(const struct entry *e) { return reach(e, 0); }
static int running(const struct entry *e) { return reach(e, 0); }
static int settle_by_pidfd(void) { return 1; }

#endif

/* ---- The entries ---- */

static struct entry *entry_of(pid_t pid)
{
    for (size_t i = 0; i < n_entries; i++)
        if (entries[i].pid == pid)
            return &entries[i];
    return NULL;
}

static void drop(size_t i)
{
    close_fd(entries[i].pidfd);
    entries[i] = entries[--n_entries];
}

/* Drops the entries with nobody left, once they have doubled since the last time: memory and
 * descriptors follow live groups, not spawns. */
static void prune(void)
{
    if (n_entries < prune_at)
        return;
    int scanned = 0;
    for (size_t i = n_entries; i-- > 0;) {
        /* Through a pidfd the kernel says whether anyone (a zombie too) is left in the group; the
         * others need /proc, read once for all of them. */
        int left;
        if (group_by_pidfd(&entries[i])) {
            left = reach(&entries[i], 0);
        } else {
            if (!scanned)
                scan();
            scanned = 1;
            left = alive(&entries[i]);
        }
        if (!left)
            drop(i);
    }
    prune_at = n_entries * 2 > 64 ? n_entries * 2 : 64;
}

static void record(pid_t pid, unsigned long long start, int own, int pidfd)
{
    struct entry *old = entry_of(pid);
    if (old != NULL)
        drop((size_t)(old - entries)); /* the same pid again: the earlier process is gone, and its group */
    if (n_entries == cap_entries) {
        void *p = grow(entries, &cap_entries, sizeof *entries);
        if (p == NULL) {
            close_fd(pidfd);
            return;
        }
        entries = p;
    }
#ifdef __linux__
    if (pidfd >= 0 && (unsigned long long)pidfd >= pidfd_limit) {
        close_fd(pidfd); /* the /proc proofs stand in */
        pidfd = -1;
    }
#endif
    entries[n_entries++] = (struct entry){.pid = pid, .start = start, .own = own, .pidfd = pidfd, .found = own ? 'g' : 'j'};
    prune();
}

/* ---- Registrations ---- */

#ifdef __linux__
/* PIDFD_GET_INFO (Linux 6.13, include/uapi/linux/pidfd.h), asked only of a file on pidfs (6.9:
 * statfs(2) f_type PID_FS_MAGIC, include/uapi/linux/magic.h). Its first version, 64 bytes; "pid" is
 * in our PID namespace, which is the JVM's. ESRCH: the process is reaped. */
#define PID_FS_MAGIC 0x50494446
struct pidfd_info_v0 {
    uint64_t mask, cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid, spare0;
};
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info_v0)
#define PIDFD_INFO_PID 1ULL

/* PIDFD_GET_INFO: 1 and the pid and parent of fd's process, 0 if it is already reaped, -1 where the
 * kernel cannot tell (before 6.13; or fd is no pidfd: the statfs check comes first, once per fd). */
static int pidfd_info(int fd, struct pidfd_info_v0 *info)
{
    static int no_ioctl;
    struct statfs fs;
    if (no_ioctl || fstatfs(fd, &fs) < 0 || fs.f_type != PID_FS_MAGIC)
        return -1;
    *info = (struct pidfd_info_v0){.mask = PIDFD_INFO_PID};
    if (ioctl(fd, PIDFD_GET_INFO, info) == 0)
        return 1;
    if (errno == ESRCH)
        return 0;
    no_ioctl = errno == ENOTTY || errno == EINVAL;
    return -1;
}

/* Whether fd is a pidfd on pid (or on a process already reaped, which no longer has a number):
 * PIDFD_GET_INFO where the kernel has it, else the "Pid:" line of /proc/self/fdinfo (proc(5)). */
static int pidfd_on(int fd, pid_t pid)
{
    struct pidfd_info_v0 info;
    int known = pidfd_info(fd, &info);
    if (known >= 0)
        return known == 0 || (pid_t)info.pid == pid;
    char path[48], buf[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int fdinfo = open(path, O_RDONLY | O_CLOEXEC);
    if (fdinfo < 0)
        return 0;
    ssize_t n = read(fdinfo, buf, sizeof buf - 1);
    close_fd(fdinfo);
    buf[n > 0 ? n : 0] = '\0';
    char *line = strstr(buf, "\nPid:\t");
    int named;
    return line != NULL && sscanf(line, "\nPid:\t%d", &named) == 1 && (named == pid || named == -1);
}
#endif

/* What a registration or an adoption names, ended at once: "stop" has been answered already. */
static void end_late(pid_t pid, unsigned long long start, int own, int pidfd)
{
    struct entry e = {.pid = pid, .start = start, .own = own, .pidfd = pidfd};
    scan();
    reach(&e, SIGKILL);
    close_fd(pidfd);
}

/* A child, proven to be the JVM's (see registration), taken in. */
static void take(pid_t pid, unsigned long long start, int own, int pidfd)
{
    if (pid == self_pid) { /* a keeper started later is the child of a JVM that is PID 1 or a subreaper */
        close_fd(pidfd);
        return;
    }
    if (stopped)
        end_late(pid, start, own, pidfd);
    else
        record(pid, start, own, pidfd);
}

/* Without a pidfd on the JVM: its pid names nobody, another process (reused), or a zombie (a parent
 * that does not reap, such as a PID 1 that never waits: kill(2) still succeeds on a zombie). */
static int jvm_exited(void)
{
#ifdef __linux__
    struct proc p;
    if (jvm_start != 0)
        return !read_stat(jvm_pid, &p) || p.start != jvm_start || !live(&p);
#endif
    return kill(jvm_pid, 0) < 0 && errno == ESRCH;
}

/* Whether the JVM has exited, waiting up to wait_ms for it: its pidfd polls readable, or else
 * jvm_exited, asked every 10 ms. */
static int jvm_exit_seen(int wait_ms)
{
    if (jvm_pidfd >= 0) {
        struct pollfd p = {.fd = jvm_pidfd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, wait_ms)) < 0 && errno == EINTR) {
        }
        return n > 0;
    }
    for (int waited = 0;; waited += 10) {
        if (jvm_exited())
            return 1;
        if (waited >= wait_ms)
            return 0;
        pause_ns(10000000LL);
    }
}

#ifdef __linux__

/* A registration read only after the JVM's end (the JVM was killed while the keeper paused between
 * batches): the sender, once the JVM's child, now has another parent (1, or a subreaper;
 * exit_notify() re-parents orphans before the JVM counts as exited). It is still taken if it is in
 * the JVM's session and started after the JVM: a registration names its sender alone (the kernel's
 * credentials, and the pidfd checked against them), so a stranger could only have asked for its own
 * end. Losing a child of the JVM here would leave it running. */
static int orphan_of_jvm(const struct proc *sender)
{
    return jvm_start != 0 && (jvm_ended || jvm_exit_seen(0)) && sender->sid == jvm_sid && sender->start >= jvm_start;
}
#endif

/* One datagram from a child (see the usage). pid and uid are the kernel's, not the sender's word. */
static void registration(const char *data, pid_t pid, uid_t uid, int pidfd)
{
    unsigned long long start = 0;
    const char *s = data + 1;
    int own = data[0] == 'g';
    if ((data[0] != 'g' && data[0] != 'j') || (*s != '\0' && !(*s++ == ' ' && number(&s, ULLONG_MAX, &start) && *s == '\0'))) {
        say(0, "dropping a malformed registration from pid %d", (int)pid);
        close_fd(pidfd);
        return;
    }
    if (uid != self_uid || pid <= 1) {
        say(0, "dropping a registration from pid %d, uid %u: not this user's child", (int)pid, (unsigned)uid);
        close_fd(pidfd);
        return;
    }
#ifdef __linux__
    /* The common case, in one ioctl and no /proc read: a group named by the pidfd it sent, which also
     * says whose child the sender is (Linux 6.13+). */
    struct pidfd_info_v0 info;
    int known = pidfd >= 0 && own && have_group_flag ? pidfd_info(pidfd, &info) : -1;
    struct proc sender;
    if (known == 1 && ((pid_t)info.pid != pid ||
                       ((pid_t)info.ppid != jvm_pid && !(read_stat(pid, &sender) && orphan_of_jvm(&sender))))) {
        if ((pid_t)info.pid != pid)
            say(0, "dropping a registration from pid %d: the pidfd it sent names another process", (int)pid);
        else
            say(0, "dropping a registration from pid %d: its parent %d is not the JVM", (int)pid, (int)info.ppid);
        close_fd(pidfd);
        return;
    }
    if (known >= 0) {
        take(pid, 0, own, pidfd); /* known == 0: reaped already, see below */
        return;
    }
    if (pidfd >= 0 && !pidfd_on(pidfd, pid)) {
        say(0, "dropping a registration from pid %d: the pidfd it sent names another process", (int)pid);
        close_fd(pidfd);
        return;
    }
    /* The parent must be the JVM. Read first, checked second: if the sender is still there after the
     * read (its pidfd answers), the read was of the sender. A sender already reaped cannot be asked:
     * it can only have registered itself, and its group, if any is left, is its own. */
    struct proc p;
    int seen = read_stat(pid, &p);
    int still = pidfd >= 0 ? pidfd_signal(pidfd, 0, 0) == 0 : (seen && start != 0 && p.start == start);
    if (seen && still && p.ppid != jvm_pid && !orphan_of_jvm(&p)) {
        say(0, "dropping a registration from pid %d: its parent %d is not the JVM", (int)pid, (int)p.ppid);
        close_fd(pidfd);
        return;
    }
    if (start == 0 && seen && still)
        start = p.start;
    if (pidfd < 0 && start == 0) {
        say(0, "dropping a registration from pid %d: gone before it could be proven", (int)pid);
        return;
    }
    if (pidfd >= 0 && !have_pidfd) {
        close_fd(pidfd); /* a pidfd this keeper cannot signal through */
        pidfd = -1;
    }
#endif
    take(pid, start, own, pidfd);
}

/* Reads every registration queued now. */
static void drain(int sock)
{
    for (;;) {
        char data[64];
        union {
            char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
            struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = data, .iov_len = sizeof data - 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
        ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                say(errno, "receiving registrations");
            return;
        }
        int pidfd = -1, fds = 0;
        struct ucred cred = {.pid = 0, .uid = (uid_t)-1};
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
                    if (fds++ == 0)
                        pidfd = fd;
                    else
                        close_fd(fd);
                }
            }
#ifdef SCM_CREDENTIALS
            else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                memcpy(&cred, CMSG_DATA(c), sizeof cred);
            }
#endif
        }
        if (fds > 1 || (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || cred.pid == 0) {
            say(0, "dropping a malformed registration from pid %d", (int)cred.pid);
            close_fd(pidfd);
            continue;
        }
        data[n] = '\0';
        if ((size_t)n != strlen(data) || n == 0) {
            say(0, "dropping a malformed registration from pid %d", (int)cred.pid);
            close_fd(pidfd);
            continue;
        }
        registration(data, cred.pid, cred.uid, pidfd);
    }
}

static void drain_all(void)
{
    for (size_t i = 0; i < n_regs; i++)
        drain(regs[i]);
}

/* ---- Ending ---- */

/* An escapee (found 's' or 'c'): the process and its descendants, by parent links. 0 if out of memory. */
static int add_escapee(const struct proc *p, char found)
{
    if (n_entries == cap_entries) {
        void *q = grow(entries, &cap_entries, sizeof *entries);
        if (q == NULL)
            return 0;
        entries = q;
    }
    entries[n_entries++] = (struct entry){.pid = p->pid, .start = p->start, .own = 0, .pidfd = -1, .found = found};
    return 1;
}

/* Strict mode: whether p (a descendant of the JVM) is spared: spared by the JVM, the keeper itself,
 * or started with TETHER_DETACH in its own environment (set and not empty). */
static int left_alone(const struct proc *p)
{
    if (p->pid == self_pid)
        return 1;
    for (size_t i = 0; i < n_spared; i++)
        if (spared[i].pid == p->pid && spared[i].start == p->start)
            return 1;
    char path[40], buf[65536];
    snprintf(path, sizeof path, "/proc/%d/environ", (int)p->pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close_fd(fd);
    static const char detach[] = "TETHER_DETACH=";
    for (ssize_t at = 0; n > 0 && at < n; at += (ssize_t)strlen(buf + at) + 1) {
        buf[n] = '\0';
        if (strncmp(buf + at, detach, sizeof detach - 1) == 0 && buf[at + sizeof detach - 1] != '\0')
            return 1;
    }
    return 0;
}

#ifdef __linux__
/* Strict mode: the topmost live descendants of the JVM outside what is recorded (setsid(2),
 * setpgid(2)), added as entries of their own (each with its descendants). A descendant in the JVM's
 * own group counts unless it is (below) a child recorded there. Needs a scan. */
static size_t add_escapees(void)
{
    struct proc *jvm = find(jvm_pid);
    if (jvm == NULL)
        return 0;
    size_t added = 0;
    for (size_t i = 0; i < n_procs; i++)
        procs[i].mark = 0; /* 1: reached and inside; 2: below a child recorded in the JVM's group */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n_procs; i++) {
            struct proc *p = &procs[i], *parent = p->ppid == jvm_pid ? jvm : find(p->ppid);
            if (p->mark || !live(p) || parent == NULL || (parent != jvm && !parent->mark) || left_alone(p))
                continue;
            struct entry *recorded = parent == jvm ? entry_of(p->pid) : NULL;
            int below = (parent != jvm && parent->mark == 2) || (recorded != NULL && !recorded->own);
            struct entry *group = entry_of(p->pgid);
            if ((group != NULL && group->own) || (p->pgid == jvm->pgid && below)) {
                p->mark = below ? 2 : 1;
                changed = 1;
            } else if (!entry_of(p->pid)) {
                p->mark = 3; /* an escapee: its descendants go with it */
                if (!add_escapee(p, 's'))
                    return added;
                added++;
            }
        }
    }
    return added;
}
#else
static size_t add_escapees(void) { return 0; }
#endif

/* ---- cgroup mode (-c PARENT) ---- */

/* Where the JVM may write a cgroup v2 hierarchy, its children live in a cgroup of their own,
 * PARENT/tether-JVMPID-START. The keeper moves the JVM there as it starts (the JVM waits for it),
 * so every child is born inside: moving a process takes a global lock in the kernel, a birth inside
 * costs nothing. The keeper itself and the children the agent leaves alone stay in PARENT (the
 * launcher's "-outside" form moves such a child out through DIR/cgroup.outside, a link to
 * PARENT/cgroup.procs that exists only while the mode is on). At the end the JVM moves back to
 * PARENT; the cgroup is frozen (a fork loop cannot outrun what follows), every member that no
 * entry covers becomes an entry 'c', the entries get SIGTERM and SIGCONT, the cgroup thaws, and
 * after the grace period cgroup.kill (Linux 5.14) ends whatever is in it, atomically against forks
 * and whatever it did to its group or session. cgroup.events says when it is empty (a poll wakes
 * on its change); then the cgroup is removed. The kernel's Documentation/admin-guide/cgroup-v2.rst. */
#ifdef __linux__
#define CGROUP2_SUPER_MAGIC 0x63677270 /* include/uapi/linux/magic.h */
#define OUTSIDE_LINK "cgroup.outside"  /* tether-launcher.c, leave_cgroup */
static char cg_parent[PATH_MAX - 64], cg_dir[PATH_MAX];
static int cg_events = -1; /* our cgroup.events: >= 0 while the mode is on */
static int cg_frozen;

/* Writes text into dir/name, a cgroup's interface file; 0 or the errno. */
static int cg_write(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    size_t n = strlen(text);
    ssize_t w = write(fd, text, n);
    int err = w < 0 ? errno : (size_t)w == n ? 0 : EIO;
    close_fd(fd);
    return err;
}

/* The value of key in our cgroup.events ("populated 1\nfrozen 0\n"); -1 if unreadable. */
static int cg_event(const char *key)
{
    char buf[128];
    ssize_t n = lseek(cg_events, 0, SEEK_SET) < 0 ? -1 : read(cg_events, buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    size_t k = strlen(key);
    for (const char *line = buf; line != NULL; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, k) == 0 && line[k] == ' ')
            return line[k + 1] == '1';
    return -1;
}

/* Waits up to ns, less if cgroup.events changes (kernfs wakes its pollers with POLLPRI). */
static void cg_wait(long long ns)
{
    struct pollfd p = {.fd = cg_events, .events = POLLPRI};
    if (poll(&p, 1, (int)((ns + 999999) / 1000000)) < 0 && errno != EINTR)
        say(errno, "poll %s/cgroup.events", cg_dir);
}

/* Moves process pid into the cgroup dir (writing its number into dir/cgroup.procs moves the whole
 * process, every thread); 0 or the errno. */
static int cg_move(const char *dir, pid_t pid)
{
    char number[24];
    snprintf(number, sizeof number, "%d", (int)pid);
    return cg_write(dir, "cgroup.procs", number);
}

/* Our cgroup's cgroup.procs, to read its members' pids with fscanf; NULL if it cannot be opened. */
static FILE *cg_members(void)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cgroup.procs", cg_dir);
    return fopen(path, "re");
}

/* Removes the cgroup dir and, first, the cgroups below it: a nested JVM's, whose keeper ended with
 * everything in ours. A cgroup's directory holds only its interface files, which rmdir(2) takes
 * along; an emptied cgroup may still be busy for a moment (EBUSY), so each is tried for up to 1 s. */
static void cg_remove(const char *dir, int depth)
{
    DIR *d = depth < 16 ? opendir(dir) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char below[PATH_MAX];
        if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            (size_t)snprintf(below, sizeof below, "%s/%s", dir, e->d_name) < sizeof below)
            cg_remove(below, depth + 1);
    }
    if (d != NULL)
        closedir(d);
    for (int tries = 0; rmdir(dir) < 0; tries++) {
        if (errno == ENOENT)
            return;
        if (errno != EBUSY || tries == 100) {
            say(errno, "removing %s", dir);
            return;
        }
        pause_ns(10000000LL);
    }
}

static void cg_off(int remove)
{
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/%s", private_dir, OUTSIDE_LINK);
    if (unlink(link) < 0 && errno != ENOENT)
        say(errno, "removing %s", link);
    close_fd(cg_events);
    cg_events = -1;
    if (remove)
        cg_remove(cg_dir, 0);
}

/* Whether dir, or a cgroup above it up to the hierarchy's mount, is systemd's own and not delegated.
 * systemd writes only the cgroups of its units (.slice, .scope, .service), and moves processes and
 * makes cgroups in them itself; a unit with Delegate=yes hands its subtree over, which systemd marks
 * with the trusted.delegate (v251: also user.delegate) extended attribute on the unit's cgroup
 * (systemd.resource-control(5), Delegate=; systemd's docs/CGROUP_DELEGATION.md). */
static int cg_systemds(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", dir);
    int unit = 0;
    struct statfs fs;
    for (char *slash; statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC; *slash = '\0') {
        char value[8];
        if (getxattr(path, "trusted.delegate", value, sizeof value) >= 0 || getxattr(path, "user.delegate", value, sizeof value) >= 0)
            return 0;
        const char *name = strrchr(path, '/');
        size_t n = name != NULL ? strlen(name) : 0;
        unit |= (n > 6 && strcmp(name + n - 6, ".slice") == 0) || (n > 6 && strcmp(name + n - 6, ".scope") == 0) ||
                (n > 8 && strcmp(name + n - 8, ".service") == 0);
        if ((slash = strrchr(path, '/')) == NULL || slash == path)
            break;
    }
    return unit;
}

/* cg_enter failed after making (or finding) our cgroup: removed if empty (a keeper before us may
 * have left the JVM in it, which then stays: its children are ended by their groups). */
static void cg_abandon(void)
{
    cg_off(0);
    if (rmdir(cg_dir) < 0 && errno != EBUSY)
        say(errno, "removing %s", cg_dir);
}

/* Before the fork: the keeper into PARENT, our cgroup made, the link, the JVM into our cgroup. Any
 * failure turns the mode off with one line (the agent's log=debug shows it; cgroup=on is checked
 * by the agent before the JVM runs) and the groups work as without it. */
static void cg_enter(const char *parent)
{
    struct statfs fs;
    char link[PATH_MAX], target[PATH_MAX];
    if (parent[0] != '/' || strstr(parent, "/..") != NULL || strlen(parent) >= sizeof cg_parent - 1) {
        say(0, "cgroup mode off: %s is no plain absolute path", parent);
        return;
    }
    snprintf(cg_parent, sizeof cg_parent, "%s", parent);
    snprintf(cg_dir, sizeof cg_dir, "%s/tether-%d-%llu", parent, (int)jvm_pid, jvm_start);
    snprintf(link, sizeof link, "%s/%s", private_dir, OUTSIDE_LINK);
    snprintf(target, sizeof target, "%s/cgroup.procs", parent);
    int err;
    if (jvm_start == 0 || statfs(parent, &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
        say(jvm_start == 0 || fs.f_type == CGROUP2_SUPER_MAGIC ? errno : 0, "cgroup mode off: %s is no cgroup2 directory", parent);
        return;
    }
    if (cg_systemds(parent)) {
        say(0, "cgroup mode off: %s belongs to systemd (run the JVM in a unit with Delegate=yes)", parent);
        return;
    }
    if ((err = cg_write(parent, "cgroup.procs", "0")) != 0) { /* this process; the keeper forks from it */
        say(err, "cgroup mode off: moving the keeper to %s", parent);
        return;
    }
    if (mkdir(cg_dir, 0755) < 0 && errno != EEXIST) { /* EEXIST: a keeper before us made it */
        say(errno, "cgroup mode off: creating %s", cg_dir);
        return;
    }
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cgroup.events", cg_dir);
    if ((cg_events = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        say(errno, "cgroup mode off: %s", path);
        cg_abandon();
        return;
    }
    snprintf(path, sizeof path, "%s/cgroup.kill", cg_dir);
    if (access(path, W_OK) < 0) {
        say(errno, "cgroup mode off: %s (Linux 5.14 or later)", path);
        cg_abandon();
        return;
    }
    if ((unlink(link) < 0 && errno != ENOENT) || symlink(target, link) < 0) {
        say(errno, "cgroup mode off: %s", link);
        cg_abandon();
        return;
    }
    if ((err = cg_move(cg_dir, jvm_pid)) != 0) { /* the JVM waits for us: it is alive */
        say(err, "cgroup mode off: moving the JVM to %s", cg_dir);
        cg_abandon();
    }
}

/* At the end: the JVM (if it still runs: its pid and start time name it) back to PARENT, so that
 * the cgroup's end is not its own. 0 if it could not be moved: then the mode is off, groups only. */
static int cg_release_jvm(void)
{
    struct proc p;
    int err = !read_stat(jvm_pid, &p) || p.start != jvm_start || !live(&p) ? 0 : cg_move(cg_parent, jvm_pid);
    if (err != 0 && err != ESRCH) {
        say(err, "cgroup mode off at the end: the JVM stays in %s", cg_dir);
        cg_off(0);
        return 0;
    }
    return 1;
}

static void cg_freeze(int on)
{
    int err = cg_write(cg_dir, "cgroup.freeze", on ? "1" : "0");
    if (err != 0) {
        say(err, "%s/cgroup.freeze", cg_dir);
        return;
    }
    cg_frozen = on;
    /* Freezing is asynchronous: "frozen 1" in cgroup.events once every member has stopped. */
    for (long long until = now_ns() + 100000000LL; on && cg_event("frozen") == 0 && now_ns() < until;)
        cg_wait(until - now_ns());
}

/* Moves an escapee left alone (see left_alone) out to PARENT; 1 if it moved. Frozen or not: a
 * process leaving a frozen cgroup thaws (cgroup-v2.rst, "cgroup.freeze"). */
static int cg_leave(const struct proc *p)
{
    int err = cg_move(cg_parent, p->pid);
    if (err != 0)
        say(err, "cannot leave pid %d alone: it stays in %s", (int)p->pid, cg_dir);
    return err == 0;
}

/* The cgroup's members that no entry covers, each topmost one an entry 'c' with its descendants.
 * Needs a scan, taken while the cgroup is frozen: nobody in it exits or forks meanwhile. A member is
 * covered by an entry of its own group, by an entry of its own pid, or by a covered parent in the
 * same group (a child in the JVM's group, an escapee's own children). */
static void cg_add_escapees(void)
{
    FILE *f = cg_members();
    if (f == NULL) {
        say(errno, "%s/cgroup.procs", cg_dir);
        return;
    }
    for (size_t i = 0; i < n_procs; i++)
        procs[i].mark = 0; /* 1: a member; 2: covered; 3: an escapee; 4: below one; 5: left alone */
    int pid;
    struct proc *p;
    while (fscanf(f, "%d", &pid) == 1)
        if ((p = find((pid_t)pid)) != NULL && live(p) && p->pid > 1 && p->pid != self_pid && p->pid != jvm_pid)
            p->mark = 1;
    fclose(f);
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n_procs; i++) {
            p = &procs[i];
            struct proc *parent = find(p->ppid);
            struct entry *group = entry_of(p->pgid);
            if (p->mark != 1 || (parent != NULL && parent->mark == 1))
                continue; /* not a member, or decided once its parent is */
            changed = 1;
            if ((group != NULL && group->own) || entry_of(p->pid) != NULL ||
                (parent != NULL && parent->mark == 2 && parent->pgid == p->pgid))
                p->mark = 2;
            else if (parent != NULL && (parent->mark == 3 || parent->mark == 4))
                p->mark = 4;
            else if ((parent != NULL && parent->mark == 5) || left_alone(p))
                p->mark = cg_leave(p) ? 5 : 4; /* TETHER_DETACH, as in strict mode: out, with what it
                                                 started; one that cannot move ends with the cgroup */
            else if (!add_escapee(p, 'c'))
                return;
            else
                p->mark = 3;
        }
    }
}
#else
static void cg_enter(const char *parent) { say(0, "cgroup mode off: no cgroups here (%s)", parent); }
static int cg_events = -1, cg_frozen;
static int cg_event(const char *key) { return (void)key, -1; }
static void cg_wait(long long ns) { pause_ns(ns); }
static void cg_off(int remove) { (void)remove; }
static int cg_release_jvm(void) { return 0; }
static void cg_freeze(int on) { (void)on; }
static void cg_add_escapees(void) {}
static int cg_write(const char *dir, const char *name, const char *text) { return (void)dir, (void)name, (void)text, ENOSYS; }
static char cg_dir[1];
#endif

/* ---- The report (-r FILE) ---- */

/* What the report lists: every live process the entries cover as the signals begin, and at the
 * grace period's end whatever only cgroup.kill still finds. */
struct victim {
    pid_t pid, pgid;
    unsigned long long start;
    long long age_ms;
    char found, ended; /* found as entry.found; ended: t SIGTERM sufficed, k needed SIGKILL, l SIGKILL did not end it */
    char command[1100];
};
static struct victim *victims;
static size_t n_victims, cap_victims;
#define MAX_VICTIMS 100000

#ifdef __linux__
/* How many bytes at s (n of them) form one valid UTF-8 character; 0 if none (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
        (s[0] == 0xf4 && s[1] > 0x8f))
        return 0;
    return len;
}

/* n bytes of a command line (NULs between the arguments) as the inside of a JSON string (RFC 8259):
 * NULs as spaces, '"', '\' and control characters escaped, a byte outside valid UTF-8 as U+FFFD.
 * Any process can choose its command line: it is only ever data here. out holds at least 8 bytes;
 * what does not fit is cut at a character's end. */
static void json_text(const unsigned char *raw, ssize_t n, char *out, size_t size)
{
    size_t k = 0;
    for (ssize_t i = 0; i < n && k + 8 < size;) {
        size_t len = utf8_length(raw + i, (size_t)(n - i));
        unsigned char c = raw[i];
        if (c == '\0') {
            out[k++] = ' ';
        } else if (c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            k += (size_t)snprintf(out + k, size - k, "\\u%04x", c);
        } else if (len == 0) {
            memcpy(out + k, "\xef\xbf\xbd", 3);
            k += 3;
        } else {
            memcpy(out + k, raw + i, len);
            k += len;
            i += (ssize_t)len;
            continue;
        }
        i++;
    }
    out[k] = '\0';
}

/* The command line of pid, its first 256 bytes, through json_text. */
static void json_command(pid_t pid, char *out, size_t size)
{
    char raw[256];
    json_text((const unsigned char *)raw, cmdline_of(pid, raw, sizeof raw), out, size);
}

static struct victim *victim_of(pid_t pid, unsigned long long start)
{
    for (size_t i = 0; i < n_victims; i++)
        if (victims[i].pid == pid && victims[i].start == start)
            return &victims[i];
    return NULL;
}

static void add_victim(const struct proc *p, char found, char ended, long long now_ms, long ticks)
{
    if (victim_of(p->pid, p->start) != NULL || n_victims >= MAX_VICTIMS)
        return;
    if (n_victims == cap_victims) {
        void *q = grow(victims, &cap_victims, sizeof *victims);
        if (q == NULL)
            return;
        victims = q;
    }
    struct victim *v = &victims[n_victims++];
    *v = (struct victim){.pid = p->pid, .pgid = p->pgid, .start = p->start, .found = found, .ended = ended};
    v->age_ms = age_ms(p->start, now_ms, ticks);
    json_command(p->pid, v->command, sizeof v->command);
}

/* Every live process the live entries cover, just before their SIGTERM. Needs a scan. */
static void note_victims(void)
{
    if (report_path == NULL)
        return;
    long long now_ms = uptime_ms();
    long ticks = sysconf(_SC_CLK_TCK);
    for (size_t i = 0; i < n_entries; i++) {
        const struct entry *e = &entries[i];
        if (!e->live || (e->own && !(group_by_pidfd(e) ? reach(e, 0) : ours(e))))
            continue;
        for (size_t k = 0; k < n_procs; k++)
            procs[k].mark = 0;
        if (!e->own && the_child(e) != NULL)
            mark_below(e->pid);
        for (size_t k = 0; k < n_procs; k++) {
            const struct proc *p = &procs[k];
            if (live(p) && (e->own ? p->pgid == e->pid : p->mark || (p->pid == e->pid && p->start == e->start)))
                add_victim(p, e->found, 't', now_ms, ticks);
        }
    }
}

/* At the grace period's end (kill: about to send SIGKILL), or when giving up: which of them still
 * live; with kill, also what only cgroup.kill will find (born during the grace period). */
static void note_survivors(int kill)
{
    if (report_path == NULL)
        return;
    for (size_t i = 0; i < n_victims; i++) {
        struct proc p;
        if (read_stat(victims[i].pid, &p) && p.start == victims[i].start && live(&p))
            victims[i].ended = kill ? 'k' : 'l';
    }
    if (!kill || cg_events < 0)
        return;
    FILE *f = cg_members();
    int pid;
    struct proc p;
    long long now_ms = uptime_ms();
    long ticks = sysconf(_SC_CLK_TCK);
    while (f != NULL && fscanf(f, "%d", &pid) == 1)
        if (read_stat((pid_t)pid, &p) && live(&p) && p.pid != jvm_pid)
            add_victim(&p, 'c', 'k', now_ms, ticks);
    if (f != NULL)
        fclose(f);
}

/* One JSON line per victim, appended to the report: each in one write(2) to a file opened with
 * O_APPEND, so lines from several JVMs writing the same file (a build's forks) never interleave
 * (the kernel holds the file's lock for a write to a regular file). Created mode 0600. */
static void write_report(void)
{
    if (report_path == NULL || n_victims == 0)
        return;
    int fd = open(report_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        say(errno, "report %s", report_path);
        return;
    }
    struct timespec t = {0, 0};
    struct tm utc;
    char when[40] = "";
    if (clock_gettime(CLOCK_REALTIME, &t) == 0 && gmtime_r(&t.tv_sec, &utc) != NULL)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
    for (size_t i = 0; i < n_victims; i++) {
        const struct victim *v = &victims[i];
        static const char *const ended[] = {"term", "kill", "survived"};
        static const char *const found[] = {"group", "jvm-group", "strict", "cgroup"};
        char line[1400];
        int n = snprintf(line, sizeof line,
                         "{\"time\":\"%s.%03ldZ\",\"jvm\":%d,\"pid\":%d,\"pgid\":%d,\"age_ms\":%lld,\"ended\":\"%s\","
                         "\"found\":\"%s\",\"command\":\"%s\"}\n",
                         when, t.tv_nsec / 1000000, (int)jvm_pid, (int)v->pid, (int)v->pgid, v->age_ms,
                         ended[v->ended == 'k' ? 1 : v->ended == 'l' ? 2 : 0],
                         found[v->found == 'j' ? 1 : v->found == 's' ? 2 : v->found == 'c' ? 3 : 0], v->command);
        if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n)
            say(errno, "report %s", report_path);
    }
    close_fd(fd);
    n_victims = 0;
}
#else
static void note_victims(void) {}
static void note_survivors(int kill) { (void)kill; }
static void write_report(void) {}
#endif

struct outcome {
    size_t groups, killed, left;
    char names[3][81]; /* the commands of the first groups signalled, for the JVM's summary line */
};

#ifdef __linux__
/* Whether a child of the JVM that the keeper holds has exited but is not reaped yet: the JDK reaps its
 * children on threads of its own, and a JVM that exits before they have must hand every zombie on
 * to init in its own exit (1,000 of them: some 350 ms here, the same as 1,000 live children). */
static int jvm_children_unreaped(void)
{
    scan();
    for (size_t i = 0; i < n_entries; i++) {
        struct proc *p = find(entries[i].pid);
        if (p != NULL && !live(p) && p->ppid == jvm_pid && (entries[i].start == 0 || p->start == entries[i].start))
            return 1;
    }
    return 0;
}
#else
static int jvm_children_unreaped(void) { return 0; }
#endif

/* TERM, CONT, wait up to grace, then KILL until empty: every entry marked live. With await_reaping
 * (the JVM asked, and waits for the answer), then also until the JDK has reaped the children that
 * exited, for at most REAP_PATIENCE_NS: nothing is signalled any more meanwhile. */
static void end_all(struct outcome *o, int await_reaping)
{
    long long kill_at = now_ns() + grace_ns, poll = FIRST_POLL_NS;
    int need_scan = 0;
    for (size_t i = 0; i < n_entries; i++)
        need_scan |= entries[i].live && !group_by_pidfd(&entries[i]);
    if (need_scan)
        scan();
    for (size_t i = 0; i < n_entries; i++) {
        struct entry *e = &entries[i];
        if (!e->live)
            continue;
        if (o->groups < 3 && (!e->own || group_by_pidfd(e) || ours(e)))
            command_of(e->pid, o->names[o->groups], sizeof o->names[0]); /* before its end takes /proc/PID */
        if ((e->live = reach(e, SIGTERM))) {
            reach(e, SIGCONT); /* a stopped process acts on SIGTERM only once it runs */
            o->groups++;
        }
    }
    if (cg_frozen)
        cg_freeze(0); /* every member has its SIGTERM pending: now they may act on it (or fork) */
    for (int noted = 0;;) {
        size_t left = 0;
        if (settle_by_pidfd())
            scan();
        for (size_t i = 0; i < n_entries; i++)
            if (entries[i].live)
                left += (size_t)(entries[i].live = alive(&entries[i]));
        int cg_left = cg_events >= 0 && cg_event("populated") != 0;
        long long now = now_ns();
        if (left == 0 && !cg_left) {
            for (long long until = now + REAP_PATIENCE_NS; await_reaping && now_ns() < until && jvm_children_unreaped();)
                pause_ns(FIRST_POLL_NS);
            return;
        }
        if (now - kill_at > KILL_PATIENCE_NS) {
            say(0, "%zu group(s)%s still alive %lld ms after SIGKILL; giving up", left, cg_left ? " and the cgroup" : "",
                (now - kill_at) / 1000000);
            o->left += left + (size_t)(left == 0 && cg_left);
            note_survivors(0);
            return;
        }
        if (now >= kill_at && !noted++)
            note_survivors(1);
        if (now >= kill_at)
            for (size_t i = 0; i < n_entries; i++)
                if (entries[i].live && running(&entries[i]) && reach(&entries[i], SIGKILL) && !entries[i].killed) {
                    entries[i].killed = 1;
                    o->killed++;
                }
        int err = now >= kill_at && cg_left ? cg_write(cg_dir, "cgroup.kill", "1") : 0;
        if (err != 0)
            say(err, "%s/cgroup.kill", cg_dir);
        long long wait = now < kill_at && kill_at - now < poll ? kill_at - now : poll;
        if (cg_events >= 0)
            cg_wait(wait); /* returns early once the cgroup empties */
        else
            pause_ns(wait);
        poll = poll * 2 < MAX_POLL_NS ? poll * 2 : MAX_POLL_NS;
    }
}

/* Waits up to wait_ns for every entry to be empty by itself (children acting on a forwarded Ctrl-C). */
static void await_empty(long long wait_ns)
{
    long long until = now_ns() + wait_ns, poll = FIRST_POLL_NS;
    for (;;) {
        int any = 0;
        scan();
        for (size_t i = 0; i < n_entries && !any; i++)
            any = alive(&entries[i]);
        long long now = now_ns();
        if (!any || now >= until)
            return;
        pause_ns(until - now < poll ? until - now : poll);
        poll = poll * 2 < MAX_POLL_NS ? poll * 2 : MAX_POLL_NS;
    }
}

/* What "stop" does (await_reaping: the JVM waits for the answer), and the end of the channel without one. */
static void stop(long long wait_ns, int await_reaping, struct outcome *o)
{
    drain_all();
    stopped = 1;
    if (wait_ns > 0)
        await_empty(wait_ns);
    int cgroup = cg_events >= 0 && cg_release_jvm();
    if (cgroup)
        cg_freeze(1);
    /* Strict mode: what left the groups, found while its parents (or the JVM, their subreaper) live,
     * so before the signals; then twice more, for a fork made during the grace period. */
    if (strict || cgroup || report_path != NULL)
        scan();
    if (strict)
        add_escapees();
    if (cgroup)
        cg_add_escapees();
    for (size_t i = 0; i < n_entries; i++)
        entries[i].live = 1;
    note_victims();
    end_all(o, await_reaping);
    for (int pass = 0; strict && pass < 2; pass++) {
        size_t before = n_entries;
        scan();
        if (add_escapees() == 0)
            break;
        for (size_t i = 0; i < n_entries; i++)
            entries[i].live = i >= before;
        end_all(o, await_reaping);
    }
    while (n_entries > 0)
        drop(n_entries - 1);
    if (cgroup)
        cg_off(1);
    write_report();
}

/* Sends all n bytes; 0 on success, else the errno that stopped it (EAGAIN: a client that does not
 * read within its SO_SNDTIMEO; EPIPE, ECONNRESET: gone). */
static int send_bytes(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t sent = send(fd, p, n, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            return errno;
        p += sent;
        n -= (size_t)sent;
    }
    return 0;
}

/* ---- Status: `java -jar tether-agent.jar status PID` ---- */

/* A growing text; on a failed allocation it stops growing and says so at its end. */
struct text {
    char *p;
    size_t n, cap;
    int short_of_memory;
};

static void append(struct text *t, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || t->short_of_memory)
        return;
    size_t k = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    while (t->n + k + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        char *p = realloc(t->p, cap);
        if (p == NULL) {
            t->short_of_memory = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->n, line, k);
    t->n += k;
    t->p[t->n] = '\0';
}

#ifdef __linux__
static void append_proc(struct text *t, const struct proc *p, long long now_ms, long ticks)
{
    char command[201];
    command_of(p->pid, command, sizeof command);
    long long age = age_ms(p->start, now_ms, ticks);
    append(t, "proc %d %d %d %lld %s\n", (int)p->pid, (int)p->ppid, (int)p->pgid, age < 0 ? -1 : age, command);
}

/* Every live entry: "group PGID g|j", then its live processes, "proc PID PPID PGID AGE_MS COMMAND";
 * in cgroup mode then "group 0 c" and the cgroup's members that are in none of those. */
static void describe(struct text *t)
{
    drain_all();
    scan();
    long long now_ms = uptime_ms();
    long ticks = sysconf(_SC_CLK_TCK);
    char *shown = calloc(n_procs + 1, 1);
    for (size_t i = 0; i < n_entries; i++) {
        const struct entry *e = &entries[i];
        if (!alive(e))
            continue;
        append(t, "group %d %c\n", (int)e->pid, e->own ? 'g' : 'j');
        for (size_t k = 0; k < n_procs; k++)
            procs[k].mark = 0;
        if (!e->own)
            mark_below(e->pid);
        for (size_t k = 0; k < n_procs; k++) {
            const struct proc *p = &procs[k];
            if (live(p) && (e->own ? p->pgid == e->pid : p->pid == e->pid || p->mark)) {
                append_proc(t, p, now_ms, ticks);
                if (shown != NULL)
                    shown[k] = 1;
            }
        }
    }
    /* Cgroup mode: the members no group holds (they left theirs), as one more "group 0 c". */
    FILE *f = cg_events >= 0 && shown != NULL ? cg_members() : NULL;
    int pid, header = 0;
    struct proc *p;
    while (f != NULL && fscanf(f, "%d", &pid) == 1)
        if ((p = find((pid_t)pid)) != NULL && live(p) && !shown[p - procs] && p->pid != jvm_pid && p->pid != self_pid) {
            if (!header++)
                append(t, "group 0 c\n");
            append_proc(t, p, now_ms, ticks);
        }
    if (f != NULL)
        fclose(f);
    free(shown);
}
#else
static void describe(struct text *t) { (void)t; }
#endif

/* One client of DIR/keeper.status: this user's processes only (SO_PEERCRED). It reads a text and
 * sends nothing: "jvm PID", the groups (see describe), "end". A client that does not read within
 * 100 ms per send is cut off: the keeper never waits on it for longer. */
static void answer_status(int listener)
{
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
#ifdef SO_PEERCRED
    struct ucred peer;
    socklen_t length = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) < 0 || peer.uid != self_uid) {
        close_fd(fd);
        return;
    }
#endif
    struct timeval patience = {0, 100000};
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience) < 0) {
        close_fd(fd);
        return;
    }
    struct text t = {NULL, 0, 0, 0};
    append(&t, "jvm %d\n", (int)jvm_pid);
    describe(&t);
    append(&t, t.short_of_memory ? "" : "end\n");
    if (t.p != NULL)
        send_bytes(fd, t.p, t.n); /* a client gone, or not reading, is its own loss */
    free(t.p);
    close_fd(fd);
}

/* ---- The JVM's channel ---- */

/* One line of the JVM's (see the usage), without its '\n'; writes its answer into reply. */
static void request(char *line, char *reply, size_t size)
{
    unsigned long long pid, value, own;
    const char *s;
    drain_all(); /* whatever the JVM asks about was registered before it asked */
    snprintf(reply, size, "ok\n");
    if (strncmp(line, "stop ", 5) == 0 && (s = line + 5, number(&s, MAX_GRACE_MS, &value)) && *s == '\0') {
        struct outcome o = {0};
        long long began = now_ns();
        stop((long long)value * 1000000, 1, &o);
        /* The first few commands follow, each after a tab (command_of makes tabs and newlines '?'). */
        int n = snprintf(reply, size, "stopped %zu %zu %zu %lld", o.groups, o.killed, o.left, (now_ns() - began) / 1000000);
        for (size_t i = 0; i < 3 && i < o.groups && n > 0 && (size_t)n < size; i++)
            n += snprintf(reply + n, size - (size_t)n, "\t%s", o.names[i]);
        if (n > 0 && (size_t)n < size - 1)
            snprintf(reply + n, size - (size_t)n, "\n");
    } else if (strncmp(line, "signal ", 7) == 0 && (s = line + 7, number(&s, INT_MAX, &pid)) && pid > 1 &&
               *s++ == ' ' && number(&s, 64, &value) && *s == '\0' &&
               (value == SIGINT || value == SIGKILL || value == SIGTERM)) {
        struct entry *e = entry_of((pid_t)pid);
        if (e != NULL) {
            if (!group_by_pidfd(e))
                scan();
            reach(e, (int)value);
        }
    } else if (strcmp(line, "interrupt") == 0) {
        scan();
        for (size_t i = 0; i < n_entries; i++)
            if (entries[i].own)
                reach(&entries[i], SIGINT);
    } else if (strncmp(line, "spare ", 6) == 0 && (s = line + 6, number(&s, INT_MAX, &pid)) && pid > 1 && *s == '\0') {
        struct proc p;
        if (read_stat((pid_t)pid, &p) && p.ppid == jvm_pid) {
            if (n_spared == cap_spared) {
                void *q = grow(spared, &cap_spared, sizeof *spared);
                if (q == NULL)
                    return;
                spared = q;
            }
            spared[n_spared++] = (struct spared){(pid_t)pid, p.start};
        }
    } else if (strncmp(line, "adopt ", 6) == 0 && (s = line + 6, number(&s, INT_MAX, &pid)) && pid > 1 &&
               *s++ == ' ' && number(&s, ULLONG_MAX, &value) && value != 0 && *s++ == ' ' && number(&s, 1, &own) &&
               *s == '\0') {
        struct proc p;
        int pidfd = -1;
#ifdef __linux__
        pidfd = have_pidfd ? (int)syscall(NR_PIDFD_OPEN, (pid_t)pid, 0) : -1;
#endif
        /* Opened first, checked second: a pidfd opened before the check names the process checked. */
        if (read_stat((pid_t)pid, &p) && p.start == value && p.ppid == jvm_pid && (pid_t)pid != self_pid) {
            take((pid_t)pid, value, (int)own, pidfd);
        } else {
            close_fd(pidfd);
            snprintf(reply, size, "refused\n");
        }
    } else if (strcmp(line, "list") == 0) {
        size_t at = (size_t)snprintf(reply, size, "list");
        for (size_t i = 0; i < n_entries && at + 16 < size; i++)
            at += (size_t)snprintf(reply + at, size - at, " %d%c", (int)entries[i].pid, entries[i].own ? 'g' : 'j');
        snprintf(reply + at, size - at, "\n");
    } else {
        say(0, "ignoring a malformed line from the JVM");
        snprintf(reply, size, "error\n");
    }
}

static void send_all(int fd, const char *text)
{
    int err = send_bytes(fd, text, strlen(text));
    if (err != 0 && err != EPIPE && err != ECONNRESET)
        say(err, "answering the JVM");
}

/* Bytes from the JVM's channel: whole lines, each answered in order. A line longer than MAX_LINE is
 * answered "error" once and the rest of it, up to its '\n', dropped. */
static void feed(int channel, const char *bytes, size_t n)
{
    static char line[MAX_LINE + 1], reply[4096];
    static size_t len;
    static int skipping;
    for (const char *p = bytes, *end = bytes + n; p < end; p++) {
        if (*p != '\n') {
            if (!skipping && len < MAX_LINE) {
                line[len++] = *p;
            } else if (!skipping) {
                say(0, "ignoring a line from the JVM longer than %d bytes", MAX_LINE);
                send_all(channel, "error\n");
                skipping = 1;
            }
            continue;
        }
        if (!skipping) {
            line[len] = '\0';
            request(line, reply, sizeof reply);
            send_all(channel, reply);
        }
        skipping = 0;
        len = 0;
    }
}

/* ---- Start and the loop ---- */

/* Whether the JVM has ended. The end of its channel comes when its last thread has closed its files,
 * a moment before the kernel counts the process as exited, so this waits up to a second. */
static int jvm_gone(void) { return jvm_exit_seen(1000); }

/* DIR and the files in it, once the JVM is gone. Only a directory that is ours by every sign: no
 * symbolic link, this user's, mode 0700; only its entries that are not directories. */
static void remove_private_dir(void)
{
    if (!jvm_gone())
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

/* DIR must be absolute (the keeper runs in /), named as the agent names it, and leave room for the
 * socket names (unix(7): sun_path holds 108 bytes with the NUL). */
static int plausible_dir(const char *dir)
{
    const char *name = strrchr(dir, '/');
    return dir[0] == '/' && strncmp(name + 1, "tether-", 7) == 0 && name[8] != '\0' &&
           strlen(dir) + 1 + sizeof STATUS_NAME <= sizeof ((struct sockaddr_un *)0)->sun_path;
}

static socklen_t address(struct sockaddr_un *a, const char *name)
{
    *a = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", private_dir, name);
    return (socklen_t)sizeof *a;
}

/* A socket of type bound at DIR/name (a stale one from a keeper before is replaced). */
static int bound(int type, const char *name)
{
    struct sockaddr_un a;
    socklen_t length = address(&a, name);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if ((unlink(a.sun_path) < 0 && errno != ENOENT) || bind(fd, (struct sockaddr *)&a, length) < 0) {
        int err = errno;
        close_fd(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* SO_PASSCRED: the kernel attaches each sender's pid and uid to its datagram (unix(7)). */
static int pass_credentials(int fd, const int *on)
{
#ifdef SO_PASSCRED
    return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, on, sizeof *on);
#else
    (void)fd, (void)on;
    return 0;
#endif
}

/* The listener's first connection from the JVM itself (SO_PEERCRED); others are closed. */
static int accept_jvm(int listener)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                say(errno, "accept");
            return -1;
        }
#ifdef SO_PEERCRED
        struct ucred peer;
        socklen_t length = sizeof peer;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 && peer.pid == jvm_pid && peer.uid == self_uid)
            return fd;
#endif
        say(0, "turning away a connection that is not the JVM's");
        close_fd(fd);
    }
}

/* DIR/keeper.reg0 to keeper.regf, each passing its senders' credentials (SO_PASSCRED). */
static int bind_registrations(const int *on)
{
    for (n_regs = 0; n_regs < REG_SOCKETS; n_regs++) {
        char name[sizeof REG_NAME + 1];
        snprintf(name, sizeof name, "%s%x", REG_NAME, (unsigned)n_regs);
        int fd = bound(SOCK_DGRAM, name);
        if (fd < 0)
            return 0;
        regs[n_regs] = fd;
        if (pass_credentials(fd, on) < 0)
            return 0;
    }
    return 1;
}

static void probe_pidfds(void)
{
#ifdef __linux__
    int q = open("/proc/sys/net/unix/max_dgram_qlen", O_RDONLY | O_CLOEXEC);
    if (q >= 0) {
        char buf[24] = "";
        const char *s = buf;
        unsigned long long qlen;
        if (read(q, buf, sizeof buf - 1) > 0 && number(&s, 1000000, &qlen))
            batch_pause_ns = REG_SOCKETS * qlen * PAUSE_PER_DATAGRAM_NS < MAX_PAUSE_NS
                                 ? (long long)(REG_SOCKETS * qlen) * PAUSE_PER_DATAGRAM_NS
                                 : MAX_PAUSE_NS;
        close_fd(q);
    }
    /* One pidfd per live group: as many as the hard limit allows. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t soft = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        pidfd_limit = (unsigned long long)(setrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_max : soft) - 16;
    }
    /* What this kernel (or a seccomp filter) allows, said once where it is less than everything: the
     * keeper's stderr is the JVM's only with log=debug. */
    int self = (int)syscall(NR_PIDFD_OPEN, getpid(), 0);
    if (self < 0) {
        say(errno, "no pidfd_open; groups proven by their start times");
        return;
    }
    have_pidfd = pidfd_signal(self, 0, 0) == 0;
    if (!have_pidfd) {
        say(errno, "no pidfd_send_signal; groups proven by their start times");
    } else if (pidfd_signal(self, 0, PIDFD_SIGNAL_PROCESS_GROUP) == 0 || errno == ESRCH) {
        have_group_flag = 1; /* signal 0 only asks; ESRCH: understood, but we lead no group */
    } else {
        say(errno, "no PIDFD_SIGNAL_PROCESS_GROUP; groups proven through /proc"); /* EINVAL before 6.9 */
    }
    close_fd(self);
    jvm_pidfd = (int)syscall(NR_PIDFD_OPEN, jvm_pid, 0);
#endif
}

int main(int argc, char **argv)
{
    unsigned long long grace_ms, sid;
    const char *cgroup = NULL;
    int usage = 0;
    for (int option; (option = getopt(argc, argv, "+sc:r:")) != -1;) {
        if (option == 's')
            strict = 1;
        else if (option == 'c' && optarg[0] == '/')
            cgroup = optarg;
        else if (option == 'r' && optarg[0] == '/')
            report_path = optarg;
        else
            usage = 1;
    }
    argc -= optind - 1;
    argv += optind - 1;
    const char *g = argc == 4 ? argv[1] : "", *j = argc == 4 ? argv[2] : "";
    if (usage || !number(&g, MAX_GRACE_MS, &grace_ms) || *g != '\0' || !number(&j, INT_MAX, &sid) || *j != '\0' ||
        !plausible_dir(argv[3])) {
        say(0, "usage: tether-keeper [-s] [-c CGROUP] [-r REPORT] GRACE_MS JVM_SID DIR");
        return EXIT_USAGE;
    }
    grace_ns = (long long)grace_ms * 1000000;
    jvm_sid = (pid_t)sid;
    jvm_pid = getppid(); /* the JVM waits for this process to exit, so our parent is the JVM until then */
#ifdef __linux__
    struct proc jvm;
    jvm_start = read_stat(jvm_pid, &jvm) ? jvm.start : 0;
#endif
    self_uid = geteuid();
    private_dir = argv[3];

    /* All that can fail happens before the fork, so exit 0 means the keeper runs. SIGTERM too is
     * ignored until setsid(), so `kill -- -PGID` between fork and setsid cannot end it. */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigset_t none;
    int on = 1, listener, status;
    umask(077);
    if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0 || sigaction(SIGPIPE, &ign, NULL) < 0 ||
        sigaction(SIGHUP, &ign, NULL) < 0 || sigaction(SIGINT, &ign, NULL) < 0 || sigaction(SIGTERM, &ign, NULL) < 0 ||
        !bind_registrations(&on) ||
        (listener = bound(SOCK_STREAM, CTL_NAME)) < 0 || listen(listener, 8) < 0 ||
        (status = bound(SOCK_STREAM, STATUS_NAME)) < 0 || listen(status, 8) < 0 || chdir("/") < 0) {
        say(errno, "cannot start");
        return EXIT_START;
    }
    probe_pidfds();
    if (cgroup != NULL)
        cg_enter(cgroup);
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
    self_pid = getpid();

    int channel = -1;
    long long reg_at = 0; /* registrations are next read at this time (see PAUSE_PER_DATAGRAM_NS) */
    struct outcome o = {0};
    for (;;) {
        struct pollfd fds[3 + REG_SOCKETS] = {{.fd = jvm_pidfd, .events = POLLIN},
                                              {.fd = channel >= 0 ? channel : listener, .events = POLLIN},
                                              {.fd = status, .events = POLLIN}};
        for (size_t i = 0; i < n_regs; i++)
            fds[3 + i] = (struct pollfd){.fd = regs[i], .events = POLLIN};
        long long now = now_ns();
        int napping = now < reg_at;
        int timeout = napping ? (int)((reg_at - now) / 1000000) + 1 : jvm_pidfd < 0 ? 1000 : -1;
        int n = poll(fds, napping ? 3 : 3 + n_regs, timeout);
        if (n < 0 && errno != EINTR) {
            say(errno, "poll");
            break;
        }
        if (n <= 0) {
            if (jvm_pidfd < 0 && jvm_exited())
                break;
            continue;
        }
        int queued = 0;
        for (size_t i = 0; !napping && i < n_regs; i++)
            queued |= fds[3 + i].revents & POLLIN;
        if (queued) {
            drain_all();
            reg_at = now_ns() + batch_pause_ns;
        }
        if (fds[2].revents & POLLIN)
            answer_status(status);
        if (channel < 0 && (fds[1].revents & POLLIN) && (channel = accept_jvm(listener)) >= 0) {
            struct sockaddr_un a;
            address(&a, CTL_NAME);
            if (unlink(a.sun_path) < 0)
                say(errno, "removing %s", a.sun_path);
            close_fd(listener);
            listener = -1;
        } else if (channel >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char chunk[512];
            ssize_t got = read(channel, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break; /* the JVM is gone, or closed its end: the same to us */
            feed(channel, chunk, (size_t)got);
        }
        if (fds[0].revents & POLLIN)
            break; /* the JVM has exited */
    }
    jvm_ended = 1; /* every way out of the loop: its channel's end or its exit */
    if (!stopped)
        stop(0, 0, &o);
    else
        drain_all(); /* what children registered since the last batch: ended at once (see take) */
    remove_private_dir();
    return o.left ? EXIT_LEFT : 0;
}
