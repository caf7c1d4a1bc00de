package dev.tether.it;

/** A process tree the Spawner fixture starts with {@code sh -c <command>}, and how many processes it has. */
public final class Tree {
    /** A shell waiting on two background sleeps: the seeds' experiment. */
    public static final Tree TWO_SLEEPS = new Tree("two-sleeps", "sleep 1000 & sleep 1000 & wait", 3);

    /** The same, but the shell and (by inheritance of ignored dispositions) the sleeps ignore SIGTERM. */
    public static final Tree TERM_IGNORING = new Tree("term-ignoring",
            "trap '' TERM; sleep 1000 & sleep 1000 & wait", 3);

    /**
     * The Spawner's shell, then 11 nested shells (N=10..0, each runs the next and then ':' so it cannot
     * exec it away), the innermost one runs a sleep: 13 processes in a chain.
     */
    public static final Tree DEEP = new Tree("deep",
            "export N=10 C='if [ \"$N\" -gt 0 ]; then N=$((N-1)) sh -c \"$C\"; :; else sleep 1000; fi'; sh -c \"$C\"; :",
            13);

    /** One shell with 200 background sleeps: 201 processes. */
    public static final Tree WIDE = new Tree("wide",
            "i=0; while [ $i -lt 200 ]; do sleep 1000 & i=$((i+1)); done; wait", 201);

    /**
     * A shell that starts a sleep in the background and exits at once: the group outlives its leader
     * (1 process once up: the sleep, re-parented).
     */
    public static final Tree LEADER_EXITED = new Tree("leader-exited", "sleep 1000 & exit 0", 1);

    /**
     * Strict mode's cases: a sleep in the shell's group (1000), one that left it with setsid (1001),
     * one that also lost its parent (1002: double fork, re-parented), and one that left it but asked
     * to be left alone (1003, TETHER_DETACH): 5 processes with the shell.
     */
    public static final Tree ESCAPES = new Tree("escapes",
            "sleep 1000 & setsid sleep 1001 & (setsid sleep 1002 &); TETHER_DETACH=1 setsid sleep 1003 & wait", 5);

    public final String name;
    public final String command;
    /** Processes in the tree once it is up, the JVM not counted. */
    public final int size;

    /**
     * A grandchild that joins the JVM's own process group (setpgid(2) into it: allowed within the
     * session), where no group signal of Tether's reaches it, next to a sleep in the child's group.
     * Field 5 of /proc/PID/stat is the group; the JVM's comm has no space.
     */
    public static final Tree JOINS_JVM_GROUP = new Tree("joins-jvm-group",
            "pg=$(cut -d' ' -f5 /proc/$PPID/stat); perl -e 'setpgrp(0, $ARGV[0]) or die; exec \"sleep\", \"1004\"' $pg &"
                    + " sleep 1000 & wait", 3);

    /**
     * Cgroup mode's cases, each a way out of the child's group (seed 002: "cgroups are the only
     * complete answer"): a sleep that stays (1000); a double-forked daemon that calls setsid and then
     * changes its group again (1001: its parent, a session leader, exits, so it is re-parented); a
     * grandchild that joins the JVM's own group (1004); a fork loop that ignores SIGTERM, in a group
     * of its own, starting a TERM-ignoring sleep 1005 every 20 ms for 8 s ("fork-loop" in its
     * command line); and a daemon that asked to be left alone (1003, TETHER_DETACH). Its size is
     * not fixed (the loop grows it): tests wait for each kind.
     */
    public static final Tree CGROUP_ESCAPES = new Tree("cgroup-escapes",
            "sleep 1000 & (setsid sh -c 'perl -e \"setpgrp(0, 0); exec q(sleep), 1001\" & :' &);"
                    + " pg=$(cut -d' ' -f5 /proc/$PPID/stat); perl -e 'setpgrp(0, $ARGV[0]) or die; exec \"sleep\", \"1004\"' $pg &"
                    + " perl -e '$SIG{TERM} = \"IGNORE\"; setpgrp(0, 0); for (1 .. 400) { fork or exec \"sleep\", \"1005\";"
                    + " select(undef, undef, undef, 0.02) } sleep 1000' fork-loop &"
                    + " TETHER_DETACH=1 setsid sleep 1003 & wait", -1);

    private Tree(String name, String command, int size) {
        this.name = name;
        this.command = command;
        this.size = size;
    }

    @Override
    public String toString() {
        return name;
    }
}
