package sample;

import org.junit.jupiter.api.Test;

/** A test that starts a server fixture and never stops it, as a forgotten @AfterAll would. */
class LeakyTest {
    @Test
    void starts_a_server_and_forgets_it() throws Exception {
        ProcessBuilder server = new ProcessBuilder("sh", "-c", "sleep 1000 & sleep 1000 & wait");
        server.environment().put("TETHER_IT_FIXTURE", "skip");
        server.start();
        while (ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("sleep")).count() < 2) {
            Thread.sleep(10);
        }
    }
}
