-- scaling.sql: auto scaling's SQL surface: scalable targets, target
-- tracking policies, activities, and the decisions of one round
-- (dynamo.autoscaling_evaluate fed with cumulative units at fixed times, so
-- that the output does not depend on the clock or on the worker).

SELECT dynamo.execute('CreateTable', '{
  "TableName": "Scaled",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                           {"AttributeName": "g", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
  "GlobalSecondaryIndexes": [{"IndexName": "ByG",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}}]}') #>> '{TableDescription,TableStatus}';
SELECT dynamo.execute('CreateTable', '{
  "TableName": "OnDemand",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"}') #>> '{TableDescription,TableStatus}';

-- the activities, without their times
CREATE VIEW public.activities AS
SELECT activity_id, table_name, index_name, dimension, action, old_capacity, new_capacity,
       description, cause, status, status_message
  FROM dynamo.scaling_activities ORDER BY activity_id;
-- what a round sees of a target
CREATE VIEW public.scaling AS
SELECT resource_id, dimension, min_capacity, max_capacity, suspended, provisioned, policy_name, target_value,
       round(consumed_rate::numeric, 2) AS rate, round(utilization::numeric, 1) AS utilization,
       high_periods, low_periods
  FROM dynamo.auto_scaling ORDER BY resource_id, dimension;
-- the provisioned throughput DescribeTable reports
CREATE FUNCTION public.throughput(table_name text) RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' ',
        'table', d #>> '{Table,ProvisionedThroughput,ReadCapacityUnits}',
                 d #>> '{Table,ProvisionedThroughput,WriteCapacityUnits}',
        'ByG', d #>> '{Table,GlobalSecondaryIndexes,0,ProvisionedThroughput,ReadCapacityUnits}',
               d #>> '{Table,GlobalSecondaryIndexes,0,ProvisionedThroughput,WriteCapacityUnits}')
      FROM dynamo.execute('DescribeTable', jsonb_build_object('TableName', table_name)) d
$$;

-- validation of targets
SELECT error_of($$SELECT dynamo.register_scalable_target('Nope', NULL, 'WriteCapacityUnits', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', 'Nope', 'WriteCapacityUnits', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('OnDemand', NULL, 'WriteCapacityUnits', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'Writes', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'dynamodb:index:WriteCapacityUnits', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', 'ByG', 'dynamodb:table:WriteCapacityUnits', 1, 10)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 10, 5)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 0, 5)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 1, 40001)$$);
SELECT error_of($$SELECT dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', NULL, 5)$$);
SELECT count(*) AS targets FROM dynamo.scalable_targets;

-- registering sets the capacity into the range at once, through UpdateTable
SELECT throughput('Scaled');
SELECT table_name, index_name, dimension, min_capacity, max_capacity, suspended
  FROM dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 10, 100);
SELECT table_name, index_name, dimension, min_capacity, max_capacity, suspended
  FROM dynamo.register_scalable_target('Scaled', 'ByG', 'dynamodb:index:ReadCapacityUnits', 1, 2);
SELECT table_name, index_name, dimension, min_capacity, max_capacity, suspended
  FROM dynamo.register_scalable_target('Scaled', NULL, 'dynamodb:table:ReadCapacityUnits', 1, 40000);
SELECT throughput('Scaled');
SELECT * FROM activities;
-- registering again updates the range
SELECT min_capacity, max_capacity FROM dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 10, 80);
SELECT count(*) AS targets FROM dynamo.scalable_targets;

-- validation of policies
SELECT error_of($$SELECT dynamo.put_scaling_policy('Scaled', 'ByG', 'WriteCapacityUnits', 50)$$);
SELECT error_of($$SELECT dynamo.put_scaling_policy('Nope', NULL, 'WriteCapacityUnits', 50)$$);
SELECT error_of($$SELECT dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 19.9)$$);
SELECT error_of($$SELECT dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 91)$$);
SELECT error_of($$SELECT dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50, scale_in_cooldown => -1)$$);
SELECT error_of($$SELECT dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50, policy_name => '')$$);
SELECT error_of($$SELECT dynamo.delete_scaling_policy('Scaled', NULL, 'WriteCapacityUnits')$$);

-- AAS's defaults for DynamoDB: cooldowns 0, scale in enabled; the console's name
SELECT table_name, index_name, dimension, policy_name, target_value, scale_in_cooldown, scale_out_cooldown,
       disable_scale_in
  FROM dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50);
