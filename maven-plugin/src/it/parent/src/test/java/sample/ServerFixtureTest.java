package sample;

import org.junit.jupiter.api.Test;

/**
 * The one test of every sample project (their parent points their test sources here): it starts a
 * server fixture, {@code sh -c "sleep 1000 & sleep 1000 & wait"}, and never stops it, as a forgotten
 * {@code @AfterAll} would. System properties from the sample's POM: {@code fixture} (its name, put
 * into the fixture's environment so that verify.groovy can count it), {@code halt} (end the fork with
 * Runtime.halt, as Surefire ends a stuck fork), {@code expectOwn} (a property the project's own
 * argLine must have set), {@code stop} (stop the fixture after all, with its descendants: a clean suite).
 */
class ServerFixtureTest {
    @Test
    void starts_a_server_and_forgets_it() throws Exception {
        String own = System.getProperty("expectOwn");
        if (own != null && !own.equals(System.getProperty("sample.own"))) {
            throw new AssertionError("the project's own argLine was lost");
        }
        ProcessBuilder server = new ProcessBuilder("sh", "-c", "sleep 1000 & sleep 1000 & wait");
        server.environment().put("TETHER_IT_FIXTURE", System.getProperty("fixture"));
        Process started = server.start();
        while (sleeps() < 2) {
            Thread.sleep(10);
        }
        if (Boolean.getBoolean("stop")) {
            started.descendants().forEach(ProcessHandle::destroy);
            started.destroy();
            started.waitFor();
            while (sleeps() > 0) {
                Thread.sleep(10);
            }
        }
        if (Boolean.getBoolean("halt")) {
            Runtime.getRuntime().halt(0);
        }
    }

    private static long sleeps() {
        return ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("sleep")).count();
    }
}
