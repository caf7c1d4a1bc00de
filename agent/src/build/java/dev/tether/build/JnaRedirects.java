package dev.tether.core;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites a JNA class as Tether's class loader defines it ({@code com.sun.jna.*}), so that JNA
 * touches nothing of the host's: its system-property calls go to
 * {@code dev.tether.nativeio.JnaProperties}, and its java.util.logging calls to
 * {@code dev.tether.nativeio.JnaLogging} (JNA's loggers would initialise the JDK's LogManager at the
 * first spawn: a host that chooses its LogManager later, {@code java.util.logging.manager} as JBoss
 * does, would then get the JDK's, and the first spawn paid about 25 classes and a configuration
 * read for it). A static call with the same descriptor, or with the receiver as the first argument,
 * leaves the operand stack and the stack map frames as they were. Classes that mention neither are
 * returned as they are, unparsed.
 */
final class JnaRedirects implements UnaryOperator<byte[]> {
    private static final String PROPERTIES = "dev/tether/nativeio/JnaProperties";
    private static final String LOGGING = "dev/tether/nativeio/JnaLogging";
    private static final String LOGGER = "java/util/logging/Logger";
    private static final byte[][] MENTIONS = {ascii("getProperty"), ascii("setProperty"), ascii("getBoolean"), ascii(LOGGER)};

    @Override
    public byte[] apply(byte[] classfile) {
        if (!mentionsAny(classfile)) {
            return classfile;
        }
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
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
        }, 0);
        return writer.toByteArray();
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
