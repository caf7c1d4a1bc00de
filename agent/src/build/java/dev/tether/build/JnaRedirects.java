package dev.tether.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Build step (agent/pom.xml, package phase): rewrites JNA's classes before they go into the agent
 * jar, so that JNA touches nothing of the host's: its system-property calls go to
 * {@code dev.tether.nativeio.JnaProperties}, and its java.util.logging calls to
 * {@code dev.tether.nativeio.JnaLogging} (JNA's loggers would initialise the JDK's LogManager at the
 * first spawn: a host that chooses its LogManager later, {@code java.util.logging.manager} as JBoss
 * does, would then get the JDK's, and the first spawn paid about 25 classes and a configuration
 * read for it). A static call with the same descriptor, or with the receiver as the first argument,
 * leaves the operand stack and the stack map frames as they were.
 *
 * <p>And one change for speed: {@code Structure$FFIType}, the structure JNA builds at its first
 * registration of a native method, gets its field order as a method instead of having JNA read its
 * {@code @FieldOrder} annotation. Reading an annotation makes the JDK generate a proxy class: about
 * 20 ms of the first spawn. The method returns what the annotation holds, read from it here.
 *
 * <p>Done here, not as the classes load: rewriting them in the host, with a cold ASM, cost every
 * first spawn 40-55 ms. AgentJarContentIT checks that no JNA class in the jar still calls them.
 *
 * <p>Usage: {@code JnaRedirects SHADED_JAR OUTPUT_DIR}: writes each JNA class that needed a change
 * to OUTPUT_DIR under its own name; the jar assembly takes those instead of the originals.
 */
public final class JnaRedirects {
    private static final String JNA = "com/sun/jna/";
    private static final String PROPERTIES = "dev/tether/nativeio/JnaProperties";
    private static final String LOGGING = "dev/tether/nativeio/JnaLogging";
    private static final String LOGGER = "java/util/logging/Logger";
    private static final String FFI_TYPE = "com/sun/jna/Structure$FFIType";
    private static final String FIELD_ORDER = "Lcom/sun/jna/Structure$FieldOrder;";
    private static final byte[][] MENTIONS = {ascii("getProperty"), ascii("setProperty"), ascii("getBoolean"), ascii(LOGGER)};

    private JnaRedirects() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: JnaRedirects SHADED_JAR OUTPUT_DIR");
            System.exit(2);
        }
        Path output = Paths.get(args[1]);
        int classes = 0;
        int rewritten = 0;
        try (ZipFile jar = new ZipFile(args[0])) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith(JNA) || !name.endsWith(".class")) {
                    continue;
                }
                classes++;
                byte[] original;
                try (InputStream in = jar.getInputStream(entry)) {
                    original = in.readAllBytes();
                }
                byte[] result = rewrite(name, original);
                if (result != original) {
                    Path file = output.resolve(name);
                    Files.createDirectories(file.getParent());
                    Files.write(file, result);
                    rewritten++;
                }
            }
        }
        if (classes == 0) {
            throw new IOException(args[0] + " holds no JNA class: the jar's layout changed");
        }
        System.out.println("JnaRedirects: " + rewritten + " of " + classes + " JNA classes rewritten into " + output);
    }

    /** @return the rewritten class, or {@code classfile} itself if there is nothing to change */
    static byte[] rewrite(String entryName, byte[] classfile) {
        boolean ffiType = entryName.equals(FFI_TYPE + ".class");
        if (!mentionsAny(classfile) && !ffiType) {
            return classfile;
        }
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        ClassVisitor redirects = new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature,
                        exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && isPropertyCall(owner, method)) {
                            super.visitMethodInsn(opcode, PROPERTIES, method, desc, false);
                        } else if (opcode == Opcodes.INVOKESTATIC && LOGGER.equals(owner)) {
                            super.visitMethodInsn(opcode, LOGGING, method, desc, false);
                        } else if (opcode == Opcodes.INVOKEVIRTUAL && LOGGER.equals(owner)) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, LOGGING, method,
                                    "(L" + LOGGER + ";" + desc.substring(1), false);
                        } else {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                        }
                    }
                };
            }
        };
        reader.accept(ffiType ? new FieldOrderMethod(redirects) : redirects, 0);
        return writer.toByteArray();
    }

    /** Adds {@code protected List<String> getFieldOrder()} returning the class's {@code @FieldOrder} values. */
    private static final class FieldOrderMethod extends ClassVisitor {
        private final List<String> fields = new ArrayList<>();
        private boolean declared;

        FieldOrderMethod(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            AnnotationVisitor next = super.visitAnnotation(descriptor, visible);
            if (!FIELD_ORDER.equals(descriptor)) {
                return next;
            }
            return new AnnotationVisitor(Opcodes.ASM9, next) {
                @Override
                public AnnotationVisitor visitArray(String name) {
                    return new AnnotationVisitor(Opcodes.ASM9, super.visitArray(name)) {
                        @Override
                        public void visit(String unused, Object value) {
                            fields.add((String) value);
                            super.visit(unused, value);
                        }
                    };
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            declared |= name.equals("getFieldOrder") && descriptor.equals("()Ljava/util/List;");
            return super.visitMethod(access, name, descriptor, signature, exceptions);
        }

        @Override
        public void visitEnd() {
            if (declared || fields.isEmpty()) {
                throw new IllegalStateException(FFI_TYPE + " changed (" + (declared ? "it declares getFieldOrder"
                        : "no @FieldOrder") + "): review JnaRedirects for this JNA version");
            }
            // return Collections.unmodifiableList(Arrays.asList(new String[] {...})), as Structure's does
            MethodVisitor m = super.visitMethod(Opcodes.ACC_PROTECTED, "getFieldOrder", "()Ljava/util/List;",
                    "()Ljava/util/List<Ljava/lang/String;>;", null);
            m.visitCode();
            m.visitLdcInsn(fields.size());
            m.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/String");
            for (int i = 0; i < fields.size(); i++) {
                m.visitInsn(Opcodes.DUP);
                m.visitLdcInsn(i);
                m.visitLdcInsn(fields.get(i));
                m.visitInsn(Opcodes.AASTORE);
            }
            m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Arrays", "asList", "([Ljava/lang/Object;)Ljava/util/List;", false);
            m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Collections", "unmodifiableList",
                    "(Ljava/util/List;)Ljava/util/List;", false);
            m.visitInsn(Opcodes.ARETURN);
            m.visitMaxs(4, 1);
            m.visitEnd();
            super.visitEnd();
        }
    }

    private static boolean isPropertyCall(String owner, String method) {
        return "java/lang/System".equals(owner)
                && ("getProperty".equals(method) || "setProperty".equals(method))
                || "java/lang/Boolean".equals(owner) && "getBoolean".equals(method);
    }

    /** A byte search of the whole file: every name a class calls is in its constant pool, in (modified) UTF-8. */
    private static boolean mentionsAny(byte[] classfile) {
        for (byte[] name : MENTIONS) {
            if (indexOf(classfile, name) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
