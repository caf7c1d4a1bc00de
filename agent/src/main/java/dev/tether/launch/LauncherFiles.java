package dev.tether.launch;

import dev.tether.log.Log;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The native launcher and the keeper on disk: extracted at the first spawn into a fresh private
 * directory (random name, mode 0700, created by this JVM, so never a predictable shared path), and
 * compared byte for byte with the copies inside the agent jar before they are used.
 *
 * <p>Layout: {@code tether-launcher} (the binary), links to it whose names select its forms
 * ({@code tether-launcher-samegroup}, {@code -outside}, {@code jspawnhelper} and its two alike: see
 * {@link Placement}),
 * {@code jspawnhelper.jdk} (a link to the JDK's own helper, made when the JDK first names it),
 * {@code tether-keeper}, and the keeper's two sockets once it runs (see native/src/main/c).
 */
public final class LauncherFiles {
    private static final String LAUNCHER = "tether-launcher";
    private static final String KEEPER = "tether-keeper";
    private static final String HELPER = "jspawnhelper";
    /** The longest name in the directory that is a socket's (sun_path: 108 bytes with the NUL, unix(7)). */
    private static final String LONGEST_SOCKET = "keeper.status";
    /** The keeper's sockets, removed at a normal exit (the keeper removes them after any other). */
    private static final String[] SOCKETS = {"keeper.ctl", "keeper.reg0", "keeper.reg1", "keeper.reg2", "keeper.reg3",
        "keeper.reg4", "keeper.reg5", "keeper.reg6", "keeper.reg7", "keeper.reg8", "keeper.reg9", "keeper.rega",
        "keeper.regb", "keeper.regc", "keeper.regd", "keeper.rege", "keeper.regf", "keeper.status"};
    private static final int SUN_PATH = 108;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final int MAX_NAME_ATTEMPTS = 100;

    private final Path dir;
    private final String launcher;
    private final Map<Placement, String> launchers = new EnumMap<>(Placement.class);
    private final Map<Placement, byte[]> helpers = new EnumMap<>(Placement.class);
    private String keeper;
    private byte[] linkedJdkHelper;

    private LauncherFiles(Path dir) {
        this.dir = dir;
        this.launcher = dir.resolve(LAUNCHER).toString();
        for (Placement where : Placement.values()) {
            launchers.put(where, launcher + where.suffix);
            helpers.put(where, cString(dir.resolve(HELPER + where.suffix).toString()));
        }
    }

    /** @throws IOException with a reason a user can act on, when no directory can hold a runnable launcher. */
    public static LauncherFiles extract(ClassLoader resources) throws IOException {
        String platform = NativePlatform.current();
        if (platform == null) {
            throw new IOException("no launcher for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        byte[] binary = readResource(resources, "dev/tether/native/" + platform + "/" + LAUNCHER);
        byte[] keeper = readResource(resources, "dev/tether/native/" + platform + "/" + KEEPER);
        List<String> tried = new ArrayList<>();
        int user = SafeBase.fileUser();
        for (Path base : candidateBases()) {
            Path dir = null;
            try {
                Path real = base.toRealPath(); // every later path is resolved from here: no link to swap
                if (real.toString().length() + "/tether-0123456789abc/".length() + LONGEST_SOCKET.length() >= SUN_PATH) {
                    throw new IOException("too long a path for the keeper's sockets (unix(7): 107 bytes)");
                }
                if (user >= 0) {
                    refuseUnsafe(real, user); // before anything is created there
                    dir = createPrivateDir(real);
                } else {
                    Path created = createPrivateDir(real);
                    try {
                        refuseUnsafe(real, ownerOf(created));
                    } catch (IOException e) {
                        Files.delete(created); // rmdir(2): whatever else may be in its place stays
                        throw e;
                    }
                    dir = created;
                }
                LauncherFiles files = new LauncherFiles(dir);
                files.install(binary);
                files.keeper = files.installExecutable(KEEPER, keeper).toString();
                return files;
            } catch (IOException e) {
                tried.add(base + " (" + e.getMessage() + ")");
                discard(dir); // a partial extraction (a full disk) must not stay behind
                Log.get(LauncherFiles.class).debug("not placing the launcher under {}: {}", base, e.getMessage());
            }
        }
        throw new IOException("cannot place the launcher in any of " + tried);
    }

    /**
     * The launcher's exec form: {@code tether-launcher PROGRAM ARGV0 [ARG...]}.
     *
     * @param where where the child goes before its exec
     */
    public String launcher(Placement where) {
        return launchers.get(where);
    }

    /** The keeper ({@code tether-keeper [-s] GRACE_MS JVM_SID DIR}, native/src/main/c/tether-keeper.c). */
    public String keeper() {
        return keeper;
    }

    /**
     * The private directory, absolute: the keeper removes it after a death that skips deleteOnExit,
     * the only trace on disk such a death would otherwise leave.
     */
    public String directory() {
        return dir.toAbsolutePath().toString();
    }

    /**
     * @param where where the child goes before its exec
     * @return our helper's path as the C string the JDK passes to posix_spawn, linked to {@code jdkHelper}.
     */
    public synchronized byte[] helperFor(byte[] jdkHelper, Placement where) throws IOException {
        if (linkedJdkHelper == null) {
            String target = new String(jdkHelper, 0, jdkHelper.length - 1, pathCharset());
            Path link = dir.resolve(HELPER + ".jdk");
            Files.createSymbolicLink(link, Paths.get(target));
            link.toFile().deleteOnExit();
            linkedJdkHelper = jdkHelper.clone();
        }
        if (!Arrays.equals(linkedJdkHelper, jdkHelper)) {
            return jdkHelper;
        }
        return helpers.get(where);
    }

    private void install(byte[] binary) throws IOException {
        installExecutable(LAUNCHER, binary);
        for (Placement where : Placement.values()) {
            for (String form : new String[] {LAUNCHER + where.suffix, HELPER + where.suffix}) {
                if (!form.equals(LAUNCHER)) {
                    Path link = dir.resolve(form);
                    Files.createSymbolicLink(link, Paths.get(LAUNCHER));
                    link.toFile().deleteOnExit();
                }
            }
        }
        for (String socket : SOCKETS) {
            dir.resolve(socket).toFile().deleteOnExit(); // the keeper's, once it runs
        }
    }

    /**
     * Writes {@code binary} as {@code name}, mode 0700, and checks it reads back the same and can run.
     *
     * <p>Through java.io, which every JVM has loaded at start-up: a file channel would load some 35
     * classes of sun.nio.ch for three small files. The file is created exclusively (a name that exists
     * fails) with the process's default mode and then narrowed to 0700; nobody else can reach it
     * meanwhile, because the directory it is in is already ours alone (see createPrivateDir).
     */
    private Path installExecutable(String name, byte[] binary) throws IOException {
        File file = dir.resolve(name).toFile();
        if (!file.createNewFile()) {
            throw new IOException(file + " exists already");
        }
        file.deleteOnExit();
        Files.setPosixFilePermissions(file.toPath(), OWNER_ONLY); // chmod(2), as the directory's mkdir
        try (FileOutputStream out = new FileOutputStream(file)) {
            out.write(binary);
        }
        byte[] written;
        try (FileInputStream in = new FileInputStream(file)) {
            written = in.readAllBytes();
        }
        if (!Arrays.equals(written, binary)) {
            throw new IOException(file + " does not hold the " + name + " that was written");
        }
        // access(2) with X_OK fails on a noexec mount, which is exactly what must be ruled out here.
        if (!file.canExecute()) {
            throw new IOException("cannot execute files there (noexec mount?)");
        }
        return file.toPath();
    }

    /**
     * A new directory, mode 0700 from its creation (mkdir(2) with that mode; it fails on any existing
     * name, a planted symbolic link included), and 0700 again explicitly: mkdir's mode is narrowed by
     * the umask, and under {@code umask 0177} the directory would be 0600, which its owner cannot
     * enter (and the keeper would refuse to remove). Not Files.createTempDirectory: its
     * SecureRandom costs the first spawn about 25 ms to seed, and what makes the directory safe is
     * that this JVM created it in a base nobody else can rename it in (see SafeBase), not that its
     * name is unguessable; a taken name is simply skipped.
     */
    private static Path createPrivateDir(Path base) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        for (int attempt = 0; ; attempt++) {
            // 63 random bits: Long.toUnsignedString of a negative long in base 36 goes through BigInteger,
            // whose classes half of all first spawns would otherwise load for a name.
            long random = ThreadLocalRandom.current().nextLong() >>> 1;
            Path dir = base.resolve("tether-" + Long.toString(random, 36));
            try {
                Files.createDirectory(dir, mode);
            } catch (FileAlreadyExistsException taken) {
                if (attempt < MAX_NAME_ATTEMPTS) {
                    continue;
                }
                throw taken;
            }
            // Registered first, deleted last: File.deleteOnExit deletes in reverse order of registration.
            dir.toFile().deleteOnExit();
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            return dir;
        }
    }

    private static void refuseUnsafe(Path realBase, int user) throws IOException {
        String unsafe = SafeBase.whyUnsafe(realBase, user);
        if (unsafe != null) {
            throw new IOException(unsafe);
        }
    }

    /** The directory's owner: the user this JVM creates files as (the JDK offers no geteuid). */
    private static int ownerOf(Path dir) throws IOException {
        return (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes what a failed extraction left in {@code dir}, and {@code dir}; best effort. */
    private static void discard(Path dir) {
        if (dir == null) {
            return;
        }
        File[] entries = dir.toFile().listFiles();
        if (entries != null) {
            for (File entry : entries) {
                entry.delete();
            }
        }
        dir.toFile().delete();
    }

    private static List<Path> candidateBases() {
        List<Path> bases = new ArrayList<>();
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            bases.add(Paths.get(runtime));
        }
        bases.add(Paths.get(System.getProperty("java.io.tmpdir")));
        bases.add(Paths.get(System.getProperty("user.home"), ".cache"));
        bases.removeIf(base -> !new File(base.toString()).isDirectory());
        return bases;
    }

    private static byte[] readResource(ClassLoader resources, String name) throws IOException {
        byte[] bytes = readOptionalResource(resources, name);
        if (bytes == null) {
            throw new IOException("the agent jar has no " + name);
        }
        return bytes;
    }

    private static byte[] readOptionalResource(ClassLoader resources, String name) throws IOException {
        try (InputStream in = resources.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The charset the JDK uses for paths it hands to native code (sun.jnu.encoding). */
    private static Charset pathCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static byte[] cString(String s) {
        byte[] bytes = s.getBytes(pathCharset());
        return Arrays.copyOf(bytes, bytes.length + 1);
    }
}
