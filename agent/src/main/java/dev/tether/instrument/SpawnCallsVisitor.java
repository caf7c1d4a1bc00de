package dev.tether.instrument;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * Two stack-neutral calls in the ProcessImpl constructor, where Advice cannot reach:
 * <ul>
 * <li>after {@code GETSTATIC helperpath [B}: {@code TetherBridge.helperPath([B)[B}, so the JDK spawns
 * Tether's helper in its place (JDK 17 and 25: {@code forkAndExec(mode, helperpath, ...)});</li>
 * <li>after {@code forkAndExec(...)I}: {@code TetherBridge.started(I)I}, while the child exists and no
 * one has waited for it yet: the JDK starts its reaper only afterwards, in initStreams.</li>
 * </ul>
 * {@link #complete()} tells whether both places were found; a JDK without them is left alone.
 */
final class SpawnCallsVisitor implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
    private static final String PROCESS_IMPL = "java/lang/ProcessImpl";
    private static final String BRIDGE = "java/lang/TetherBridge";

    private boolean helperPathWrapped;
    private boolean forkAndExecWrapped;

    boolean complete() {
        return helperPathWrapped && forkAndExecWrapped;
    }

    @Override
    public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
            MethodVisitor methodVisitor, Implementation.Context implementationContext, TypePool typePool,
            int writerFlags, int readerFlags) {
        return new MethodVisitor(Opcodes.ASM9, methodVisitor) {
            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                super.visitFieldInsn(opcode, owner, name, descriptor);
                if (opcode == Opcodes.GETSTATIC && PROCESS_IMPL.equals(owner) && "helperpath".equals(name)
                        && "[B".equals(descriptor)) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "helperPath", "([B)[B", false);
                    helperPathWrapped = true;
                }
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                    boolean isInterface) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                if (PROCESS_IMPL.equals(owner) && "forkAndExec".equals(name) && descriptor.endsWith(")I")) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "started", "(I)I", false);
                    forkAndExecWrapped = true;
                }
            }
        };
    }
}
