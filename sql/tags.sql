-- tags.sql: TagResource, UntagResource, ListTagsOfResource and CreateTable's
-- Tags, with DynamoDB's limits and messages; tags go with their table.
SELECT dynamo.execute('CreateTable', '{"TableName": "Tagged", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "Tags": [{"Key": "env", "Value": "test"}, {"Key": "Owner", "Value": ""}]}'::jsonb) IS NOT NULL AS created;
SELECT dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb);

-- CreateTable with a bad tag creates nothing; an empty list is accepted
SELECT error_of($$SELECT dynamo.execute('CreateTable', '{"TableName": "Tagged2", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "Tags": [{"Key": "aws:foo", "Value": "x"}]}'::jsonb)$$);
SELECT count(*) FROM dynamo.tables WHERE table_name = 'Tagged2';
SELECT error_of($$SELECT dynamo.execute('CreateTable', format('{"TableName": "Tagged2", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "Tags": %s}',
    (SELECT json_agg(json_build_object('Key', 'k' || i, 'Value', 'v')) FROM generate_series(1, 51) i))::jsonb)$$);
SELECT dynamo.execute('CreateTable', '{"TableName": "Tagged2", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "Tags": []}'::jsonb) IS NOT NULL AS created;

-- TagResource upserts; keys are case-sensitive; letters of any script
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": "a b+c-d=e.f_g:h/i@j"},
                {"Key": "ключ", "Value": "café 表"}, {"Key": "myaws:x", "Value": "1"}]}'::jsonb);
SELECT dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb);
-- NextToken: the tags after it
SELECT dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged", "NextToken": "env"}'::jsonb);

-- the tags' checks, in request order; nothing applied when one fails
SELECT error_of(format($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged", "Tags": %s}'::jsonb)$$, t))
  FROM (VALUES ('[]'),
               ('[{"Key": "good", "Value": "1"}, {"Key": "aws:zzz", "Value": "1"}]'),
               ('[{"Key": "AWS:foo", "Value": "1"}]'),
               ('[{"Key": "", "Value": "1"}]'),
               ('[{"Key": "' || repeat('k', 129) || '", "Value": "1"}]'),
               ('[{"Key": "' || repeat('k', 128) || '", "Value": "' || repeat('v', 257) || '"}]'),
               ('[{"Key": "bad#char", "Value": "1"}]'),
               ('[{"Key": "k", "Value": "100%"}]'),
               ('[{"Key": "k", "Value": "🔑"}]'),
               ('[{"Key": "k"}]'),
               ('[{"Value": "v"}]'),
               ('[{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}]'),
               ('[{"Key": 1, "Value": "1"}]')) AS r(t);
SELECT count(*) FROM dynamo.tags WHERE table_name = 'Tagged' AND key = 'good';
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb)$$);

-- 128-character key and 256-character value are fine
SELECT dynamo.execute('TagResource', format('{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged2",
    "Tags": [{"Key": "%s", "Value": "%s"}]}', repeat('k', 128), repeat('v', 256))::jsonb);

-- the limit of 50 is on the result: upserting existing keys at 50 is fine, a new key is not
SELECT dynamo.execute('TagResource', format('{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged2", "Tags": %s}',
    (SELECT json_agg(json_build_object('Key', 'k' || i, 'Value', 'v')) FROM generate_series(1, 49) i))::jsonb);
SELECT count(*) FROM dynamo.tags WHERE table_name = 'Tagged2';
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged2",
    "Tags": [{"Key": "k1", "Value": "new"}, {"Key": "k51", "Value": "v"}]}'::jsonb)$$);
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged2",
    "Tags": [{"Key": "k1", "Value": "new"}]}'::jsonb);
SELECT value FROM dynamo.tags WHERE table_name = 'Tagged2' AND key = 'k1';

