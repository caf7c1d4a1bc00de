package dev.tether.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the watchdog the build produced (target/classes) as the agent does: through ProcessBuilder,
 * stdout discarded, stdin a pipe of our own (pipe2 + /proc/self/fd/N), not the Process's stdin,
 * which the JDK closes as soon as that process exits, and it exits at once. Linux: the tests read
 * /proc. Parameters named {@code pidfd} run the watchdog with pidfds (Linux 6.9+: the kernel picks
 * the group) and without them (TETHER_WATCHDOG_NO_PIDFD: the proof from /proc).
 */
class WatchdogTest {
    /** Every process a test starts carries MARK=&lt;RUN&gt;-&lt;n&gt; (children inherit it), so cleanup finds them all. */
    private static final String MARK = "TETHER_WATCHDOG_TEST";
    private static final String RUN = UUID.randomUUID().toString();
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final long DEADLINE_MS = 10_000;
    private static final int SIGHUP = 1, SIGINT = 2, SIGTERM = 15, SIGSTOP = 19;
    private static final int O_CLOEXEC = 02000000;
    private static final long FIONREAD = 0x541B;
    private static final String TWO_SLEEPS = "sleep 1000 & sleep 1000 & wait";
    /** What /proc/PID/fd shows for a pidfd. */
    private static final String PIDFD = "anon_inode:[pidfd]";

    /** The libc calls Java lacks: a pipe of our own, signals, the bytes waiting in a pipe. */
    interface C extends Library {
        int pipe2(int[] fds, int flags) throws LastErrorException;

        long write(int fd, byte[] buffer, long count) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int kill(int pid, int sig) throws LastErrorException;

        int getsid(int pid) throws LastErrorException;

        int ioctl(int fd, long request, int[] count) throws LastErrorException;

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int listen(int fd, int backlog) throws LastErrorException;

        int accept(int fd, com.sun.jna.Pointer address, com.sun.jna.Pointer length) throws LastErrorException;
    }

    private static C libc;
    private static String watchdog;
    private static String launcher;

    @TempDir
    Path tmp;

    private final String mark = RUN + "-" + TESTS.incrementAndGet();
    private final List<Watchdog> watchdogs = new ArrayList<>();

    @BeforeAll
    static void findBinaries() throws Exception {
        String platform = System.getProperty("tether.platform");
        assertTrue(platform != null, "tether.platform is set by the build (native/pom.xml)");
        assumeTrue(platform.startsWith("linux-"), "these tests read /proc");
        watchdog = resource(platform, "tether-watchdog");
        launcher = resource(platform, "tether-launcher");
        libc = Native.load("c", C.class);
    }

    @AfterEach
    void killEverythingMarked() {
        long start = System.nanoTime();
        for (List<Stat> left; !(left = marked(RUN + "-")).isEmpty(); pause()) {
            left.forEach(s -> ProcessHandle.of(s.pid).ifPresent(ProcessHandle::destroyForcibly));
            assertTrue(millisSince(start) < DEADLINE_MS, "still alive after SIGKILL: " + left);
        }
        // Only now, with every watchdog dead, can closing a pipe no longer start a cleanup.
        watchdogs.forEach(Watchdog::closeStdin);
    }

    @Test
    void detaches_into_a_session_of_its_own_and_keeps_only_fds_0_1_2_and_a_pidfd_on_the_jvm() throws Exception {
        Watchdog w = startWatchdog(2000, true); // asserts that the process the JDK started exited 0
        // chdir("/") follows setsid(), which startWatchdog waited for.
        Path cwd = Path.of("/proc/" + w.proc.pid + "/cwd");
        awaitTrue(() -> readLink(cwd).equals("/"), "the watchdog in /");
        Stat s = stat(w.proc.pid);
        assertEquals(w.proc.pid, s.sid, "leads a session of its own");
        assertEquals(w.proc.pid, s.pgid, "and a group of its own");
        assertNotEquals(ProcessHandle.current().pid(), s.ppid, "not a child of the JVM");
        assertEquals(List.of("0", "1", "2", "3"), fds(w.proc.pid).stream().map(f -> f[0]).collect(Collectors.toList()));
        assertTrue(fds(w.proc.pid).get(0)[1].startsWith("pipe:"), "stdin is the pipe");
        assertEquals(PIDFD, fds(w.proc.pid).get(3)[1], "a pidfd on the JVM, to copy the JVM's pidfds from");
        assertEquals("/", Files.readSymbolicLink(cwd).toString());
        assertEquals("", w.stderr());
    }

