package dev.tether.it;

import dev.tether.it.fixtures.Spawner;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The basic scenario: a child JVM runs the Spawner fixture, which starts a {@link Tree}; once every
 * process of the tree is in /proc, the JVM is ended one {@link Ending} way; then the marked processes
 * still alive are counted (with the agent: polled until none or 10 s). Prints one [tether-it] line.
 */
public final class TreeRun {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration TREE_UP = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Duration SURVIVORS_GONE = Duration.ofSeconds(10);

    private final ChildJvm jvm;
    private Tree tree = Tree.TWO_SLEEPS;
    private Ending ending = Ending.SIGTERM;
    private String spawnVia = "pb";
    private Class<?> fixture = Spawner.class;
    private String scenario;
    private Consumer<List<ProcessInfo>> whenUp = t -> { };

    private TreeRun(ChildJvm jvm) {
        this.jvm = jvm;
    }

    /** {@code jvm} gets its main class from here. */
    public static TreeRun of(ChildJvm jvm) {
        return new TreeRun(jvm);
    }

    public TreeRun tree(Tree tree) {
        this.tree = tree;
        return this;
    }

    public TreeRun ending(Ending ending) {
        this.ending = ending;
        return this;
    }

    /** Spawn with Runtime.exec instead of ProcessBuilder.start. */
    public TreeRun viaRuntimeExec() {
        this.spawnVia = "exec";
        return this;
    }

    /**
     * Another host program in place of Spawner; it takes the same arguments ({@code via ending command})
     * and prints {@code READY} once the tree is started.
     */
    public TreeRun fixture(Class<?> fixture) {
        this.fixture = fixture;
        return this;
    }

    /** The name at the start of the [tether-it] line (default: the ending). */
    public TreeRun scenario(String scenario) {
        this.scenario = scenario;
        return this;
    }

    /** Runs {@code check} on the tree once it is up, before the JVM is ended. */
    public TreeRun whenUp(Consumer<List<ProcessInfo>> check) {
        this.whenUp = check;
        return this;
    }

    /** The marked processes but the JVM and the agent's keeper (which must be gone at the end too). */
    private static List<ProcessInfo> treeOf(Mark mark, long jvmPid) {
        List<ProcessInfo> tree = mark.liveExcept(jvmPid);
        tree.removeIf(ProcessInfo::isKeeper);
        return tree;
    }

    public TreeOutcome run() {
        RunningJvm child = jvm.main(fixture, spawnVia, ending.fixtureArg, tree.command).start();
        Mark mark = child.mark();
        long jvmPid = child.pid();
        try {
            child.awaitLine("READY", START);
            boolean up = Poll.until(TREE_UP, () -> treeOf(mark, jvmPid).size() >= tree.size);
            List<ProcessInfo> treeUp = treeOf(mark, jvmPid);
            if (!up) {
                throw new AssertionError("the " + tree + " tree never had " + tree.size + " processes: "
                        + treeUp + "\n" + child.describe());
            }
            whenUp.accept(treeUp);

            ending.trigger(child);
            long endedAt = System.nanoTime();
            JvmExit exit = child.awaitExit(EXIT);
            List<ProcessInfo> atExit = mark.liveExcept(jvmPid);
            Duration emptyAfter = null;
            if (jvm.hasAgent() && Poll.until(SURVIVORS_GONE, () -> mark.liveExcept(jvmPid).isEmpty())) {
                emptyAfter = Duration.ofNanos(System.nanoTime() - endedAt);
            } else if (atExit.isEmpty()) {
                emptyAfter = Duration.ofNanos(exit.exitedAtNanos - endedAt);
            }
            List<ProcessInfo> survivors = mark.liveExcept(jvmPid);
            Duration exitAfter = Duration.ofNanos(exit.exitedAtNanos - endedAt);

            ItLog.line((scenario != null ? scenario : ending.name()) + " " + jvm.label() + " tree=" + tree
                    + "(" + treeUp.size() + "): exit=" + exit.exitCode + " survivors=" + survivors.size()
                    + (survivors.size() != atExit.size() ? " survivors-at-exit=" + atExit.size() : "")
                    + " exit-after=" + ItLog.seconds(exitAfter)
                    + " signal-to-empty=" + ItLog.seconds(emptyAfter));
            return new TreeOutcome(exit, treeUp, atExit, survivors, exitAfter, emptyAfter);
        } finally {
            mark.sweep(); // now, not only after the test: the next run of the same test must start clean
        }
    }
}
