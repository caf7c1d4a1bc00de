package dev.tether.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class StartTimesTest {
    private final StartTimes startTimes = StartTimes.forThisSystem(true);

    @Test
    void the_clock_gives_what_proc_says() throws IOException, InterruptedException {
        // Until 20 answers came from the clock (a spawn usually stays within one 10 ms tick; on a
        // busy machine some do not, and those are answered by /proc, which is checked as well).
        int fromTheClock = 0;
        for (int i = 0; i < 1000 && fromTheClock < 20; i++) {
            long before = startTimes.before();
            assertTrue(before > 0, "no boot-time clock");
            Process cat = new ProcessBuilder("cat").start(); // alive, unreaped, until its stdin closes
            try {
                int pid = (int) cat.pid();
                long derived = startTimes.of(pid, before);
                ProcStat stat = ProcStat.read(pid);
                assertNotNull(stat);
                assertEquals(stat.startTime, derived, "start time of child " + i);
                fromTheClock += derived == before ? 1 : 0;
            } finally {
                cat.getOutputStream().close();
                cat.waitFor();
            }
        }
        assertEquals(20, fromTheClock, "the clock's answer was never compared with /proc's");
    }

    @Test
    void a_tick_that_has_passed_sends_the_question_to_proc() throws IOException, InterruptedException {
        Process cat = new ProcessBuilder("cat").start();
        try {
            int pid = (int) cat.pid();
            assertEquals(ProcStat.read(pid).startTime, startTimes.of(pid, 0));
        } finally {
            cat.getOutputStream().close();
            cat.waitFor();
        }
    }
}
