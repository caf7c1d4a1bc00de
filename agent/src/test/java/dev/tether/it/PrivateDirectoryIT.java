package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.it.fixtures.Spawner;
import dev.tether.it.fixtures.SpawnsRepeatedly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the agent's private directory (launcher, keeper) goes, and that nobody else can swap it:
 * a base another user may write without the sticky bit is refused (the next one is used), another
 * user who can write the base never gets a program run as the JVM's user, the directory is 0700
 * whatever the umask, and a failed extraction leaves nothing behind.
 */
@Timeout(180)
class PrivateDirectoryIT {
    private static final Duration UP = Duration.ofSeconds(60);
    private static final OtherUser VICTIM = new OtherUser(61234);
    private static final OtherUser ATTACKER = new OtherUser(61235);
    /**
     * The attacker, as the issue reproduced it: waits for the victim's tether-* directory, gives the
     * agent a second to settle in it (a swap during its activation only switches the agent off),
     * renames it away, and puts its own in its place with a launcher that writes a mark ("pwned",
     * with the uid it ran as) and the links the agent execs.
     */
    private static final String SWAP = String.join("\n",
            "base=$1; end=$(( $(date +%s) + $2 )); n=0",
            "while [ $(date +%s) -lt $end ]; do",
            "  for d in \"$base\"/tether-*; do",
            "    [ -d \"$d\" ] && [ ! -e \"$d/.attacker\" ] || continue",
            "    sleep 1; n=$((n + 1)); mv \"$d\" \"$base/taken-$n\" 2>/dev/null || continue",
            "    mkdir \"$d\" && touch \"$d/.attacker\"",
            "    printf '#!/bin/sh\\nid -u > %s/pwned\\nexit 1\\n' \"$base\" > \"$d/tether-launcher\"",
            "    chmod 755 \"$d/tether-launcher\" \"$d\"",
            "    ln -s tether-launcher \"$d/jspawnhelper\"; ln -s tether-launcher \"$d/tether-keeper\"",
            "    echo \"SWAPPED $d\"",
            "  done",
            "  sleep 0.01",
            "done");

    @RegisterExtension
    final Marks marks = new Marks();

    private SharedDirectory sharedDirectory;
    private Path shared;

    @BeforeEach
    void sharedDirectory() {
        sharedDirectory = new SharedDirectory("tether-it-dir-");
        shared = sharedDirectory.path;
    }

    @AfterEach
    void removeIt() throws IOException {
        sharedDirectory.close();
    }

    @Test
    void a_base_others_may_write_without_the_sticky_bit_is_refused_and_the_next_base_is_used() throws IOException {
        Path base = worldWritable(shared.resolve("base"));
        Path home = Files.createDirectories(shared.resolve("home/.cache")).getParent();
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms,log=debug")
                .jvmFlag("-Djava.io.tmpdir=" + base).jvmFlag("-Duser.home=" + home).env("XDG_RUNTIME_DIR", "");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        try {
            child.awaitLine("READY", UP);
            assertEquals(List.of(), tetherDirs(base), child::describe);
            assertEquals(1, tetherDirs(home.resolve(".cache")).size(), child::describe);
            child.signal(Signal.TERM);
            JvmExit exit = child.awaitExit(UP);
            ItLog.line("PRIVATE-DIR unsafe base: exit=" + exit.exitCode);
            assertTrue(exit.stderr.contains("tether: not placing the launcher under " + base + ": " + base
                    + " is writable by others without the sticky bit (mode 777)"), exit::describe);
            assertEquals(143, exit.exitCode, exit::describe);
            assertTrue(Poll.until(UP, () -> child.mark().liveExcept(child.pid()).isEmpty()), exit::describe);
        } finally {
            child.mark().sweep();
        }
    }

