package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.fixtures.ClassProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged agent jar carries only what it is meant to, where it is meant to: at the top (the host's
 * class path) the manifest and the boot stage; everything else under {@code tether/inst/}, where only
 * Tether's own loader looks. A host cannot load Tether's JNA, ByteBuddy, SLF4J or internals.
 */
@Timeout(120)
class AgentJarContentIT {
    private static final String INST = "tether/inst/";

    /** Entries allowed at the top of the jar, i.e. on the host's class path. */
    private static final List<Pattern> TOP = patterns(
            "META-INF/",
            "META-INF/MANIFEST\\.MF",
            "dev/", "dev/tether/", // the directories above the boot stage
            "dev/tether/boot/",
            "dev/tether/boot/[A-Za-z]+\\.class", // the boot stage (two classes, counted below)
            "tether/", "tether/inst/");

    /** Entries allowed under tether/inst/ (the path given relative to it). */
    private static final List<Pattern> INSIDE = patterns(
            "dev/", "com/", "com/sun/", "java/", "java/lang/", // directories above the packages
            "dev/tether/(.+/)?", // Tether's packages, and its launchers at dev/tether/native/<platform>/
            "dev/tether/(?!native/)([a-z0-9_]+/)+[A-Za-z0-9_$]+\\.class", // Tether's classes
            "dev/tether/native/[a-z0-9_-]+/tether-launcher", // the launcher, one per platform
            "dev/tether/native/[a-z0-9_-]+/tether-keeper", // the keeper, one per platform
            "dev/tether/shaded/(bytebuddy|slf4j)/.*", // relocated ByteBuddy and SLF4J (with any resources)
            "com/sun/jna/.*", // JNA, deliberately not relocated (its native library binds JNI names)
            "java/lang/TetherBridge(\\$Hooks)?\\.class", // defined into java.lang at run time
            "META-INF/",
            "META-INF/(LICENSE|NOTICE|AL2\\.0|LGPL2\\.1)(\\.txt|\\.md)?",
            "META-INF/licenses/", "META-INF/licenses/[A-Za-z0-9._-]+",
            "META-INF/services/", "META-INF/services/(dev\\.tether|com\\.sun\\.jna)\\.[A-Za-z0-9.$_]+");

    /** Original names of the relocated libraries: none may be left, anywhere in the jar. */
    private static final List<String> RELOCATED = List.of("net/bytebuddy/", "org/slf4j/");

    @RegisterExtension
    final Marks marks = new Marks();

