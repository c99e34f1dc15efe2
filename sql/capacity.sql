-- capacity.sql: capacity units as ConsumedCapacity reports them, and
-- throttling as the default settings enforce it (dynamo preloaded: a
-- provisioned table keeps burst_seconds = 300 seconds of its units, so a
-- 1-unit table starts with 300 in its bucket).
--
-- The buckets admit a request while they hold at least one unit and charge
-- it afterwards, so one request may overdraw a bucket: a large item leaves
-- a debt that a 1-unit table needs minutes to pay off, which keeps the
-- tables below throttled for the rest of the file however slow the machine.
-- Counts that depend on timing are shown as ranges.

-- the error a statement raises: exception, message and DETAIL (ThrottlingReasons)
CREATE FUNCTION public.error_detail_of(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    code text;
    detail text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                    'SQLSTATE ' || code) || ': ' || SQLERRM || E'\nDETAIL: ' || coalesce(detail, '');
END
$$;

-- put_until_throttled(table, template, tries): PutItem of template with
-- pk = 'loop<i>' for i = 1, 2, ... until one is throttled; the number
-- admitted (-1: none throttled within tries).  The throttled request's
-- error is kept in the setting cap.last_error.
CREATE FUNCTION public.put_until_throttled(table_name text, template jsonb, tries integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    code text;
    detail text;
BEGIN
    FOR i IN 1..tries LOOP
        BEGIN
            PERFORM dynamo.put_item(table_name,
                                    (template || jsonb_build_object('pk', jsonb_build_object('S', 'loop' || i)))::dynamo.item);
        EXCEPTION WHEN OTHERS THEN
            IF SQLERRM NOT LIKE '%throughput%' THEN
                RAISE;
            END IF;
            GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
            PERFORM set_config('cap.last_error', (SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code) ||
                                                 ': ' || SQLERRM || E'\nDETAIL: ' || detail, false);
            RETURN i - 1;
        END;
    END LOOP;
    RETURN -1;
END
$$;

-- get_until_throttled(table, key, tries): strongly consistent GetItem of key until one is throttled
CREATE FUNCTION public.get_until_throttled(table_name text, key jsonb, tries integer)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..tries LOOP
        BEGIN
            PERFORM dynamo.execute('GetItem', jsonb_build_object('TableName', table_name, 'Key', key,
                                                                 'ConsistentRead', true));
        EXCEPTION WHEN OTHERS THEN
            IF SQLERRM NOT LIKE '%throughput%' THEN
                RAISE;
            END IF;
            RETURN i - 1;
        END;
    END LOOP;
    RETURN -1;
END
$$;

-- the units a table (or GSI) consumed since the server started, from its resource bucket
CREATE FUNCTION public.consumed(table_name text, kind text, index_name text DEFAULT NULL)
RETURNS float8 LANGUAGE sql AS $$
    SELECT coalesce(sum(c.consumed), 0) FROM dynamo.capacity c
     WHERE c.table_name = $1 AND c.kind = $2 AND c.partition IS NULL
       AND c.index_name IS NOT DISTINCT FROM $3
$$;

-- a string of n bytes, to size items exactly
CREATE FUNCTION public.filler(n integer) RETURNS jsonb
LANGUAGE sql AS $$ SELECT jsonb_build_object('S', repeat('x', n)) $$;

SELECT dynamo.capacity_enforced();

-- provisioned(name, rcu, wcu, extra): CreateTable with pk S and ProvisionedThroughput,
-- and the members of extra (which replace those above)
CREATE FUNCTION public.provisioned(name text, rcu integer, wcu integer, extra jsonb DEFAULT '{}')
RETURNS boolean LANGUAGE sql AS $$
    SELECT dynamo.execute('CreateTable', jsonb_build_object(
        'TableName', name,
        'AttributeDefinitions', '[{"AttributeName": "pk", "AttributeType": "S"}]'::jsonb,
        'KeySchema', '[{"AttributeName": "pk", "KeyType": "HASH"}]'::jsonb,
        'ProvisionedThroughput', jsonb_build_object('ReadCapacityUnits', rcu, 'WriteCapacityUnits', wcu)) || extra)
        IS NOT NULL
$$;

--
-- ConsumedCapacity: writes per 1 KB, reads per 4 KB, eventual reads half
--
SELECT provisioned('CapRoomy', 1000, 1000);
-- "pk" + "a" + "p" + 1021 bytes = 1025 bytes: 2 write units; 1024 bytes: 1
SELECT dynamo.item_size(jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'p', filler(1021))::dynamo.item) AS bytes;
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', 'CapRoomy', 'ReturnConsumedCapacity', 'TOTAL',
    'Item', jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'p', filler(1021))));
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', 'CapRoomy', 'ReturnConsumedCapacity', 'TOTAL',
    'Item', jsonb_build_object('pk', '{"S": "b"}'::jsonb, 'p', filler(1020))));
