\set c random(1, :collections)
SELECT i FROM dynamo.query(:table, 'pk = ' || chr(58) || 'p', NULL, ('{"' || chr(58) || 'p": {"S": "c' || :c || '"}}')::jsonb) AS i;
