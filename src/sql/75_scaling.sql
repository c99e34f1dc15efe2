-- 75_scaling.sql: auto scaling of provisioned capacity, in the spirit of
-- Application Auto Scaling's target tracking for DynamoDB.
--
-- A scalable target (dynamo.register_scalable_target) is one dimension,
-- ReadCapacityUnits or WriteCapacityUnits, of a PROVISIONED table or of
-- one of its GSIs, with a minimum and a maximum.  A scaling policy
-- (dynamo.put_scaling_policy) gives it a target utilisation.  The auto
-- scaling worker (src/capacity/capacity_scaling.c) runs
-- dynamo.autoscaling_round() every dynamo.autoscaling_interval: it samples
-- the units each target consumed since the previous round from the
-- capacity buckets (dynamo.capacity), and dynamo.autoscaling_evaluate()
-- turns that rate into a decision, as AAS's two alarms do:
--
--   utilisation = consumed units per second * 100 / provisioned units
--   scale out: utilisation above the target for
--              dynamo.autoscaling_scale_out_periods rounds in a row (AAS: 2)
--   scale in:  utilisation below the target minus 20 points for
--              dynamo.autoscaling_scale_in_periods rounds in a row (AAS: 15)
--   new capacity = ceil(rate * 100 / target), clamped to [min, max]
--
-- As with an alarm that stays in ALARM, a target still breaching after a
-- change is acted on again at the next round, unless its cooldown since
-- the last change in the same direction holds it.  Capacity changes go
-- through UpdateTable (dynamo.execute), so its validation and limits
-- (DynamoDB's decrease limits) and its audit apply; a refusal is a Failed
-- activity, tried again once the periods have passed again (not at every
-- round: a day's decreases may be spent for hours).  Changes of targets and policies are in the audit log too.
-- Every change, successful or not, is a row of dynamo.scaling_activities
-- with its cause.
--
-- The targets, policies and activities are configuration tables: pg_dump
-- keeps them.  The sampling state is an unlogged table: a restart or a
-- crash starts the measurement afresh, as the bucket counters do.

CREATE TABLE dynamo.scalable_targets (
    table_name text NOT NULL REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    index_name text,                              -- a GSI; NULL: the table
    dimension text NOT NULL CHECK (dimension IN ('ReadCapacityUnits', 'WriteCapacityUnits')),
    min_capacity bigint NOT NULL CHECK (min_capacity >= 1),
    max_capacity bigint NOT NULL,
    suspended boolean NOT NULL DEFAULT false,     -- dynamic scaling suspended
    creation_time timestamptz NOT NULL DEFAULT now(),
    CHECK (min_capacity <= max_capacity),
    CONSTRAINT scalable_targets_key UNIQUE NULLS NOT DISTINCT (table_name, index_name, dimension),
    FOREIGN KEY (table_name, index_name) REFERENCES dynamo.indexes (table_name, index_name) ON DELETE CASCADE
);
COMMENT ON TABLE dynamo.scalable_targets IS 'the capacity dimensions of tables and GSIs that auto scaling may change, with their range';
SELECT pg_catalog.pg_extension_config_dump('dynamo.scalable_targets', '');

CREATE TABLE dynamo.scaling_policies (
    table_name text NOT NULL REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    index_name text,
    dimension text NOT NULL CHECK (dimension IN ('ReadCapacityUnits', 'WriteCapacityUnits')),
    policy_name text NOT NULL,
    target_value float8 NOT NULL CHECK (target_value BETWEEN 20 AND 90),
    scale_in_cooldown integer NOT NULL DEFAULT 0 CHECK (scale_in_cooldown >= 0),
    scale_out_cooldown integer NOT NULL DEFAULT 0 CHECK (scale_out_cooldown >= 0),
    disable_scale_in boolean NOT NULL DEFAULT false,
    creation_time timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scaling_policies_key UNIQUE NULLS NOT DISTINCT (table_name, index_name, dimension),
    FOREIGN KEY (table_name, index_name) REFERENCES dynamo.indexes (table_name, index_name) ON DELETE CASCADE
);
COMMENT ON TABLE dynamo.scaling_policies IS 'the target tracking policy of each scalable target: target utilisation and cooldowns';
SELECT pg_catalog.pg_extension_config_dump('dynamo.scaling_policies', '');

CREATE SEQUENCE dynamo.scaling_activity_ids;
SELECT pg_catalog.pg_extension_config_dump('dynamo.scaling_activity_ids', '');

-- Every capacity change auto scaling made or tried.  No foreign key: the
-- history outlives its table.  action: ScaleOut, ScaleIn, SetRange (the
-- range given at registration), Skip (a target that cannot be scaled).
CREATE TABLE dynamo.scaling_activities (
    activity_id bigint PRIMARY KEY DEFAULT nextval('dynamo.scaling_activity_ids'),
    start_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    end_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    table_name text NOT NULL,
    index_name text,
    dimension text NOT NULL,
    action text NOT NULL CHECK (action IN ('ScaleOut', 'ScaleIn', 'SetRange', 'Skip')),
    old_capacity bigint,
    new_capacity bigint,
    description text NOT NULL,
    cause text NOT NULL,
    status text NOT NULL CHECK (status IN ('Successful', 'Failed')),
    status_message text
);
CREATE INDEX ON dynamo.scaling_activities (table_name, index_name, dimension, start_time);
CREATE INDEX ON dynamo.scaling_activities (start_time);
COMMENT ON TABLE dynamo.scaling_activities IS 'every capacity change auto scaling made or tried, with its cause and outcome (kept six weeks, as AAS does)';
SELECT pg_catalog.pg_extension_config_dump('dynamo.scaling_activities', '');

-- What the worker measured at its last round, per target.
CREATE UNLOGGED TABLE dynamo.scaling_state (
    table_name text NOT NULL,
    index_name text,
    dimension text NOT NULL,
    sampled_at timestamptz,              -- the last sample; NULL: none yet
    consumed float8,                     -- the bucket's cumulative units then
    consumed_rate float8,                -- units per second over the last interval
    utilization float8,                  -- percent of the provisioned units
    high_periods integer NOT NULL DEFAULT 0,  -- consecutive rounds above the target
    low_periods integer NOT NULL DEFAULT 0,   -- consecutive rounds below target - 20
    skipped text,                        -- why the target is skipped, once recorded
    CONSTRAINT scaling_state_key UNIQUE NULLS NOT DISTINCT (table_name, index_name, dimension)
);
COMMENT ON TABLE dynamo.scaling_state IS 'auto scaling''s last measurement of each scalable target (reset by a restart)';

-- AAS's resource id of a target: table/<name> or table/<name>/index/<name>
CREATE FUNCTION dynamo.scaling_resource_id(table_name text, index_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'table/' || table_name || coalesce('/index/' || index_name, '')
$$;

-- the dimension in this catalog's spelling: ReadCapacityUnits or
-- WriteCapacityUnits; AAS's dynamodb:table:... and dynamodb:index:... are
-- accepted too
CREATE FUNCTION dynamo.scaling_dimension(dimension text, index_name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    short text := regexp_replace(dimension, '^dynamodb:(table|index):', '');
BEGIN
    IF short NOT IN ('ReadCapacityUnits', 'WriteCapacityUnits')
       OR (dimension LIKE 'dynamodb:table:%' AND index_name IS NOT NULL)
       OR (dimension LIKE 'dynamodb:index:%' AND index_name IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = format('Unsupported scalable dimension %s: use ReadCapacityUnits or WriteCapacityUnits (dynamodb:%s:ReadCapacityUnits or dynamodb:%s:WriteCapacityUnits)',
                             coalesce(dimension, 'null'), CASE WHEN index_name IS NULL THEN 'table' ELSE 'index' END,
                             CASE WHEN index_name IS NULL THEN 'table' ELSE 'index' END);
    END IF;
    RETURN short;
END
$$;

-- AAS's scalable dimension: dynamodb:table:WriteCapacityUnits, dynamodb:index:...
CREATE FUNCTION dynamo.scaling_aas_dimension(index_name text, dimension text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'dynamodb:' || CASE WHEN index_name IS NULL THEN 'table' ELSE 'index' END || ':' || dimension
$$;

-- Record a change of targets or policies in the audit log (55_audit.sql),
-- with the request in AAS's shape.  Not for PUBLIC: it writes the log.
CREATE FUNCTION dynamo.scaling_audit(action text, table_name text, request jsonb) RETURNS void
LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynamo_scaling_audit';
REVOKE ALL ON FUNCTION dynamo.scaling_audit(text, text, jsonb) FROM PUBLIC;

-- The provisioned units of a target now, and its table's billing mode.
-- Raises ResourceNotFoundException when the table or the GSI is missing.
CREATE FUNCTION dynamo.scaling_current_capacity(
    table_name text, index_name text, dimension text,
    OUT billing_mode text, OUT read_capacity_units bigint, OUT write_capacity_units bigint,
    OUT capacity bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t dynamo.tables;
    i dynamo.indexes;
BEGIN
    SELECT * INTO t FROM dynamo.tables WHERE tables.table_name = scaling_current_capacity.table_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'YD004',
            MESSAGE = format('Requested resource not found: Table: %s not found', table_name);
    END IF;
    billing_mode := t.billing_mode;
    read_capacity_units := t.read_capacity_units;
    write_capacity_units := t.write_capacity_units;
    IF index_name IS NOT NULL THEN
        SELECT * INTO i FROM dynamo.indexes
         WHERE indexes.table_name = t.table_name AND indexes.index_name = scaling_current_capacity.index_name
           AND is_global;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'YD004',
                MESSAGE = format('Requested resource not found: Table %s has no global secondary index %s',
                                 table_name, index_name);
        END IF;
        read_capacity_units := i.read_capacity_units;
        write_capacity_units := i.write_capacity_units;
    END IF;
    capacity := CASE dimension WHEN 'ReadCapacityUnits' THEN read_capacity_units ELSE write_capacity_units END;
END
$$;

-- The UpdateTable request that sets one dimension of a target to units.
CREATE FUNCTION dynamo.scaling_update_request(table_name text, index_name text, dimension text, units bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    cur record;
    throughput jsonb;
BEGIN
    SELECT * INTO cur FROM dynamo.scaling_current_capacity(table_name, index_name, dimension);
    throughput := jsonb_build_object(
        'ReadCapacityUnits', CASE WHEN dimension = 'ReadCapacityUnits' THEN units ELSE cur.read_capacity_units END,
        'WriteCapacityUnits', CASE WHEN dimension = 'WriteCapacityUnits' THEN units ELSE cur.write_capacity_units END);
    IF index_name IS NULL THEN
        RETURN jsonb_build_object('TableName', table_name, 'ProvisionedThroughput', throughput);
    END IF;
    RETURN jsonb_build_object('TableName', table_name, 'GlobalSecondaryIndexUpdates',
        jsonb_build_array(jsonb_build_object('Update',
            jsonb_build_object('IndexName', index_name, 'ProvisionedThroughput', throughput))));
END
$$;

-- Set a target's units through UpdateTable and record the activity; the
-- outcome is the activity's status.  A refusal (LimitExceededException
-- for a decrease beyond DynamoDB's limits, a table being deleted) is a
-- Failed activity, never an error of the caller.
CREATE FUNCTION dynamo.scaling_set_capacity(
    table_name text, index_name text, dimension text, action text,
    old_capacity bigint, new_capacity bigint, cause text,
    at timestamptz DEFAULT clock_timestamp())
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    description text := format('Setting %s capacity units to %s.',
                               CASE dimension WHEN 'ReadCapacityUnits' THEN 'read' ELSE 'write' END, new_capacity);
    code text;
    failure text;
BEGIN
    BEGIN
        PERFORM dynamo.execute('UpdateTable',
                               dynamo.scaling_update_request(table_name, index_name, dimension, new_capacity));
    EXCEPTION WHEN OTHERS THEN
        code := SQLSTATE;
        failure := coalesce((SELECT e.name || ': ' FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                            'SQLSTATE ' || code || ': ') || SQLERRM;
    END;
    INSERT INTO dynamo.scaling_activities
           (start_time, end_time, table_name, index_name, dimension, action, old_capacity, new_capacity,
            description, cause, status, status_message)
    VALUES (at, greatest(at, clock_timestamp()), table_name, index_name, dimension, action,
            old_capacity, new_capacity, description, cause,
            CASE WHEN failure IS NULL THEN 'Successful' ELSE 'Failed' END,
            coalesce(failure, format('Successfully set %s capacity units to %s. Change successfully fulfilled by dynamodb.',
                                     CASE dimension WHEN 'ReadCapacityUnits' THEN 'read' ELSE 'write' END,
                                     new_capacity)));
    IF failure IS NOT NULL THEN
        RAISE WARNING 'auto scaling of % could not set % to %', dynamo.scaling_resource_id(table_name, index_name),
            dimension, new_capacity
            USING DETAIL = failure;
        RETURN 'Failed';
    END IF;
    RETURN 'Successful';
END
$$;

-- dynamo.register_scalable_target: register or update a scalable target
-- (RegisterScalableTarget).  min and max: 1 .. the per-table quota
-- (dynamo.table_max_read_units / _write_units, 40000).  A table or GSI
-- whose units are outside the range is set into it at once, as AAS does.
CREATE FUNCTION dynamo.register_scalable_target(
    table_name text, index_name text, dimension text,
    min_capacity bigint, max_capacity bigint, suspended boolean DEFAULT false)
RETURNS dynamo.scalable_targets LANGUAGE plpgsql AS $$
DECLARE
    short text := dynamo.scaling_dimension(dimension, index_name);
    cur record;
    quota bigint := coalesce(current_setting(CASE short WHEN 'ReadCapacityUnits' THEN 'dynamo.table_max_read_units'
                                                  ELSE 'dynamo.table_max_write_units' END, true)::bigint, 40000);
    target dynamo.scalable_targets;
    units bigint;
BEGIN
    SELECT * INTO cur FROM dynamo.scaling_current_capacity(table_name, index_name, short);
    IF cur.billing_mode <> 'PROVISIONED' THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = format('Table %s is PAY_PER_REQUEST: auto scaling applies only to PROVISIONED tables', table_name);
    END IF;
    IF min_capacity IS NULL OR max_capacity IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = 'The minimum and the maximum capacity are required';
    END IF;
    IF min_capacity < 1 OR max_capacity < 1 OR min_capacity > quota OR max_capacity > quota THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = format('The minimum and the maximum capacity must be between 1 and %s', quota);
    END IF;
    IF min_capacity > max_capacity THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = format('Minimum capacity %s cannot be greater than maximum capacity %s', min_capacity, max_capacity);
    END IF;
    INSERT INTO dynamo.scalable_targets AS s (table_name, index_name, dimension, min_capacity, max_capacity, suspended)
    VALUES (table_name, index_name, short, min_capacity, max_capacity, coalesce(suspended, false))
    ON CONFLICT ON CONSTRAINT scalable_targets_key
    DO UPDATE SET min_capacity = excluded.min_capacity, max_capacity = excluded.max_capacity,
                  suspended = excluded.suspended
    RETURNING * INTO target;
    PERFORM dynamo.scaling_audit('RegisterScalableTarget', table_name, jsonb_build_object(
        'ServiceNamespace', 'dynamodb', 'ResourceId', dynamo.scaling_resource_id(table_name, index_name),
        'ScalableDimension', dynamo.scaling_aas_dimension(index_name, short),
        'MinCapacity', min_capacity, 'MaxCapacity', max_capacity,
        'SuspendedState', jsonb_build_object('DynamicScalingInSuspended', target.suspended,
                                             'DynamicScalingOutSuspended', target.suspended)));
    units := least(greatest(cur.capacity, min_capacity), max_capacity);
    IF units <> cur.capacity THEN
        PERFORM dynamo.scaling_set_capacity(table_name, index_name, short, 'SetRange', cur.capacity, units,
            format('%s capacity was set to %s',
                   CASE WHEN units > cur.capacity THEN 'minimum' ELSE 'maximum' END, units));
    END IF;
    RETURN target;
END
$$;

-- dynamo.deregister_scalable_target: remove a target and its policy
-- (DeregisterScalableTarget); the capacity stays as it is.
CREATE FUNCTION dynamo.deregister_scalable_target(table_name text, index_name text, dimension text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    short text := dynamo.scaling_dimension(dimension, index_name);
BEGIN
    DELETE FROM dynamo.scalable_targets s
     WHERE s.table_name = deregister_scalable_target.table_name
       AND s.index_name IS NOT DISTINCT FROM deregister_scalable_target.index_name AND s.dimension = short;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'YD004',
            MESSAGE = format('No scalable target registered for %s, dimension %s',
                             dynamo.scaling_resource_id(table_name, index_name), short);
    END IF;
    PERFORM dynamo.scaling_audit('DeregisterScalableTarget', table_name, jsonb_build_object(
        'ServiceNamespace', 'dynamodb', 'ResourceId', dynamo.scaling_resource_id(table_name, index_name),
        'ScalableDimension', dynamo.scaling_aas_dimension(index_name, short)));
    DELETE FROM dynamo.scaling_policies p
     WHERE p.table_name = deregister_scalable_target.table_name
       AND p.index_name IS NOT DISTINCT FROM deregister_scalable_target.index_name AND p.dimension = short;
    DELETE FROM dynamo.scaling_state p
     WHERE p.table_name = deregister_scalable_target.table_name
       AND p.index_name IS NOT DISTINCT FROM deregister_scalable_target.index_name AND p.dimension = short;
END
$$;

-- dynamo.put_scaling_policy: create or replace the target tracking policy
-- of a registered target (PutScalingPolicy with
-- TargetTrackingScalingPolicyConfiguration and the predefined metric
-- DynamoDBRead/WriteCapacityUtilization).  target_value: 20 to 90 percent,
-- the range DynamoDB's auto scaling accepts; cooldowns in seconds,
-- default 0 as AAS's for DynamoDB.  The default name is the console's.
CREATE FUNCTION dynamo.put_scaling_policy(
    table_name text, index_name text, dimension text, target_value float8,
    scale_in_cooldown integer DEFAULT 0, scale_out_cooldown integer DEFAULT 0,
    disable_scale_in boolean DEFAULT false, policy_name text DEFAULT NULL)
RETURNS dynamo.scaling_policies LANGUAGE plpgsql AS $$
DECLARE
    short text := dynamo.scaling_dimension(dimension, index_name);
    policy dynamo.scaling_policies;
BEGIN
    PERFORM dynamo.scaling_current_capacity(table_name, index_name, short);
    PERFORM FROM dynamo.scalable_targets s
      WHERE s.table_name = put_scaling_policy.table_name
        AND s.index_name IS NOT DISTINCT FROM put_scaling_policy.index_name AND s.dimension = short;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'YD004',
            MESSAGE = format('No scalable target registered for %s, dimension %s: register it first with dynamo.register_scalable_target',
                             dynamo.scaling_resource_id(table_name, index_name), short);
    END IF;
    IF target_value IS NULL OR NOT (target_value BETWEEN 20 AND 90) THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = format('The target utilization must be between 20 and 90 percent, not %s', coalesce(target_value::text, 'null'));
    END IF;
    IF coalesce(scale_in_cooldown, 0) < 0 OR coalesce(scale_out_cooldown, 0) < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = 'Cooldowns must be zero or more seconds';
    END IF;
    IF policy_name IS NOT NULL AND (policy_name = '' OR length(policy_name) > 256) THEN
        RAISE EXCEPTION USING ERRCODE = 'YD001',
            MESSAGE = 'The policy name must have 1 to 256 characters';
    END IF;
    INSERT INTO dynamo.scaling_policies AS p
           (table_name, index_name, dimension, policy_name, target_value, scale_in_cooldown, scale_out_cooldown,
            disable_scale_in)
    VALUES (table_name, index_name, short,
            coalesce(policy_name, format('DynamoDB%sCapacityUtilization:%s',
                                         CASE short WHEN 'ReadCapacityUnits' THEN 'Read' ELSE 'Write' END,
                                         dynamo.scaling_resource_id(table_name, index_name))),
            target_value, coalesce(scale_in_cooldown, 0), coalesce(scale_out_cooldown, 0),
            coalesce(disable_scale_in, false))
    ON CONFLICT ON CONSTRAINT scaling_policies_key
    DO UPDATE SET policy_name = excluded.policy_name, target_value = excluded.target_value,
                  scale_in_cooldown = excluded.scale_in_cooldown, scale_out_cooldown = excluded.scale_out_cooldown,
                  disable_scale_in = excluded.disable_scale_in
    RETURNING * INTO policy;
    PERFORM dynamo.scaling_audit('PutScalingPolicy', table_name, jsonb_build_object(
        'PolicyName', policy.policy_name, 'ServiceNamespace', 'dynamodb',
        'ResourceId', dynamo.scaling_resource_id(table_name, index_name),
        'ScalableDimension', dynamo.scaling_aas_dimension(index_name, short),
        'PolicyType', 'TargetTrackingScaling',
        'TargetTrackingScalingPolicyConfiguration', jsonb_build_object(
            'TargetValue', policy.target_value,
            'PredefinedMetricSpecification', jsonb_build_object('PredefinedMetricType',
                format('DynamoDB%sCapacityUtilization', CASE short WHEN 'ReadCapacityUnits' THEN 'Read' ELSE 'Write' END)),
            'ScaleInCooldown', policy.scale_in_cooldown, 'ScaleOutCooldown', policy.scale_out_cooldown,
            'DisableScaleIn', policy.disable_scale_in)));
    -- a new policy measures afresh
    UPDATE dynamo.scaling_state st SET high_periods = 0, low_periods = 0
     WHERE st.table_name = put_scaling_policy.table_name
       AND st.index_name IS NOT DISTINCT FROM put_scaling_policy.index_name AND st.dimension = short;
    RETURN policy;
END
$$;

-- dynamo.delete_scaling_policy: remove a target's policy (DeleteScalingPolicy)
CREATE FUNCTION dynamo.delete_scaling_policy(table_name text, index_name text, dimension text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    short text := dynamo.scaling_dimension(dimension, index_name);
BEGIN
    DELETE FROM dynamo.scaling_policies p
     WHERE p.table_name = delete_scaling_policy.table_name
       AND p.index_name IS NOT DISTINCT FROM delete_scaling_policy.index_name AND p.dimension = short;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'YD004',
            MESSAGE = format('No scaling policy for %s, dimension %s',
                             dynamo.scaling_resource_id(table_name, index_name), short);
    END IF;
    PERFORM dynamo.scaling_audit('DeleteScalingPolicy', table_name, jsonb_build_object(
        'ServiceNamespace', 'dynamodb', 'ResourceId', dynamo.scaling_resource_id(table_name, index_name),
        'ScalableDimension', dynamo.scaling_aas_dimension(index_name, short)));
END
$$;

-- dynamo.autoscaling_evaluate: one round's decision for one target, given
-- the cumulative units its bucket has consumed (consumed) at sampled_at.
-- Returns what it did: 'baseline' (first sample, or the counters were
-- reset), 'no policy', 'suspended', 'skipped', 'steady', or the action
-- and its outcome ('ScaleOut 5 -> 10 Successful').  The rate is measured
-- between two samples; the periods count consecutive rounds.
CREATE FUNCTION dynamo.autoscaling_evaluate(
    table_name text, index_name text, dimension text, consumed float8,
    sampled_at timestamptz DEFAULT clock_timestamp())
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    target dynamo.scalable_targets;
    policy dynamo.scaling_policies;
    state dynamo.scaling_state;
    cur record;
    out_periods integer := coalesce(current_setting('dynamo.autoscaling_scale_out_periods', true)::integer, 2);
    in_periods integer := coalesce(current_setting('dynamo.autoscaling_scale_in_periods', true)::integer, 15);
    measured_rate float8;
    measured_utilization float8;
    desired bigint;
    resource text := dynamo.scaling_resource_id(table_name, index_name);
    last_change timestamptz;
    outcome text;
BEGIN
    SELECT * INTO target FROM dynamo.scalable_targets s
     WHERE s.table_name = autoscaling_evaluate.table_name
       AND s.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
       AND s.dimension = autoscaling_evaluate.dimension;
    IF NOT FOUND THEN
        RETURN 'not registered';
    END IF;
    INSERT INTO dynamo.scaling_state (table_name, index_name, dimension)
    VALUES (table_name, index_name, dimension) ON CONFLICT DO NOTHING;
    SELECT * INTO state FROM dynamo.scaling_state st
     WHERE st.table_name = autoscaling_evaluate.table_name
       AND st.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
       AND st.dimension = autoscaling_evaluate.dimension
       FOR UPDATE;
    SELECT * INTO cur FROM dynamo.scaling_current_capacity(table_name, index_name, dimension);

    -- a table switched to PAY_PER_REQUEST has nothing to scale: say so once
    IF cur.billing_mode <> 'PROVISIONED' THEN
        IF state.skipped IS DISTINCT FROM 'PAY_PER_REQUEST' THEN
            INSERT INTO dynamo.scaling_activities
                   (start_time, end_time, table_name, index_name, dimension, action, description, cause, status,
                    status_message)
            VALUES (sampled_at, sampled_at, table_name, index_name, dimension, 'Skip',
                    format('Skipping %s: the table is PAY_PER_REQUEST.', resource),
                    format('billing mode of %s is PAY_PER_REQUEST', resource), 'Failed',
                    'Auto scaling applies only to PROVISIONED capacity; it resumes when the table is PROVISIONED again.');
        END IF;
        UPDATE dynamo.scaling_state st SET skipped = 'PAY_PER_REQUEST', sampled_at = NULL, consumed = NULL,
               consumed_rate = NULL, utilization = NULL, high_periods = 0, low_periods = 0
         WHERE st.table_name = autoscaling_evaluate.table_name
           AND st.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
           AND st.dimension = autoscaling_evaluate.dimension;
        RETURN 'skipped';
    END IF;

    -- the rate since the previous sample; none on the first, or after a restart reset the counters
    IF state.sampled_at IS NOT NULL AND consumed >= state.consumed AND sampled_at > state.sampled_at THEN
        measured_rate := (consumed - state.consumed) / extract(epoch FROM sampled_at - state.sampled_at);
        measured_utilization := measured_rate * 100 / greatest(cur.capacity, 1);
    END IF;

    SELECT * INTO policy FROM dynamo.scaling_policies p
     WHERE p.table_name = autoscaling_evaluate.table_name
       AND p.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
       AND p.dimension = autoscaling_evaluate.dimension;
    IF measured_rate IS NOT NULL AND FOUND THEN
        state.high_periods := CASE WHEN measured_utilization > policy.target_value THEN state.high_periods + 1 ELSE 0 END;
        state.low_periods := CASE WHEN measured_utilization < policy.target_value - 20 THEN state.low_periods + 1 ELSE 0 END;
    ELSE
        state.high_periods := 0;
        state.low_periods := 0;
    END IF;
    UPDATE dynamo.scaling_state st
       SET sampled_at = autoscaling_evaluate.sampled_at, consumed = autoscaling_evaluate.consumed,
           consumed_rate = measured_rate, utilization = measured_utilization,
           high_periods = state.high_periods, low_periods = state.low_periods, skipped = NULL
     WHERE st.table_name = autoscaling_evaluate.table_name
       AND st.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
       AND st.dimension = autoscaling_evaluate.dimension;

    IF measured_rate IS NULL THEN
        RETURN 'baseline';
    ELSIF policy.policy_name IS NULL THEN
        RETURN 'no policy';
    ELSIF target.suspended THEN
        RETURN 'suspended';
    END IF;

    desired := least(greatest(ceil(measured_rate * 100 / policy.target_value)::bigint, target.min_capacity),
                     target.max_capacity);
    IF state.high_periods >= out_periods AND desired > cur.capacity THEN
        SELECT max(a.start_time) INTO last_change FROM dynamo.scaling_activities a
         WHERE a.table_name = autoscaling_evaluate.table_name
           AND a.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
           AND a.dimension = autoscaling_evaluate.dimension AND a.action = 'ScaleOut' AND a.status = 'Successful';
        IF last_change > sampled_at - make_interval(secs => policy.scale_out_cooldown) THEN
            RETURN 'scale out cooldown';
        END IF;
        outcome := dynamo.scaling_set_capacity(table_name, index_name, dimension, 'ScaleOut',
            cur.capacity, desired,
            format('monitor alarm TargetTracking-%s-AlarmHigh in state ALARM triggered policy %s',
                   resource, policy.policy_name),
            sampled_at);
        IF outcome = 'Failed' THEN
            -- a refused change is tried again only once the alarm has fired again
            UPDATE dynamo.scaling_state st SET high_periods = 0
             WHERE st.table_name = autoscaling_evaluate.table_name
               AND st.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
               AND st.dimension = autoscaling_evaluate.dimension;
        END IF;
        RETURN format('ScaleOut %s -> %s %s', cur.capacity, desired, outcome);
    END IF;
    IF state.low_periods >= in_periods AND desired < cur.capacity THEN
        IF policy.disable_scale_in THEN
            RETURN 'scale in disabled';
        END IF;
        SELECT max(a.start_time) INTO last_change FROM dynamo.scaling_activities a
         WHERE a.table_name = autoscaling_evaluate.table_name
           AND a.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
           AND a.dimension = autoscaling_evaluate.dimension AND a.action = 'ScaleIn' AND a.status = 'Successful';
        IF last_change > sampled_at - make_interval(secs => policy.scale_in_cooldown) THEN
            RETURN 'scale in cooldown';
        END IF;
        outcome := dynamo.scaling_set_capacity(table_name, index_name, dimension, 'ScaleIn',
            cur.capacity, desired,
            format('monitor alarm TargetTracking-%s-AlarmLow in state ALARM triggered policy %s',
                   resource, policy.policy_name),
            sampled_at);
        IF outcome = 'Failed' THEN
            -- a refused change is tried again only once the alarm has fired again
            UPDATE dynamo.scaling_state st SET low_periods = 0
             WHERE st.table_name = autoscaling_evaluate.table_name
               AND st.index_name IS NOT DISTINCT FROM autoscaling_evaluate.index_name
               AND st.dimension = autoscaling_evaluate.dimension;
        END IF;
        RETURN format('ScaleIn %s -> %s %s', cur.capacity, desired, outcome);
    END IF;
    RETURN 'steady';
END
$$;

-- dynamo.autoscaling_round: one round of the auto scaling worker over
-- every target of this database, each in its own subtransaction (a target
-- that fails is logged and the others carry on).  Returns one row per
-- target with what autoscaling_evaluate did.  The consumption comes from
-- the capacity buckets, which exist only when dynamo is preloaded.
CREATE FUNCTION dynamo.autoscaling_round(
    sampled_at timestamptz DEFAULT clock_timestamp(),
    OUT table_name text, OUT index_name text, OUT dimension text, OUT outcome text)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    IF NOT dynamo.capacity_enforced() AND NOT EXISTS (SELECT FROM dynamo.capacity_buckets()) THEN
        RAISE NOTICE 'auto scaling has no measurements: the capacity buckets need dynamo in shared_preload_libraries';
    END IF;
    -- one round at a time in a database
    IF NOT pg_catalog.pg_try_advisory_xact_lock(x'64796e61'::integer, 75) THEN
        RETURN;
    END IF;
    DELETE FROM dynamo.scaling_activities a WHERE a.start_time < autoscaling_round.sampled_at - interval '6 weeks';
    DELETE FROM dynamo.scaling_state st
     WHERE NOT EXISTS (SELECT FROM dynamo.scalable_targets s
                        WHERE s.table_name = st.table_name AND s.index_name IS NOT DISTINCT FROM st.index_name
                          AND s.dimension = st.dimension);
    FOR t IN
        SELECT s.table_name, s.index_name, s.dimension,
               coalesce((SELECT sum(c.consumed) FROM dynamo.capacity c
                          WHERE c.table_name = s.table_name AND c.index_name IS NOT DISTINCT FROM s.index_name
                            AND c.partition IS NULL
                            AND c.kind = CASE s.dimension WHEN 'ReadCapacityUnits' THEN 'READ' ELSE 'WRITE' END),
                        0) AS consumed
          FROM dynamo.scalable_targets s
         ORDER BY s.table_name, s.index_name NULLS FIRST, s.dimension
    LOOP
        table_name := t.table_name;
        index_name := t.index_name;
        dimension := t.dimension;
        BEGIN
            outcome := dynamo.autoscaling_evaluate(t.table_name, t.index_name, t.dimension, t.consumed,
                                                   autoscaling_round.sampled_at);
        EXCEPTION WHEN OTHERS THEN
            outcome := 'error: ' || SQLERRM;
            RAISE WARNING 'auto scaling of % % failed: %', dynamo.scaling_resource_id(t.table_name, t.index_name),
                t.dimension, SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;

-- What auto scaling manages, and what it measured at its last round.
CREATE VIEW dynamo.auto_scaling AS
SELECT s.table_name, s.index_name, s.dimension,
       dynamo.scaling_resource_id(s.table_name, s.index_name) AS resource_id,
       s.min_capacity, s.max_capacity, s.suspended,
       CASE s.dimension WHEN 'ReadCapacityUnits' THEN coalesce(i.read_capacity_units, t.read_capacity_units)
                        ELSE coalesce(i.write_capacity_units, t.write_capacity_units) END AS provisioned,
       t.billing_mode,
       p.policy_name, p.target_value, p.scale_in_cooldown, p.scale_out_cooldown, p.disable_scale_in,
       st.sampled_at, st.consumed_rate, st.utilization, st.high_periods, st.low_periods
  FROM dynamo.scalable_targets s
  JOIN dynamo.tables t ON t.table_name = s.table_name
  LEFT JOIN dynamo.indexes i ON i.table_name = s.table_name AND i.index_name = s.index_name
  LEFT JOIN dynamo.scaling_policies p
         ON p.table_name = s.table_name AND p.index_name IS NOT DISTINCT FROM s.index_name AND p.dimension = s.dimension
  LEFT JOIN dynamo.scaling_state st
         ON st.table_name = s.table_name AND st.index_name IS NOT DISTINCT FROM s.index_name AND st.dimension = s.dimension;
COMMENT ON VIEW dynamo.auto_scaling IS 'every scalable target with its range, policy, provisioned units and last measured utilization';