SELECT policy_name, target_value
  FROM dynamo.put_scaling_policy('Scaled', 'ByG', 'ReadCapacityUnits', 70, 60, 30, policy_name => 'gsi-reads');
SELECT * FROM scaling;

-- a round's decisions: 2 rounds above the target to scale out, 3 below
-- target - 20 to scale in (AAS: 2 and 15 one-minute datapoints)
SET dynamo.autoscaling_scale_out_periods = 2;
SET dynamo.autoscaling_scale_in_periods = 3;
CREATE FUNCTION public.evaluate(consumed float8, seconds integer) RETURNS text LANGUAGE sql AS $$
    SELECT dynamo.autoscaling_evaluate('Scaled', NULL, 'WriteCapacityUnits', consumed,
                                       '2030-01-01 00:00:00+00'::timestamptz + make_interval(secs => seconds))
$$;
SELECT evaluate(0, 0);          -- the first sample: no rate yet
SELECT evaluate(100, 10);       -- 10 units/s on 10: 100%, one round above 50%
SELECT * FROM scaling WHERE resource_id = 'table/Scaled' AND dimension = 'WriteCapacityUnits';
SELECT evaluate(200, 20);       -- a second round: 10 * 100 / 50 = 20
SELECT evaluate(500, 30);       -- still above (30/s on 20): at once again, no cooldown
SELECT evaluate(2000, 40);      -- 150/s: 300 clamped to the maximum, 80
SELECT evaluate(3000, 50);      -- 100/s on 80, but at the maximum already
SELECT throughput('Scaled');
SELECT evaluate(3010, 60);      -- 1/s: 1.25%, below 30%: one round
SELECT evaluate(3020, 70);      -- two
SELECT evaluate(3030, 80);      -- three: ceil(1 * 100 / 50) = 2, raised to the minimum, 10
SELECT evaluate(3040, 90);      -- 1/s on 10 is 10%: low, but at the minimum
SELECT evaluate(3240, 100);     -- 20/s: 200%
SELECT evaluate(3440, 110);     -- 40 units
SELECT throughput('Scaled');

-- cooldowns: a scale out within 60 s of the last one waits
SELECT policy_name FROM dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50,
                                                  scale_in_cooldown => 100, scale_out_cooldown => 60);
SELECT evaluate(4440, 120);     -- 100/s: the new policy counts afresh
SELECT evaluate(5440, 130);     -- 100/s on 40: 10 s after the last scale out
SELECT evaluate(6440, 170);     -- 25/s over 40 s, 62.5%: 60 s after it
SELECT evaluate(6440, 180);     -- 0: low
SELECT evaluate(6440, 190);
SELECT evaluate(6440, 200);     -- 120 s after the last scale in: 10
SELECT evaluate(6840, 210);     -- 40/s: 400%, high
SELECT evaluate(7240, 220);     -- 40/s, but 50 s after the last scale out
SELECT evaluate(7640, 230);     -- 60 s after it: 40 * 100 / 50 = 80
SELECT evaluate(7640, 240), evaluate(7640, 250), evaluate(7640, 260);  -- low, but 60 s after the last scale in
SELECT evaluate(7640, 300);     -- 100 s after it: 10
SELECT throughput('Scaled');

-- disable_scale_in keeps the capacity, suspended stops every change
SELECT evaluate(8040, 310), evaluate(8440, 320);   -- 40/s: 80
SELECT disable_scale_in FROM dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50,
                                                       disable_scale_in => true);
SELECT evaluate(8440, 330), evaluate(8440, 340), evaluate(8440, 350), evaluate(8440, 360);
SELECT suspended FROM dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 10, 80, suspended => true);
SELECT evaluate(8440, 365), evaluate(8440, 370), evaluate(8440, 375);
SELECT suspended FROM dynamo.register_scalable_target('Scaled', NULL, 'WriteCapacityUnits', 10, 80);
-- counters that went back (a restart) start a new baseline
SELECT evaluate(5, 380), evaluate(10, 390);
-- a target without a policy is measured, never changed
SELECT dynamo.autoscaling_evaluate('Scaled', NULL, 'ReadCapacityUnits', 0, '2030-01-01'),
       dynamo.autoscaling_evaluate('Scaled', NULL, 'ReadCapacityUnits', 1000000, '2030-01-01 00:00:10');
