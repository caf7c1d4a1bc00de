package dev.tether.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void a_command_with_spaces_and_parentheses_does_not_shift_the_fields() {
        String line = "4242 (a) b (c) Z 1 4240 4200 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0";
        ProcStat stat = ProcStat.parse(4242, line);
        assertEquals('Z', stat.state);
        assertEquals(4240, stat.pgid);
        assertEquals(4200, stat.sid);
        assertEquals(987654L, stat.startTime);
        assertTrue(stat.isZombie());
    }

    @Test
    void this_jvm_is_readable_and_alive() {
        ProcStat self = ProcStat.read((int) ProcessHandle.current().pid());
        assertNotNull(self);
        assertFalse(self.isZombie());
    }

    @Test
    void a_missing_process_reads_as_null() {
        assertNull(ProcStat.read(Integer.MAX_VALUE));
    }
}
