package dev.tether.demo;

import java.lang.ProcessBuilder.Redirect;

/**
 * The JVM under test: like the seed's python script, it starts a small tree (a shell with two
 * children), says READY, and waits to be killed.
 */
public final class Parent {
    public static void main(String[] args) throws Exception {
        new ProcessBuilder("sh", "-c", "sleep 1000 & sleep 1000 & wait")
                // DISCARD, not the default pipe: the shell must not hold our stdout open, or the
                // demo's reader would see no end of stream after this JVM dies.
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.INHERIT)
                .start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