-- overwriting a 1025-byte item with a small one charges the larger: 2
SELECT dynamo.execute('PutItem', '{"TableName": "CapRoomy", "ReturnConsumedCapacity": "TOTAL", "ReturnValues": "ALL_OLD",
                                   "Item": {"pk": {"S": "a"}}}') #> '{ConsumedCapacity}'::text[];
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', 'CapRoomy', 'ReturnConsumedCapacity', 'TOTAL',
    'Item', jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'p', filler(5000))));
-- 5005 bytes: eventual 1 (2 x 4 KB, halved), strong 2
SELECT dynamo.execute('GetItem', '{"TableName": "CapRoomy", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "pk", "ReturnConsumedCapacity": "TOTAL"}');
SELECT dynamo.execute('GetItem', '{"TableName": "CapRoomy", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "pk", "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
-- a small item: eventual 0.5, strong 1; a missing item still 0.5 / 1
SELECT dynamo.execute('GetItem', '{"TableName": "CapRoomy", "Key": {"pk": {"S": "b"}}, "ProjectionExpression": "pk", "ReturnConsumedCapacity": "TOTAL"}');
SELECT dynamo.execute('GetItem', '{"TableName": "CapRoomy", "Key": {"pk": {"S": "none"}}, "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
-- the bucket saw every unit reported: writes 2 + 1 + 2 + 5 = 10, reads 1 + 2 + 0.5 + 1
SELECT consumed('CapRoomy', 'WRITE') AS write_units, consumed('CapRoomy', 'READ') AS read_units;

-- Query: the summed size of the items read, rounded up once per page
SELECT provisioned('CapQuery', 1000, 1000, '{"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}');
SELECT count(*) FROM generate_series(1, 3) g,
    LATERAL dynamo.put_item('CapQuery', jsonb_build_object('pk', '{"S": "q"}'::jsonb, 'sk', jsonb_build_object('N', g::text),
                                                           'p', filler(1500))::dynamo.item);
-- 3 x 1508 bytes = 4524 bytes: 2 units strong (not 3, one per item), 1 eventual
SELECT dynamo.execute('Query', '{"TableName": "CapQuery", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "q"}},
                                 "Select": "COUNT", "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
SELECT dynamo.execute('Query', '{"TableName": "CapQuery", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "q"}},
                                 "Select": "COUNT", "ReturnConsumedCapacity": "TOTAL"}');
-- a filter does not lower the charge: the items are read before it
SELECT dynamo.execute('Query', '{"TableName": "CapQuery", "KeyConditionExpression": "pk = :p", "FilterExpression": "p = :none",
                                 "ExpressionAttributeValues": {":p": {"S": "q"}, ":none": {"S": "none"}},
                                 "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
-- pages of one item (Limit 1): each page rounded up on its own, 1 unit each
SELECT dynamo.execute('Query', '{"TableName": "CapQuery", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "q"}},
                                 "Limit": 1, "Select": "COUNT", "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}') #> '{ConsumedCapacity}'::text[];

-- a conditional write whose condition fails still consumes
SELECT consumed('CapRoomy', 'WRITE') AS before \gset
SELECT error_of($$SELECT dynamo.put_item('CapRoomy', '{"pk": {"S": "b"}}', 'attribute_not_exists(pk)')$$);
SELECT consumed('CapRoomy', 'WRITE') - :before AS consumed_by_failed_condition;

--
-- A 1-WCU table: 300 units of burst, then throttled
--
SELECT provisioned('CapOne', 1, 1);
-- 1-unit puts: about 300 admitted (plus what refills at 1 unit a second while the loop runs)
SELECT put_until_throttled('CapOne', '{"v": {"N": "1"}}', 1000) AS admitted \gset
SELECT :admitted BETWEEN 300 AND 320 AS admitted_about_300;
-- the throttled put wrote nothing: the table holds exactly the admitted items
SELECT count(*) = :admitted AS nothing_written FROM dynamo_data."CapOne";
SELECT c.throttled >= 1 AS throttle_counted, c.consumed = :admitted AS consumed_all_admitted
  FROM dynamo.capacity c WHERE c.table_name = 'CapOne' AND c.kind = 'WRITE' AND c.partition IS NULL;
-- the throttled request's error
SELECT current_setting('cap.last_error') AS error;
-- the reads of the table have their own bucket
SELECT dynamo.get_item('CapOne', '{"pk": {"S": "loop1"}}');

-- items of 140 units drive a fresh 1-WCU table into a debt: 300, 160, 20, then -120
SELECT provisioned('CapDebt', 1, 1);
SELECT put_until_throttled('CapDebt', jsonb_build_object('p', filler(143000)), 20) AS admitted;
SELECT c.balance < -50 AS in_debt FROM dynamo.capacity c WHERE c.table_name = 'CapDebt' AND c.kind = 'WRITE' AND c.partition IS NULL;
SELECT error_detail_of($$SELECT dynamo.delete_item('CapDebt', '{"pk": {"S": "loop1"}}')$$);
SELECT count(*) FROM dynamo_data."CapDebt" WHERE pk = '{"S": "loop1"}'::dynamo.value;
SELECT error_detail_of($$SELECT dynamo.update_item('CapDebt', '{"pk": {"S": "loop1"}}', 'SET v = :v', NULL, NULL, '{":v": {"N": "1"}}')$$);

--
-- A GSI without capacity throttles the table writes that would update it
--
SELECT provisioned('CapGsi', 1000, 1000, '{"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "GlobalSecondaryIndexes": [{"IndexName": "ByG",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"},
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}]}');
-- items carrying g are charged to ByG too: 140 units each, so ByG is in debt after 3
SELECT put_until_throttled('CapGsi', jsonb_build_object('g', '{"S": "x"}'::jsonb, 'p', filler(143000)), 20) AS admitted;
SELECT error_detail_of($$SELECT dynamo.put_item('CapGsi', '{"pk": {"S": "with-g"}, "g": {"S": "y"}}')$$);
SELECT count(*) AS throttled_put_written FROM dynamo_data."CapGsi" WHERE pk = '{"S": "with-g"}'::dynamo.value;
SELECT count(*) AS throttled_put_indexed FROM dynamo_data."CapGsi:ByG" WHERE dynamo.get_text(item, 'pk') = 'with-g';
-- an update that would change g (a delete and a put on the index) is throttled; a put without g is not
SELECT error_of($$SELECT dynamo.update_item('CapGsi', '{"pk": {"S": "loop1"}}', 'SET g = :g', NULL, NULL, '{":g": {"S": "z"}}')$$);
SELECT error_of($$SELECT dynamo.put_item('CapGsi', '{"pk": {"S": "no-g"}, "v": {"N": "1"}}')$$);
SELECT count(*) AS put_without_g_written FROM dynamo_data."CapGsi" WHERE pk = '{"S": "no-g"}'::dynamo.value;
-- the index's bucket and the table's
SELECT c.index_name, c.balance < 0 AS in_debt, c.throttled >= 2 AS throttled
  FROM dynamo.capacity c WHERE c.table_name = 'CapGsi' AND c.kind = 'WRITE' AND c.partition IS NULL ORDER BY 1 NULLS FIRST;
-- through dynamo.execute as well
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "CapGsi", "Item": {"pk": {"S": "w"}, "g": {"S": "x"}}, "ReturnConsumedCapacity": "INDEXES"}')$$);

--
-- BatchWriteItem: the throttled requests come back in UnprocessedItems, as they were sent
--
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {
    "CapRoomy": [{"PutRequest": {"Item": {"pk": {"S": "batch1"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "b"}}}}],
    "CapDebt": [{"PutRequest": {"Item": {"pk": {"S": "batch2"}, "n": {"N": "2"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "loop1"}}}}]},
    "ReturnConsumedCapacity": "TOTAL"}');
SELECT (SELECT count(*) FROM dynamo_data."CapRoomy" WHERE pk IN ('{"S": "batch1"}'::dynamo.value, '{"S": "b"}')) AS roomy_batch1_only,
       (SELECT count(*) FROM dynamo_data."CapDebt" WHERE pk IN ('{"S": "batch2"}'::dynamo.value, '{"S": "loop1"}')) AS debt_loop1_only;
-- a GSI's throttle leaves the write unprocessed too, while a write without its key is served
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"CapGsi": [
    {"PutRequest": {"Item": {"pk": {"S": "batch3"}, "g": {"S": "x"}}}}, {"PutRequest": {"Item": {"pk": {"S": "batch4"}}}}]}}');
