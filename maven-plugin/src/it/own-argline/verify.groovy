evaluate(new File(basedir, '../parent/survivors.groovy'))(basedir, 'own-argline', 0, 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
