package dev.tether.options;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's options: one whitelist of names, the same name in the agent arguments
 * ({@code -javaagent:tether-agent.jar=grace=500ms,log=debug}), as a system property
 * ({@code -Dtether.grace=500ms}) and in the environment variable {@code TETHER_OPTIONS}, in the agent
 * arguments' syntax ({@code TETHER_OPTIONS=enabled=false}). Agent arguments win over system
 * properties, which win over the environment: the nearer to one JVM's command line, the stronger.
 * Anything that is not exactly right is an {@link OptionException} whose message names the option,
 * where it came from, and its accepted forms.
 */
public final class Options {

    /**
     * In milliseconds: a {@link Duration} made at premain would initialise Duration and BigInteger in
     * every host's start-up (about a millisecond on JDK 25), for a value needed at the first spawn.
     */
    static final long DEFAULT_GRACE_MILLIS = 2000;
    /** INFO prints nothing but the one summary line when Tether had to stop something at exit. */
    public static final LogLevel DEFAULT_LOG = LogLevel.INFO;

    static final String PROPERTY_PREFIX = "tether.";
    private static final String GRACE = "grace";
    private static final String LOG = "log";
    private static final String STRICT = "strict";
    private static final String EXCLUDE = "exclude";
    private static final String ENABLED = "enabled";
    private static final String CGROUP = "cgroup";
    private static final String REPORT = "report";
    /** The environment variable with the agent arguments' syntax, for a whole build or container. */
    public static final String ENVIRONMENT = "TETHER_OPTIONS";
    /** The keeper's own limit (MAX_GRACE_MS in tether-keeper.c): one day. */
    static final long MAX_GRACE_MILLIS = 86_400_000L;
    private static final String GRACE_FORM = "grace=<duration up to 1 day (86400s), e.g. 500ms or 2s>";
    private static final String LOG_FORM = "log=<off|warn|info|debug>";
    private static final String STRICT_FORM = "strict=<true|false>";
    private static final String EXCLUDE_FORM = "exclude=<program>[:<program>...] (a name, or an absolute path)";
    private static final String ENABLED_FORM = "enabled=<true|false>";
    static final String CGROUP_FORM = "cgroup=<off|auto|on>";
    private static final String REPORT_FORM = "report=<file> (JSON lines, appended; relative to the working directory)";
    private static final String ACCEPTED = "accepted options: " + GRACE_FORM + ", " + LOG_FORM + ", " + STRICT_FORM
            + ", " + EXCLUDE_FORM + ", " + ENABLED_FORM + ", " + CGROUP_FORM + ", " + REPORT_FORM;
    private static final int MAX_DIGITS = 9;

    private final long graceMillis;
    private final LogLevel log;
    private final boolean strict;
    private final Exclusions exclude;
    private final boolean enabled;
    private final CgroupMode cgroup;
    /** Absolute, or null: no report. */
    private final String report;
    /** Null, or why some {@code tether.*} system properties were not taken as options. */
    private final String ignored;

    private Options(long graceMillis, LogLevel log, boolean strict, Exclusions exclude, boolean enabled,
            CgroupMode cgroup, String report, String ignored) {
        this.graceMillis = graceMillis;
        this.log = log;
        this.strict = strict;
        this.exclude = exclude;
        this.enabled = enabled;
        this.cgroup = cgroup;
        this.report = report;
        this.ignored = ignored;
    }

    public static Options defaults() {
        return new Options(DEFAULT_GRACE_MILLIS, DEFAULT_LOG, false, null, true, CgroupMode.OFF, null, null);
    }

    /** {@link #parse(String, Properties, String)} with this JVM's {@code TETHER_OPTIONS}. */
    public static Options parse(String agentArgs, Properties systemProperties) throws OptionException {
        return parse(agentArgs, systemProperties, System.getenv(ENVIRONMENT));
    }

    /**
     * Parses {@code TETHER_OPTIONS}, then system properties named {@code tether.*} over it, then the
     * agent arguments over both.
     *
     * <p>An unknown name stops the JVM when it comes from the agent arguments or TETHER_OPTIONS, which
     * exist for Tether alone. The {@code tether.} prefix of system properties is not Tether's alone (an
     * application may have its own {@code tether.url}), and with JAVA_TOOL_OPTIONS one such JVM
     * would fail a whole build: an unknown property is left to its owner, and {@link #ignored()}
     * says so once. A known name with a bad value is refused from any source.
     *
     * @param environment the value of {@code TETHER_OPTIONS}, or null
     */
    public static Options parse(String agentArgs, Properties systemProperties, String environment) throws OptionException {
        Map<String, Setting> settings = new LinkedHashMap<>(items(environment, ENVIRONMENT));
        for (String key : systemProperties.stringPropertyNames()) {
            if (key.startsWith(PROPERTY_PREFIX)) {
                String name = key.substring(PROPERTY_PREFIX.length());
                settings.put(name, new Setting(name, systemProperties.getProperty(key), "-D" + key, true));
            }
        }
        settings.putAll(items(agentArgs, "-javaagent argument"));
        long grace = DEFAULT_GRACE_MILLIS;
        LogLevel log = DEFAULT_LOG;
        boolean strict = false;
        boolean enabled = true;
        CgroupMode cgroup = CgroupMode.OFF;
        String report = null;
        Exclusions exclude = null; // Exclusions.NONE at the first spawn: no class loaded in premain for it
        StringBuilder ignored = null;
        for (Setting s : settings.values()) {
            switch (s.name) {
                case GRACE:
                    grace = parseMillis(s);
                    break;
                case LOG:
                    log = parseLog(s);
                    break;
                case STRICT:
                    strict = parseBoolean(s, STRICT_FORM);
                    break;
                case EXCLUDE:
                    exclude = parseExclusions(s);
                    break;
                case ENABLED:
                    enabled = parseBoolean(s, ENABLED_FORM);
                    break;
                case CGROUP:
                    cgroup = parseCgroup(s);
                    break;
                case REPORT:
                    report = parseReport(s);
                    break;
                default:
                    if (s.fromProperty) {
                        ignored = (ignored == null ? new StringBuilder() : ignored.append(", ")).append(s.source);
                        break;
                    }
                    throw new OptionException("tether: unknown option \"" + s.name + "\" (from " + s.source + "); "
                            + ACCEPTED);
            }
        }
        return new Options(grace, log, strict, exclude, enabled, cgroup, report, ignored == null ? null
                : "not an option of Tether's, left alone: " + ignored + "; " + ACCEPTED);
    }

