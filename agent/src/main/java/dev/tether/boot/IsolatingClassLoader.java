package dev.tether.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.AllPermission;
import java.security.CodeSource;
import java.security.Permissions;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads Tether's second stage from {@code tether/inst/} inside the agent jar.
 *
 * <p>Its parent is the platform loader, so the host's classes (and the host's own JNA, ByteBuddy or
 * SLF4J) are invisible to Tether, and Tether's are invisible to the host. Classes get a protection
 * domain with static {@link AllPermission}: under a host's restrictive SecurityManager policy the
 * agent's own work on the spawn path (reading PATH, checking files, loading JNA) must still succeed,
 * and it runs inside {@code doPrivileged} blocks so the host's permissions never leak in either way.
 * The jar stays open for the JVM's life: reading entries of an open jar needs no permission check.
 */
final class IsolatingClassLoader extends ClassLoader implements Supplier<Object[]> {

    static final String PREFIX = "tether/inst/";
    private static final String ENTRY_CLASS = "dev.tether.entry.Agent";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;
    private Object[] handedOver;

    IsolatingClassLoader(JarFile jar, URL jarUrl) {
        super("tether", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.jarUrl = jarUrl.toExternalForm();
        // The code source also tells stage two where its jar is (NativeModule reads its packages).
        this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null),
                securityManagerPossible() ? all() : null);
    }

    /**
     * JDK 24 removed the SecurityManager (JEP 486): permissions mean nothing there, and building them
     * loads classes the JDK's archive does not hold, in every host's start-up.
     */
    private static boolean securityManagerPossible() {
        return Runtime.version().feature() < 24;
    }

    private static Permissions all() {
        Permissions all = new Permissions();
        all.add(new AllPermission());
        return all;
    }

    /**
     * Opens the agent's own jar, makes the loader and starts stage two with premain's arguments.
     * Here rather than in TetherPremain: the verifier loads the classes whose assignability a method
     * needs when it links the class holding it, so a TetherPremain that used this type would load it
     * while being linked, outside any try, and a jar damaged there would abort the JVM ("processing
     * of -javaagent failed"). A static call is resolved when it runs: inside premain's try.
     */
    static void startStageTwo(Object[] premainArguments) throws Exception {
        URL jarUrl = TetherPremain.class.getProtectionDomain().getCodeSource().getLocation();
        JarFile jar = new JarFile(new java.io.File(jarUrl.toURI()), false); // unsigned: no verifier to set up
        IsolatingClassLoader loader = new IsolatingClassLoader(jar, jarUrl);
        // No reflection: on JDK 18+ Method.invoke spins method handles, some 40 ms of every host's
        // start-up on JDK 25. Stage two's initializer fetches these arguments from its own loader.
        loader.handedOver = premainArguments;
        Class.forName(ENTRY_CLASS, true, loader);
    }

    /** The command line's entry in stage two: {@code dev.tether.cli.Cli.run}, by reflection (no host pays for it here). */
    static int runCommandLine(String version, String[] args) throws Exception {
        URL jarUrl = TetherPremain.class.getProtectionDomain().getCodeSource().getLocation();
        JarFile jar = new JarFile(new java.io.File(jarUrl.toURI()), false);
        IsolatingClassLoader loader = new IsolatingClassLoader(jar, jarUrl);
        Class<?> cli = Class.forName("dev.tether.cli.Cli", true, loader);
        return (Integer) cli.getMethod("run", String.class, String[].class, java.io.PrintStream.class,
                java.io.PrintStream.class).invoke(null, version, args, System.out, System.err);
    }

    /** Stage two's entry gets premain's arguments, {@code {agentArgs, instrumentation, attached, accepted}}, once. */
    @Override
    public synchronized Object[] get() {
        Object[] arguments = handedOver;
        handedOver = null;
        return arguments;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".class");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /** Stage two puts JNA in a named module defined to this loader; its classes and resources are found as any. */
    @Override
    protected Class<?> findClass(String moduleName, String name) {
        try {
            return findClass(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    @Override
    protected URL findResource(String moduleName, String name) {
        return findResource(name);
    }

    @Override
    protected URL findResource(String name) {
        if (jar.getJarEntry(PREFIX + name) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + PREFIX + name);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /**
     * Tether's own resources (the bridge's class files, the launcher, the keeper, JNA's library) are
     * read from the open jar directly. Through getResource each would first be looked for in the
     * JDK's modules (for {@code java/lang/...} that opens the module image's reader), then cost a
     * {@code jar:} URL, its connection classes and a second JarFile on the same jar: some 5 ms of the
     * first spawn. The parent holds no name under the agent's prefix that Tether asks for.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = jar.getJarEntry(PREFIX + name);
        if (entry == null) {
            return super.getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
