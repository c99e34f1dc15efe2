\set c random(1, :collections)
SELECT i FROM dynamo.query(:table, 'g1 = ' || chr(58) || 'p', NULL, ('{"' || chr(58) || 'p": {"S": "g' || :c || '"}}')::jsonb, index => 'gsi1') AS i;
