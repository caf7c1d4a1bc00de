package dev.tether.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * Rewrites the class file of {@code java.lang.ProcessImpl} (see SpawnPathVisitor). Works on the bytes
 * alone, so nothing here loads ProcessImpl while the JVM is defining it, and adds no member, so the
 * result is also valid for retransformation.
 */
final class ProcessImplWeaver {
    static final String NAME = "java.lang.ProcessImpl";

    private ProcessImplWeaver() {
    }

    static byte[] weave(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        // Nothing computed: the additions add no branch, so the existing frames stay right, and
        // SpawnPathVisitor raises max stack itself. With no flag and the reader passed on, ASM copies
        // every method it does not visit as the JDK wrote it (ClassReader's copy of a MethodWriter's
        // code) instead of decoding and re-encoding all of ProcessImpl on the first spawn.
        ClassWriter writer = new ClassWriter(reader, 0);
        SpawnPathVisitor spawnPath = new SpawnPathVisitor(writer);
        reader.accept(spawnPath, 0);
        if (!spawnPath.complete()) {
            throw new IllegalStateException("this JDK's ProcessImpl does not have the start, constructor and "
                    + "destroy shapes Tether knows");
        }
        return writer.toByteArray();
    }
}
