package dev.tether.it;

/** The ways a JVM ends that the agent must cover, with the exit code the host must still see. */
public enum Ending {
    /** main returns; the JDK's process reaper threads are daemons, so the JVM exits. */
    RETURN("return", 0, null),
    /** System.exit(3). */
    EXIT_3("exit=3", 3, null),
    SIGTERM("wait", 143, Signal.TERM),
    SIGINT("wait", 130, Signal.INT),
    SIGHUP("wait", 129, Signal.HUP),
    /** No shutdown hook runs: the keeper ends the tree. */
    SIGKILL("wait", 137, Signal.KILL),
    /** Runtime.halt(5), as Surefire ends a stuck fork: no shutdown hook runs either. */
    HALT_5("halt=5", 5, null);

    /** What the Spawner fixture is told. */
    public final String fixtureArg;
    public final int exitCode;
    private final Signal signal;

    Ending(String fixtureArg, int exitCode, Signal signal) {
        this.fixtureArg = fixtureArg;
        this.exitCode = exitCode;
        this.signal = signal;
    }

    /** Makes the running Spawner end this way: a signal, or "go" on stdin for return / exit. */
    public void trigger(RunningJvm jvm) {
        if (signal != null) {
            jvm.signal(signal);
        } else {
            jvm.send("go");
        }
    }
}
