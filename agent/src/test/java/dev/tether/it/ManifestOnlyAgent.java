package dev.tether.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * An agent jar that holds only a manifest: its Premain-Class comes from the test classes, which
 * ChildJvm puts on the class path. For tests that need a second, non-Tether agent in the JVM.
 */
final class ManifestOnlyAgent {
    private ManifestOnlyAgent() {
    }

    /** @param retransform whether the agent may retransform classes (Can-Retransform-Classes) */
    static Path write(Path jar, Class<?> premainClass, boolean retransform) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Premain-Class", premainClass.getName());
        if (retransform) {
            main.putValue("Can-Retransform-Classes", "true");
        }
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            // nothing but the manifest
        }
        return jar;
    }
}
