package dev.tether.instrument;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The four calls Tether adds to {@code java.lang.ProcessImpl} (Unix, JDK 17 to 25), each only a
 * call to {@code java.lang.TetherBridge}, which catches everything, so nothing reaches the host:
 * <ul>
 * <li>{@code start(String[] cmdarray, Map env, String dir, Redirect[] redirects, boolean)}, the static
 * method every ProcessBuilder.start, startPipeline and Runtime.exec reaches, begins with
 * {@code cmdarray = TetherBridge.command(cmdarray, env, dir, redirects, launchMechanism)};</li>
 * <li>in the constructor, {@code GETSTATIC helperpath} is followed by {@code TetherBridge.helperPath},
 * so the JDK spawns Tether's helper in its place;</li>
 * <li>in the constructor, {@code forkAndExec(...)} is followed by {@code TetherBridge.started(pid)},
 * while the child exists and no one has waited for it (the JDK starts its reaper afterwards);</li>
 * <li>{@code destroy(boolean force)} begins with {@code TetherBridge.destroying(pid, force)}.</li>
 * </ul>
 * Every addition keeps the operand stack as it was around it and adds no branch, so the class's
 * stack map frames stay valid. Max stack: the constructor's two calls each take one value and leave
 * one of the same size, so it does not grow there; the two additions at a method's entry, where the
 * stack is empty, need as many slots as they push ({@link AtEntry#stack}). Boot classes are not
 * verified by default, so LaunchMechanismsIT runs the JVMs with -XX:+BytecodeVerificationLocal.
 *
 * <p>Plain ASM (ByteBuddy's own copy) rather than ByteBuddy's Advice: the same four calls, at a
 * fraction of the first spawn's cost (no type pool, no advice resolution).
 */
final class SpawnPathVisitor extends ClassVisitor {
    private static final String PROCESS_IMPL = "java/lang/ProcessImpl";
    private static final String BRIDGE = "java/lang/TetherBridge";
    private static final String START = "([Ljava/lang/String;Ljava/util/Map;Ljava/lang/String;"
            + "[Ljava/lang/ProcessBuilder$Redirect;Z)Ljava/lang/Process;";
    private static final String COMMAND = "([Ljava/lang/String;Ljava/util/Map;Ljava/lang/String;"
            + "[Ljava/lang/ProcessBuilder$Redirect;Ljava/lang/Object;)[Ljava/lang/String;";

    private String launchMechanismDescriptor;
    private boolean pidIsInt;
    private int woven;

    SpawnPathVisitor(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    /** Whether all four places were found (fields come before methods in a class file). */
    boolean complete() {
        return woven == 4;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        if ("launchMechanism".equals(name) && (access & Opcodes.ACC_STATIC) != 0) {
            launchMechanismDescriptor = descriptor;
        } else if ("pid".equals(name) && "I".equals(descriptor) && (access & Opcodes.ACC_STATIC) == 0) {
            pidIsInt = true;
        }
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ("start".equals(name) && START.equals(descriptor) && (access & Opcodes.ACC_STATIC) != 0
                && launchMechanismDescriptor != null) {
            return new AtEntry(next, 5) {
                @Override
                void insert() {
                    visitVarInsn(Opcodes.ALOAD, 0);
                    visitVarInsn(Opcodes.ALOAD, 1);
                    visitVarInsn(Opcodes.ALOAD, 2);
                    visitVarInsn(Opcodes.ALOAD, 3);
                    visitFieldInsn(Opcodes.GETSTATIC, PROCESS_IMPL, "launchMechanism", launchMechanismDescriptor);
                    visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "command", COMMAND, false);
                    visitVarInsn(Opcodes.ASTORE, 0);
                }
            };
        }
        if ("destroy".equals(name) && "(Z)V".equals(descriptor) && pidIsInt) {
            return new AtEntry(next, 2) {
                @Override
                void insert() {
                    visitVarInsn(Opcodes.ALOAD, 0);
                    visitFieldInsn(Opcodes.GETFIELD, PROCESS_IMPL, "pid", "I");
                    visitVarInsn(Opcodes.ILOAD, 1);
                    visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "destroying", "(IZ)V", false);
                }
            };
        }
        if ("<init>".equals(name)) {
            return new InConstructor(next);
        }
        return next;
    }

    /** Inserts code before the method's first instruction. */
    private abstract class AtEntry extends MethodVisitor {
        /** The operand stack slots {@link #insert} needs at most. */
        private final int stack;

        AtEntry(MethodVisitor next, int stack) {
            super(Opcodes.ASM9, next);
            this.stack = stack;
        }

        abstract void insert();

        @Override
        public void visitCode() {
            super.visitCode();
            insert();
            woven++;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, stack), maxLocals);
        }
    }

    private final class InConstructor extends MethodVisitor {
        InConstructor(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            super.visitFieldInsn(opcode, owner, name, descriptor);
            if (opcode == Opcodes.GETSTATIC && PROCESS_IMPL.equals(owner) && "helperpath".equals(name)
                    && "[B".equals(descriptor)) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "helperPath", "([B)[B", false);
                woven++;
            }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            if (PROCESS_IMPL.equals(owner) && "forkAndExec".equals(name) && descriptor.endsWith(")I")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "started", "(I)I", false);
                woven++;
            }
        }
    }
}
