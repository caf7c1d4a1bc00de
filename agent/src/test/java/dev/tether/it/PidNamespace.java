package dev.tether.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whether this machine lets a test make a PID namespace of its own ({@code unshare --pid}, root). */
final class PidNamespace {
    /** A command's prefix that runs it as PID 1 of a new PID namespace with its own /proc. */
    static final List<String> UNSHARE = List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child");

    private PidNamespace() {}

    /** Null if a PID namespace with a writable ns_last_pid can be made here, else why not. */
    static String unavailable() {
        List<String> probe = new ArrayList<>(UNSHARE);
        probe.addAll(List.of("sh", "-c",
                "cat /proc/sys/kernel/ns_last_pid > /proc/sys/kernel/ns_last_pid && command -v setsid bash >/dev/null"));
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'" + String.join(" ", probe) + "' did not finish in 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null
                    : "'" + String.join(" ", probe) + "' exited with " + p.exitValue() + ": " + out
                            + " (needs root, or CAP_SYS_ADMIN, and util-linux unshare)";
        } catch (IOException e) {
            return "cannot run unshare: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
