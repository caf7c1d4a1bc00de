/*
 * keeper-fuzz: libFuzzer harness for the keeper's two inputs from outside, its hostile surface:
 *   - a registration: one datagram, with the kernel's credentials, through a real socket pair into
 *     the keeper's own drain() (its control-message parsing, then registration());
 *   - the JVM's channel: any bytes, through feed() (line assembly, then request());
 *   - a command line, any process's own choice, through json_text() into the report: the result
 *     must be the inside of a JSON string (RFC 8259) in valid UTF-8, checked here (json_checked).
 * The first byte of an input picks which (bit 1: a command line; else bit 0: the channel, or a
 * registration); the rest is the datagram or the bytes.
 *
 * Nothing here may signal anything: kill(2) and the raw pidfd syscalls are stubbed to fail with
 * ESRCH and ENOSYS (the keeper then believes nothing is alive), and its answers go nowhere. /proc is
 * read for real (read-only). The keeper's main() is renamed, never run.
 *
 * Build and run (clang from Debian; not part of the Maven build or CI), from native/:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -o target/keeper-fuzz src/test/fuzz/keeper-fuzz.c
 *   rm -rf target/fuzz-corpus && cp -r src/test/fuzz/corpus target/fuzz-corpus
 *   target/keeper-fuzz -max_total_time=600 -max_len=600 -close_fd_mask=2 target/fuzz-corpus
 * (-close_fd_mask=2: the keeper's own lines on stderr, one per malformed input, are dropped.)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int fuzz_kill(pid_t pid, int sig)
{
    (void)pid, (void)sig;
    errno = ESRCH;
    return -1;
}

static long fuzz_syscall(long nr, ...)
{
    (void)nr;
    errno = ENOSYS;
    return -1;
}

static ssize_t fuzz_send(int fd, const void *buf, size_t n, int flags)
{
    (void)fd, (void)buf, (void)flags;
    return (ssize_t)n;
}

#define kill fuzz_kill
#define syscall fuzz_syscall
#define send fuzz_send
#define main keeper_main
#include "../../main/c/tether-keeper.c"
#undef main

static int pair[2] = {-1, -1};

static void once(void)
{
    if (pair[0] >= 0)
        return;
    int on = 1;
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0 ||
        setsockopt(pair[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
        perror("keeper-fuzz: socketpair");
        abort();
    }
    regs[0] = pair[0];
    n_regs = 1;
    self_uid = geteuid();
    self_pid = 0;       /* so that registrations from this process are taken, not refused as the keeper's */
    jvm_pid = getppid(); /* and this process passes for the JVM's child */
    grace_ns = 0;
}

/* Aborts unless s is the inside of a JSON string in valid UTF-8: no raw control character or '"',
 * every '\' a known escape, every byte above 0x7f part of a character utf8_length accepts. */
static void json_checked(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        size_t len = utf8_length(p, strlen((const char *)p));
        if (*p < 0x20 || *p == '"' || len == 0)
            abort();
        if (*p == '\\') {
            if (p[1] == 'u' && isxdigit(p[2]) && isxdigit(p[3]) && isxdigit(p[4]) && isxdigit(p[5]))
                p += 6;
            else if (p[1] == '"' || p[1] == '\\')
                p += 2;
            else
                abort();
            continue;
        }
        p += len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    once();
    if (size == 0)
        return 0;
    if (data[0] & 2) {
        char out[300];
        json_text(data + 1, (ssize_t)(size - 1), out, sizeof out);
        json_checked(out);
        char tiny[9];
        json_text(data + 1, (ssize_t)(size - 1), tiny, sizeof tiny);
        json_checked(tiny);
    } else if (data[0] & 1) {
        feed(-1, (const char *)data + 1, size - 1);
    } else {
        if (write(pair[1], data + 1, size - 1) >= 0) /* write(2): send is the stub above */
            drain(pair[0]);
    }
    stopped = 0; /* a "stop" in one input must not turn every later registration into a kill */
    return 0;
}