    /** {@code name=value,name=value} (agent arguments, TETHER_OPTIONS); {@code where} names the source in messages. */
    private static Map<String, Setting> items(String text, String where) throws OptionException {
        Map<String, Setting> items = new LinkedHashMap<>();
        if (text == null) {
            return items;
        }
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new OptionException("tether: option \"" + item + "\" has no value (write name=value, in "
                        + where + "); " + ACCEPTED);
            }
            String name = item.substring(0, eq);
            if (items.put(name, new Setting(name, item.substring(eq + 1), where + " " + item, false)) != null) {
                throw new OptionException("tether: option \"" + name + "\" is given twice (in " + where + ")");
            }
        }
        return items;
    }

    /** Digits then {@code ms} or {@code s}. No regex: java.util.regex costs JVM start-up time for every host. */
    private static long parseMillis(Setting s) throws OptionException {
        String value = s.value;
        boolean millis = value.endsWith("ms");
        String digits = value.substring(0, Math.max(0, value.length() - (millis ? 2 : 1)));
        if (!(millis || value.endsWith("s")) || digits.isEmpty() || digits.length() > MAX_DIGITS) {
            throw bad(s, GRACE_FORM);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw bad(s, GRACE_FORM);
            }
        }
        long amount = Long.parseLong(digits);
        long result = millis ? amount : amount * 1000; // at most 9 digits: no overflow
        if (result > MAX_GRACE_MILLIS) {
            throw bad(s, GRACE_FORM);
        }
        return result;
    }

    private static LogLevel parseLog(Setting s) throws OptionException {
        switch (s.value.toLowerCase(Locale.ROOT)) {
            case "off":
                return LogLevel.OFF;
            case "warn":
                return LogLevel.WARN;
            case "info":
                return LogLevel.INFO;
            case "debug":
                return LogLevel.DEBUG;
            default:
                throw bad(s, LOG_FORM);
        }
    }

    private static CgroupMode parseCgroup(Setting s) throws OptionException {
        switch (s.value) {
            case "off":
                return CgroupMode.OFF;
            case "auto":
                return CgroupMode.AUTO;
            case "on":
                return CgroupMode.ON;
            default:
                throw bad(s, CGROUP_FORM);
        }
    }

    /** Made absolute now: the keeper, which writes it, runs in the root directory. */
    private static String parseReport(Setting s) throws OptionException {
        if (s.value.isEmpty() || s.value.indexOf('\0') >= 0) {
            throw bad(s, REPORT_FORM);
        }
        return new java.io.File(s.value).getAbsolutePath();
    }

    private static boolean parseBoolean(Setting s, String form) throws OptionException {
        switch (s.value) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw bad(s, form);
        }
    }

    /** Colon-separated, as PATH: a comma would end the option in the agent arguments. */
    private static Exclusions parseExclusions(Setting s) throws OptionException {
        String[] programs = s.value.split(":", -1);
        for (String program : programs) {
            if (program.isEmpty() || (program.indexOf('/') >= 0 && !program.startsWith("/"))) {
                throw bad(s, EXCLUDE_FORM);
            }
        }
        return new Exclusions(programs);
    }

    private static OptionException bad(Setting s, String form) {
        return new OptionException("tether: bad value \"" + s.value + "\" for option " + s.name
                + " (from " + s.source + "); accepted form: " + form);
    }

    public Duration grace() {
        return Duration.ofMillis(graceMillis);
    }

    public LogLevel log() {
        return log;
    }

    /** Also end descendants that left their group (setsid, setpgid), as a child subreaper. */
    public boolean strict() {
        return strict;
    }

    /**
     * False: the agent does nothing in this JVM (it weaves nothing and starts nothing), the off switch
     * for one JVM that inherits the agent through JAVA_TOOL_OPTIONS.
     */
    public boolean enabled() {
        return enabled;
    }

    public CgroupMode cgroup() {
        return cgroup;
    }

    /** The report file (absolute), or null for none. */
    public String report() {
        return report;
    }

    /** Null, or one line naming the {@code tether.*} system properties that are not options (see parse). */
    public String ignored() {
        return ignored;
    }

    /** Programs never wrapped or tracked. */
    public Exclusions exclude() {
        return exclude != null ? exclude : Exclusions.NONE;
    }

    private static final class Setting {
        final String name;
        final String value;
        final String source;
        final boolean fromProperty;

        Setting(String name, String value, String source, boolean fromProperty) {
            this.name = name;
            this.value = value;
            this.source = source;
            this.fromProperty = fromProperty;
        }
    }
}
