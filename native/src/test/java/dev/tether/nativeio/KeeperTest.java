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
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The keeper's protocol and ownership rules (docs/keeper.md), case by case, against the binary the
 * build produced: this JVM plays the JVM (the keeper's parent, the only peer it takes a channel
 * from), children register themselves through the real launcher, and /proc says who is alive.
 * Cases that depend on the kernel's pidfd support run in each {@link Kernel}: as this machine's, and
 * under the seccomp wrapper (native/src/test/c) as older or locked-down kernels answer. Linux only.
 */
class KeeperTest {
    /** Every process a test starts carries MARK=&lt;RUN&gt;-&lt;n&gt; (children inherit it), so cleanup finds them all. */
    private static final String MARK = "TETHER_KEEPER_TEST";
    private static final String RUN = UUID.randomUUID().toString();
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final long DEADLINE_MS = 10_000;
    private static final int SIGHUP = 1, SIGINT = 2, SIGTERM = 15, SIGSTOP = 19;
    private static final String TWO_SLEEPS = "sleep 1000 & sleep 1000 & wait";

    /** The kernels the keeper must work on, as the seccomp wrapper makes this one answer. */
    enum Kernel {
        /** This one: pidfds with PIDFD_SIGNAL_PROCESS_GROUP (Linux 6.9+). */
        CURRENT(""),
        /** Before 6.9: pidfds, but groups only through kill(-pgid) with /proc proofs. */
        NO_GROUP_FLAG("tether-keeper: no PIDFD_SIGNAL_PROCESS_GROUP; groups proven through /proc: Invalid argument\n",
                "pidfd_send_signal:group=22"),
        /** Before 5.3, or a filter that refuses them: no pidfd at all, start times only. */
        NO_PIDFD("tether-keeper: no pidfd_open; groups proven by their start times: Function not implemented\n",
                "pidfd_open=38", "pidfd_send_signal=38", "pidfd_getfd=38");

        /** What the keeper says at its start on this kernel: once, what it falls back to. */
        final String said;
        final List<String> rules;

        Kernel(String said, String... rules) {
            this.said = said;
            this.rules = List.of(rules);
        }

        /** {@code command}, under this kernel's filter. */
        List<String> run(List<String> command) {
            if (rules.isEmpty()) {
                return command;
            }
            List<String> wrapped = new ArrayList<>();
            wrapped.add(seccomp());
            wrapped.addAll(rules);
            wrapped.add("--");
            wrapped.addAll(command);
            return wrapped;
        }
    }

    /** The libc calls Java lacks. */
    interface C extends Library {
        int kill(int pid, int sig) throws LastErrorException;

        int getsid(int pid) throws LastErrorException;

        int socket(int domain, int type, int protocol) throws LastErrorException;

        long sendto(int fd, byte[] data, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static C libc;
    private static String keeperBinary;
    private static String launcherBinary;

    @TempDir
    Path tmp;

    private final String mark = RUN + "-" + TESTS.incrementAndGet();
    private final List<SocketChannel> channels = new ArrayList<>();

    @BeforeAll
    static void findBinaries() throws Exception {
        String platform = System.getProperty("tether.platform");
        assertTrue(platform != null, "tether.platform is set by the build (native/pom.xml)");
        assumeTrue(platform.startsWith("linux-"), "these tests read /proc");
        keeperBinary = resource(platform, "tether-keeper");
        launcherBinary = resource(platform, "tether-launcher");
        libc = Native.load("c", C.class);
    }

    @AfterEach
    void killEverythingMarked() throws IOException {
        long start = System.nanoTime();
        for (List<Stat> left; !(left = marked(RUN + "-")).isEmpty(); pause()) {
            left.forEach(s -> ProcessHandle.of(s.pid).ifPresent(ProcessHandle::destroyForcibly));
            assertTrue(millisSince(start) < DEADLINE_MS, "still alive after SIGKILL: " + left);
        }
        for (SocketChannel channel : channels) {
            channel.close(); // only now, with every keeper dead, can it no longer start a stop
        }
    }

    // ---- Starting ----

    @Test
    void detaches_into_a_session_of_its_own_with_its_sockets_and_a_pidfd_on_the_jvm() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        Stat s = stat(k.proc.pid);
        assertEquals(k.proc.pid, s.sid, "leads a session of its own");
        assertNotEquals(ProcessHandle.current().pid(), s.ppid, "not a child of the JVM");
        awaitTrue(() -> readLink(Path.of("/proc/" + k.proc.pid + "/cwd")).equals("/"), "the keeper in /");
        List<String> fds = fds(k.proc.pid).stream().map(f -> f[1]).collect(Collectors.toList());
        assertEquals(22, fds.size(), "0, 1, 2, 16 registration sockets, the channel, the status listener, a pidfd on"
                + " the JVM: " + fds);
        assertTrue(fds.contains("anon_inode:[pidfd]"), fds.toString());
        List<String> expected = new ArrayList<>(List.of("jspawnhelper", "jspawnhelper-samegroup", "jspawnhelper.jdk",
                "keeper.status", "tether-launcher", "tether-launcher-samegroup"));
        for (int i = 0; i < 16; i++) {
            expected.add("keeper.reg" + Integer.toHexString(i));
        }
        assertEquals(expected.stream().sorted().collect(Collectors.toList()), list(k.dir),
                "the channel's name is gone once the JVM has connected");
        assertEquals("", k.stderr());
    }

