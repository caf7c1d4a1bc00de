package dev.tether.demo;

import dev.tether.demo.ProcessTable.Proc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** One run of the seed's experiment: start Parent, show its tree, SIGTERM it, show what is left. */
final class Experiment {
    static final class Result {
        final int survivors;
        final double secondsUntilGone; // from the JVM's exit until no descendant was left running

        Result(int survivors, double secondsUntilGone) {
            this.survivors = survivors;
            this.secondsUntilGone = secondsUntilGone;
        }
    }

    static final String MARK = "TETHER_DEMO_RUN";
    private static final long READY_SECONDS = 30, EXIT_SECONDS = 10;
    // Longer than the agent's ~2 s grace period, so "still there" means "not coming back".
    private static final long SETTLE_MILLIS = 5_000, POLL_MILLIS = 20;

    private final List<String> command;
    private final String token;

    Experiment(List<String> command, String token) {
        this.command = command;
        this.token = token;
    }

    Result run() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(Redirect.INHERIT);
        // Every descendant inherits the mark, so cleanup can find them even after re-parenting.
        builder.environment().put(MARK, token);
        Process parent = builder.start();
        try {
            awaitReady(parent);
            List<Proc> descendants = awaitTree(parent.pid());
            List<Proc> tree = new ArrayList<>(descendants);
            ProcessTable.read(parent.pid()).ifPresent(jvm -> tree.add(0, jvm));
            System.out.println("process tree while the parent JVM runs:");
            TreePrinter.print(tree);

            System.out.printf("kill -TERM %d (the parent JVM)%n", parent.pid());
            parent.destroy(); // SIGTERM on Linux (ProcessHandleImpl.destroy0)
            if (!parent.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("parent JVM still running " + EXIT_SECONDS + " s after SIGTERM");
            }
            long exitedAt = System.nanoTime();
            System.out.printf("parent JVM exited (code %d); watching its %d descendants for up to %d s%n",
                    parent.exitValue(), descendants.size(), SETTLE_MILLIS / 1000);
            List<Proc> survivors = survivorsAfterSettling(descendants);
            double seconds = (System.nanoTime() - exitedAt) / 1e9;

            System.out.println("after:");
            if (survivors.isEmpty()) {
                System.out.println("  no survivors");
            } else {
                // Re-read: the survivors' ppid changed when their parent died.
                TreePrinter.print(survivors.stream().flatMap(p -> ProcessTable.read(p.pid).stream())
                        .collect(Collectors.toList()));
            }
            return new Result(survivors.size(), seconds);
        } finally {
            parent.destroyForcibly();
            killMarked(token);
        }
    }

    /** SIGKILLs every process carrying this run's mark; orphans are out of reach of Process. */
    static void killMarked(String token) {
        for (long pid : ProcessTable.pidsWithEnvironment(MARK + "=" + token)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static void awaitReady(Process parent) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("READY")) ready.complete(null);
                }
                ready.completeExceptionally(new IllegalStateException("parent JVM exited before READY"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "parent-stdout");
        reader.setDaemon(true);
        reader.start();
        ready.get(READY_SECONDS, TimeUnit.SECONDS);
    }

    /** READY comes right after start(), maybe before the shell forked: wait for both sleeps. */
    private static List<Proc> awaitTree(long parentPid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (true) {
            List<Proc> descendants = ProcessTable.descendantsOf(parentPid);
            if (descendants.stream().filter(p -> p.name.equals("sleep")).count() >= 2) return descendants;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no two sleeps under " + parentPid + " after " + READY_SECONDS + " s");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static List<Proc> survivorsAfterSettling(List<Proc> descendants) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        while (true) {
            List<Proc> alive = descendants.stream().filter(Proc::stillRunning)
                    .collect(Collectors.toList());
            if (alive.isEmpty() || System.nanoTime() > deadline) return alive;
            Thread.sleep(POLL_MILLIS);
        }
    }
}
