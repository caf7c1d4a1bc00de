package dev.tether.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** The JDKs a parameterized test runs on, by name: "jdk17" (the test JVM's own) and "jdk25" (Temurin). */
final class Jdks {
    static final String CURRENT = "current";
    static final String TEMURIN_25 = "temurin25";

    private Jdks() {}

    /** The JDK named; a JUnit assumption skips the case when it is not installed. */
    static Jdk named(String name) {
        if (name.equals(CURRENT)) return Jdk.current();
        Optional<Jdk> jdk = Jdk.temurin25();
        assumeTrue(jdk.isPresent(), "no /usr/lib/jvm/temurin-25*: skipped");
        return jdk.get();
    }
}
