package dev.tether.maven;

import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Fails the build when the tests left processes running: reads the report that {@code prepare-agent}
 * has the agent write (every process Tether had to stop when a test JVM ended) and, unless
 * {@code leaks} is {@code allow}, fails naming each command, as {@code jacoco:check} fails on
 * coverage. Runs in {@code verify}, after Surefire and Failsafe.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractMojo {
    /** The report: the same file as prepare-agent's {@code report}. */
    @Parameter(property = "tether.report", defaultValue = PrepareAgentMojo.DEFAULT_REPORT)
    private File report;

    /** {@code fail}: a leak fails the build; {@code allow}: it is only listed, as a warning. */
    @Parameter(property = "tether.leaks", defaultValue = "fail")
    private String leaks;

    @Parameter(property = "tether.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping Tether's check");
            return;
        }
        if (!leaks.equals("fail") && !leaks.equals("allow")) {
            throw new MojoExecutionException("leaks must be fail or allow, not \"" + leaks + "\"");
        }
        Leaks found;
        try {
            found = Leaks.read(report.toPath());
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot read Tether's report " + report + ": " + e.getMessage(), e);
        }
        if (found.unreadable > 0) {
            getLog().warn(found.unreadable + " line(s) of " + report + " are not Tether's report lines; ignored");
        }
        if (found.processes == 0) {
            getLog().info("Tether: the tests left no process running (" + report + ")");
            return;
        }
        StringBuilder message = new StringBuilder("Tether stopped " + found.processes
                + " process(es) that the tests left running (" + report + "):");
        for (String line : found.describe()) {
            message.append(System.lineSeparator()).append(line);
        }
        if (leaks.equals("allow")) {
            getLog().warn(message);
            return;
        }
        message.append(System.lineSeparator()).append("Stop them in the tests (destroy a fixture's process in "
                + "@AfterAll, with its descendants), or set <leaks>allow</leaks> to only list them.");
        throw new MojoFailureException(message.toString());
    }
}
