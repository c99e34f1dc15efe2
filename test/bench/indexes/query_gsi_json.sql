\set c random(1, :collections)
SELECT dynamo.execute('Query', ('{"TableName": "' || :table || '", "IndexName": "gsi1", "KeyConditionExpression": "g1 = ' || chr(58) || 'p", "ExpressionAttributeValues": {"' || chr(58) || 'p": {"S": "g' || :c || '"}}}')::jsonb);
