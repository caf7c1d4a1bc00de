package dev.tether.orphans;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SpawnLedgerTest {
    @Test
    void a_spawn_begun_during_the_round_makes_it_unsafe() throws Exception {
        SpawnLedger ledger = new SpawnLedger();
        long begun = ledger.newRound();
        assertTrue(ledger.quietSince(begun));
        Thread spawner = new Thread(ledger::begin);
        spawner.start();
        spawner.join();
        assertFalse(ledger.quietSince(begun), "a spawn began after the round started");
        assertTrue(ledger.quietSince(ledger.newRound()), "its thread has ended, so its spawn is over");
    }

    @Test
    void a_thread_that_began_a_spawn_and_left_processimpl_no_longer_counts() {
        SpawnLedger ledger = new SpawnLedger();
        ledger.begin(); // this thread: no java.lang.ProcessImpl frame on its stack, as after a failed spawn
        assertTrue(ledger.quietSince(ledger.newRound()));
    }

    @Test
    void a_started_child_is_the_jdks_until_it_is_no_longer_a_child() {
        SpawnLedger ledger = new SpawnLedger();
        ledger.begin();
        ledger.started(4242);
        assertTrue(ledger.isJdkChild(4242));
        ledger.forgetReaped(Set.of()); // named in this round: the round's listing may predate its fork
        assertTrue(ledger.isJdkChild(4242));
        ledger.newRound();
        ledger.forgetReaped(Set.of(4242)); // still a child
        assertTrue(ledger.isJdkChild(4242));
        ledger.newRound();
        ledger.forgetReaped(Set.of()); // the JDK reaped it
        assertFalse(ledger.isJdkChild(4242));
    }
}
