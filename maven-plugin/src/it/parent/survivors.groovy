// Shared by the samples' verify.groovy: counts the fixture's sleeps that outlived the build (live, not
// zombies) by the TETHER_IT_FIXTURE=<name> in their environment, kills them, and checks the count
// and a line the build log must hold (the test ran, or the fork was halted).
return { File basedir, String name, int expected, String logLine ->
    def survivors = new File('/proc').listFiles().findAll { it.name ==~ /\d+/ }.findAll { dir ->
        try {
            def stat = new File(dir, 'stat').text
            def state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
            state != 'Z' && new File(dir, 'comm').text.trim() == 'sleep' &&
                new String(new File(dir, 'environ').bytes, 'ISO-8859-1').split('\u0000').contains('TETHER_IT_FIXTURE=' + name)
        } catch (IOException gone) {
            false
        }
    }
    survivors.each { ['kill', '-9', it.name].execute().waitFor() }
    println "TETHER-IT ${name}: ${survivors.size()} fixture sleep(s) left after the build (expected ${expected})"
    assert survivors.size() == expected
    assert new File(basedir, 'build.log').text.contains(logLine) : "build.log lacks: ${logLine}"
    return true
}
