-- ttl.sql: Time to Live: UpdateTimeToLive and DescribeTimeToLive with
-- DynamoDB's rules and messages, the expiry index, and what the expiry
-- deletes (dynamo.ttl_expire, the worker's deletion run in this session).
SET dynamo.ttl_transition_time = 0;
SET dynamo.ttl_change_interval = 0;

SELECT dynamo.execute('CreateTable', '{"TableName": "Ttl", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "g", "AttributeType": "S"}],
    "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
    "DynamoOptions": {"Partitions": 2}}'::jsonb) IS NOT NULL AS created;

-- never configured: DISABLED, no AttributeName
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);
SELECT error_of($$SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Nope"}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Nope", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}'::jsonb)$$);

-- the request's shape
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive', '{"TableName": "Ttl"}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"Enabled": true}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp"}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "", "Enabled": true}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": "maybe"}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('DescribeTimeToLive', '{}'::jsonb)$$);

-- disabling what was never enabled
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": false}}'::jsonb)$$);

-- enabling: the request echoed, the index built, ENABLED (no transition time here)
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}'::jsonb);
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);
SELECT indexrelid::regclass AS index, pg_get_indexdef(indexrelid) AS definition
  FROM pg_index WHERE indrelid = 'dynamo_data."Ttl"'::regclass AND pg_get_indexdef(indexrelid) LIKE '%ttl_expiry%';
SELECT count(*) AS partition_indexes FROM pg_inherits
 WHERE inhparent = 'dynamo_data."Ttl:time to live"'::regclass;
SELECT table_name, attribute_name, enabled, index_name FROM dynamo.time_to_live;
SELECT action, table_name, request FROM dynamo.audit_log WHERE action = 'UpdateTimeToLive' ORDER BY id;

-- enabling again, or on another attribute; disabling another attribute
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "other", "Enabled": true}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "other", "Enabled": false}}'::jsonb)$$);

-- a change within the interval: content errors first, then the interval's
SET dynamo.ttl_change_interval = '1h';
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": false}}'::jsonb)$$);
-- only a superuser may shorten it
CREATE ROLE ttl_user;
SET ROLE ttl_user;
SET dynamo.ttl_change_interval = 0;
RESET ROLE;
DROP ROLE ttl_user;
SET dynamo.ttl_change_interval = 0;

-- the status: ENABLING during the transition time after a change
SET dynamo.ttl_transition_time = '1h';
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);
SET dynamo.ttl_transition_time = 0;

-- what expires: a Number of epoch seconds in the past, not more than five years ago
SELECT dynamo.ttl_expiry('{"exp": {"N": "1700000000.5"}}'::dynamo.item, 'exp') AS number,
       dynamo.ttl_expiry('{"exp": {"S": "1700000000"}}'::dynamo.item, 'exp') AS string,
       dynamo.ttl_expiry('{"exp": {"NS": ["1"]}}'::dynamo.item, 'exp') AS number_set,
       dynamo.ttl_expiry('{"other": {"N": "1"}}'::dynamo.item, 'exp') AS absent,
       dynamo.ttl_expiry('{"exp": {"N": "-5E-130"}}'::dynamo.item, 'exp') AS tiny,
       dynamo.ttl_expiry('{"exp": {"N": "9.9999999999999999999999999999999999999E+125"}}'::dynamo.item, 'exp') AS huge;

CREATE TEMP TABLE ttl_cases (sk int, exp jsonb, expires boolean);
INSERT INTO ttl_cases VALUES
    (1, jsonb_build_object('N', (extract(epoch FROM now()) - 60)::bigint::text), true),          -- a minute ago
    (2, jsonb_build_object('N', (extract(epoch FROM now()) - 86400 * 365 * 4)::bigint::text), true), -- four years ago
    (3, jsonb_build_object('N', (extract(epoch FROM now()) - 86400 * 365 * 6)::bigint::text), false), -- six years ago
    (4, jsonb_build_object('N', (extract(epoch FROM now()) + 3600)::bigint::text), false),       -- in an hour
    (5, jsonb_build_object('S', (extract(epoch FROM now()) - 60)::bigint::text), false),         -- a string
    (6, NULL, false),                                                                             -- absent
    (7, jsonb_build_object('N', ((extract(epoch FROM now()) - 60) * 1000)::bigint::text), false), -- milliseconds: far ahead
    (8, jsonb_build_object('N', '0'), false),                                                     -- 1970
    (9, jsonb_build_object('NS', jsonb_build_array('1')), false),                                 -- a number set
    (10, jsonb_build_object('N', (extract(epoch FROM now()) - 1)::text), true);                   -- a second ago, fraction
