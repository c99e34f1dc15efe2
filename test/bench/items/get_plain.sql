\set c random(1, :collections)
\set s random(1, 100)
SELECT doc FROM plain WHERE pk = 'c' || :c AND sk = :s;