    @Test
    void exits_2_with_a_usage_line_for_bad_arguments_and_1_when_it_cannot_start() throws Exception {
        Path dir = privateDir();
        for (List<String> args : List.<List<String>>of(List.of(), List.of("2000", "1"), List.of("x", "1", dir.toString()),
                List.of("86400001", "1", dir.toString()), List.of("2000", "1", "relative/tether-x"),
                List.of("2000", "1", "/tmp/not-ours"), List.of("-s", "2000", "1"),
                List.of("2000", "1", "/" + "x".repeat(100) + "/tether-x"))) {
            Result r = runToEnd(Kernel.CURRENT, args);
            assertEquals(2, r.exit, args.toString());
            assertEquals("tether-keeper: usage: tether-keeper [-s] [-c CGROUP] [-r REPORT] GRACE_MS JVM_SID DIR\n", r.err, args.toString());
        }
        Result missing = runToEnd(Kernel.CURRENT, List.of("2000", "1", tmp.resolve("tether-gone").toString()));
        assertEquals(1, missing.exit);
        assertTrue(missing.err.startsWith("tether-keeper: cannot start: "), missing.err);
    }

    @Test
    void ignores_sighup_sigint_and_sigpipe_and_sigterm_ends_it_alone() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        long bit = 1;
        awaitTrue(() -> (ignoredSignals(k.proc.pid) & bit << (SIGTERM - 1)) == 0, "SIGTERM at its default");
        long mask = bit << (SIGHUP - 1) | bit << (SIGINT - 1) | bit << (13 - 1) | bit << (SIGTERM - 1);
        assertEquals(bit << (SIGHUP - 1) | bit << (SIGINT - 1) | bit << (13 - 1), ignoredSignals(k.proc.pid) & mask);
        Group g = k.group(TWO_SLEEPS, 3);
        libc.kill(k.proc.pid, SIGHUP);
        libc.kill(k.proc.pid, SIGINT);
        assertEquals("list " + g.pid + "g", k.ask("list"), "it runs on after SIGHUP and SIGINT");
        libc.kill(k.proc.pid, SIGTERM);
        k.awaitExit();
        assertAllAlive(g.members);
    }

