package dev.tether.maven;

import java.io.File;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Sets a property, {@code argLine} unless {@code propertyName} says otherwise, to
 * {@code -javaagent:<the Tether agent jar from the local repository>[=options]}, after what the
 * property already held: Surefire and Failsafe then start every fork with the agent, and a project
 * with its own {@code <argLine>} keeps it by writing {@code @{argLine}} into it (as for JaCoCo).
 * With {@code skip}, the property is only made to exist (empty if it was unset), so that
 * {@code @{argLine}} still resolves.
 *
 * <p>The agent also writes a report of every process it had to stop ({@code report}), which
 * {@code tether:check} reads after the tests; the report of an earlier build is removed here.
 */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, threadSafe = true)
public class PrepareAgentMojo extends AbstractMojo {
    static final String AGENT = "dev.tether:tether-agent";
    static final String DEFAULT_REPORT = "${project.build.directory}/tether/leaks.jsonl";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${plugin.artifactMap}", readonly = true, required = true)
    private Map<String, Artifact> pluginArtifactMap;

    /** The property the forks' JVM arguments come from: Surefire's and Failsafe's {@code argLine}. */
    @Parameter(property = "tether.propertyName", defaultValue = "argLine")
    private String propertyName;

    /** The agent's options, as after {@code -javaagent:tether-agent.jar=}: {@code grace=5s,log=debug}. */
    @Parameter(property = "tether.options")
    private String options;

    /**
     * The agent's report (its {@code report} option), unless {@code options} name one: one JSON line per
     * process a fork left running, which {@code tether:check} reads.
     */
    @Parameter(property = "tether.report", defaultValue = DEFAULT_REPORT)
    private File report;

    /** Leave the forks without the agent. */
    @Parameter(property = "tether.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException {
        Properties properties = project.getProperties();
        String old = properties.getProperty(propertyName);
        if (skip) {
            getLog().info("Skipping Tether: " + propertyName + " left as it was");
            if (old == null) {
                properties.setProperty(propertyName, "");
            }
            return;
        }
        Artifact agent = pluginArtifactMap.get(AGENT);
        if (agent == null || agent.getFile() == null || !agent.getFile().isFile()) {
            throw new MojoExecutionException("The Tether agent jar (" + AGENT + ") was not resolved with the plugin");
        }
        if (options != null && (options.contains(" ") || options.contains("\""))) {
            throw new MojoExecutionException("options must not contain spaces or quotes: \"" + options + "\"");
        }
        String withReport = options;
        if (options == null || !(("," + options).contains(",report="))) {
            withReport = (options == null || options.isEmpty() ? "" : options + ",") + "report=" + freshReport();
        }
        String argument = agentArgument(agent.getFile(), withReport);
        String value = old == null || old.trim().isEmpty() ? argument
                : old.contains(argument) ? old : old.trim() + " " + argument;
        properties.setProperty(propertyName, value);
        getLog().info(propertyName + " set to " + value);
    }

    /** The report's path, its directory made and an earlier build's report removed. */
    private String freshReport() throws MojoExecutionException {
        String path = report.getAbsolutePath();
        if (path.contains(",") || path.contains("\"")) {
            throw new MojoExecutionException("the report's path must not contain commas or quotes: " + path);
        }
        File directory = report.getParentFile();
        if ((directory != null && !directory.isDirectory() && !directory.mkdirs()) || (report.exists() && !report.delete())) {
            throw new MojoExecutionException("cannot prepare Tether's report " + path);
        }
        return path;
    }

    /** The JVM argument, quoted where it holds a space (Surefire splits argLine as a shell would). */
    static String agentArgument(File jar, String options) {
        String argument = "-javaagent:" + jar.getAbsolutePath() + (options == null || options.isEmpty() ? "" : "=" + options);
        return argument.contains(" ") ? "\"" + argument + "\"" : argument;
    }
}
