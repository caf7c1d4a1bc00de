/*
 * tether-seccomp: runs a program under a seccomp filter that refuses the pidfd system calls, the
 * way locked-down and older systems do, so the tests can show what Tether does there for real.
 *
 * Usage: tether-seccomp RULE... -- PROGRAM [ARG...]
 *   RULE  CALL=ERRNO             CALL fails with ERRNO (a number) and does nothing
 *         CALL:group=ERRNO       only when its flags hold PIDFD_SIGNAL_PROCESS_GROUP (a kernel
 *                                before 6.9 answers EINVAL to that flag)
 *   CALL  pidfd_send_signal, pidfd_open or pidfd_getfd (numbered alike on every architecture)
 * Examples: Docker's default profile, without CAP_SYS_PTRACE: pidfd_getfd=1 (EPERM); a kernel
 * before 5.3: all three =38 (ENOSYS); before 6.9: pidfd_send_signal:group=22 (EINVAL).
 *
 * The filter is inherited by every descendant and survives execve(2) (seccomp(2)); it needs
 * PR_SET_NO_NEW_PRIVS, which root does not need but which does no harm. Other architectures than
 * the one this was built for pass unfiltered.
 *
 * Exit codes: 2 usage, 1 the filter could not be installed, 126 PROGRAM could not be run, 127 not
 * found; otherwise PROGRAM's own (it replaces this process: same pid).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "tether-seccomp: unknown architecture"
#endif

#define PIDFD_SIGNAL_PROCESS_GROUP 4 /* include/uapi/linux/pidfd.h */
#define MAX_RULES 8
/* Each rule takes at most 5 instructions; 4 come before them and 1 after. */
#define MAX_PROGRAM (4 + 5 * MAX_RULES + 1)

#define die(code, ...) do { fprintf(stderr, "tether-seccomp: " __VA_ARGS__); fputc('\n', stderr); exit(code); } while (0)

static const struct { const char *name; int nr; } calls[] = {
    {"pidfd_send_signal", 424}, {"pidfd_open", 434}, {"pidfd_getfd", 438}};

static void usage(void)
{
    die(2, "usage: tether-seccomp CALL[:group]=ERRNO... -- PROGRAM [ARG...]");
}

int main(int argc, char **argv)
{
    struct sock_filter program[MAX_PROGRAM];
    unsigned short n = 0;
    program[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
    program[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    program[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    int i = 1, rules = 0;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        char *eq = strchr(argv[i], '='), *end;
        if (eq == NULL || ++rules > MAX_RULES)
            usage();
        long err = strtol(eq + 1, &end, 10);
        if (*end != '\0' || end == eq + 1 || err <= 0 || err > 4095)
            usage();
        size_t len = (size_t)(eq - argv[i]);
        int group = len > 6 && strncmp(eq - 6, ":group", 6) == 0;
        if (group)
            len -= 6;
        int nr = -1;
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++)
            if (strlen(calls[c].name) == len && strncmp(argv[i], calls[c].name, len) == 0)
                nr = calls[c].nr;
        if (nr < 0 || (group && nr != 424))
            usage();
        unsigned int refuse = SECCOMP_RET_ERRNO | (unsigned int)err;
        if (!group) {
            program[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1);
            program[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, refuse);
        } else {
            /* flags is the fourth argument; its low 32 bits come first on these little-endian targets. */
            program[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 4);
            program[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3]));
            program[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PIDFD_SIGNAL_PROCESS_GROUP, 0, 1);
            program[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, refuse);
            program[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        }
    }
    if (rules == 0 || i + 1 >= argc)
        usage();
    program[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog filter = {.len = n, .filter = program};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die(1, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0)
        die(1, "PR_SET_SECCOMP: %s", strerror(errno));
    execvp(argv[i + 1], argv + i + 1);
    die(errno == ENOENT ? 127 : 126, "%s: %s", argv[i + 1], strerror(errno));
}
