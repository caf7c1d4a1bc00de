package dev.tether.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupRegistryTest {
    private final Set<Integer> live = new HashSet<>();
    private final List<Integer> closed = new java.util.ArrayList<>();
    private final GroupRegistry registry = new GroupRegistry(groups -> {
        Set<ProcessGroup> empty = new HashSet<>();
        groups.forEach(g -> {
            if (!live.contains(g.pgid())) {
                empty.add(g);
            }
        });
        return empty;
    }, groups -> groups.forEach(group -> closed.add(group.pgid())), 8);

    private static ProcessGroup group(int pgid) {
        return new ProcessGroup(pgid, true, 1, 1000 + pgid, "cmd");
    }

    @Test
    void memory_follows_live_groups_not_the_number_of_spawns() {
        live.add(1);
        registry.record(group(1));
        for (int pgid = 2; pgid < 100_000; pgid++) {
            registry.record(group(pgid));
            assertTrue(registry.size() <= 16, "registry grew to " + registry.size());
        }
        assertTrue(registry.find(1) != null, "a live group is never dropped");
    }

    @Test
    void live_groups_survive_pruning_and_the_floor_doubles_with_them() {
        for (int pgid = 1; pgid <= 1000; pgid++) {
            live.add(pgid);
            registry.record(group(pgid));
        }
        assertEquals(1000, registry.size());
    }

    @Test
    void dropped_groups_give_back_their_pidfd_after_eight_spawns() {
        for (int pgid = 1; pgid <= 7; pgid++) {
            registry.record(group(pgid));
        }
        assertEquals(0, closed.size());
        registry.record(group(8));
        assertEquals(8, closed.size());
    }

    @Test
    void close_waits_for_a_spawn_in_flight_to_be_recorded() throws Exception {
        live.add(7);
        registry.spawning();
        Thread spawner = new Thread(() -> {
            // The spawn's own thread finishes later than close() begins.
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            registry.record(group(7));
            registry.spawned();
        });
        spawner.start();
        List<ProcessGroup> snapshot = registry.close();
        spawner.join();
        assertEquals(1, snapshot.size(), "close() returned before the spawn in flight was recorded");
        assertFalse(registry.record(group(8)));
    }

    @Test
    void after_close_a_new_group_is_refused_and_the_snapshot_has_every_group() {
        live.add(1);
        registry.record(group(1));
        assertEquals(1, registry.close().size());
        assertFalse(registry.record(group(2)), "a group recorded after close must be stopped by its recorder");
    }
}
