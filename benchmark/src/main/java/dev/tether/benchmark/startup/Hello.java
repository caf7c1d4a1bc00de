package dev.tether.benchmark.startup;

/** The program whose start-up benchmark/startup.sh times: a JVM that starts, prints and ends. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("Hello");
    }
}
