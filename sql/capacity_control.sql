-- capacity_control.sql: the control plane of capacity.  UpdateTable's rules
-- for provisioned throughput (the same value again, the decrease budget of
-- the table and of each GSI) and for switches to PAY_PER_REQUEST, the
-- history DescribeTable reports, OnDemandThroughput of tables, and the
-- audit log of control-plane changes.
--
-- Times in messages vary: they are checked against the catalog's own
-- times rather than printed.  The budget's hour is passed by moving the
-- catalog's history back with SQL.

-- throughput_of(table): the table's ProvisionedThroughput, dates as flags
CREATE FUNCTION throughput_of(table_name text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT (p - 'LastIncreaseDateTime' - 'LastDecreaseDateTime')
           || jsonb_build_object('increased', p ? 'LastIncreaseDateTime', 'decreased', p ? 'LastDecreaseDateTime')
      FROM (SELECT dynamo.execute('DescribeTable', jsonb_build_object('TableName', table_name))
                   #> '{Table,ProvisionedThroughput}'::text[] AS p) d
$$;
-- update(table, request): UpdateTable's error, or 'ok'
CREATE FUNCTION update(table_name text, request jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT replace(public.error_of(format('SELECT dynamo.execute(%L, %L)', 'UpdateTable',
                                          jsonb_build_object('TableName', table_name) || request)),
                   'no error', 'ok')
$$;
-- pt(read, write): a ProvisionedThroughput member
CREATE FUNCTION pt(r integer, w integer) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('ProvisionedThroughput', jsonb_build_object('ReadCapacityUnits', r, 'WriteCapacityUnits', w))
$$;
-- utc_words(ts): a time as DynamoDB's decrease message prints it
CREATE FUNCTION utc_words(ts timestamptz) RETURNS text LANGUAGE sql AS $$
    SELECT to_char(ts AT TIME ZONE 'UTC', 'FMDay, FMMonth FMDD, YYYY "at" FMHH12:MI:SS AM') || ' Coordinated Universal Time'
$$;

SELECT dynamo.execute('CreateTable', '{"TableName": "Cap", "BillingMode": "PROVISIONED",
  "ProvisionedThroughput": {"ReadCapacityUnits": 50, "WriteCapacityUnits": 50},
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": {"ReadCapacityUnits": 50, "WriteCapacityUnits": 50}}]}')
  #> '{TableDescription,ProvisionedThroughput}'::text[] AS created;

-- a fresh table: no dates, no decreases
SELECT throughput_of('Cap');

-- the same throughput again: ValidationException, alone or with BillingMode
-- PROVISIONED (DDB-TABLE-057), and for a GSI (DDB-TABLE-164)
SELECT update('Cap', pt(50, 50));
SELECT update('Cap', pt(50, 50) || '{"BillingMode": "PROVISIONED"}');
SELECT update('Cap', '{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 50, "WriteCapacityUnits": 50}}}]}');
-- one dimension changed is a change
SELECT update('Cap', pt(50, 60));
SELECT throughput_of('Cap');

-- four decreases at any time (both dimensions in one call count once;
-- one dimension down and the other up is a decrease)
SELECT update('Cap', pt(40, 40)), throughput_of('Cap') -> 'NumberOfDecreasesToday' AS today;
SELECT update('Cap', pt(30, 60)), throughput_of('Cap') -> 'NumberOfDecreasesToday' AS today;
SELECT update('Cap', pt(20, 20)), throughput_of('Cap') -> 'NumberOfDecreasesToday' AS today;
SELECT update('Cap', pt(10, 10)), throughput_of('Cap') -> 'NumberOfDecreasesToday' AS today;
SELECT throughput_of('Cap');

-- the fifth: LimitExceededException, naming the last decrease and the next
-- allowed time (an hour later, or 00:00 UTC if that comes first)
SELECT regexp_replace(update('Cap', pt(5, 5)), 'Last decrease at .*$', 'Last decrease at ...') AS fifth;
SELECT update('Cap', pt(5, 5)) = format('LimitExceededException: Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: 4. Last decrease at %s. Next decrease can be made at %s',
         utc_words(last_decrease_time),
         utc_words(least(last_decrease_time + interval '1 hour', date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day')))
       AS message_as_dynamodb
  FROM dynamo.tables WHERE table_name = 'Cap';
-- a mixed change is refused like a decrease; an increase is always allowed;
-- the refused ones changed nothing
SELECT update('Cap', pt(5, 20)) LIKE 'LimitExceededException%' AS mixed_refused;
SELECT update('Cap', pt(11, 11)) AS increase;
SELECT throughput_of('Cap');
-- the GSI's budget is its own (DDB-TABLE-157) ...
SELECT update('Cap', '{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 40, "WriteCapacityUnits": 40}}}]}') AS gsi_decrease;
-- ... and a request decreasing both fails as a whole, the GSI untouched
SELECT update('Cap', pt(5, 5) || '{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 30, "WriteCapacityUnits": 30}}}]}') LIKE 'LimitExceededException%' AS coupled_refused;
SELECT (d #> '{ProvisionedThroughput}'::text[]) - 'LastIncreaseDateTime' - 'LastDecreaseDateTime' AS gsi
  FROM jsonb_array_elements(dynamo.execute('DescribeTable', '{"TableName": "Cap"}') #> '{Table,GlobalSecondaryIndexes}'::text[]) d;

-- an hour after the last decrease, one more (then again an hour to wait);
-- in the first hour of a UTC day an hour ago was yesterday, whose decreases
-- do not count: the answers are then what they would be
UPDATE dynamo.tables SET last_decrease_time = now() - interval '61 minutes' WHERE table_name = 'Cap';
SELECT update('Cap', pt(5, 5)) AS after_an_hour,
       (throughput_of('Cap') ->> 'NumberOfDecreasesToday')::integer
         = dynamo.decreases_today(now() - interval '61 minutes', 4) + 1 AS counted;
SELECT CASE WHEN (now() AT TIME ZONE 'UTC')::time >= '01:02' THEN update('Cap', pt(4, 4)) LIKE 'LimitExceededException%'
            ELSE true END AS again_refused;
-- a new UTC day starts the count again
UPDATE dynamo.tables SET last_decrease_time = last_decrease_time - interval '1 day' WHERE table_name = 'Cap';
SELECT throughput_of('Cap') -> 'NumberOfDecreasesToday' AS new_day;
SELECT update('Cap', pt(4, 4)) AS new_day_decrease, throughput_of('Cap') -> 'NumberOfDecreasesToday' AS today;

-- the dates are epoch seconds with their fraction, of the last changes
SELECT abs((p ->> 'LastIncreaseDateTime')::numeric - extract(epoch FROM t.last_increase_time)) < 0.001 AS increase_time,
       abs((p ->> 'LastDecreaseDateTime')::numeric - extract(epoch FROM t.last_decrease_time)) < 0.001 AS decrease_time,
       (p ->> 'LastDecreaseDateTime') ~ '^[0-9]+\.[0-9]{1,3}$' AS shape
  FROM dynamo.tables t,
       LATERAL (SELECT dynamo.execute('DescribeTable', '{"TableName": "Cap"}') #> '{Table,ProvisionedThroughput}'::text[] AS p) d
 WHERE t.table_name = 'Cap';

-- switches to PAY_PER_REQUEST: four in a rolling 24 hours; back to
-- PROVISIONED at any time; PAY_PER_REQUEST again on such a table is no switch
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS switch_1;
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS no_switch;
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}') AS back;
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS switch_2;
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}') AS back;
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS switch_3;
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}') AS back;
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS switch_4;
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}') AS back;
SELECT regexp_replace(update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}'), 'Last update at .*$', 'Last update at ...') AS switch_5;
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') = format('LimitExceededException: Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s). Last update at %s. Next update can be made at %s',
         to_char(pay_per_request_switches[4] AT TIME ZONE 'UTC', 'Dy Mon DD HH24:MI:SS "UTC" YYYY'),
         to_char(pay_per_request_switches[1] AT TIME ZONE 'UTC' + interval '1 day', 'Dy Mon DD HH24:MI:SS "UTC" YYYY'))
       AS message_as_dynamodb
  FROM dynamo.tables WHERE table_name = 'Cap';
SELECT billing_mode, cardinality(pay_per_request_switches) FROM dynamo.tables WHERE table_name = 'Cap';
-- once the first of them is more than 24 hours old, one more
UPDATE dynamo.tables SET pay_per_request_switches[1] = now() - interval '25 hours' WHERE table_name = 'Cap';
SELECT update('Cap', '{"BillingMode": "PAY_PER_REQUEST"}') AS switch_after_a_day;
SELECT cardinality(pay_per_request_switches) AS kept FROM dynamo.tables WHERE table_name = 'Cap';

-- OnDemandThroughput of a table (DDB-TABLE-038, 039, 051, 059, 182)
SELECT update('Cap', '{"OnDemandThroughput": {"MaxReadRequestUnits": 1000, "MaxWriteRequestUnits": 500}}') AS set_both;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Cap"}') #> '{Table,OnDemandThroughput}'::text[];
SELECT update('Cap', '{"OnDemandThroughput": {"MaxReadRequestUnits": 2000}}') AS merge_read,
       dynamo.execute('DescribeTable', '{"TableName": "Cap"}') #> '{Table,OnDemandThroughput}'::text[];
SELECT update('Cap', '{"OnDemandThroughput": {"MaxWriteRequestUnits": 0}}');
SELECT update('Cap', '{"OnDemandThroughput": {"MaxReadRequestUnits": -2}}');
SELECT update('Cap', '{"OnDemandThroughput": {"MaxWriteRequestUnits": -1}}') AS clear_write,
       dynamo.execute('DescribeTable', '{"TableName": "Cap"}') #> '{Table,OnDemandThroughput}'::text[];
SELECT update('Cap', '{"OnDemandThroughput": {"MaxReadRequestUnits": -1}}') AS clear_read,
       dynamo.execute('DescribeTable', '{"TableName": "Cap"}') -> 'Table' ? 'OnDemandThroughput' AS present;
SELECT update('Cap', '{"OnDemandThroughput": {"MaxReadRequestUnits": 300}}') AS set_read;
-- a table that is or becomes PROVISIONED has none
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "OnDemandThroughput": {"MaxReadRequestUnits": 10},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}');
SELECT update('Cap', '{"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}') AS back,
       dynamo.execute('DescribeTable', '{"TableName": "Cap"}') -> 'Table' ? 'OnDemandThroughput' AS present;
SELECT update('Cap', '{"OnDemandThroughput": {"MaxWriteRequestUnits": 10}}');
-- OnDemandThroughput at CreateTable
CREATE FUNCTION create_with(extra jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT replace(public.error_of(format('SELECT dynamo.execute(%L, %L)', 'CreateTable',
             '{"TableName": "OnDemand", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
               "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}'::jsonb || extra)), 'no error', 'ok')
$$;
SELECT create_with('{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, "OnDemandThroughput": {"MaxReadRequestUnits": 5}}');
SELECT create_with('{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, "OnDemandThroughput": {"MaxWriteRequestUnits": 5}}');
SELECT create_with('{"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxReadRequestUnits": 0, "MaxWriteRequestUnits": 0}}');
SELECT create_with('{"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxReadRequestUnits": -1}}');
SELECT create_with('{"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxWriteRequestUnits": -2}}');
SELECT create_with('{"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxReadRequestUnits": 100}}');
SELECT dynamo.execute('DescribeTable', '{"TableName": "OnDemand"}') #> '{Table,OnDemandThroughput}'::text[],
       max_read_request_units, max_write_request_units
  FROM dynamo.tables WHERE table_name = 'OnDemand';

-- the audit log: every successful CreateTable, UpdateTable and DeleteTable
-- with its request and response; refused requests left nothing
SELECT dynamo.execute('DeleteTable', '{"TableName": "OnDemand"}') IS NOT NULL AS deleted;
SELECT action, table_name, source, session_role = session_user AS session_role, effective_role = current_user AS effective_role,
       request ->> 'BillingMode' AS billing_mode, request -> 'ProvisionedThroughput' AS throughput,
       response ? 'TableDescription' AS has_response
  FROM dynamo.audit_log WHERE table_name IN ('Cap', 'OnDemand') ORDER BY id;
SELECT count(*) AS events, count(DISTINCT event_time) > 1 AS times,
       bool_and(event_time BETWEEN now() - interval '1 hour' AND clock_timestamp()) AS recent
  FROM dynamo.audit_log WHERE table_name = 'Cap';
-- in the request's transaction: a change rolled back leaves no entry
BEGIN;
SELECT update('Cap', pt(2, 2)) AS in_transaction;
SELECT count(*) FROM dynamo.audit_log WHERE table_name = 'Cap' AND request -> 'ProvisionedThroughput' = '{"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}';
ROLLBACK;
SELECT count(*) FROM dynamo.audit_log WHERE table_name = 'Cap' AND request -> 'ProvisionedThroughput' = '{"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}';
-- a configuration table of the extension (pg_dump keeps it); not for PUBLIC
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
 WHERE e.extname = 'dynamo' AND c.relname LIKE 'audit%' ORDER BY 1;
SELECT has_table_privilege('public', 'dynamo.audit_log', 'SELECT') AS public_reads,
       has_table_privilege('public', 'dynamo.audit_log', 'INSERT') AS public_writes;

SELECT dynamo.execute('DeleteTable', '{"TableName": "Cap"}') IS NOT NULL AS deleted;
DROP FUNCTION throughput_of, update, pt, utc_words, create_with;
