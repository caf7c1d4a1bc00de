package dev.tether.core;

import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Puts JNA and Tether's libc bindings into a named module of their own, {@value #NAME}, and grants
 * native access to that module only. (JNA's classes come into the jar already kept off the host's
 * system properties and logging: see JnaRedirects under agent/src/build.)
 *
 * <p>Why (JDK 22 and later; before, there is no such flag and no module is made): JDK 24+ warns on
 * standard error when code without native access loads a native library (JEP 472), and JNA does so
 * at its first use. The access flag of every unnamed module is one
 * shared flag ({@code ALL-UNNAMED}), so granting it to Tether's unnamed module would also silence the
 * host's own warnings. A named module has a flag of its own. It is granted through the JDK's
 * internal {@code Module.implAddEnableNativeAccess()} because the public
 * {@code ModuleLayer.Controller.enableNativeAccess} itself requires (and warns about) native access
 * of its caller; java.base opens java.lang to Tether's module for the bridge, which makes that call
 * possible. Must run before any class of these packages is loaded.
 */
final class NativeModule {
    static final String NAME = "dev.tether.jna";
    private static final String[] ROOTS = {"com/sun/jna/", "dev/tether/nativeio/"};
    private static final String PREFIX = "tether/inst/";
    /** JDK 22 brought the native access flag (JEP 454; JEP 472 makes JNI warn about it from JDK 24). */
    private static final int FIRST_JDK_WITH_NATIVE_ACCESS = 22;

    private NativeModule() {
    }

    private static boolean defined;

    /** Once per JVM, whichever thread needs JNA first (the first spawn, or the orphan reaper). */
    static synchronized void define(ClassLoader loader) throws IOException, URISyntaxException {
        if (defined) {
            return;
        }
        defined = true; // a second attempt after a failure would fail on the module name, not explain it
        if (Runtime.version().feature() < FIRST_JDK_WITH_NATIVE_ACCESS) {
            return; // nothing to grant; the module layer would cost the first spawn 25 ms or more
        }
        ModuleDescriptor descriptor = ModuleDescriptor.newAutomaticModule(NAME).packages(packages()).build();
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() throws IOException {
                throw new IOException(NAME + " is read through Tether's class loader, not a module reader");
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return NAME.equals(name) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(NAME));
        ModuleLayer layer = ModuleLayer.defineModules(configuration, List.of(ModuleLayer.boot()), name -> loader)
                .layer();
        grantNativeAccess(layer.findModule(NAME).orElseThrow());
    }

    private static void grantNativeAccess(Module module) {
        try {
            Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
            grant.setAccessible(true);
            grant.invoke(module);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the JDK will print its warning; everything works the same
        }
    }

    /** The packages of the module: every directory holding classes under the roots, read from the agent jar. */
    private static Set<String> packages() throws IOException, URISyntaxException {
        File jar = new File(NativeModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> packages = new HashSet<>();
        try (JarFile file = new JarFile(jar)) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && name.startsWith(PREFIX) && underRoot(name.substring(PREFIX.length()))) {
                    packages.add(name.substring(PREFIX.length(), name.lastIndexOf('/')).replace('/', '.'));
                }
            }
        }
        return packages;
    }

    private static boolean underRoot(String path) {
        for (String root : ROOTS) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }
}