    @Test
    void ignores_sighup_sigint_and_sigpipe_but_not_sigterm() throws Exception {
        Watchdog w = startWatchdog(2000, true);
        long bit = 1;
        // SIGTERM returns to its default just after setsid(), which startWatchdog waited for.
        awaitTrue(() -> (ignoredSignals(w.proc.pid) & bit << (SIGTERM - 1)) == 0, "SIGTERM at its default");
        long ignored = ignoredSignals(w.proc.pid);
        assertEquals(bit << (SIGHUP - 1) | bit << (SIGINT - 1) | bit << (13 - 1),
                ignored & (bit << (SIGHUP - 1) | bit << (SIGINT - 1) | bit << (13 - 1) | bit << (SIGTERM - 1)));
        assertEquals(0, Long.parseUnsignedLong(status(w.proc.pid, "SigBlk"), 16), "no signal blocked");
        // And it still works after both arrived.
        Group g = ownGroup(TWO_SLEEPS, 3);
        libc.kill(w.proc.pid, SIGHUP);
        libc.kill(w.proc.pid, SIGINT);
        w.send(g.record(1));
        long closed = w.closeStdin();
        awaitDead(g.members, closed, 3000);
        w.awaitExit();
    }

    @Test
    void sigterm_to_the_watchdog_ends_it_and_leaves_the_groups_alone() throws Exception {
        Watchdog w = startWatchdog(2000, true);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send(g.record(1));
        libc.kill(w.proc.pid, SIGTERM);
        w.awaitExit();
        w.closeStdin();
        assertAllAlive(g.members);
    }

    @ParameterizedTest(name = "pidfd={0}")
    @ValueSource(booleans = {true, false})
    void ends_a_recorded_group_with_sigterm_on_eof(boolean pidfd) throws Exception {
        Watchdog w = startWatchdog(2000, pidfd);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send(g.record(1));
        long closed = w.closeStdin();
        long took = awaitDead(g.members, closed, 2000 + 1000);
        assertTrue(took < 2000, "ended by SIGTERM, before the grace period: " + took + " ms");
        w.awaitExit();
        assertEquals("", w.stderr());
    }

    @ParameterizedTest(name = "pidfd={0}")
    @ValueSource(booleans = {true, false})
    void sigkills_a_group_that_ignores_sigterm_after_the_grace_period_not_before(boolean pidfd) throws Exception {
        Watchdog w = startWatchdog(300, pidfd);
        Group g = ownGroup("trap '' TERM; " + TWO_SLEEPS, 3);
        w.send(g.record(1));
        long closed = w.closeStdin();
        long took = awaitDead(g.members, closed, 300 + 1000);
        assertTrue(took >= 300, "SIGKILL only after the grace period: " + took + " ms");
        w.awaitExit();
        assertEquals("", w.stderr());
    }

    @Test
    void continues_a_stopped_group_so_it_can_act_on_sigterm() throws Exception {
        // The sleeps die of SIGTERM even while stopped (a fatal default action); the shell's trap runs
        // only once it is continued. Without SIGCONT it would last until SIGKILL, at 5 s.
        Watchdog w = startWatchdog(5000, true);
        Group g = ownGroup("trap 'exit 0' TERM; " + TWO_SLEEPS, 3);
        // A fork of the shell that has not exec'd sleep yet still has the trap: SIGTERM would only run
        // it there, and the sleep it becomes would never see the signal.
        awaitTrue(() -> g.members.subList(1, 3).stream().allMatch(m -> comm(m.pid).equals("sleep")), "the sleeps run");
        libc.kill(-g.pid, SIGSTOP);
        awaitTrue(() -> g.members.stream().allMatch(m -> stat(m.pid).state == 'T'), "the group is stopped");
        w.send(g.record(1));
        long closed = w.closeStdin();
        long took = awaitDead(g.members, closed, 5000);
        assertTrue(took < 5000, "continued and ended before the grace period: " + took + " ms");
        w.awaitExit();
    }

    @Test
    void after_bye_the_end_of_the_channel_leaves_the_groups_alive() throws Exception {
        Watchdog w = startWatchdog(2000, true);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send(g.record(1));
        awaitTrue(() -> fds(w.proc.pid).size() == 5, "a pidfd for the recorded child");
        w.send("bye\n" + g.record(1)); // nothing after bye counts
        awaitTrue(() -> fds(w.proc.pid).size() == 4, "bye forgets every group and closes its pidfd");
        assertTrue(alive(w.proc), "it waits for the end of the channel");
        w.closeStdin();
        w.awaitExit();
        assertAllAlive(g.members);
        assertEquals("", w.stderr());
    }