-- nothing served: the exception
SELECT error_detail_of($$SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"CapDebt": [{"PutRequest": {"Item": {"pk": {"S": "batch5"}}}}]}}')$$);

--
-- BatchGetItem: UnprocessedKeys keep the table's ProjectionExpression, names and ConsistentRead
--
SELECT provisioned('CapRead', 1, 1000);
SELECT dynamo.put_item('CapRead', jsonb_build_object('pk', '{"S": "big"}'::jsonb, 'p', filler(380000))::dynamo.item) IS NULL AS put;
SELECT dynamo.put_item('CapRead', '{"pk": {"S": "small"}, "data": {"N": "1"}}') IS NULL AS put;
-- strong reads of 93 units: 300 of burst last 4 reads (the 4th overdraws by about 70)
SELECT get_until_throttled('CapRead', '{"pk": {"S": "big"}}', 20) BETWEEN 4 AND 5 AS four_or_five_admitted;
SELECT dynamo.execute('BatchGetItem', '{"RequestItems": {
    "CapRoomy": {"Keys": [{"pk": {"S": "batch1"}}], "ProjectionExpression": "pk"},
    "CapRead": {"Keys": [{"pk": {"S": "small"}}, {"pk": {"S": "big"}}], "ProjectionExpression": "pk, #n",
                "ExpressionAttributeNames": {"#n": "data"}, "ConsistentRead": true}},
    "ReturnConsumedCapacity": "TOTAL"}');
