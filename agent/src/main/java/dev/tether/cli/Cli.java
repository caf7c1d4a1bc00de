package dev.tether.cli;

import java.io.PrintStream;

/**
 * {@code java -jar tether-agent.jar [status PID | version | help]}.
 *
 * <p>Exit codes: 0 done; 1 that JVM has no keeper of this user's (no Tether, or nothing spawned
 * yet); 2 a usage error; 3 the keeper was found but did not answer.
 */
public final class Cli {
    static final int OK = 0;
    static final int NO_TETHER = 1;
    static final int USAGE = 2;
    static final int NO_ANSWER = 3;

    private Cli() {
    }

    /** Called by {@code TetherPremain.main} through Tether's own class loader. */
    public static int run(String version, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(version, out);
            return args.length == 0 || args.length == 1 ? OK : USAGE;
        }
        switch (args[0]) {
            case "version":
            case "--version":
                out.println("tether " + version);
                return OK;
            case "status":
                if (args.length != 2 || !isPid(args[1])) {
                    err.println("tether: status needs one process id: java -jar tether-agent.jar status <pid>");
                    return USAGE;
                }
                return Status.print(Integer.parseInt(args[1]), out, err);
            default:
                err.println("tether: unknown command \"" + args[0] + "\"; commands: status <pid>, version, help");
                return USAGE;
        }
    }

    private static boolean isPid(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(s) > 0;
    }

    private static void usage(String version, PrintStream out) {
        out.println("tether " + version + ": the processes a JVM spawns end with it.");
        out.println();
        out.println("As an agent:   java -javaagent:tether-agent.jar[=grace=2s,log=info,strict=false,exclude=...] -jar app.jar");
        out.println("               or JAVA_TOOL_OPTIONS=-javaagent:tether-agent.jar, options also in TETHER_OPTIONS");
        out.println();
        out.println("As a command:  java -jar tether-agent.jar status <pid>   what that JVM's Tether holds, as a tree");
        out.println("               java -jar tether-agent.jar version        the version");
        out.println("               java -jar tether-agent.jar help           this text");
        out.println();
        out.println("Exit codes: 0 done, 1 no Tether in that JVM (or it has spawned nothing yet), 2 usage, 3 no answer.");
    }
}
