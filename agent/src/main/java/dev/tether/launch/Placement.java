package dev.tether.launch;

/**
 * Where the launcher puts a child before its exec, chosen by the name it is run under (the suffix
 * of the link; tether-launcher.c, "Usage").
 */
public enum Placement {
    /** A process group of its own, registered with the keeper: every child by default. */
    OWN_GROUP(""),
    /** The JVM's group, registered: a child sharing the terminal of a JVM in the foreground. */
    JVM_GROUP("-samegroup"),
    /** Cgroup mode, a child left alone: out of the children's cgroup, not registered. */
    OUTSIDE("-outside");

    final String suffix;

    Placement(String suffix) {
        this.suffix = suffix;
    }
}