    @Test
    void after_bye_it_still_removes_the_private_directory_of_a_jvm_that_is_then_killed() throws Exception {
        // A JVM whose shutdown hangs after Tether's hook said bye (System.exit from another hook), then SIGKILL.
        Path dir = privateDir("rwx------");
        Process[] jvm = new Process[1];
        Watchdog w = startUnderJvmThatCanDie(dir, true, jvm);
        w.send("bye\n");
        jvm[0].destroyForcibly().waitFor();
        w.closeStdin();
        w.awaitExit();
        assertTrue(Files.notExists(dir, LinkOption.NOFOLLOW_LINKS), "the directory is gone");
        assertEquals("", w.stderr());
    }

    @Test
    void never_takes_pid_0_or_1_for_a_child() throws Exception {
        // kill(-1, sig) is every process the user may signal; kill(0, sig) the watchdog's own group.
        // Ends by SIGTERM, never by EOF: a watchdog that took such a line must not get to act on it.
        Watchdog w = startWatchdog(2000, true);
        long init = stat(1).start;
        w.send("+ 1 " + init + " 1\n+ 1 " + init + " 0\n+ 0 0 1\n- 1\n- 0\nsync\n");
        awaitTrue(() -> w.stderr().contains("\"sync\""), "the watchdog reads its lines");
        libc.kill(w.proc.pid, SIGTERM);
        w.awaitExit();
        assertEquals(String.join("\n",
                "tether-watchdog: ignoring malformed line \"+ 1 " + init + " 1\"",
                "tether-watchdog: ignoring malformed line \"+ 1 " + init + " 0\"",
                "tether-watchdog: ignoring malformed line \"+ 0 0 1\"",
                "tether-watchdog: ignoring malformed line \"- 1\"",
                "tether-watchdog: ignoring malformed line \"- 0\"",
                "tether-watchdog: ignoring malformed line \"sync\"",
                ""), w.stderr());
    }

