\set c random(1, :collections)
SELECT doc FROM plain WHERE pk = 'c' || :c ORDER BY sk;