    @Test
    void another_user_who_may_write_the_base_never_gets_a_program_run_as_the_jvm_user() throws IOException {
        String why = OtherUser.unavailable();
        assumeTrue(why == null, why);
        Path base = worldWritable(shared.resolve("base"));
        Path home = VICTIM.privateDir(shared.resolve("home"));
        VICTIM.privateDir(home.resolve(".cache"));
        Path jar = sharedDirectory.agentJar();
        Path classes = sharedDirectory.testClasses();

        Mark mark = marks.next();
        List<String> attack = new java.util.ArrayList<>(ATTACKER.prefix());
        attack.addAll(List.of("sh", "-c", SWAP, "swap", base.toString(), "40"));
        ProcessBuilder attacker = new ProcessBuilder(attack).redirectErrorStream(true);
        attacker.environment().put(Mark.ENV, mark.token());
        Process swapper = attacker.start();
        ChildJvm jvm = ChildJvm.of(Jdk.current(), mark).withAgent("grace=500ms").through(VICTIM.prefix().toArray(new String[0]))
                .agentJar(jar).testClasses(classes).jvmFlag("-XX:-UsePerfData")
                .jvmFlag("-Djava.io.tmpdir=" + base).jvmFlag("-Duser.home=" + home).env("XDG_RUNTIME_DIR", "");
        RunningJvm child = jvm.main(SpawnsRepeatedly.class, "30", "100", Tree.TWO_SLEEPS.command).start();
        try {
            Path pwned = base.resolve("pwned");
            // On code that can be attacked the fixture's last spawn fails too, and it exits without READY.
            Poll.until(UP, () -> child.describe().contains("\nREADY\n") || !child.isAlive());
            assertTrue(Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 2 || !child.isAlive()),
                    child::describe);
            if (child.isAlive()) {
                child.signal(Signal.TERM);
            }
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(UP, () -> Trees.sleeps(mark.liveExcept(child.pid())) == 0);
            swapper.destroyForcibly();
            String ranAs = Files.exists(pwned) ? Files.readString(pwned, StandardCharsets.US_ASCII).trim() : null;
            ItLog.line("PRIVATE-DIR another user swaps: exit=" + exit.exitCode + " attacker's launcher ran as uid "
                    + ranAs + " survivors=" + Trees.sleeps(mark.liveExcept(child.pid())));
            assertEquals(null, ranAs, () -> "the attacker's program ran as uid " + ranAs + "\n" + exit.describe());
            assertTrue(exit.printedLine("SPAWNS ok=30 failed=0"), exit::describe);
            assertEquals(143, exit.exitCode, exit::describe);
            assertTrue(empty, () -> "survivors: " + mark.liveExcept(child.pid()) + "\n" + exit.describe());
            assertTrue(HostLibrariesIT.SUMMARY.matcher(exit.stderr.trim()).matches(), exit::describe);
        } finally {
            swapper.destroyForcibly();
            mark.sweep();
        }
    }

    @Test
    void under_umask_0177_the_children_are_protected_and_the_directory_goes_after_sigkill() throws IOException {
        Path tmp = Files.createDirectories(shared.resolve("tmp"));
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                .through("sh", "-c", "umask 0177 && exec \"$@\"", "umask")
                .jvmFlag("-Djava.io.tmpdir=" + tmp).env("XDG_RUNTIME_DIR", "");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        try {
            child.awaitLine("READY", UP);
            assertTrue(Poll.until(UP, () -> Trees.sleeps(child.mark().liveExcept(child.pid())) == 2), child::describe);
            List<Path> dirs = tetherDirs(tmp);
            assertEquals(1, dirs.size(), child::describe);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.get(0))));
            child.signal(Signal.KILL);
            JvmExit exit = child.awaitExit(UP);
            boolean empty = Poll.until(UP, () -> child.mark().liveExcept(child.pid()).isEmpty());
            boolean removed = Poll.until(Duration.ofSeconds(10), () -> tetherDirs(tmp).isEmpty());
            ItLog.line("PRIVATE-DIR umask 0177 SIGKILL: exit=" + exit.exitCode + " survivors="
                    + child.mark().liveExcept(child.pid()).size() + " dirs left=" + tetherDirs(tmp).size());
            assertTrue(empty, exit::describe);
            assertTrue(removed, () -> "left behind: " + tetherDirs(tmp) + "\n" + exit.describe());
            assertEquals("", exit.stderr, exit::describe);
        } finally {
            child.mark().sweep();
        }
    }

    @Test
    void an_extraction_that_fails_part_way_leaves_no_directory_behind() throws IOException {
        Path tmp = Files.createDirectories(shared.resolve("tmp"));
        Path home = Files.createDirectories(shared.resolve("home/.cache")).getParent();
        // RLIMIT_FSIZE: the 2 KB launcher fits, the keeper (over 16 KB) does not (EFBIG, as a full disk
        // fails a write part way; HotSpot ignores SIGXFSZ).
        ChildJvm jvm = ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms")
                .through("prlimit", "--fsize=16384", "--").jvmFlag("-XX:-UsePerfData")
                .jvmFlag("-Djava.io.tmpdir=" + tmp).jvmFlag("-Duser.home=" + home).env("XDG_RUNTIME_DIR", "");
        RunningJvm child = jvm.main(Spawner.class, "pb", "wait", Tree.TWO_SLEEPS.command).start();
        try {
            child.awaitLine("READY", UP);
            child.signal(Signal.KILL);
            JvmExit exit = child.awaitExit(UP);
            ItLog.line("PRIVATE-DIR partial extraction: exit=" + exit.exitCode + " left=" + tetherDirs(tmp)
                    + tetherDirs(home.resolve(".cache")));
            assertTrue(exit.stderr.contains("cannot place the launcher"), exit::describe);
            assertEquals(List.of(), tetherDirs(tmp), exit::describe);
            assertEquals(List.of(), tetherDirs(home.resolve(".cache")), exit::describe);
        } finally {
            child.mark().sweep();
        }
    }

    private static Path worldWritable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    private static List<Path> tetherDirs(Path base) {
        try (Stream<Path> entries = Files.list(base)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("tether-")).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