    @Test
    void every_entry_of_the_agent_jar_lies_where_the_agent_is_meant_to_carry_it() throws IOException {
        List<String> outside = new ArrayList<>();
        int bootClasses = 0;
        int entries = 0;
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar())) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                entries++;
                String name = entry.getName();
                if (name.startsWith("dev/tether/boot/") && name.endsWith(".class")) bootClasses++;
                boolean allowed = name.startsWith(INST) && !name.equals(INST)
                        ? matchesAny(INSIDE, name.substring(INST.length()))
                        : matchesAny(TOP, name);
                if (!allowed || name.endsWith("module-info.class")
                        || RELOCATED.stream().anyMatch(original -> name.contains(original))) {
                    outside.add(name);
                }
            }
        }
        ItLog.line("JAR " + entries + " entries, " + outside.size() + " outside the expected set, "
                + bootClasses + " boot classes");
        assertEquals(List.of(), outside, "entries of " + ChildJvm.agentJar() + " outside the expected set");
        assertEquals(2, bootClasses, "the boot stage at the top of the jar is two classes");
    }

    @Test
    void the_agent_jar_carries_tether_the_launcher_jna_and_relocated_bytebuddy_and_slf4j() throws IOException {
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar())) {
            for (String required : List.of(
                    "dev/tether/boot/TetherPremain.class",
                    INST + "dev/tether/entry/Agent.class",
                    INST + "dev/tether/native/linux-x86_64/tether-launcher",
                    INST + "dev/tether/native/linux-x86_64/tether-keeper",
                    // cross-compiled: one jar for x86_64 and aarch64 Linux
                    INST + "dev/tether/native/linux-aarch64/tether-launcher",
                    INST + "dev/tether/native/linux-aarch64/tether-keeper",
                    "META-INF/MANIFEST.MF",
                    // ByteBuddy's own ASM, the part of ByteBuddy that weaves (the rest is left out: see agent/pom.xml)
                    INST + "dev/tether/shaded/bytebuddy/jar/asm/ClassWriter.class",
                    INST + "dev/tether/shaded/slf4j/LoggerFactory.class",
                    INST + "com/sun/jna/Native.class",
                    INST + "java/lang/TetherBridge.class")) {
                assertTrue(jar.getEntry(required) != null, "the agent jar lacks " + required);
            }
        }
    }

    @Test
    void no_class_in_the_agent_jar_refers_to_bytebuddy_or_slf4j_by_their_original_names() throws IOException {
        List<String> referring = new ArrayList<>();
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar())) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                if (entry.isDirectory()) continue;
                String bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    // ISO-8859-1 maps byte for byte: the internal names in a constant pool are ASCII.
                    bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                for (String original : RELOCATED) {
                    if (bytes.contains(original)) referring.add(entry.getName() + " (" + original + ")");
                }
            }
        }
        assertEquals(List.of(), referring, "unrelocated references in " + ChildJvm.agentJar());
    }

    /**
     * The build rewrites JNA (agent/src/build/java/dev/tether/build/JnaRedirects.java): in the jar, no
     * JNA class may still read or write the host's system properties or touch java.util.logging.
     */
    @Test
    void jna_in_the_agent_jar_calls_no_system_property_and_no_logger_of_the_host() throws IOException {
        List<String> calls = new ArrayList<>();
        int jnaClasses = 0;
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar())) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith(INST + "com/sun/jna/") || !name.endsWith(".class")) continue;
                jnaClasses++;
                try (InputStream in = jar.getInputStream(entry)) {
                    new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                        @Override
                        public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                String[] exceptions) {
                            return new MethodVisitor(Opcodes.ASM9) {
                                @Override
                                public void visitMethodInsn(int opcode, String owner, String called, String desc,
                                        boolean itf) {
                                    boolean property = owner.equals("java/lang/System")
                                            && (called.equals("getProperty") || called.equals("setProperty"))
                                            || owner.equals("java/lang/Boolean") && called.equals("getBoolean");
                                    if (property || owner.startsWith("java/util/logging/")) {
                                        calls.add(name + " " + method + ": " + owner + "." + called);
                                    }
                                }
                            };
                        }
                    }, 0);
                }
            }
        }
        assertTrue(jnaClasses > 50, "only " + jnaClasses + " JNA classes in " + ChildJvm.agentJar());
        assertEquals(List.of(), calls, "JNA calls left in " + ChildJvm.agentJar());
    }

    @Test
    void the_manifest_names_the_boot_stage_for_premain_and_agentmain_and_allows_retransformation()
            throws IOException {
        Manifest manifest;
        try (JarFile jar = new JarFile(ChildJvm.agentJar())) {
            manifest = jar.getManifest();
        }
        Attributes main = manifest.getMainAttributes();
        assertEquals("dev.tether.boot.TetherPremain", main.getValue("Premain-Class"));
        assertEquals("dev.tether.boot.TetherPremain", main.getValue("Agent-Class"));
        assertEquals("true", main.getValue("Can-Retransform-Classes"));
        // Nothing that would widen what the host sees: no class path of its own, no boot class path.
        assertEquals(null, main.getValue("Class-Path"), "Class-Path in the agent's manifest");
        assertEquals(null, main.getValue("Boot-Class-Path"), "Boot-Class-Path in the agent's manifest");
        assertEquals(null, main.getValue("Launcher-Agent-Class"), "Launcher-Agent-Class in the agent's manifest");
    }

    @Test
    void the_host_cannot_load_tethers_jna_bytebuddy_slf4j_or_internals() {
        String[] probes = {
            "com.sun.jna.Native",
            "dev.tether.entry.Agent",
            "net.bytebuddy.ByteBuddy",
            "dev.tether.shaded.bytebuddy.ByteBuddy",
            "org.slf4j.LoggerFactory",
            "dev.tether.shaded.slf4j.LoggerFactory",
            // Not java.lang.TetherBridge: by design it is defined into java.lang (the boot loader) at the
            // first spawn, so that the code woven into ProcessImpl can call it; any loader finds it then.
            "--resources",
            "com/sun/jna/Native.class",
            "net/bytebuddy/ByteBuddy.class",
            "org/slf4j/LoggerFactory.class",
            "META-INF/services/org.slf4j.spi.SLF4JServiceProvider",
            "org/slf4j/impl/StaticLoggerBinder.class",
        };
        JvmExit without = probe(false, probes);
        JvmExit with = probe(true, probes);

        List<String> expected = new ArrayList<>();
        for (String when : List.of("before-spawn", "after-spawn")) {
            boolean resources = false;
            for (String name : probes) {
                if (name.equals("--resources")) {
                    resources = true;
                } else if (resources) {
                    expected.add(when + " resource " + name + " -> 0 found");
                } else {
                    expected.add(when + " class " + name + " -> ClassNotFoundException");
                }
            }
            if (when.equals("before-spawn")) expected.add("spawned exit=0");
        }
        assertEquals(String.join("\n", expected) + "\n", without.stdout, without::describe);
        assertEquals(without.stdout, with.stdout, () -> "the host sees more with the agent (- without, + with)\n"
                + HostFactsRun.diff(without.stdout, with.stdout));
        assertEquals(without.stderr, with.stderr, with::describe);
        assertEquals(0, with.exitCode, with::describe);
    }

    private JvmExit probe(boolean agent, String... names) {
        RunningJvm child = ChildJvm.of(Jdk.current(), marks.next()).agent(agent).main(ClassProbe.class, names).start();
        child.closeStdin();
        return child.awaitExit(Duration.ofSeconds(60));
    }

    private static List<Pattern> patterns(String... regexes) {
        List<Pattern> patterns = new ArrayList<>();
        for (String regex : regexes) patterns.add(Pattern.compile(regex));
        return patterns;
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        return patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }
}
