package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A deep chain of 12 shells and a shell with 200 background sleeps: SIGTERM to the JVM ends all of it. */
@Timeout(120)
class TreeShapesIT {
    @RegisterExtension
    final Marks marks = new Marks();

    static Stream<Tree> shapes() {
        return Stream.of(Tree.DEEP, Tree.WIDE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void sigterm_to_the_jvm_kills_every_process_of_a_deep_or_wide_tree(Tree tree) {
        TreeOutcome outcome = TreeRun.of(ChildJvm.of(Jdk.current(), marks.next()).withAgent("grace=500ms"))
                .tree(tree)
                .ending(Ending.SIGTERM)
                .run();

        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertEquals(List.of(), outcome.survivors, () -> "processes outlived the JVM\n" + outcome.describe());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void without_the_agent_deep_and_wide_trees_outlive_the_jvm(Tree tree) {
        TreeOutcome outcome = TreeRun.of(ChildJvm.of(Jdk.current(), marks.next()).withoutAgent())
                .tree(tree)
                .ending(Ending.SIGTERM)
                .run();

        assertEquals(143, outcome.exit.exitCode, outcome::describe);
        assertTrue(outcome.survivors.size() >= tree.size,
                () -> "expected the whole tree to outlive a JVM without the agent\n" + outcome.describe());
    }
}
