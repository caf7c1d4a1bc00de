package dev.tether.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private static Options parse(String args) throws OptionException {
        return Options.parse(args, new Properties());
    }

    private static String failure(String args, Properties props) {
        return assertThrows(OptionException.class, () -> Options.parse(args, props)).getMessage();
    }

    private static String failure(String args) {
        return failure(args, new Properties());
    }

    private static Properties property(String name, String value) {
        Properties props = new Properties();
        props.setProperty(name, value);
        return props;
    }

    @Test
    void no_arguments_give_the_defaults() throws OptionException {
        Options options = parse(null);
        assertEquals(Duration.ofSeconds(2), options.grace());
        assertEquals(LogLevel.INFO, options.log());
    }

    @Test
    void grace_takes_milliseconds_and_seconds() throws OptionException {
        assertEquals(Duration.ofMillis(500), parse("grace=500ms").grace());
        assertEquals(Duration.ofSeconds(3), parse("grace=3s").grace());
        assertEquals(Duration.ZERO, parse("grace=0ms").grace());
    }

    @Test
    void log_takes_each_level_in_any_case() throws OptionException {
        assertEquals(LogLevel.OFF, parse("log=off").log());
        assertEquals(LogLevel.WARN, parse("log=WARN").log());
        assertEquals(LogLevel.DEBUG, parse("grace=1s,log=debug").log());
    }

    @Test
    void a_system_property_sets_an_option_and_the_agent_argument_wins() throws OptionException {
        assertEquals(Duration.ofSeconds(7), Options.parse(null, property("tether.grace", "7s")).grace());
        assertEquals(Duration.ofSeconds(1), Options.parse("grace=1s", property("tether.grace", "7s")).grace());
    }

    @Test
    void cgroup_is_off_unless_asked_and_takes_three_values() throws OptionException {
        assertEquals(CgroupMode.OFF, parse(null).cgroup());
        assertEquals(CgroupMode.AUTO, parse("cgroup=auto").cgroup());
        assertEquals(CgroupMode.ON, parse("cgroup=on").cgroup());
        assertEquals(CgroupMode.OFF, parse("cgroup=off").cgroup());
        assertThrows(OptionException.class, () -> parse("cgroup=ON"));
    }

    @Test
    void report_is_made_absolute_against_the_working_directory() throws OptionException {
        assertNull(parse(null).report());
        assertEquals("/tmp/leaks.jsonl", parse("report=/tmp/leaks.jsonl").report());
        assertEquals(new java.io.File(System.getProperty("user.dir"), "target/leaks.jsonl").getPath(),
                parse("report=target/leaks.jsonl").report());
    }

    @Test
    void an_empty_item_is_ignored() throws OptionException {
        assertEquals(Duration.ofSeconds(1), parse("grace=1s,").grace());
    }

    @Test
    void a_duration_without_a_number_is_refused_with_the_accepted_form() {
        String message = failure("grace=abc");
        assertTrue(message.contains("\"abc\"") && message.contains("grace") && message.contains("500ms"), message);
    }

    @Test
    void an_empty_duration_is_refused() {
        assertTrue(failure("grace=").contains("500ms"));
    }

    @Test
    void a_negative_duration_is_refused() {
        assertTrue(failure("grace=-5s").contains("500ms"));
    }

    @Test
    void a_duration_without_a_unit_is_refused() {
        assertTrue(failure("grace=10").contains("500ms"));
    }

    @Test
    void a_duration_in_an_unknown_unit_is_refused() {
        assertTrue(failure("grace=2m").contains("500ms"));
    }

    @Test
    void a_misspelt_name_is_refused_with_the_list_of_options() {
        String message = failure("gracee=1s");
        assertTrue(message.contains("unknown option \"gracee\"") && message.contains("grace=<duration")
                && message.contains("log=<off|warn|info|debug>"), message);
    }

    @Test
    void an_unknown_log_level_is_refused_with_the_levels() {
        String message = failure("log=loud");
        assertTrue(message.contains("\"loud\"") && message.contains("off|warn|info|debug"), message);
    }

    @Test
    void a_name_without_a_value_is_refused() {
        String message = failure("grace");
        assertTrue(message.contains("\"grace\" has no value") && message.contains("grace=<duration"), message);
    }

    @Test
    void an_option_given_twice_is_refused() {
        assertTrue(failure("grace=1s,grace=2s").contains("given twice"));
    }

    @Test
    void tether_options_in_the_environment_give_way_to_properties_and_agent_arguments() throws OptionException {
        Options fromEnvironment = Options.parse(null, new Properties(), "grace=3s,log=debug,strict=true");
        assertEquals(Duration.ofSeconds(3), fromEnvironment.grace());
        assertEquals(LogLevel.DEBUG, fromEnvironment.log());
        assertTrue(fromEnvironment.strict());
        Options overridden = Options.parse("grace=1s", property("tether.log", "warn"), "grace=3s,log=debug");
        assertEquals(Duration.ofSeconds(1), overridden.grace());
        assertEquals(LogLevel.WARN, overridden.log());
    }

    @Test
    void enabled_false_is_the_off_switch_from_every_source() throws OptionException {
        assertTrue(Options.parse(null, new Properties(), null).enabled());
        assertFalse(Options.parse(null, new Properties(), "enabled=false").enabled());
        assertFalse(Options.parse(null, property("tether.enabled", "false"), null).enabled());
        assertFalse(Options.parse("enabled=false", new Properties(), null).enabled());
        assertTrue(Options.parse("enabled=true", new Properties(), "enabled=false").enabled());
    }

    @Test
    void tether_options_is_tethers_alone_so_an_unknown_name_there_is_refused_and_named() {
        OptionException e = assertThrows(OptionException.class, () -> Options.parse(null, new Properties(), "grase=1s"));
        assertTrue(e.getMessage().contains("\"grase\"") && e.getMessage().contains("TETHER_OPTIONS grase=1s")
                && e.getMessage().contains("enabled=<true|false>"), e.getMessage());
        e = assertThrows(OptionException.class, () -> Options.parse(null, new Properties(), "enabled=no"));
        assertTrue(e.getMessage().contains("TETHER_OPTIONS enabled=no") && e.getMessage().contains("enabled=<true|false>"),
                e.getMessage());
    }

    @Test
    void a_bad_system_property_names_the_property() {
        String message = failure(null, property("tether.grace", "abc"));
        assertTrue(message.contains("-Dtether.grace") && message.contains("500ms"), message);
    }

    @Test
    void an_unknown_system_property_is_left_to_its_owner_and_named_once() throws OptionException {
        Properties props = property("tether.url", "http://x");
        props.setProperty("tether.home", "/opt/tether");
        Options options = Options.parse("grace=1s", props, null);
        assertEquals(Duration.ofSeconds(1), options.grace());
        String ignored = options.ignored();
        assertTrue(ignored.contains("-Dtether.url") && ignored.contains("-Dtether.home")
                && ignored.contains("grace=<duration"), ignored);
    }

    @Test
    void known_system_properties_leave_nothing_to_say() throws OptionException {
        assertEquals(null, Options.parse(null, property("tether.grace", "1s")).ignored());
    }

    @Test
    void an_unknown_agent_argument_is_refused_even_when_a_property_of_that_name_exists() {
        String message = failure("gracee=1s", property("tether.gracee", "1s"));
        assertTrue(message.contains("unknown option \"gracee\"") && message.contains("-javaagent argument"), message);
    }

    @Test
    void a_grace_period_over_one_day_is_refused_as_the_keeper_would() throws OptionException {
        assertEquals(Duration.ofDays(1), parse("grace=86400s").grace());
        assertTrue(failure("grace=86401s").contains("up to 1 day"));
        assertTrue(failure("grace=86400001ms").contains("up to 1 day"));
        assertTrue(failure("grace=999999999s").contains("up to 1 day"));
    }

    @Test
    void strict_is_off_by_default_and_takes_true_or_false() throws OptionException {
        assertFalse(parse("").strict());
        assertTrue(parse("strict=true").strict());
        assertFalse(parse("strict=false").strict());
        String message = failure("strict=yes");
        assertTrue(message.contains("\"yes\"") && message.contains("strict=<true|false>"), message);
    }

    @Test
    void exclude_matches_a_name_anywhere_and_an_absolute_path_exactly() throws OptionException {
        Exclusions exclude = parse("exclude=sshd:/opt/bin/agent").exclude();
        assertTrue(exclude.matches("sshd"));
        assertTrue(exclude.matches("/usr/sbin/sshd"));
        assertTrue(exclude.matches("/opt/bin/agent"));
        assertFalse(exclude.matches("agent"));
        assertFalse(exclude.matches("/usr/sbin/sshd-keygen"));
        assertTrue(parse("").exclude().isEmpty());
    }

    @Test
    void exclude_refuses_empty_entries_and_relative_paths() {
        for (String bad : new String[] {"exclude=", "exclude=a::b", "exclude=bin/sshd"}) {
            String message = failure(bad);
            assertTrue(message.contains("exclude=<program>[:<program>...]"), message);
        }
    }
}
