\set c random(1, :collections)
SELECT dynamo.execute('Query', ('{"TableName": "' || :table || '", "KeyConditionExpression": "pk = ' || chr(58) || 'p", "ExpressionAttributeValues": {"' || chr(58) || 'p": {"S": "c' || :c || '"}}}')::jsonb);
