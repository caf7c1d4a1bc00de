package dev.tether.proc;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's children, zombies included. Each thread has its own list,
 * {@code /proc/self/task/TID/children} (proc(5), CONFIG_PROC_CHILDREN): a child belongs to the thread
 * that forked it, and an orphan to the thread the kernel re-parented it to. Reading the threads' lists
 * costs a few reads where the alternative, every {@code /proc/PID/stat} on the machine, costs one per
 * process; that alternative is the fallback for kernels without the lists.
 */
public final class ProcChildren {
    private static final int LIST_MAX = 64 * 1024;

    private ProcChildren() {
    }

    /** @return the children of {@code self} (this process's pid), each as read from /proc just now. */
    public static List<ProcStat> of(int self) {
        String[] tasks = new File("/proc/self/task").list();
        List<ProcStat> children = new ArrayList<>();
        if (tasks == null || !new File("/proc/self/task/" + tasks[0] + "/children").exists()) {
            return ProcScan.childrenOf(self);
        }
        for (String tid : tasks) {
            for (String pid : list("/proc/self/task/" + tid + "/children")) {
                ProcStat stat = ProcStat.read(Integer.parseInt(pid));
                if (stat != null && stat.ppid == self) {
                    children.add(stat);
                }
            }
        }
        return children;
    }

    private static String[] list(String path) {
        byte[] buffer = new byte[LIST_MAX];
        try (FileInputStream in = new FileInputStream(path)) {
            String text = new String(buffer, 0, in.readNBytes(buffer, 0, buffer.length), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? new String[0] : text.split(" ");
        } catch (IOException e) {
            return new String[0]; // the thread ended since the directory was listed
        }
    }
}