SELECT error_detail_of($$SELECT dynamo.execute('BatchGetItem', '{"RequestItems": {"CapRead": {"Keys": [{"pk": {"S": "small"}}]}}}')$$);
-- the writes of the table are not affected by its reads
SELECT dynamo.put_item('CapRead', '{"pk": {"S": "other"}}') IS NULL AS put;

--
-- TransactWriteItems: a throttled action cancels the transaction, with its reason
--
SELECT error_of($$SELECT dynamo.transact_write('[
    {"Put": {"TableName": "CapRoomy", "Item": {"pk": {"S": "tx1"}}}},
    {"Put": {"TableName": "CapDebt", "Item": {"pk": {"S": "tx2"}}}}]')$$);
SELECT (SELECT count(*) FROM dynamo_data."CapRoomy" WHERE pk = '{"S": "tx1"}'::dynamo.value) AS tx1_written,
       (SELECT count(*) FROM dynamo_data."CapDebt" WHERE pk = '{"S": "tx2"}'::dynamo.value) AS tx2_written;
SELECT error_of($$SELECT dynamo.execute('TransactGetItems', '{"TransactItems": [{"Get": {"TableName": "CapRead", "Key": {"pk": {"S": "small"}}}}]}')$$);

--
-- PAY_PER_REQUEST with OnDemandThroughput: MaxWriteRequestUnits on a GSI
--
SELECT dynamo.execute('CreateTable', '{"TableName": "CapOnDemand", "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}, "OnDemandThroughput": {"MaxWriteRequestUnits": 1}}]}') IS NOT NULL AS created;
-- a 1-unit-a-second maximum keeps 1 unit: a 300 KB put overdraws it for minutes
SELECT dynamo.put_item('CapOnDemand', jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'g', '{"S": "x"}'::jsonb,
                                                          'p', filler(300000))::dynamo.item) IS NULL AS put;
