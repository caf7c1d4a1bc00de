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
        int fromTheClock = 0;
        for (int i = 0; i < 100; i++) {
            long before = startTimes.before();
            assertTrue(before > 0, "no boot-time clock");
            Process cat = new ProcessBuilder("cat").start(); // alive, unreaped, until its stdin closes
            try {
                int pid = (int) cat.pid();
                long derived = startTimes.of(pid, before);
                ProcStat stat = ProcStat.read(pid);
                assertNotNull(stat);
                assertEquals(stat.startTime, derived, "start time of child " + i);
                fromTheClock += startTimes.before() == before ? 1 : 0;
            } finally {
                cat.getOutputStream().close();
                cat.waitFor();
            }
        }
        // Most spawns fall within one tick: the comparison above must have covered the clock's answer.
        assertTrue(fromTheClock > 50, "only " + fromTheClock + " of 100 spawns within one clock tick");
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