SELECT count(*) AS put FROM ttl_cases c,
       LATERAL dynamo.execute('PutItem', jsonb_build_object('TableName', 'Ttl', 'Item',
           jsonb_strip_nulls(jsonb_build_object('pk', jsonb_build_object('S', 'p' || (c.sk % 3)),
                                                'sk', jsonb_build_object('N', c.sk::text),
                                                'g', jsonb_build_object('S', 'grp'),
                                                'exp', c.exp))));
SELECT count(*) AS gsi_entries FROM dynamo_data."Ttl:by_g";

-- the query of a batch finds them by the index (plenty of rows that do not expire)
INSERT INTO dynamo_data."Ttl" (pk, sk, item)
SELECT dynamo.get(i, 'pk'), dynamo.get(i, 'sk'), i
  FROM (SELECT format('{"pk": {"S": "bulk%s"}, "sk": {"N": "%s"}, "exp": {"N": "%s"}}', n, n,
                      extract(epoch FROM now())::bigint + 86400 + n)::dynamo.item AS i
          FROM generate_series(1, 3000) n) s;
ANALYZE dynamo_data."Ttl";
EXPLAIN (COSTS OFF)
SELECT ctid FROM dynamo_data."Ttl#0"
 WHERE dynamo.ttl_expiry(item, 'exp'::text) < extract(epoch FROM now())::float8
   AND dynamo.ttl_expiry(item, 'exp'::text) >= extract(epoch FROM now() - interval '5 years')::float8
 ORDER BY dynamo.ttl_expiry(item, 'exp'::text) LIMIT 100 FOR UPDATE SKIP LOCKED;

-- the expiry: exactly the expired items go, with their GSI entries; no capacity is metered
SET dynamo.ttl_batch_size = 1;
SELECT dynamo.ttl_expire('Ttl') AS deleted;
SELECT c.sk, c.expires, i.item IS NULL AS deleted
  FROM ttl_cases c LEFT JOIN dynamo_data."Ttl" i
    ON i.pk = format('{"S": "p%s"}', c.sk % 3)::dynamo.value AND i.sk = format('{"N": "%s"}', c.sk)::dynamo.value
 ORDER BY c.sk;
SELECT count(*) AS gsi_entries FROM dynamo_data."Ttl:by_g";
SELECT dynamo.ttl_expire('Ttl') AS deleted_again;
RESET dynamo.ttl_batch_size;

-- disabling drops the index; the status is DISABLED without AttributeName
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": false}}'::jsonb);
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);
SET dynamo.ttl_transition_time = '1h';
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);
SET dynamo.ttl_transition_time = 0;
SELECT count(*) AS ttl_indexes FROM pg_index
 WHERE indrelid = 'dynamo_data."Ttl"'::regclass AND pg_get_indexdef(indexrelid) LIKE '%ttl_expiry%';
SELECT error_of($$SELECT dynamo.ttl_expire('Ttl')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": false}}'::jsonb)$$);

-- enabled again on another attribute, the key attribute even (DynamoDB accepts it)
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "sk", "Enabled": true}}'::jsonb);
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);

-- a rolled-back change leaves nothing behind
BEGIN;
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Ttl", "TimeToLiveSpecification": {"AttributeName": "sk", "Enabled": false}}'::jsonb);
ROLLBACK;
SELECT dynamo.execute('DescribeTimeToLive', '{"TableName": "Ttl"}'::jsonb);

-- DeleteTable takes the setting with it
SELECT dynamo.execute('DeleteTable', '{"TableName": "Ttl"}'::jsonb) IS NOT NULL AS deleted;
SELECT count(*) AS settings_left FROM dynamo.time_to_live;
RESET dynamo.ttl_transition_time;
RESET dynamo.ttl_change_interval;