    // ---- Registrations ----

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void a_child_registers_itself_through_the_launcher_in_every_form(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 2000);
        Group own = k.group(TWO_SLEEPS, 3);
        Process same = k.launch(true, "/bin/sleep", "sleep", "1000");
        // The jspawnhelper forms, with /bin/sleep standing in for the JDK's helper: {helper.jdk, 1000}.
        Process helper = k.start(List.of(k.dir.resolve("jspawnhelper").toString(), "1000"));
        Process sameHelper = k.start(List.of(k.dir.resolve("jspawnhelper-samegroup").toString(), "1000"));
        awaitTrue(() -> readLink(Path.of("/proc/" + helper.pid() + "/exe")).endsWith("/sleep")
                && readLink(Path.of("/proc/" + sameHelper.pid() + "/exe")).endsWith("/sleep"), "the helpers' stand-ins run");
        String list = k.ask("list");
        assertEquals(sorted("list " + own.pid + "g " + same.pid() + "j " + helper.pid() + "g " + sameHelper.pid() + "j"),
                sorted(list), list);
        assertEquals(stat((int) ProcessHandle.current().pid()).pgid, stat((int) same.pid()).pgid,
                "the samegroup form stays in the JVM's group");
        assertEquals(kernel.said, k.stderr());
    }

    @Test
    void takes_registrations_only_from_the_jvms_own_children() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        // A grandchild runs the launcher: same user, same directory, but its parent is a shell.
        Process shell = k.start(List.of("/bin/sh", "-c", "\"$0\" /bin/sleep sleep 1000; :", k.launcher(false)));
        Stat grandchild = awaitValue(() -> tree((int) shell.pid()).stream().filter(s -> comm(s.pid).equals("sleep"))
                .findFirst().orElse(null), "the grandchild");
        assertEquals("list", k.ask("list"));
        assertEquals("tether-keeper: dropping a registration from pid " + grandchild.pid + ": its parent " + shell.pid()
                + " is not the JVM\n", k.stderr());
    }

    @Test
    void drops_a_malformed_registration_and_runs_on() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        int sock = libc.socket(1, 2, 0); // AF_UNIX, SOCK_DGRAM
        try {
            byte[] path = k.dir.resolve("keeper.reg0").toString().getBytes(StandardCharsets.US_ASCII);
            byte[] address = Arrays.copyOf(new byte[] {1, 0}, 2 + path.length + 1); // sa_family AF_UNIX, path, NUL
            System.arraycopy(path, 0, address, 2, path.length);
            for (String bad : List.of("x", "g 12x", "g\0", "gg", "j 99999999999999999999999")) {
                byte[] data = bad.getBytes(StandardCharsets.ISO_8859_1);
                libc.sendto(sock, data, data.length, 0, address, address.length);
            }
        } finally {
            libc.close(sock);
        }
        assertEquals("list", k.ask("list"));
        String self = Long.toString(ProcessHandle.current().pid());
        assertEquals(("tether-keeper: dropping a malformed registration from pid " + self + "\n").repeat(5), k.stderr());
        Group g = k.group(TWO_SLEEPS, 3);
        assertEquals("list " + g.pid + "g", k.ask("list"));
    }

    @Test
    void forgets_the_groups_that_have_emptied_so_its_descriptors_follow_live_groups() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        for (int i = 0; i < 200; i++) {
            assertEquals(0, k.launch(false, "/bin/true", "true").waitFor());
        }
        Group g = k.group(TWO_SLEEPS, 3);
        List<String> listed = sorted(k.ask("list"));
        assertTrue(listed.size() <= 64 && listed.contains(g.pid + "g"), listed.toString());
        assertTrue(fds(k.proc.pid).size() <= 22 + 64, "one pidfd per entry: " + fds(k.proc.pid).size());
    }

    // ---- Ending: "stop", and the JVM's death ----

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void stop_ends_every_group_with_sigterm_and_answers_what_it_did(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 2000);
        Group a = k.group(TWO_SLEEPS, 3);
        Group b = k.group(TWO_SLEEPS, 3);
        String answer = k.ask("stop 0");
        // The first few commands, for the JVM's summary line: each group's leader, after a tab.
        assertTrue(answer.matches("stopped 2 0 0 \\d+" + ("\t" + java.util.regex.Pattern.quote("sh -c " + TWO_SLEEPS)).repeat(2)), answer);
        assertDead(a.members);
        assertDead(b.members);
        assertEquals(kernel.said, k.stderr());
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void sigkills_a_group_that_ignores_sigterm_after_the_grace_period_not_before(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 300);
        Group g = k.group("trap '' TERM; " + TWO_SLEEPS, 3);
        long asked = System.nanoTime();
        String answer = k.ask("stop 0");
        assertTrue(answer.matches("stopped 1 1 0 \\d+(\\t[^\\t]*)*"), answer);
        assertTrue(millisSince(asked) >= 300, "SIGKILL only after the grace period");
        assertDead(g.members);
    }

    @Test
    void continues_a_stopped_group_so_it_can_act_on_sigterm() throws Exception {
        Keeper k = start(Kernel.CURRENT, 5000);
        Group g = k.group("trap 'exit 0' TERM; " + TWO_SLEEPS, 3);
        awaitTrue(() -> g.members.subList(1, 3).stream().allMatch(m -> comm(m.pid).equals("sleep")), "the sleeps run");
        libc.kill(-g.pid, SIGSTOP);
        awaitTrue(() -> g.members.stream().allMatch(m -> stat(m.pid).state == 'T'), "the group is stopped");
        String answer = k.ask("stop 0");
        assertTrue(answer.matches("stopped 1 0 0 \\d+(\\t[^\\t]*)*"), "ended before the grace period: " + answer);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void ends_a_group_whose_leader_is_gone(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 2000);
        Group g = k.group(TWO_SLEEPS, 3);
        libc.kill(g.pid, 9);
        assertEquals(128 + 9, g.process.waitFor(), "the leader is gone, and the JDK reaped it");
        String answer = k.ask("stop 0");
        assertTrue(answer.matches("stopped 1 0 0 \\d+(\\t[^\\t]*)*"), answer);
        assertDead(g.members.subList(1, 3));
    }

    @Test
    void ends_a_child_in_the_jvms_group_and_its_descendants_but_never_that_group() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        Process child = k.launch(true, "/bin/sh", "sh", "-c", TWO_SLEEPS);
        List<Stat> tree = awaitValue(() -> {
            List<Stat> t = tree((int) child.pid());
            return t.size() == 3 ? t : null;
        }, "the child and its two sleeps");
        String answer = k.ask("stop 0");
        assertTrue(answer.matches("stopped 1 0 0 \\d+(\\t[^\\t]*)*"), answer);
        assertDead(tree);
        // This JVM is in that group, and still here.
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void the_end_of_the_channel_is_the_jvms_death_and_ends_every_group(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 2000);
        Group g = k.group(TWO_SLEEPS, 3);
        assertEquals("list " + g.pid + "g", k.ask("list"));
        k.channel.close();
        assertDead(g.members);
        k.awaitExit();
    }

    @Test
    void a_jvm_that_dies_unconnected_has_its_groups_ended_and_its_directory_removed() throws Exception {
        // A stand-in JVM: a shell that starts the keeper and a group through the launcher, then
        // becomes a sleep; it never connects. Killing it is the JVM's death.
        Path dir = privateDir();
        Process jvm = marked(new ProcessBuilder("/bin/sh", "-c",
                "\"$0\" 2000 0 \"$1\" && { \"$1/tether-launcher\" /bin/sh sh -c '" + TWO_SLEEPS + "' & exec sleep 1000; }",
                keeperBinary, dir.toString())).redirectErrorStream(true).redirectOutput(tmp.resolve("jvm.out").toFile()).start();
        List<Stat> group = twoSleepsBelow(jvm);
        assertTrue(Files.exists(dir.resolve("keeper.reg0")));
        jvm.destroyForcibly().waitFor();
        assertDead(group);
        awaitTrue(() -> Files.notExists(dir, LinkOption.NOFOLLOW_LINKS), "the directory is gone");
        assertEquals("", Files.readString(tmp.resolve("jvm.out")));
    }

    // ---- The linux-aarch64 build, under qemu-aarch64-static (the tools are cross-compiled on x86_64) ----

    /** Both tools for linux-aarch64 are in the build, for that machine, and static (no PT_INTERP). */
    @Test
    void the_aarch64_tools_are_static_aarch64_executables() throws Exception {
        assumeTrue(System.getProperty("tether.platform").equals("linux-x86_64"), "cross-built on x86_64 only");
        for (String tool : List.of("tether-launcher", "tether-keeper")) {
            ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(Path.of(resource("linux-aarch64", tool))))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x464c457f, elf.getInt(0), tool + ": an ELF file");
            assertEquals(183, elf.getShort(18), tool + ": e_machine EM_AARCH64");
            long phoff = elf.getLong(32);
            int phentsize = elf.getShort(54), phnum = elf.getShort(56);
            for (int i = 0; i < phnum; i++) {
                assertNotEquals(3, elf.getInt((int) phoff + i * phentsize), tool + ": a PT_INTERP, so not static");
            }
        }
    }

    /**
     * The aarch64 launcher and keeper, run by qemu-aarch64-static: the launcher puts the child in a
     * group of its own and registers it; a stand-in JVM (a shell) is killed, and the keeper ends the
     * group and removes the directory, saying nothing.
     */
    @Test
    void the_aarch64_tools_under_qemu_put_a_child_in_its_group_and_end_it_after_the_jvms_death() throws Exception {
        assumeTrue(System.getProperty("tether.platform").equals("linux-x86_64"), "cross-built on x86_64 only");
        String qemu = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "qemu-aarch64-static"))
                .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
        assumeTrue(qemu != null, "no qemu-aarch64-static on PATH (Debian: qemu-user-static)");
        Path dir = Files.createDirectory(tmp.resolve("tether-aarch64"));
        Files.copy(Path.of(resource("linux-aarch64", "tether-launcher")), dir.resolve("tether-launcher"));
        Files.copy(Path.of(resource("linux-aarch64", "tether-keeper")), dir.resolve("tether-keeper"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path ownGroup = tmp.resolve("own.out");
        Process own = marked(new ProcessBuilder(qemu, dir + "/tether-launcher", "/bin/sh", "sh", "-c",
                "cut -d' ' -f1,5 /proc/$$/stat")).redirectOutput(ownGroup.toFile()).start();
        assertTrue(own.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
        String[] pidAndGroup = Files.readString(ownGroup).trim().split(" ");
        assertEquals(pidAndGroup[0], pidAndGroup[1], "the child leads a group of its own");

        Process jvm = marked(new ProcessBuilder("/bin/sh", "-c",
                "\"$0\" \"$1/tether-keeper\" 2000 \"$2\" \"$1\" && { \"$0\" \"$1/tether-launcher\" /bin/sh sh -c '"
                        + TWO_SLEEPS + "' & exec sleep 1000; }",
                qemu, dir.toString(), Integer.toString(libc.getsid(0))))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("jvm.out").toFile()).start();
        List<Stat> group = twoSleepsBelow(jvm);
        assertEquals(group.get(0).pgid, group.get(1).pgid);
        assertNotEquals(stat((int) jvm.pid()).pgid, group.get(0).pgid, "not in the stand-in JVM's group");
        jvm.destroyForcibly().waitFor();
        assertDead(group);
        awaitTrue(() -> Files.notExists(dir, LinkOption.NOFOLLOW_LINKS), "the keeper removed the directory");
        assertEquals("", Files.readString(tmp.resolve("jvm.out")));
    }

    /**
     * The JVM is killed while its last child's registration still waits in a queue (the keeper reads
     * them in batches; here it is stopped meanwhile): when the keeper reads it, the JVM is gone and the
     * child has another parent. It must be ended all the same.
     */
    @Test
    void ends_a_child_whose_registration_is_read_only_after_the_jvms_death() throws Exception {
        Path dir = privateDir();
        Process jvm = marked(new ProcessBuilder("/bin/sh", "-c",
                "\"$0\" 2000 \"$2\" \"$1\" && read go && { \"$1/tether-launcher\" /bin/sh sh -c '" + TWO_SLEEPS
                        + "' & exec sleep 1000; }",
                keeperBinary, dir.toString(), Integer.toString(libc.getsid(0))))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("jvm.out").toFile()).start();
        Stat keeper = awaitValue(() -> marked(mark + "\0").stream()
                .filter(s -> cmdline(s.pid).startsWith(keeperBinary + "\0") && s.sid == s.pid).findFirst().orElse(null),
                "the detached keeper");
        libc.kill(keeper.pid, 19); // SIGSTOP
        try (OutputStream in = jvm.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        List<Stat> group = twoSleepsBelow(jvm);
        jvm.destroyForcibly().waitFor();
        libc.kill(keeper.pid, 18); // SIGCONT
        assertDead(group);
        assertEquals("", Files.readString(tmp.resolve("jvm.out")));
    }

    /**
     * A container whose init never called setsid(2) (here: {@code unshare --pid} without setsid): the
     * JVM's session leader is outside the namespace, so getsid(0) and /proc say 0 for the JVM and its
     * children. A group whose leader is gone must still be ended where /proc is the only proof.
     */
    @ParameterizedTest
    @EnumSource(Kernel.class)
    void ends_a_leaderless_group_when_the_jvms_session_leader_is_outside_its_pid_namespace(Kernel kernel) throws Exception {
        List<String> unshare = List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child");
        assumeTrue(new ProcessBuilder(concat(unshare, List.of("true"))).start().waitFor() == 0,
                "unshare --pid is not permitted here (needs root or CAP_SYS_ADMIN)");
        Path dir = privateDir();
        // PID 1 there stays (a sleep); the stand-in JVM starts the keeper and a group, reaps the
        // group's leader once it is killed, becomes a sleep, and never connects.
        String keeper = shellWords(kernel.run(List.of(keeperBinary, "2000", "0", dir.toString())));
        String launch = shellWords(kernel.run(List.of(dir + "/tether-launcher", "/bin/sh", "sh", "-c",
                "sleep 1001 & sleep 1001 & wait")));
        String standIn = keeper + " && { " + launch + " & { wait $!; } 2>/dev/null; exec sleep 1000; }";
        List<String> inside = List.of("/bin/sh", "-c", "/bin/sh -c \"$0\" & exec sleep 1000", standIn);
        Process namespace = marked(new ProcessBuilder(concat(unshare, inside))).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("ns.out").toFile()).start();
        List<Stat> group = twoSleepsBelow(namespace.pid(), st -> cmdline(st.pid).equals("sleep\0" + "1001\0"));
        Stat leader = stat(group.get(0).ppid);
        Stat jvm = stat(leader.ppid);
        libc.kill(leader.pid, 9);
        awaitTrue(() -> stat(leader.pid) == null && comm(jvm.pid).equals("sleep"), "the stand-in reaped the leader");
        libc.kill(jvm.pid, 9);
        assertDead(group);
        assertEquals(kernel.said, Files.readString(tmp.resolve("ns.out")));
    }

    /** The two sleeps of a stand-in JVM's group, once both run (the stand-in itself ends as a sleep too). */
    private static List<Stat> twoSleepsBelow(Process standIn) {
        return twoSleepsBelow(standIn.pid(), st -> comm(st.pid).equals("sleep") && st.pid != standIn.pid());
    }

    /** The two sleeps of a stand-in JVM's group, once both run: its descendants that {@code sleep} picks. */
    private static List<Stat> twoSleepsBelow(long standIn, Predicate<Stat> sleep) {
        return awaitValue(() -> {
            List<Stat> t = tree((int) standIn).stream().filter(sleep).collect(Collectors.toList());
            return t.size() == 2 ? t : null;
        }, "the group's two sleeps");
    }

    /** The words, each quoted for sh(1). */
    private static String shellWords(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void after_stop_a_child_that_registers_is_killed_at_once_and_the_end_of_the_channel_ends_nothing() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        assertTrue(k.ask("stop 0").startsWith("stopped 0 0 0 "));
        Process late = k.launch(false, "/bin/sleep", "sleep", "1000");
        assertTrue(late.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "killed at once");
        assertEquals(128 + 9, late.exitValue());
        k.channel.close();
        k.awaitExit();
    }

    @Test
    void waits_for_groups_to_end_by_themselves_before_sigterm_when_asked() throws Exception {
        // A forwarded Ctrl-C: the children act on it; SIGTERM only after WAIT_MS.
        // The shell acts on SIGINT for a second, ignoring SIGTERM: asked to wait 3 s, the keeper finds
        // nothing left to signal; asked not to wait, it would signal the group (and count it).
        Keeper k = start(Kernel.CURRENT, 5000);
        Group g = k.group("trap 'sleep 1; exit 0' INT; trap '' TERM; sleep 1000; :", 2);
        awaitTrue(() -> comm(g.members.get(1).pid).equals("sleep"), "the sleep runs");
        assertEquals("ok", k.ask("interrupt"));
        String answer = k.ask("stop 3000");
        assertTrue(answer.matches("stopped 0 0 0 \\d+(\\t[^\\t]*)*"), "nothing left to signal: " + answer);
        assertDead(g.members);
    }

    @Test
    void keeper_status_tells_this_users_client_every_live_group_with_its_processes() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        Group g = k.group(TWO_SLEEPS, 3);
        List<String> lines;
        try (SocketChannel status = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            status.connect(UnixDomainSocketAddress.of(k.dir.resolve("keeper.status")));
            lines = List.of(new String(Channels.newInputStream(status).readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        assertEquals("jvm " + ProcessHandle.current().pid(), lines.get(0));
        assertEquals("group " + g.pid + " g", lines.get(1));
        for (Stat member : g.members) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("proc " + member.pid + " ")), member + " in " + lines);
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("proc " + g.pid + " \\d+ " + g.pid + " \\d+ sh -c " + TWO_SLEEPS)),
                lines.toString());
        assertEquals("end", lines.get(lines.size() - 1));
        assertEquals(1 + 1 + 3 + 1, lines.size(), lines.toString());
    }

    // ---- Requests ----

    @Test
    void signal_reaches_the_childs_whole_group_and_nothing_else() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        Group a = k.group(TWO_SLEEPS, 3);
        Group b = k.group(TWO_SLEEPS, 3);
        assertEquals("ok", k.ask("signal " + a.pid + " 15"));
        assertDead(a.members);
        assertAllAlive(b.members);
        assertEquals("ok", k.ask("signal 424242 9"), "a pid it does not hold: nothing to do");
        assertAllAlive(b.members);
    }

    @Test
    void never_takes_pid_0_or_1_and_answers_error_to_anything_malformed() throws Exception {
        // kill(-1, sig) is every process the user may signal; kill(0, sig) the keeper's own group.
        Keeper k = start(Kernel.CURRENT, 2000);
        long init = stat(1).start;
        for (String bad : List.of("signal 1 9", "signal 0 9", "signal -1 9", "adopt 1 " + init + " 1", "adopt 0 0 1",
                "spare 1", "signal 12 3", "stop", "stop x", "hello", "list ", "x".repeat(300))) {
            assertEquals("error", k.ask(bad), bad);
        }
        assertEquals("list", k.ask("list"));
        assertTrue(alive(stat(k.proc.pid)));
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void adopt_takes_a_child_of_the_jvm_proven_by_its_start_time_and_nothing_else(Kernel kernel) throws Exception {
        Keeper k = start(kernel, 2000);
        Process plain = k.start(List.of("/usr/bin/setsid", "/bin/sh", "-c", TWO_SLEEPS));
        Stat leader = awaitValue(() -> {
            Stat s = stat((int) plain.pid());
            return s != null && s.pgid == s.pid ? s : null;
        }, "the child in a group of its own");
        assertEquals("refused", k.ask("adopt " + leader.pid + " " + (leader.start + 1) + " 1"), "another start time");
        assertEquals("refused", k.ask("adopt " + k.proc.pid + " " + stat(k.proc.pid).start + " 1"), "not the JVM's child");
        assertEquals("ok", k.ask("adopt " + leader.pid + " " + leader.start + " 1"));
        assertEquals("list " + leader.pid + "g", k.ask("list"));
        List<Stat> members = awaitValue(() -> {
            List<Stat> t = tree(leader.pid);
            return t.size() == 3 ? t : null;
        }, "the group");
        assertTrue(k.ask("stop 0").startsWith("stopped 1 0 0 "));
        assertDead(members);
    }

    // ---- Strict mode ----

    @Test
    void strict_mode_ends_what_left_the_groups_except_what_the_jvm_spared_or_detached() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000, "-s");
        String escapes = "setsid sleep 1001 & TETHER_DETACH=1 setsid sleep 1002 & sleep 1000 & wait";
        Group g = k.group(escapes, 2); // the shell and its sleep; the two setsid ones lead groups of their own
        Process spared = k.start(List.of("/bin/sleep", "1003"));
        assertEquals("ok", k.ask("spare " + spared.pid()));
        List<Stat> escaped = awaitValue(() -> {
            List<Stat> t = tree(g.pid).stream().filter(s -> s.sid == s.pid).collect(Collectors.toList());
            return t.size() == 2 ? t : null;
        }, "the two setsid sleeps");
        Stat escapee = escaped.stream().filter(s -> cmdline(s.pid).equals("sleep\u00001001\u0000")).findFirst().get();
        Stat detached = escaped.stream().filter(s -> cmdline(s.pid).equals("sleep\u00001002\u0000")).findFirst().get();
        String answer = k.ask("stop 0");
        assertTrue(answer.matches("stopped 2 0 0 \\d+(\\t[^\\t]*)*"), "the group and one escapee: " + answer);
        assertDead(List.of(escapee));
        assertDead(g.members);
        assertAllAlive(List.of(detached, stat((int) spared.pid())));
    }

    @Test
    void without_strict_mode_what_left_the_groups_is_left_alone() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        Group g = k.group("setsid sleep 1001 & sleep 1000 & wait", 2);
        Stat escapee = awaitValue(() -> tree(g.pid).stream().filter(s -> s.sid == s.pid).findFirst().orElse(null),
                "the setsid sleep");
        assertTrue(k.ask("stop 0").startsWith("stopped 1 0 0 "));
        assertAllAlive(List.of(escapee));
    }

    // ---- The channel ----

    @Test
    void the_channel_is_the_jvms_alone_and_cannot_be_opened_again() throws Exception {
        Keeper k = start(Kernel.CURRENT, 2000);
        int channelFd = fds(k.proc.pid).stream().filter(f -> f[1].startsWith("socket:"))
                .mapToInt(f -> Integer.parseInt(f[0])).max().getAsInt();
        try {
            Files.writeString(Path.of("/proc/" + k.proc.pid + "/fd/" + channelFd), "stop 0\n");
            fail("the channel was opened through /proc");
        } catch (IOException expected) {
            // ENXIO: a socket cannot be opened by path
        }
        Group g = k.group(TWO_SLEEPS, 3);
        assertAllAlive(g.members);
        assertTrue(Files.notExists(k.dir.resolve("keeper.ctl")), "nobody else can connect");
    }

    // ---- Helpers: the keeper, its groups ----

    private final class Keeper {
        final Stat proc;
        final Path dir;
        final Path err;
        final Kernel kernel;
        final SocketChannel channel;

        Keeper(Stat proc, Path dir, Path err, Kernel kernel, SocketChannel channel) {
            this.proc = proc;
            this.dir = dir;
            this.err = err;
            this.kernel = kernel;
            this.channel = channel;
        }

        String launcher(boolean sameGroup) {
            return dir.resolve(sameGroup ? "tether-launcher-samegroup" : "tether-launcher").toString();
        }

        /** A child of this JVM through the launcher (its exec form), under the keeper's kernel. */
        Process launch(boolean sameGroup, String... command) throws IOException {
            List<String> full = new ArrayList<>(List.of(launcher(sameGroup)));
            full.addAll(List.of(command));
            return start(full);
        }

        Process start(List<String> command) throws IOException {
            return marked(new ProcessBuilder(kernel.run(command))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }

        /** A shell in a group of its own through the launcher, once the group has {@code size} members. */
        Group group(String script, int size) throws IOException {
            Process p = launch(false, "/bin/sh", "sh", "-c", script);
            int pid = (int) p.pid();
            return new Group(p, awaitValue(() -> {
                List<Stat> members = all().stream().filter(s -> s.pgid == pid && !s.zombie())
                        .sorted((a, b) -> Boolean.compare(a.pid != pid, b.pid != pid)).collect(Collectors.toList());
                return members.size() == size && members.get(0).pid == pid ? members : null;
            }, "group " + pid + " with " + size + " members"));
        }

        String ask(String line) throws IOException {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (true) {
                one.clear();
                if (channel.read(one) < 0) {
                    throw new IOException("the keeper closed the channel");
                }
                char c = (char) one.get(0);
                if (c == '\n') {
                    return answer.toString();
                }
                answer.append(c);
            }
        }

        void awaitExit() {
            awaitTrue(() -> !alive(proc), "the keeper exits");
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }
    }

    private Keeper start(Kernel kernel, long graceMs, String... flags) throws Exception {
        Path dir = privateDir();
        Path err = Files.createTempFile(tmp, "keeper", ".err");
        List<String> command = new ArrayList<>(List.of(keeperBinary));
        command.addAll(List.of(flags));
        command.addAll(List.of(Long.toString(graceMs), Integer.toString(libc.getsid(0)), dir.toString()));
        Process starter = marked(new ProcessBuilder(kernel.run(command))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        assertTrue(starter.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the started process exits at once");
        assertEquals(0, starter.exitValue(), () -> "exit status; stderr: " + read(err));
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channels.add(channel);
        channel.connect(UnixDomainSocketAddress.of(dir.resolve("keeper.ctl")));
        Stat detached = awaitValue(() -> marked(mark + "\0").stream()
                .filter(s -> cmdline(s.pid).startsWith(keeperBinary + "\0") && s.sid == s.pid).findFirst().orElse(null),
                "the detached keeper, in a session of its own");
        Keeper k = new Keeper(detached, dir, err, kernel, channel);
        awaitTrue(() -> Files.notExists(dir.resolve("keeper.ctl")), "the keeper took the channel");
        return k;
    }

    /**
     * A directory as the agent makes it: tether-*, mode 0700, the launcher in it under the names of
     * its forms, and a copy of /bin/sleep standing in for the JDK's helper.
     */
    private Path privateDir() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("tether-" + TESTS.get()));
        Files.copy(Path.of(launcherBinary), dir.resolve("tether-launcher"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String form : List.of("tether-launcher-samegroup", "jspawnhelper", "jspawnhelper-samegroup")) {
            Files.createSymbolicLink(dir.resolve(form), Path.of("tether-launcher"));
        }
        // A copy inside the temporary directory: JUnit warns about every link out of it that it deletes.
        Path sleep = tmp.resolve("sleep");
        if (Files.notExists(sleep)) {
            Files.copy(Path.of("/bin/sleep"), sleep, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createSymbolicLink(dir.resolve("jspawnhelper.jdk"), sleep);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    private static final class Result {
        final int exit;
        final String err;

        Result(int exit, String err) {
            this.exit = exit;
            this.err = err;
        }
    }

    private Result runToEnd(Kernel kernel, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(keeperBinary));
        command.addAll(args);
        Path err = Files.createTempFile(tmp, "keeper", ".err");
        Process p = marked(new ProcessBuilder(kernel.run(command))).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
        return new Result(p.exitValue(), read(err));
    }

    private static final class Group {
        final Process process;
        final int pid;
        /** The leader first. */
        final List<Stat> members;

        Group(Process process, List<Stat> members) {
            this.process = process;
            this.pid = (int) process.pid();
            this.members = members;
        }
    }

    private ProcessBuilder marked(ProcessBuilder pb) {
        pb.environment().put(MARK, mark);
        return pb;
    }

    private static List<String> sorted(String listAnswer) {
        return Arrays.stream(listAnswer.split(" ")).skip(listAnswer.startsWith("list") ? 1 : 0).sorted()
                .collect(Collectors.toList());
    }

    private static List<String> list(Path dir) {
        String[] names = dir.toFile().list();
        return names == null ? List.of() : Arrays.stream(names).sorted().collect(Collectors.toList());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    // ---- /proc ----

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
        Stat now = s == null ? null : stat(s.pid);
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
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no SigIgn in /proc/" + pid + "/status");
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "";
        }
    }

    // ---- Waiting: polls against a deadline, never a fixed sleep. ----

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

    private static void assertDead(List<Stat> procs) {
        awaitTrue(() -> procs.stream().noneMatch(KeeperTest::alive), "the end of " + procs);
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

    private static String seccomp() {
        String wrapper = System.getProperty("tether.seccomp");
        assumeTrue(wrapper != null && new File(wrapper).canExecute(), "no seccomp wrapper: " + wrapper);
        return wrapper;
    }

    private static String resource(String platform, String name) throws Exception {
        String resource = "dev/tether/native/" + platform + "/" + name;
        URL url = KeeperTest.class.getClassLoader().getResource(resource);
        assertTrue(url != null, "the build put " + resource + " on the test class path");
        return Path.of(url.toURI()).toString();
    }
}
