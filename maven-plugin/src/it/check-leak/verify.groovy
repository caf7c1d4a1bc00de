// The suite leaked its fixture: Tether stopped it, and tether:check failed the build naming the commands.
evaluate(new File(basedir, '../parent/survivors.groovy'))(basedir, 'check-leak', 0, 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] Failed to execute goal dev.tether:tether-maven-plugin') : 'the check did not fail the build'
assert log.contains('Tether stopped 3 process(es) that the tests left running')
assert log.contains('  2 x sleep 1000 (ended by SIGTERM)')
assert log.contains('  1 x sh -c sleep 1000 & sleep 1000 & wait (ended by SIGTERM)')
return true
