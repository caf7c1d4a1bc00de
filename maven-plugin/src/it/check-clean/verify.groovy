// A suite that stops its fixture: nothing in the report, and the check passes.
evaluate(new File(basedir, '../parent/survivors.groovy'))(basedir, 'check-clean', 0, 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
assert new File(basedir, 'build.log').text.contains('Tether: the tests left no process running')
return true
