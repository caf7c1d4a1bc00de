package dev.tether.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Rewrites the class file of {@code java.lang.ProcessImpl} (Unix): advice on start() and
 * destroy(boolean), two bridge calls in the constructor. Works on the bytes alone, through a type
 * pool, so that nothing here loads ProcessImpl while the JVM is defining it; adds no member, so the
 * result is also valid for retransformation.
 */
final class ProcessImplWeaver {
    static final String NAME = "java.lang.ProcessImpl";

    private ProcessImplWeaver() {
    }

    static byte[] weave(byte[] classfile) {
        ClassFileLocator jdk = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(NAME, classfile),
                ClassFileLocator.ForClassLoader.ofBootLoader());
        TypePool pool = TypePool.Default.of(jdk);
        ClassFileLocator advice = ClassFileLocator.ForClassLoader.of(ProcessImplWeaver.class.getClassLoader());
        SpawnCallsVisitor calls = new SpawnCallsVisitor();
        byte[] woven = new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE)
                .redefine(pool.describe(NAME).resolve(), jdk)
                .visit(Advice.to(StartAdvice.class, advice)
                        .on(named("start").and(isStatic()).and(takesArguments(5))))
                .visit(Advice.to(DestroyAdvice.class, advice)
                        .on(named("destroy").and(takesArguments(boolean.class))))
                .visit(new AsmVisitorWrapper.ForDeclaredMethods().constructor(any(), calls))
                .make(pool)
                .getBytes();
        if (!calls.complete()) {
            throw new IllegalStateException("this JDK's ProcessImpl constructor does not read helperpath and "
                    + "call forkAndExec the way Tether knows");
        }
        return woven;
    }
}
