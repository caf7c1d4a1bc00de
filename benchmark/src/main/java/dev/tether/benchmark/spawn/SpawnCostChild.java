package dev.tether.benchmark.spawn;

import dev.tether.benchmark.Args;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The loop SpawnCost runs in a JVM with the agent and in one without: three kinds of spawn of
 * /bin/true, one of each per round, in an order that rotates from round to round, so that whatever
 * the machine does to one spawn it does to its neighbours of the other kinds too.
 * <ul>
 *   <li>alone: {@code TETHER_DETACH=1}, the agent's opt-out: the JDK's own spawn, plus the agent's
 *       look at the environment;
 *   <li>launcher: the same through Tether's launcher ({@code launcher /bin/true true}), still opted
 *       out: one extra exec and nothing else, the floor;
 *   <li>protected: {@code TETHER_DETACH=} (empty, which is no opt-out): with the agent, what every
 *       spawn pays; without it, the same spawn as "alone", a control for the method itself.
 * </ul>
 * All three carry the variable, so their environments have the same size. Prints one line per
 * round, "round ALONE LAUNCHER PROTECTED" in nanoseconds, after "checked ..." lines that prove the
 * agent does (or does not) put the protected child in a group of its own.
 *
 * <p>Options: --launcher PATH (required), --warmup SECONDS (15), --rounds N (2000), --agent (the
 * JVM is expected to run with Tether).
 */
public final class SpawnCostChild {
    private static final String OPT_OUT = "TETHER_DETACH";

    private SpawnCostChild() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String launcher = args.string("--launcher");
        ProcessBuilder[] kinds = {
            spawn(OPT_OUT, "1", "/bin/true"),
            spawn(OPT_OUT, "1", launcher, "/bin/true", "true"),
            spawn(OPT_OUT, "", "/bin/true"),
        };
        checkGroups(args.flag("--agent"));
        long warmUntil = System.nanoTime() + args.integer("--warmup", 15) * 1_000_000_000L;
        for (int round = 0; System.nanoTime() - warmUntil < 0; round++) {
            runRound(kinds, round, new long[3]);
        }
        int rounds = args.integer("--rounds", 2000);
        StringBuilder out = new StringBuilder();
        long[] times = new long[3];
        for (int round = 0; round < rounds; round++) {
            runRound(kinds, round, times);
            out.append(String.format(Locale.ROOT, "round %d %d %d%n", times[0], times[1], times[2]));
        }
        System.out.print(out);
    }

    private static ProcessBuilder spawn(String variable, String value, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(variable, value);
        return builder;
    }

    /** One spawn of each kind, starting with kind {@code round % 3}; times[kind] in ns. */
    private static void runRound(ProcessBuilder[] kinds, int round, long[] times) throws IOException, InterruptedException {
        for (int i = 0; i < kinds.length; i++) {
            int kind = (round + i) % kinds.length;
            long start = System.nanoTime();
            int exit = kinds[kind].start().waitFor();
            times[kind] = System.nanoTime() - start;
            if (exit != 0) throw new IllegalStateException("spawn of kind " + kind + " exited " + exit);
        }
    }

    /** The benchmark means nothing unless the agent is there (or not) as claimed: look at /proc. */
    private static void checkGroups(boolean agent) throws IOException, InterruptedException {
        long ownGroup = pgrp(ProcessHandle.current().pid());
        Process opted = spawn(OPT_OUT, "1", "/bin/sleep", "60").start();
        Process protectedOne = spawn(OPT_OUT, "", "/bin/sleep", "60").start();
        try {
            Thread.sleep(200); // past the launcher's setpgid and exec
            boolean optedShares = pgrp(opted.pid()) == ownGroup;
            boolean protectedLeads = pgrp(protectedOne.pid()) == protectedOne.pid();
            if (!optedShares || protectedLeads != agent) {
                throw new IllegalStateException("the agent is " + (agent ? "expected" : "not expected")
                        + " but the opted-out child " + (optedShares ? "shares" : "does not share")
                        + " the JVM's group and the protected one " + (protectedLeads ? "leads" : "does not lead") + " its own");
            }
            System.out.println("checked opted-out child in the JVM's group, protected child "
                    + (agent ? "leading its own group" : "in the JVM's group (no agent)"));
        } finally {
            opted.destroyForcibly().waitFor();
            protectedOne.destroyForcibly().waitFor();
        }
    }

    /** Field 5 of /proc/PID/stat (proc(5)), after the command's closing parenthesis. */
    private static long pgrp(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }
}
