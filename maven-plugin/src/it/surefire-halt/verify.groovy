evaluate(new File(basedir, '../parent/survivors.groovy'))(basedir, 'surefire-halt', 0, 'The forked VM terminated without properly saying goodbye')