-- UntagResource: absent keys are no error; its own checks
SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "TagKeys": ["Env", "never-set"]}'::jsonb);
SELECT key FROM dynamo.tags WHERE table_name = 'Tagged' ORDER BY key COLLATE "C";
SELECT error_of(format($$SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged", "TagKeys": %s}'::jsonb)$$, t))
  FROM (VALUES ('[]'), ('["aws:foo"]'), ('["' || repeat('k', 129) || '"]'), ('[""]'),
               ((SELECT json_agg('k' || i)::text FROM generate_series(1, 51) i))) AS r(t);
SELECT error_of($$SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb)$$);

-- one change of a table's tags at a time: while another transaction
-- changes them, TagResource and UntagResource are refused at once
-- (LimitExceededException); other tables' tags and reads are not held up
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
                                      split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT dblink_exec('other', 'BEGIN');
SELECT r FROM dblink('other', $$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "held", "Value": "1"}]}'::jsonb)::text$$) AS t(r text);
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "env", "Value": "other"}]}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "TagKeys": ["never-set"]}'::jsonb)$$);
SELECT dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb) -> 'Tags' @> '[{"Key": "held"}]' AS held_seen;
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged2",
    "Tags": [{"Key": "k1", "Value": "again"}]}'::jsonb);
-- validation and a missing table come first
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "aws:x", "Value": "1"}]}'::jsonb)$$);
SELECT dblink_exec('other', 'COMMIT');
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;
SELECT value FROM dynamo.tags WHERE table_name = 'Tagged' AND key = 'held';
SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "TagKeys": ["held"]}'::jsonb);
-- in one transaction, one change after another is fine
BEGIN;
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "t1", "Value": "1"}]}'::jsonb);
SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "TagKeys": ["t1"]}'::jsonb);
COMMIT;

-- a table still CREATING (a restore under way; made so by hand here)
-- refuses TagResource, as DynamoDB does; UntagResource and
-- ListTagsOfResource answer
BEGIN;
UPDATE dynamo.tables SET status = 'CREATING' WHERE table_name = 'Tagged';
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "Tags": [{"Key": "new", "Value": "1"}]}'::jsonb)$$);
SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged",
    "TagKeys": ["never-set"]}'::jsonb);
SELECT jsonb_array_length(dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb) -> 'Tags') AS tags;
ROLLBACK;

-- ARNs
SELECT error_of(format($$SELECT dynamo.execute('ListTagsOfResource', '{"ResourceArn": "%s"}'::jsonb)$$, arn))
  FROM (VALUES ('Tagged'),
               ('arn:aws:s3:::bucket'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Tagged/backup/01234567890123-abcdefgh'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Tagged/index/gsi'),
               ('arn:aws:dynamodb:us-west-2:000000000000:table/Tagged'),
               ('arn:aws:dynamodb:us-east-1:123456789012:table/Tagged'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Nope'),
               ('')) AS r(arn);
SELECT error_of($$SELECT dynamo.execute('ListTagsOfResource', '{}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Nope",
    "Tags": [{"Key": "a", "Value": "b"}]}'::jsonb)$$);

-- the audit log has every change
SELECT action, table_name, request->'Tags' AS tags, request->'TagKeys' AS tag_keys
  FROM dynamo.audit_log WHERE action IN ('TagResource', 'UntagResource') AND table_name = 'Tagged' ORDER BY id;

-- a table's tags go with it; a new table of the name has none
SELECT dynamo.execute('DeleteTable', '{"TableName": "Tagged"}'::jsonb) IS NOT NULL AS deleted;
SELECT count(*) FROM dynamo.tags WHERE table_name = 'Tagged';
SELECT dynamo.execute('CreateTable', '{"TableName": "Tagged", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}'::jsonb) IS NOT NULL AS created;
SELECT dynamo.execute('ListTagsOfResource',
    '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Tagged"}'::jsonb);

-- tags survive pg_dump: dynamo.tags is a configuration table
SELECT extcondition IS NOT NULL FROM pg_extension WHERE extname = 'dynamo'
   AND 'dynamo.tags'::regclass = ANY (extconfig);

SELECT dynamo.execute('DeleteTable', '{"TableName": "Tagged"}'::jsonb) IS NOT NULL AS deleted;
SELECT dynamo.execute('DeleteTable', '{"TableName": "Tagged2"}'::jsonb) IS NOT NULL AS deleted;
