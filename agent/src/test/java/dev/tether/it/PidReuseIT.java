package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.ReuseHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Never signal a process that is not ours, with a real pid reuse. As root, inside a new PID namespace
 * ({@code unshare --pid --fork --mount-proc}), a script (PID 1 there) starts a JVM with the agent that
 * spawns a few {@code true} (recorded groups that are empty at once) and one {@code sleep 1000} that
 * stays alive; once the last {@code true}'s pid P is free, the script writes P-1 to
 * {@code /proc/sys/kernel/ns_last_pid} and at once starts a stranger that becomes the leader of a
 * group numbered P, not through the JVM. Then the JVM is ended (System.exit, SIGTERM: the shutdown
 * hook cleans up; SIGKILL: the keeper does), and the stranger must still be alive while the live
 * sleep is gone (so the cleanup did run). Finally the script sends what an unchecked cleanup sends,
 * {@code kill -TERM -- -P}, and the stranger dies: the scenario would catch a naive implementation.
 *
 * <p>Two strangers: {@code setsid sleep 1000} (pid P, group P, a session of its own), and a
 * job-control job of the script's shell, in the JVM's own session, whose leader P exits at once and
 * whose group lives on in a {@code sleep 1000} (a group with the leader gone, the /proc proof's case),
 * also with the keeper behind (it reads the registrations only after the children were reaped; the
 * pidfds in them still name the children) or without pidfds, where the keeper's proof is /proc alone.
 * The namespace is killed as a whole afterwards (unshare --kill-child; every process is also marked).
 * Skipped, with the reason printed, where unshare or ns_last_pid is not permitted.
 */
@Timeout(300)
class PidReuseIT {
    private static final Duration RUN = Duration.ofSeconds(90);
    private static final String GRACE = "500ms";

    @RegisterExtension
    final Marks marks = new Marks();

    @TempDir
    Path dir;

    /** How the JVM ends, which stranger takes the number, and the keeper's conditions. */
    enum Case {
        EXIT_SESSION_STRANGER("exit", "session", 3),
        SIGTERM_SESSION_STRANGER("term", "session", 143),
        SIGKILL_SESSION_STRANGER("kill", "session", 137),
        SIGTERM_JOB_STRANGER("term", "job", 143),
        SIGKILL_JOB_STRANGER("kill", "job", 137),
        /**
         * The keeper is held (SIGSTOP) while the JVM spawns and waits for its {@code true}s, so it
         * reads their registrations after they were reaped and cannot prove their parentage from /proc
         * any more: a keeper behind a busy JVM. The pidfds in the registrations still name them.
         */
        SIGKILL_JOB_STRANGER_KEEPER_BEHIND("kill", "job", 137),
        /** The keeper without pidfds at all (the seccomp wrapper: ENOSYS, as before 5.3): its proof through /proc alone. */
        SIGKILL_JOB_STRANGER_KEEPER_NO_PIDFD("kill", "job", 137);

        final String ending;
        final String stranger;
        final int exitCode;

        Case(String ending, String stranger, int exitCode) {
            this.ending = ending;
            this.stranger = stranger;
            this.exitCode = exitCode;
        }
    }

    @BeforeAll
    static void needsPidNamespaces() {
        String why = PidNamespace.unavailable();
        if (why != null) {
            ItLog.line("REUSE skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "PidReuseIT skipped: " + why);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Case.class, mode = EnumSource.Mode.EXCLUDE, names = "SIGKILL_JOB_STRANGER_KEEPER_NO_PIDFD")
    void the_cleanup_spares_a_stranger_that_reused_a_recorded_group_number(Case c) throws IOException {
        sparesTheStranger(c);
    }

    /**
     * Known limit: without pidfds at all (Linux before 5.3, or before 6.9 for groups) the proof is /proc
     * alone (every member in the JVM's session and younger than the leader), which a later job of the
     * same session passes. A keeper that is merely behind copies the JVM's pidfds (the case above).
     */
    @Disabled("without pidfds the /proc proof cannot tell a same-session stranger from the group")
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Case.class, names = "SIGKILL_JOB_STRANGER_KEEPER_NO_PIDFD")
    void a_keeper_without_pidfds_spares_a_stranger_of_the_jvms_session(Case c) throws IOException {
        sparesTheStranger(c);
    }

    private void sparesTheStranger(Case c) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Outcome o = run(c.name(), c.ending, c.stranger, c == Case.SIGKILL_JOB_STRANGER_KEEPER_BEHIND, true, env,
                c == Case.SIGKILL_JOB_STRANGER_KEEPER_NO_PIDFD);
        assertEquals(String.valueOf(c.exitCode), o.get("JVM_EXIT"), o::describe);
        assertEquals("yes", o.get("LIVE_CHILD_GONE"), () -> "the cleanup did not run at all\n" + o.describe());
        assertEquals("yes", o.get("STRANGER_ALIVE"), () -> "the cleanup killed the stranger\n" + o.describe());
        assertEquals("yes", o.get("NAIVE_KILLED_STRANGER"),
                () -> "kill -TERM -- -P did not kill the stranger: the scenario proves nothing\n" + o.describe());
    }

    /**
     * In a PID namespace entered without a session of its own (plain {@code unshare --pid --fork}, a
     * container whose init never called setsid), the JVM's session leader is outside the namespace and
     * getsid(0) returns 0 there. The JVM must still get its keeper: SIGKILL ends the live child too.
     */
    @Test
    void a_jvm_whose_session_leader_is_outside_the_namespace_still_has_a_keeper() throws IOException {
        Outcome o = run("SIGKILL_SESSION_OUTSIDE", "kill", "session", false, false, Map.of(), false);
        assertEquals("137", o.get("JVM_EXIT"), o::describe);
        assertEquals("yes", o.get("LIVE_CHILD_GONE"),
                () -> "SIGKILL left the live child behind: no keeper ran\n" + o.describe());
        assertEquals("yes", o.get("STRANGER_ALIVE"), o::describe);
    }

    private Outcome run(String scenario, String ending, String stranger, boolean keeperBehind, boolean ownSession,
            Map<String, String> extraEnv, boolean noPidfd) throws IOException {
        Mark mark = marks.next();
        Path script = dir.resolve("reuse.sh");
        Files.write(script, SCRIPT.getBytes(StandardCharsets.UTF_8));
        Path work = Files.createDirectories(dir.resolve("work-" + scenario));
        ChildJvm child = ChildJvm.of(Jdk.current(), mark).withAgent("grace=" + GRACE + ",log=debug");
        List<String> jvm = (noPidfd ? LockedDownSystemsIT.Filter.KERNEL_BEFORE_5_3.applyTo(child) : child).main(ReuseHost.class, keeperBehind ? new String[] {"3", "pause"} : new String[] {"3"}).command();
        List<String> command = new ArrayList<>(PidNamespace.UNSHARE);
        if (ownSession) {
            command.addAll(List.of("setsid", "--wait")); // PID 1 leads a session, as a container's init does
        }
        command.addAll(List.of("bash", script.toString(), work.toString(), ending, stranger, keeperBehind ? "yes" : "no"));
        command.addAll(jvm);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.putAll(extraEnv);
        env.put(Mark.ENV, mark.token());
        RunningJvm namespace = new RunningJvm(pb.start(), mark, scenario, command);
        try {
            JvmExit exit = namespace.awaitExit(RUN);
            Outcome o = new Outcome(scenario, exit);
            ItLog.line("REUSE " + scenario + " agent=grace=" + GRACE + (extraEnv.isEmpty() ? "" : " " + extraEnv)
                    + ": " + o.get("STRANGER") + " | jvm-exit=" + o.get("JVM_EXIT") + " keeper=" + o.get("KEEPER")
                    + (o.get("KEEPER_HELD") != null ? " (held while spawning)" : "")
                    + " live-child-gone=" + o.get("LIVE_CHILD_GONE") + " stranger-alive=" + o.get("STRANGER_ALIVE")
                    + " naive-kill-killed-stranger=" + o.get("NAIVE_KILLED_STRANGER")
                    + (o.get("FAIL") != null ? " FAIL: " + o.get("FAIL") : ""));
            assertTrue(o.get("FAIL") == null && o.get("DONE") != null && exit.exitCode == 0,
                    () -> "the scenario did not run to its end\n" + o.describe());
            return o;
        } finally {
            mark.sweep(); // the namespace ends with its PID 1; whatever got out is marked
        }
    }

    /** The script's "NS KEY rest" lines, and everything it printed (the JVM's stdout and stderr too). */
    private static final class Outcome {
        final String scenario;
        final JvmExit exit;
        final Map<String, String> values = new LinkedHashMap<>();

        Outcome(String scenario, JvmExit exit) {
            this.scenario = scenario;
            this.exit = exit;
            for (String line : exit.stdout.split("\n")) {
                if (!line.startsWith("NS ")) continue;
                String rest = line.substring(3);
                int space = rest.indexOf(' ');
                values.putIfAbsent(space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : rest.substring(space + 1));
            }
        }

        String get(String key) {
            return values.get(key);
        }

        String describe() {
            return scenario + ": script " + exit.describe();
        }
    }

    /**
     * Runs as PID 1 of the namespace: {@code bash reuse.sh WORK ENDING STRANGER LAG java-command...}; prints
     * {@code NS KEY value} lines, then the JVM's output as {@code JVM-OUT}/{@code JVM-ERR} lines.
     */
    private static final String SCRIPT = String.join("\n",
            "# Runs as PID 1 of a new PID namespace (under setsid: leading its own session, as a container's init does).",
            "# usage: bash reuse.sh WORK ENDING STRANGER LAG java-command...",
            "#   ENDING    exit (System.exit through stdin) | term (SIGTERM) | kill (SIGKILL: the keeper cleans up)",
            "#   STRANGER  session: `setsid sleep 1000`, a new session whose leader has pid P",
            "#             job: a job-control job of this shell (same session as the JVM) whose leader P exits at",
            "#                  once, its group living on in a `sleep 1000`",
            "#   LAG       yes: the keeper is held (SIGSTOP) while the JVM spawns all but its first child, so it",
            "#             reads their registrations only once they are reaped (a keeper behind a busy JVM); the java",
            "#             command must run ReuseHost with \"pause\"",
            "set -u",
            "work=$1 ending=$2 kind=$3 lag=$4",
            "shift 4",
            "out=$work/jvm.out err=$work/jvm.err",
            "deadline=$((SECONDS + 60))",
            "say() { echo \"NS $*\"; }",
            "dump() { sed 's/^/JVM-OUT /' \"$out\"; sed 's/^/JVM-ERR /' \"$err\"; }",
            "fail() { say \"FAIL $*\"; ptable; dump; exit 1; }",
            "ptable() { local d p; for d in /proc/[0-9]*; do p=${d#/proc/}; echo \"PS $p $(stat_of $p | cut -d' ' -f1-4) $(cmdline_of $p)\"; done; }",
            "# /proc/PID/stat from field 3 on (state ppid pgid sid ...; starttime is index 19); fails if gone",
            "# (also when the open wins the race with the exit and the read then finds nothing: $(<) says 0)",
            "stat_of() { local s; { s=$(< \"/proc/$1/stat\"); } 2>/dev/null || return 1; [ -n \"$s\" ] || return 1; echo \"${s##*) }\"; }",
            "alive() { local f; f=($(stat_of \"$1\")) || return 1; [ \"${f[0]}\" != Z ] && [ \"${f[0]}\" != X ]; }",
            "start_of() { local f; f=($(stat_of \"$1\")) || return 1; echo \"${f[19]}\"; }",
            "cmdline_of() { tr '\\0' ' ' < \"/proc/$1/cmdline\" 2>/dev/null; }",
            "# live members of group $1, \"pid start\" per line",
            "members() { local d p f; for d in /proc/[0-9]*; do p=${d#/proc/}; f=($(stat_of \"$p\")) || continue",
            "  [ \"${f[2]}\" = \"$1\" ] && [ \"${f[0]}\" != Z ] && echo \"$p ${f[19]}\"; done; return 0; }",
            "in_time() { [ $SECONDS -lt $deadline ] || fail \"deadline passed while $1\"; }",
            "keepers() { local d; for d in /proc/[0-9]*; do case \"$(cmdline_of \"${d#/proc/}\")\" in *tether-keeper*) alive \"${d#/proc/}\" && echo \"${d#/proc/}\";; esac; done; }",
            "",
            "mkfifo \"$work/in\" || fail \"mkfifo\"",
            "\"$@\" < \"$work/in\" > \"$out\" 2> \"$err\" &",
            "jvm=$!",
            "exec 3> \"$work/in\"",
            "if [ \"$lag\" = yes ]; then",
            "  until grep -qx FIRST \"$out\"; do",
            "    alive $jvm || fail \"the JVM exited before FIRST\"",
            "    in_time \"waiting for FIRST\"; sleep 0.02",
            "  done",
            "  held=$(keepers)",
            "  [ -n \"$held\" ] || fail \"no keeper to hold\"",
            "  kill -STOP $held",
            "  say \"KEEPER_HELD $held\"",
            "  echo spawn >&3",
            "fi",
            "until grep -qx READY \"$out\"; do",
            "  alive $jvm || fail \"the JVM exited before READY\"",
            "  in_time \"waiting for READY\"; sleep 0.02",
            "done",
            "[ \"$lag\" = yes ] && kill -CONT $held",
            "P=$(grep '^TRUE ' \"$out\" | tail -n 1 | cut -d' ' -f2)",
            "L=$(grep '^LIVE ' \"$out\" | cut -d' ' -f2)",
            "jf=($(stat_of $jvm)); jvm_sid=${jf[3]}",
            "say \"JVM pid=$jvm sid=$jvm_sid recorded-true=$P live-child=$L\"",
            "while [ -e /proc/$P ]; do in_time \"waiting for $P to be gone\"; sleep 0.01; done",
            "",
            "# Force the number P onto a stranger: the next pid this namespace hands out is ns_last_pid + 1.",
            "tries=0",
            "while :; do",
            "  tries=$((tries + 1))",
            "  [ $tries -le 50 ] || fail \"could not place a stranger on pid $P in 50 tries\"",
            "  if [ \"$kind\" = session ]; then",
            "    echo $((P - 1)) > /proc/sys/kernel/ns_last_pid; setsid sleep 1000 &",
            "  else",
            "    set -m; echo $((P - 1)) > /proc/sys/kernel/ns_last_pid; sh -c 'sleep 1000 & exit 0' & set +m",
            "  fi",
            "  s=$!",
            "  [ \"$s\" = \"$P\" ] && break",
            "  say \"try $tries: the stranger got pid $s, not $P\"",
            "  kill -KILL -- -$s $s 2>/dev/null; wait $s 2>/dev/null",
            "  while [ -e /proc/$P ]; do in_time \"waiting for $P to be free again\"; sleep 0.01; done",
            "done",
            "if [ \"$kind\" = session ]; then",
            "  # setsid(2), then exec sleep: pid P, group P, session P",
            "  until f=($(stat_of $P)) && [ \"${f[2]}\" = \"$P\" ] && [ \"${f[3]}\" = \"$P\" ] && [ \"$(cmdline_of $P)\" = \"sleep 1000 \" ]; do",
            "    in_time \"waiting for the stranger to become leader of group $P\"; sleep 0.01; done",
            "  S=$P",
            "else",
            "  # the leader P exits; its group lives on in a sleep, in this (the JVM's) session",
            "  until ! alive $P && m=$(members $P) && [ -n \"$m\" ]; do in_time \"waiting for the stranger group $P\"; sleep 0.01; done",
            "  S=${m%% *}",
            "  until [ \"$(cmdline_of $S)\" = \"sleep 1000 \" ]; do in_time \"waiting for the stranger's sleep\"; sleep 0.01; done",
            "fi",
            "sf=($(stat_of $S)); S_start=${sf[19]}",
            "say \"STRANGER pid=$S pgid=${sf[2]} sid=${sf[3]} leader=$P kind=$kind tries=$tries cmd=$(cmdline_of $S)\"",
            "[ \"${sf[2]}\" = \"$P\" ] || fail \"the stranger is not in group $P\"",
            "",
            "wd=$(keepers)",
            "say \"KEEPER ${wd:-none}\"",
            "case $ending in",
            "  exit) echo exit >&3 ;;",
            "  term) kill -TERM $jvm ;;",
            "  kill) kill -KILL $jvm ;;",
            "esac",
            "wait $jvm; code=$?",
            "say \"JVM_EXIT $code\"",
            "# The keeper: it exits once the JVM is gone (after SIGKILL, once it has cleaned up).",
            "while [ -n \"$(keepers)\" ]; do in_time \"waiting for the keeper (${wd:-none}) to finish\"; sleep 0.02; done",
            "n=0; while alive $L && [ $n -lt 300 ]; do sleep 0.02; n=$((n + 1)); done",
            "alive $L && say \"LIVE_CHILD_GONE no\" || say \"LIVE_CHILD_GONE yes\"",
            "if alive $S && [ \"$(start_of $S)\" = \"$S_start\" ]; then",
            "  say \"STRANGER_ALIVE yes\"",
            "  # What a cleanup without the proof would have done:",
            "  kill -TERM -- -$P && say \"NAIVE_KILL sent\"",
            "  n=0; while alive $S && [ $n -lt 250 ]; do sleep 0.02; n=$((n + 1)); done",
            "  alive $S && say \"NAIVE_KILLED_STRANGER no\" || say \"NAIVE_KILLED_STRANGER yes\"",
            "else",
            "  say \"STRANGER_ALIVE no\"",
            "  say \"NAIVE_KILLED_STRANGER n/a (the stranger was dead already)\"",
            "fi",
            "dump",
            "say \"DONE\""
    ) + "\n";
}