    @Test
    void with_c_it_reads_a_socket_connection_that_no_other_process_can_open_again() throws Exception {
        String name = "tether-watchdog-test-" + mark;
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        byte[] address = new byte[3 + nameBytes.length]; // sa_family_t AF_UNIX (little-endian), NUL, name
        address[0] = 1;
        System.arraycopy(nameBytes, 0, address, 3, nameBytes.length);
        int listener = libc.socket(1, 1 | O_CLOEXEC, 0);
        try {
            libc.bind(listener, address, address.length);
            libc.listen(listener, 1);
            Process[] starter = new Process[1];
            Watchdog starting = spawnOnPipe(true, starter, watchdog, "-c", name, "2000", Integer.toString(jvmSid()));
            assertTrue(starter[0].waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the started process exits at once");
            assertEquals(0, starter[0].exitValue(), () -> "exit status; stderr: " + starting.stderr());
            starting.closeStdin(); // the pipe on stdin is not the channel any more
            Watchdog connected = new Watchdog(null, libc.accept(listener, null, null), starting.err);
            watchdogs.add(connected);
            Watchdog w = detached(connected);
            assertTrue(fds(w.proc.pid).get(0)[1].startsWith("socket:"), "stdin is the connection");
            try {
                Files.writeString(Path.of("/proc/" + w.proc.pid + "/fd/0"), "bye\n");
                fail("the channel was opened through /proc");
            } catch (IOException expected) {
                // ENXIO: a socket cannot be opened by path
            }
            Group g = ownGroup(TWO_SLEEPS, 3);
            w.send(g.record(1));
            long closed = w.closeStdin();
            awaitDead(g.members, closed, 3000);
            w.awaitExit();
            assertEquals("", w.stderr());
        } finally {
            libc.close(listener);
        }
    }

    @Test
    void minus_forgets_a_group_and_closes_its_pidfd() throws Exception {
        Watchdog w = startWatchdog(2000, true);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send(g.record(1));
        awaitTrue(() -> fds(w.proc.pid).size() == 5, "a pidfd for the recorded child");
        assertEquals(PIDFD, fds(w.proc.pid).get(4)[1]);
        w.send("- " + g.pid + "\n");
        awaitTrue(() -> fds(w.proc.pid).size() == 4, "the pidfd closed");
        w.closeStdin();
        w.awaitExit();
        assertAllAlive(g.members);
    }

    @ParameterizedTest(name = "pidfd={0}")
    @ValueSource(booleans = {true, false})
    void never_signals_a_group_whose_leader_has_another_start_time(boolean pidfd) throws Exception {
        // What a reused pid looks like: the same number, a different process (start time).
        Watchdog w = startWatchdog(2000, pidfd);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send("+ " + g.pid + " " + (g.start + 1) + " 1\n");
        if (pidfd) {
            w.send("sync\n"); // once it has complained about this line, it has handled the one before
            awaitTrue(() -> w.stderr().contains("\"sync\""), "the watchdog reads its pipe");
            assertEquals(4, fds(w.proc.pid).size(), "no pidfd kept for a process that is not the recorded one");
        }
        w.closeStdin();
        w.awaitExit();
        assertAllAlive(g.members);
    }

    /** How the watchdog knows a group is ours once its leader has been reaped. */
    enum Proof {
        /** The watchdog read "+" while the leader lived and opened a pidfd on it itself. */
        OWN_PIDFD,
        /** It read "+" only after the JDK reaped the leader, and copies the JVM's pidfd (FD). */
        JVM_PIDFD,
        /** No pidfds: every live member is in the JVM's session and no older than the leader. */
        SESSION
    }

    @ParameterizedTest
    @EnumSource(Proof.class)
    void ends_a_group_whose_leader_is_gone(Proof proof) throws Exception {
        // With a pidfd opened while the leader lived, the kernel still finds its group once it is reaped.
        assumeTrue(proof != Proof.SESSION || jvmSid() != 0,
                "this JVM's session leader is not in its PID namespace (getsid(0) = 0): no session to prove ownership with");
        // A session that is not ours for the pidfd cases, so that only the pidfd can prove it.
        Watchdog w = proof == Proof.SESSION ? startWatchdog(2000, false) : startWatchdog(2000, true, jvmSid() + 1);
        Group g = ownGroup("sleep 1000 & sleep 1000 & read x", 3);
        int jvmPidfd = proof == Proof.JVM_PIDFD ? Pidfd.open(g.pid) : -1;
        try {
            if (proof != Proof.JVM_PIDFD) {
                w.send(g.record(1));
            }
            if (proof == Proof.OWN_PIDFD) {
                // It reads the line when it gets to it: the leader must still be alive then.
                awaitTrue(() -> fds(w.proc.pid).size() == 5, "the watchdog opened a pidfd on the leader");
            }
            g.process.getOutputStream().close();
            assertTrue(g.process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the leader exits (and the JDK reaps it)");
            List<Stat> orphans = g.members.subList(1, 3);
            assertAllAlive(orphans);
            if (proof == Proof.JVM_PIDFD) {
                assertTrue(jvmPidfd >= 0, "pidfd_open: errno " + -jvmPidfd);
                w.send("+ " + g.pid + " " + g.start + " 1 " + jvmPidfd + "\n");
            }
            long closed = w.closeStdin();
            awaitDead(orphans, closed, 2000 + 1000);
            w.awaitExit();
            assertEquals("", w.stderr());
        } finally {
            if (jvmPidfd >= 0) {
                libc.close(jvmPidfd);
            }
        }
    }

    /** What the JVM's descriptor FD in a "+" line may turn out to be when the watchdog copies it. */
    enum WrongFd {
        /** A pidfd, but on another child (the JVM closed the right one and reused the number). */
        PIDFD_ON_ANOTHER_CHILD,
        /** Not a pidfd at all. */
        NOT_A_PIDFD
    }

    @ParameterizedTest
    @EnumSource(WrongFd.class)
    void a_jvm_descriptor_that_is_not_a_pidfd_on_the_child_is_not_used(WrongFd wrong) throws Exception {
        Watchdog w = startWatchdog(2000, true);
        Group recorded = ownGroup(TWO_SLEEPS, 3);
        Group other = ownGroup(TWO_SLEEPS, 3);
        int otherPidfd = Pidfd.open(other.pid);
        assertTrue(otherPidfd >= 0, "pidfd_open: errno " + -otherPidfd);
        int[] pipe = new int[2];
        libc.pipe2(pipe, O_CLOEXEC);
        try {
            int fd = wrong == WrongFd.PIDFD_ON_ANOTHER_CHILD ? otherPidfd : pipe[0];
            w.send("+ " + recorded.pid + " " + recorded.start + " 1 " + fd + "\n");
            long closed = w.closeStdin();
            // Refused, the copy is closed and the watchdog opens its own pidfd on the recorded child.
            awaitDead(recorded.members, closed, 2000 + 1000);
            w.awaitExit();
            assertAllAlive(other.members);
            assertEquals("", w.stderr());
        } finally {
            libc.close(otherPidfd);
            libc.close(pipe[0]);
            libc.close(pipe[1]);
        }
    }

    @Test
    void without_the_jvms_pidfd_a_group_whose_leader_was_reaped_is_proven_by_the_session_alone() throws Exception {
        // The same line, read after the reap, without FD: the watchdog cannot open a pidfd any more.
        Watchdog w = startWatchdog(2000, true);
        Group g = ownGroup("sleep 1000 & sleep 1000 & read x", 3);
        g.process.getOutputStream().close();
        assertTrue(g.process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
        w.send(g.record(1));
        long closed = w.closeStdin();
        if (jvmSid() != 0) {
            awaitDead(g.members.subList(1, 3), closed, 2000 + 1000);
        } else {
            w.awaitExit(); // no proof at all: left alone
            assertAllAlive(g.members.subList(1, 3));
        }
        w.awaitExit();
    }

    @ParameterizedTest(name = "wrong {0}")
    @ValueSource(strings = {"session", "start time"})
    void leaves_a_leaderless_group_alone_without_proof(String wrong) throws Exception {
        Watchdog w = wrong.equals("session") ? startWatchdog(2000, true, jvmSid() + 1) : startWatchdog(2000, true);
        Group g = ownGroup("sleep 1000 & sleep 1000 & read x", 3);
        g.process.getOutputStream().close();
        assertTrue(g.process.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
        // Members older than the recorded leader cannot be its descendants.
        long start = wrong.equals("session") ? g.start : g.start + 1_000_000;
        w.send("+ " + g.pid + " " + start + " 1\n");
        w.closeStdin();
        w.awaitExit();
        assertAllAlive(g.members.subList(1, 3));
    }

    @ParameterizedTest(name = "pidfd={0}")
    @ValueSource(booleans = {true, false})
    void ends_a_child_in_the_jvm_group_and_its_descendants_but_never_that_group(boolean pidfd) throws Exception {
        Watchdog w = startWatchdog(2000, pidfd);
        Process child = start("/bin/sh", "-c", "sleep 1000 & wait");
        List<Stat> tree = awaitValue(() -> {
            List<Stat> t = tree((int) child.pid());
            return t.size() == 2 ? t : null;
        }, "the shell and its sleep");
        Process bystander = start("/bin/sleep", "1000");
        Stat by = awaitValue(() -> stat((int) bystander.pid()), "the bystander");
        int jvmGroup = stat((int) ProcessHandle.current().pid()).pgid;
        assertEquals(jvmGroup, tree.get(0).pgid, "the child shares the test JVM's group");
        assertEquals(jvmGroup, by.pgid, "and so does the bystander");
        w.send("+ " + child.pid() + " " + tree.get(0).start + " 0\n");
        long closed = w.closeStdin();
        awaitDead(tree, closed, 2000 + 1000);
        w.awaitExit();
        assertAllAlive(List.of(by));
        assertEquals("", w.stderr());
    }

    @Test
    void reports_and_ignores_malformed_lines_and_joins_lines_split_across_reads() throws Exception {
        Watchdog w = startWatchdog(2000, true);
        Group g = ownGroup(TWO_SLEEPS, 3);
        w.send("hello\n+ 12 x 1\n+ 0 1 1\n+ 1 2 3\n- -3\n+ 1  2 1\n");
        w.send("x".repeat(5000) + "\n");
        String line = g.record(1);
        w.send(line.substring(0, 5));
        awaitDrained(w); // the watchdog has read the first half
        w.send(line.substring(5));
        long closed = w.closeStdin();
        awaitDead(g.members, closed, 3000);
        w.awaitExit();
        assertEquals(String.join("\n",
                "tether-watchdog: ignoring malformed line \"hello\"",
                "tether-watchdog: ignoring malformed line \"+ 12 x 1\"",
                "tether-watchdog: ignoring malformed line \"+ 0 1 1\"",
                "tether-watchdog: ignoring malformed line \"+ 1 2 3\"",
                "tether-watchdog: ignoring malformed line \"- -3\"",
                "tether-watchdog: ignoring malformed line \"+ 1  2 1\"",
                "tether-watchdog: ignoring a line longer than 4096 bytes",
                ""), w.stderr());
    }

    @Test
    void exits_2_with_a_usage_line_for_bad_arguments() throws Exception {
        String[][] bad = {{}, {"300"}, {"300", "1", "/tmp/tether-x", "extra"}, {"abc", "1"}, {"-1", "1"},
            {"86400001", "1"}, {"300", "2147483648"}, {"300", ""}, {"300", "1", "tmp/tether-x"}, {"300", "1", "/tmp/x"},
            {"300", "1", "/tmp/tether-"}, {"-c"}, {"-c", "x"}, {"-c", "x", "300"}};
        for (String[] args : bad) {
            List<String> command = new ArrayList<>(List.of(watchdog));
            command.addAll(Arrays.asList(args));
            Path err = Files.createTempFile(tmp, "usage", ".err");
            Process p = marked(new ProcessBuilder(command)).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
            assertEquals(2, p.exitValue(), Arrays.toString(args));
            assertEquals("tether-watchdog: usage: tether-watchdog [-c SOCKET] GRACE_MS JVM_SID [DIR]\n",
                    Files.readString(err));
        }
    }

    @ParameterizedTest(name = "pidfd={0}")
    @ValueSource(booleans = {true, false})
    void removes_the_private_directory_once_the_jvm_is_gone(boolean pidfd) throws Exception {
        Path dir = privateDir("rwx------");
        Path outside = Files.writeString(tmp.resolve("outside"), "kept");
        Files.createSymbolicLink(dir.resolve("jspawnhelper.jdk"), outside);
        Watchdog w = runToItsEnd(dir, pidfd, true);
        assertTrue(Files.notExists(dir, LinkOption.NOFOLLOW_LINKS), "the directory is gone");
        assertEquals("kept", Files.readString(outside), "a link's target is left alone");
        assertEquals("", w.stderr());
    }

    @Test
    void keeps_the_private_directory_while_the_jvm_lives() throws Exception {
        Path dir = privateDir("rwx------");
        Watchdog w = runToItsEnd(dir, true, false);
        assertEquals(List.of("tether-launcher"), list(dir));
        assertEquals("", w.stderr());
    }

    @Test
    void keeps_a_directory_that_is_not_private() throws Exception {
        Path dir = privateDir("rwxr-xr-x");
        Watchdog w = runToItsEnd(dir, true, true);
        assertEquals(List.of("tether-launcher"), list(dir));
        assertEquals("tether-watchdog: not removing " + dir + ": not a directory of this user with mode 0700\n", w.stderr());
    }

    /**
     * A watchdog for {@code dir} started by a JVM that can die, which dies or not, then EOF (without
     * the death: the JVM closed the pipe, it did not die), and the watchdog's end.
     */
    private Watchdog runToItsEnd(Path dir, boolean pidfd, boolean jvmDies) throws Exception {
        Process[] jvm = new Process[1];
        Watchdog w = startUnderJvmThatCanDie(dir, pidfd, jvm);
        if (jvmDies) {
            jvm[0].destroyForcibly().waitFor();
        }
        w.closeStdin();
        w.awaitExit();
        return w;
    }

    /** A directory as the agent makes it, with {@code mode}, holding a file named as the launcher. */
    private Path privateDir(String mode) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("tether-" + mark));
        Files.writeString(dir.resolve("tether-launcher"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    // ---- The watchdog and the groups. ----

    private final class Watchdog {
        final Stat proc;
        final int fd;
        final Path err;
        private boolean open = true;

        Watchdog(Stat proc, int fd, Path err) {
            this.proc = proc;
            this.fd = fd;
            this.err = err;
        }

        void send(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertEquals(bytes.length, libc.write(fd, bytes, bytes.length));
        }

        /** @return when stdin was closed (System.nanoTime). */
        long closeStdin() {
            if (open) {
                open = false;
                libc.close(fd);
            }
            return System.nanoTime();
        }

        void awaitExit() {
            awaitTrue(() -> !alive(proc), "the watchdog exits");
        }

        String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    private Watchdog startWatchdog(long graceMs, boolean pidfd) throws Exception {
        return startWatchdog(graceMs, pidfd, jvmSid());
    }

    private Watchdog startWatchdog(long graceMs, boolean pidfd, int sid) throws Exception {
        Process[] starter = new Process[1];
        Watchdog starting = spawnOnPipe(pidfd, starter, watchdog, Long.toString(graceMs), Integer.toString(sid));
        assertTrue(starter[0].waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the started process exits at once");
        assertEquals(0, starter[0].exitValue(), () -> "exit status; stderr: " + starting.stderr());
        return detached(starting);
    }

    /**
     * The watchdog as a JVM that can die starts it: a shell runs it (and waits for the process that
     * detaches it, as the JVM does), then becomes a sleep, returned in {@code jvm[0]}.
     */
    private Watchdog startUnderJvmThatCanDie(Path dir, boolean pidfd, Process[] jvm) throws Exception {
        Watchdog starting = spawnOnPipe(pidfd, jvm, "/bin/sh", "-c", "\"$@\" && exec sleep 1000", "sh", watchdog, "300",
                Integer.toString(jvmSid()), dir.toString());
        Watchdog w = detached(starting);
        awaitTrue(() -> cmdline((int) jvm[0].pid()).startsWith("sleep\0"), "the stand-in JVM once the watchdog ran");
        return w;
    }

    /** Starts {@code command} with stdin a pipe of ours, marked; the process in {@code started[0]}. */
    private Watchdog spawnOnPipe(boolean pidfd, Process[] started, String... command) throws Exception {
        int[] pipe = new int[2];
        libc.pipe2(pipe, O_CLOEXEC);
        Path err = Files.createTempFile(tmp, "watchdog", ".err");
        try {
            ProcessBuilder pb = marked(new ProcessBuilder(command))
                    .redirectInput(new File("/proc/self/fd/" + pipe[0]))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            if (!pidfd) {
                pb.environment().put("TETHER_WATCHDOG_NO_PIDFD", "1");
            }
            started[0] = pb.start();
        } finally {
            libc.close(pipe[0]);
        }
        Watchdog starting = new Watchdog(null, pipe[1], err);
        watchdogs.add(starting); // so cleanup closes the pipe whatever happens next
        return starting;
    }

    /** The watchdog {@code starting} started, once it has detached. */
    private Watchdog detached(Watchdog starting) {
        // By its session: the process that starts it (same command line) may still be there, and the
        // watchdog, just forked, may not have called setsid() yet.
        Stat detached = awaitValue(() -> marked(mark + "\0").stream()
                .filter(s -> cmdline(s.pid).startsWith(watchdog + "\0") && s.sid == s.pid).findFirst().orElse(null),
                "the detached watchdog, in a session of its own");
        Watchdog w = new Watchdog(detached, starting.fd, starting.err);
        watchdogs.set(watchdogs.indexOf(starting), w);
        return w;
    }

    private static final class Group {
        final Process process;
        final int pid;
        final long start;
        /** The leader first. */
        final List<Stat> members;

        Group(Process process, List<Stat> members) {
            this.process = process;
            this.pid = (int) process.pid();
            this.members = members;
            this.start = members.get(0).start;
        }

        String record(int own) {
            return "+ " + pid + " " + start + " " + own + "\n";
        }
    }

    /** A shell in a group of its own (through the launcher), once the group has {@code size} members. */
    private Group ownGroup(String script, int size) throws IOException {
        Process p = start(launcher, "/bin/sh", "sh", "-c", script);
        int pid = (int) p.pid();
        return new Group(p, awaitValue(() -> {
            List<Stat> members = all().stream().filter(s -> s.pgid == pid && !s.zombie())
                    .sorted((a, b) -> Boolean.compare(a.pid != pid, b.pid != pid)).collect(Collectors.toList());
            return members.size() == size && members.get(0).pid == pid ? members : null;
        }, "group " + pid + " with " + size + " members"));
    }

    private Process start(String... command) throws IOException {
        return marked(new ProcessBuilder(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private ProcessBuilder marked(ProcessBuilder pb) {
        pb.environment().put(MARK, mark);
        return pb;
    }

    // ---- /proc. ----

    /** Fields of /proc/PID/stat (proc(5)): the pair (pid, start) names one process. */
    private static final class Stat {
        final int pid;
        final char state;
        final int ppid;
        final int pgid;
        final int sid;
        final long start;

        Stat(int pid, String line) {
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            this.pid = pid;
            this.state = f[0].charAt(0);
            this.ppid = Integer.parseInt(f[1]);
            this.pgid = Integer.parseInt(f[2]);
            this.sid = Integer.parseInt(f[3]);
            this.start = Long.parseLong(f[19]);
        }

        boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        @Override
        public String toString() {
            return pid + "(" + state + ", pgid " + pgid + ")";
        }
    }

    private static Stat stat(int pid) {
        try {
            return new Stat(pid, Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return null;
        }
    }

    /** Still the same process, and not a zombie (where PID 1 reaps no orphans, they stay forever). */
    private static boolean alive(Stat s) {
        Stat now = stat(s.pid);
        return now != null && now.start == s.start && !now.zombie();
    }

    private static List<Stat> all() {
        List<Stat> all = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                Stat s = stat(Integer.parseInt(p.getFileName().toString()));
                if (s != null) {
                    all.add(s);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return all;
    }

    /** {@code root} and its live descendants, root first. */
    private static List<Stat> tree(int root) {
        List<Stat> all = all();
        List<Stat> tree = new ArrayList<>();
        all.stream().filter(s -> s.pid == root && !s.zombie()).forEach(tree::add);
        for (int i = 0; i < tree.size(); i++) {
            int parent = tree.get(i).pid;
            all.stream().filter(s -> s.ppid == parent && !s.zombie()).forEach(tree::add);
        }
        return tree;
    }

    /** Live processes with an environment entry that starts with MARK=&lt;prefix&gt; (end it with NUL: all of it). */
    private static List<Stat> marked(String prefix) {
        byte[] wanted = (MARK + "=" + prefix).getBytes(StandardCharsets.US_ASCII);
        return all().stream().filter(s -> !s.zombie()).filter(s -> {
            try {
                byte[] env = Files.readAllBytes(Path.of("/proc/" + s.pid + "/environ"));
                for (int i = 0; i + wanted.length <= env.length; i++) {
                    if ((i == 0 || env[i - 1] == 0) && Arrays.equals(env, i, i + wanted.length, wanted, 0, wanted.length)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // gone, or not ours to read
            }
            return false;
        }).collect(Collectors.toList());
    }

    private static String cmdline(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** The open descriptors of {@code pid}: {number, link target}, by number. */
    private static List<String[]> fds(int pid) {
        List<String[]> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : dir) {
                try {
                    fds.add(new String[] {fd.getFileName().toString(), Files.readSymbolicLink(fd).toString()});
                } catch (NoSuchFileException closedMeanwhile) {
                    // closed between the listing and this look: it is not open any more
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        fds.sort((a, b) -> Integer.parseInt(a[0]) - Integer.parseInt(b[0]));
        return fds;
    }

    private static long ignoredSignals(int pid) {
        try {
            return Long.parseUnsignedLong(status(pid, "SigIgn"), 16);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String status(int pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError(field + " not in /proc/" + pid + "/status");
    }

    private static int jvmSid() {
        return libc.getsid(0);
    }

    // ---- Waiting: polls against a deadline, never a fixed sleep. ----

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static <T> T awaitValue(Supplier<T> probe, String what) {
        long start = System.nanoTime();
        for (;; pause()) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (millisSince(start) > DEADLINE_MS) {
                fail("timed out waiting for " + what);
            }
        }
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        awaitValue(() -> condition.get() ? Boolean.TRUE : null, what);
    }

    /** Waits until the watchdog has read everything written to its pipe. */
    private static void awaitDrained(Watchdog w) {
        int[] waiting = new int[1];
        awaitTrue(() -> {
            libc.ioctl(w.fd, FIONREAD, waiting);
            return waiting[0] == 0;
        }, "the watchdog reads its pipe");
    }

    /** @return the milliseconds from {@code since} until none of {@code procs} was alive, at most {@code withinMs}. */
    private static long awaitDead(List<Stat> procs, long since, long withinMs) {
        while (true) {
            List<Stat> left = procs.stream().filter(WatchdogTest::alive).collect(Collectors.toList());
            long took = millisSince(since);
            if (left.isEmpty()) {
                return took;
            }
            if (took > withinMs) {
                fail("still alive " + took + " ms after EOF: " + left);
            }
            pause();
        }
    }

    private static void assertAllAlive(List<Stat> procs) {
        List<Stat> dead = procs.stream().filter(s -> !alive(s)).collect(Collectors.toList());
        assertTrue(dead.isEmpty(), "ended though they should be left alone: " + dead);
    }

    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static String resource(String platform, String name) throws Exception {
        String resource = "dev/tether/native/" + platform + "/" + name;
        URL url = WatchdogTest.class.getClassLoader().getResource(resource);
        assertTrue(url != null, "the build put " + resource + " on the test class path");
        return Path.of(url.toURI()).toString();
    }
}