SELECT throughput('Scaled');

-- a refusal of UpdateTable (here a trigger standing in for DynamoDB's
-- decrease limits) is a Failed activity, and the capacity stays
CREATE FUNCTION public.refuse_decrease() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.write_capacity_units < OLD.write_capacity_units THEN
        RAISE EXCEPTION USING ERRCODE = 'YD009', MESSAGE = 'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_decrease BEFORE UPDATE ON dynamo.tables FOR EACH ROW EXECUTE FUNCTION public.refuse_decrease();
SELECT disable_scale_in FROM dynamo.put_scaling_policy('Scaled', NULL, 'WriteCapacityUnits', 50);
SET client_min_messages = error;
SELECT evaluate(10, 400), evaluate(10, 410), evaluate(10, 420);  -- counted afresh: 80 -> 10 refused
SELECT evaluate(10, 430), evaluate(10, 440), evaluate(10, 450);  -- tried again after 3 more rounds
RESET client_min_messages;
DROP TRIGGER refuse_decrease ON dynamo.tables;
SELECT throughput('Scaled');

-- a table switched to PAY_PER_REQUEST is skipped, and that is recorded once
SELECT dynamo.execute('UpdateTable', '{"TableName": "Scaled", "BillingMode": "PAY_PER_REQUEST"}') IS NOT NULL AS switched;
SELECT evaluate(10, 460), evaluate(20, 470);
SELECT dynamo.execute('UpdateTable', '{"TableName": "Scaled", "BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10},
    "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG",
        "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}}}]}') IS NOT NULL AS switched_back;
SELECT evaluate(10, 480), evaluate(20, 490);

SELECT * FROM activities WHERE activity_id > 2;
SELECT * FROM scaling;

-- a round over every target of the database (no change here: its samples
-- are older than the fixed ones above, so every target takes a new baseline)
SET client_min_messages = warning;
SELECT * FROM dynamo.autoscaling_round();
RESET client_min_messages;

-- deregistering drops the policy and the state, keeps the capacity and the history
SELECT dynamo.deregister_scalable_target('Scaled', NULL, 'WriteCapacityUnits');
SELECT error_of($$SELECT dynamo.deregister_scalable_target('Scaled', NULL, 'WriteCapacityUnits')$$);
SELECT dynamo.delete_scaling_policy('Scaled', 'ByG', 'ReadCapacityUnits');
SELECT count(*) AS policies FROM dynamo.scaling_policies;
SELECT resource_id, dimension FROM scaling;
SELECT throughput('Scaled');

-- the audit log has every change of targets and policies, in AAS's shape,
-- and the UpdateTable calls that changed the capacity
SELECT DISTINCT ON (action) action, source, request ->> 'ResourceId' AS resource,
       request ->> 'ScalableDimension' AS dimension,
       coalesce(request -> 'TargetTrackingScalingPolicyConfiguration',
                request - '{ResourceId,ScalableDimension,ServiceNamespace}'::text[]) AS details
  FROM dynamo.audit_log
 WHERE table_name = 'Scaled' AND action NOT IN ('UpdateTable', 'CreateTable') ORDER BY action, id;
SELECT action, count(*) FROM dynamo.audit_log WHERE table_name = 'Scaled' GROUP BY action ORDER BY action;

-- deleting the table drops its targets, keeps its history
SELECT dynamo.execute('DeleteTable', '{"TableName": "Scaled"}') IS NOT NULL AS deleted;
SELECT dynamo.execute('DeleteTable', '{"TableName": "OnDemand"}') IS NOT NULL AS deleted;
SELECT count(*) AS targets FROM dynamo.scalable_targets;
SELECT count(*) AS activities FROM dynamo.scaling_activities;

-- the catalog is dumped with the database
SELECT c.relname FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS x(oid)
  JOIN pg_catalog.pg_class c ON c.oid = x.oid
 WHERE e.extname = 'dynamo' AND c.relname LIKE 'scal%' ORDER BY 1;

DROP FUNCTION public.evaluate(float8, integer);
DROP FUNCTION public.throughput(text);
DROP FUNCTION public.refuse_decrease();
DROP VIEW public.scaling;
DROP VIEW public.activities;