SELECT error_detail_of($$SELECT dynamo.put_item('CapOnDemand', '{"pk": {"S": "b"}, "g": {"S": "x"}}')$$);
SELECT error_of($$SELECT dynamo.transact_write('[{"Put": {"TableName": "CapOnDemand", "Item": {"pk": {"S": "c"}, "g": {"S": "x"}}}}]')$$);
SELECT count(*) AS written FROM dynamo_data."CapOnDemand";
-- the table itself has on-demand room: a put without g passes
SELECT dynamo.put_item('CapOnDemand', '{"pk": {"S": "d"}}') IS NULL AS put;
SELECT c.index_name, c.mode, c.rate, c.capacity
  FROM dynamo.capacity c WHERE c.table_name = 'CapOnDemand' AND c.kind = 'WRITE' AND c.partition IS NULL ORDER BY 1 NULLS FIRST;

--
-- dynamo.capacity_enforcement = off: metered, never throttled
--
SET dynamo.capacity_enforcement = off;
SELECT dynamo.capacity_enforced();
SELECT dynamo.put_item('CapDebt', '{"pk": {"S": "unenforced"}}') IS NULL AS put;
SELECT dynamo.put_item('CapGsi', '{"pk": {"S": "unenforced"}, "g": {"S": "x"}}') IS NULL AS put;
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"CapDebt": [{"PutRequest": {"Item": {"pk": {"S": "unenforced2"}}}}]}}');
SELECT dynamo.get_item('CapRead', '{"pk": {"S": "small"}}');
SELECT count(*) AS written FROM dynamo_data."CapDebt" WHERE dynamo.get_text(item, 'pk') LIKE 'unenforced%';
-- still metered: the debt grows
SELECT c.balance < -50 AS in_debt FROM dynamo.capacity c WHERE c.table_name = 'CapDebt' AND c.kind = 'WRITE' AND c.partition IS NULL;
RESET dynamo.capacity_enforcement;
SELECT error_of($$SELECT dynamo.put_item('CapDebt', '{"pk": {"S": "enforced"}}')$$);

SELECT count(dynamo.delete_table(t)) FROM unnest(ARRAY['CapRoomy', 'CapQuery', 'CapOne', 'CapDebt', 'CapGsi', 'CapRead', 'CapOnDemand']) t;
DROP FUNCTION public.error_detail_of(text), public.put_until_throttled(text, jsonb, integer),
    public.get_until_throttled(text, jsonb, integer), public.consumed(text, text, text), public.filler(integer),
    public.provisioned(text, integer, integer, jsonb);
