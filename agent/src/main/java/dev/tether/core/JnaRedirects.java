package dev.tether.core;

import java.util.function.UnaryOperator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites a JNA class so its system-property calls go to {@code dev.tether.nativeio.JnaProperties}
 * (same descriptors, so the stack and frames are untouched). Applied by Tether's class loader to
 * {@code com.sun.jna.*} as the classes are defined.
 */
final class JnaPropertyCalls implements UnaryOperator<byte[]> {
    private static final String TARGET = "dev/tether/nativeio/JnaProperties";

    @Override
    public byte[] apply(byte[] classfile) {
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
                            super.visitMethodInsn(opcode, TARGET, method, desc, false);
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
}
