-- 79_backups.sql: on-demand backups, point-in-time recovery, and the queue
-- of background jobs that make and restore them (src/backup/).
--
-- A backup is one row of dynamo.backups and one plain relation in schema
-- dynamo_backups holding the table's items (pk, sk, item) as one snapshot
-- saw them.  Both are ordinary database objects, so pg_dump carries them
-- and a restored database can restore its backups.  The relation is made
-- by the background job worker with one statement (one snapshot, no lock
-- that blocks writers, no capacity consumed).
--
-- Point-in-time recovery of a table is its row of dynamo.continuous_backups,
-- base copies (rows of dynamo.backups with purpose 'PITR_BASE', not listed
-- by ListBackups) and the table's change history in dynamo.pitr_changes:
-- the item as each committed change left it (NULL when deleted), captured
-- from the WAL by the streams capture (src/streams/streams_capture.c) in
-- commit order.  A base copy records base_lsn, read before its snapshot was
-- taken once every transaction running then had ended: every change that
-- committed before base_lsn is in the copy.  The table as it was at time t
-- is then the latest base copy whose snapshot_time <= t, with, for every key
-- changed at or after base_lsn and committed by t, its last change applied
-- (dynamo.items_at).

CREATE SCHEMA dynamo_backups;
COMMENT ON SCHEMA dynamo_backups IS 'the items of on-demand backups and point-in-time recovery base copies, one relation each';

CREATE TABLE dynamo.backups (
    backup_id text PRIMARY KEY,                  -- <epoch ms, 14 digits>-<8 hex>: the last part of the ARN
    backup_name text NOT NULL,
    purpose text NOT NULL DEFAULT 'BACKUP' CHECK (purpose IN ('BACKUP', 'PITR_BASE')),
    backup_type text NOT NULL DEFAULT 'USER' CHECK (backup_type IN ('USER', 'SYSTEM', 'AWS_BACKUP')),
    status text NOT NULL DEFAULT 'CREATING' CHECK (status IN ('CREATING', 'AVAILABLE', 'DELETED')),
    table_name text NOT NULL,
    table_id uuid NOT NULL,
    table_definition jsonb NOT NULL,             -- the table's catalog rows: {"table": {...}, "indexes": [...]}
    relation_name text NOT NULL UNIQUE,          -- in dynamo_backups
    creation_time timestamptz NOT NULL DEFAULT now(),
    snapshot_time timestamptz,                   -- when the copy's snapshot was taken
    base_lsn pg_lsn,                             -- changes committed before it are in the copy
    system_identifier numeric,                   -- the cluster whose LSNs base_lsn counts
    item_count bigint,
    size_bytes bigint,
    expiry_time timestamptz,                     -- PITR_BASE: dropped after it
    CHECK ((status = 'CREATING') OR snapshot_time IS NOT NULL)
);
CREATE INDEX backups_table ON dynamo.backups (table_name, creation_time);
COMMENT ON TABLE dynamo.backups IS 'on-demand backups (purpose BACKUP) and point-in-time recovery base copies (PITR_BASE) of DynamoDB tables';
SELECT pg_catalog.pg_extension_config_dump('dynamo.backups', '');

-- Point-in-time recovery settings, one row per table that has it on (or had:
-- DISABLED rows are kept for DescribeContinuousBackups until the table goes).
CREATE TABLE dynamo.continuous_backups (
    table_name text PRIMARY KEY REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    table_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('ENABLING', 'ENABLED', 'DISABLED')),
    recovery_period_days integer NOT NULL DEFAULT 35 CHECK (recovery_period_days BETWEEN 1 AND 35),
    start_lsn pg_lsn,                            -- changes committed at or after it are captured
    system_identifier numeric,                   -- the cluster start_lsn belongs to
    enabled_time timestamptz,
    earliest_restorable_time timestamptz,        -- the first base copy's snapshot time (ENABLED)
    CHECK (status <> 'ENABLED' OR (start_lsn IS NOT NULL AND earliest_restorable_time IS NOT NULL))
);
COMMENT ON TABLE dynamo.continuous_backups IS 'point-in-time recovery of DynamoDB tables: status, recovery period, and where the captured history starts';
SELECT pg_catalog.pg_extension_config_dump('dynamo.continuous_backups', '');

-- The change history of tables with point-in-time recovery.  Not dumped: its
-- sequence numbers are LSNs of this cluster (a restored database starts the
-- history anew, from a new base copy).
CREATE TABLE dynamo.pitr_changes (
    table_id uuid NOT NULL,
    sequence_number numeric NOT NULL,            -- commit LSN * 2^32 + place in the transaction
    commit_time timestamptz NOT NULL,
    pk dynamo.value NOT NULL,
    sk dynamo.value,
    item dynamo.item,                            -- as the change left it; NULL: deleted
    PRIMARY KEY (table_id, sequence_number)
);
COMMENT ON TABLE dynamo.pitr_changes IS 'the committed changes of tables with point-in-time recovery: each key''s item after the change';

-- The background jobs of this database: backups, restores, base copies,
-- exports and imports.  One worker per database runs them in order
-- (src/backup/backup_jobs.c).
CREATE TABLE dynamo.jobs (
    job_id bigserial PRIMARY KEY,
    kind text NOT NULL,                          -- backup, restore, pitr_base, export, import
    subject text NOT NULL,                       -- what it works on: a backup id, a table name, an ARN
    request jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    submitted_time timestamptz NOT NULL DEFAULT now(),
    start_time timestamptz,                      -- set when it ends (a running job is uncommitted)
    end_time timestamptz,
    items bigint,                                -- how many it handled, when done
    error text
);
CREATE INDEX jobs_pending ON dynamo.jobs (job_id) WHERE status = 'PENDING';
COMMENT ON TABLE dynamo.jobs IS 'background jobs of dynamo (backups, restores, exports, imports) and what became of them';

-- dynamo.job_progress: the jobs not yet done, with the running one's
-- progress as its worker reports it (items so far, of an estimate).
CREATE VIEW dynamo.job_progress AS
    SELECT j.job_id, j.kind, j.subject, CASE WHEN a.pid IS NULL THEN 'PENDING' ELSE 'RUNNING' END AS status,
           j.submitted_time, a.query_start AS start_time,
           (regexp_match(a.query, '^dynamo job [0-9]+: ([0-9]+) of'))[1]::bigint AS items_done,
           (regexp_match(a.query, ' of ([0-9]+)'))[1]::bigint AS items_estimated,
           a.pid
      FROM dynamo.jobs j
      LEFT JOIN pg_catalog.pg_stat_activity a
        ON a.backend_type = 'dynamo backup worker' AND a.datname = current_database()
       AND a.query LIKE 'dynamo job ' || j.job_id || ':%'
     WHERE j.status = 'PENDING';
COMMENT ON VIEW dynamo.job_progress IS 'background jobs pending or running, and how far the running one has got';

-- dynamo.run_jobs(): run the pending jobs in this session and transaction,
-- as the worker would; the count run.  For a database without the worker
-- (dynamo not preloaded) and for tests.
CREATE FUNCTION dynamo.run_jobs() RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_run_jobs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.run_jobs() IS 'run the pending background jobs of this database now, in this transaction';

-- dynamo.job_tick(): counts a row for the running job's progress (true).
CREATE FUNCTION dynamo.job_tick() RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_job_tick' LANGUAGE C VOLATILE;

-- dynamo.table_arn(table_name): a table's ARN.
CREATE FUNCTION dynamo.table_arn(table_name text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('arn:aws:dynamodb:%s:%s:table/%s', current_setting('dynamo.region'),
                  current_setting('dynamo.account_id'), table_name)
$$;

-- dynamo.backup_arn(b): a backup's ARN, <table ARN>/backup/<backup id>.
CREATE FUNCTION dynamo.backup_arn(b dynamo.backups) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT dynamo.table_arn(b.table_name) || '/backup/' || b.backup_id
$$;

-- dynamo.backup_details(b, status): BackupDetails (status overrides the row's).
CREATE FUNCTION dynamo.backup_details(b dynamo.backups, status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'BackupArn', dynamo.backup_arn(b),
        'BackupName', b.backup_name,
        'BackupSizeBytes', b.size_bytes,
        'BackupStatus', coalesce(status, b.status),
        'BackupType', b.backup_type,
        'BackupCreationDateTime', round(extract(epoch FROM b.creation_time), 3)))
$$;

-- dynamo.backup_summary(b): an entry of ListBackups' BackupSummaries.
CREATE FUNCTION dynamo.backup_summary(b dynamo.backups) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('TableName', b.table_name, 'TableId', b.table_id,
                              'TableArn', dynamo.table_arn(b.table_name)) || dynamo.backup_details(b)
$$;

-- dynamo.backup_description(b, status): BackupDescription: the details, the
-- source table as it was when the backup was taken, and its features.
CREATE FUNCTION dynamo.backup_description(b dynamo.backups, status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'BackupDetails', dynamo.backup_details(b, status),
        'SourceTableDetails', jsonb_strip_nulls(jsonb_build_object(
            'TableName', b.table_name,
            'TableId', b.table_id,
            'TableArn', dynamo.table_arn(b.table_name),
            'TableSizeBytes', coalesce(b.size_bytes, 0),
            'KeySchema', d -> 'KeySchema',
            'TableCreationDateTime', d -> 'CreationDateTime',
            'ProvisionedThroughput', jsonb_build_object(
                'ReadCapacityUnits', coalesce(d #> '{ProvisionedThroughput,ReadCapacityUnits}', '0'),
                'WriteCapacityUnits', coalesce(d #> '{ProvisionedThroughput,WriteCapacityUnits}', '0')),
            'OnDemandThroughput', d -> 'OnDemandThroughput',
            'ItemCount', coalesce(b.item_count, 0),
            'BillingMode', coalesce(d #>> '{BillingModeSummary,BillingMode}', 'PROVISIONED'))),
        'SourceTableFeatureDetails', jsonb_strip_nulls(jsonb_build_object(
            'LocalSecondaryIndexes', (SELECT jsonb_agg(jsonb_build_object(
                                          'IndexName', i -> 'IndexName', 'KeySchema', i -> 'KeySchema',
                                          'Projection', i -> 'Projection'))
                                        FROM jsonb_array_elements(d -> 'LocalSecondaryIndexes') i),
            'GlobalSecondaryIndexes', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                           'IndexName', i -> 'IndexName', 'KeySchema', i -> 'KeySchema',
                                           'Projection', i -> 'Projection',
                                           'ProvisionedThroughput', CASE WHEN i ? 'ProvisionedThroughput' THEN
                                               jsonb_build_object(
                                                   'ReadCapacityUnits', i #> '{ProvisionedThroughput,ReadCapacityUnits}',
                                                   'WriteCapacityUnits', i #> '{ProvisionedThroughput,WriteCapacityUnits}') END,
                                           'OnDemandThroughput', i -> 'OnDemandThroughput')))
                                         FROM jsonb_array_elements(d -> 'GlobalSecondaryIndexes') i),
            'StreamDescription', d -> 'StreamSpecification',
            'TimeToLiveDescription', b.table_definition -> 'time_to_live')))
      FROM (SELECT b.table_definition -> 'description' AS d) s
$$;

-- dynamo.restore_create_request(definition, target, overrides): the
-- CreateTable request that makes a restore's target table: the key schema,
-- the indexes, the billing and the throughput of the definition (a
-- backup's table_definition), with RestoreTableFromBackup's and
-- RestoreTableToPointInTime's overrides applied (BillingModeOverride,
-- ProvisionedThroughputOverride, OnDemandThroughputOverride,
-- GlobalSecondaryIndexOverride, LocalSecondaryIndexOverride: an index
-- override replaces the whole list).  AttributeDefinitions keep the
-- attributes the keys left use.  Streams, TTL, tags and scaling are not
-- carried over, as in DynamoDB.
CREATE FUNCTION dynamo.restore_create_request(definition jsonb, target text, overrides jsonb)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH d AS (SELECT definition -> 'description' AS d, definition -> 'table' AS t),
    billing AS (
        SELECT coalesce(overrides ->> 'BillingModeOverride',
                        d.d #>> '{BillingModeSummary,BillingMode}', 'PROVISIONED') AS mode
          FROM d),
    lsis AS (
        SELECT coalesce(overrides -> 'LocalSecondaryIndexOverride',
                        (SELECT jsonb_agg(jsonb_build_object('IndexName', i -> 'IndexName', 'KeySchema', i -> 'KeySchema',
                                                             'Projection', i -> 'Projection'))
                           FROM d, jsonb_array_elements(d.d -> 'LocalSecondaryIndexes') i)) AS l),
    gsis AS (
        SELECT coalesce(overrides -> 'GlobalSecondaryIndexOverride',
                        (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                    'IndexName', i -> 'IndexName', 'KeySchema', i -> 'KeySchema',
                                    'Projection', i -> 'Projection',
                                    'ProvisionedThroughput', CASE WHEN billing.mode = 'PROVISIONED' THEN
                                        jsonb_build_object(
                                            'ReadCapacityUnits', coalesce(i #> '{ProvisionedThroughput,ReadCapacityUnits}', '5'),
                                            'WriteCapacityUnits', coalesce(i #> '{ProvisionedThroughput,WriteCapacityUnits}', '5')) END,
                                    'OnDemandThroughput', CASE WHEN billing.mode = 'PAY_PER_REQUEST' THEN
                                        i -> 'OnDemandThroughput' END)))
                           FROM d, billing, jsonb_array_elements(d.d -> 'GlobalSecondaryIndexes') i)) AS g),
    used AS (
        SELECT DISTINCT k ->> 'AttributeName' AS name
          FROM (SELECT jsonb_array_elements(d.d -> 'KeySchema') AS k FROM d
                UNION ALL SELECT jsonb_array_elements(i -> 'KeySchema') FROM lsis, jsonb_array_elements(lsis.l) i
                UNION ALL SELECT jsonb_array_elements(i -> 'KeySchema') FROM gsis, jsonb_array_elements(gsis.g) i) s)
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'TableName', target,
        'KeySchema', d.d -> 'KeySchema',
        'AttributeDefinitions', (SELECT jsonb_agg(a) FROM jsonb_array_elements(d.d -> 'AttributeDefinitions') a
                                  WHERE a ->> 'AttributeName' IN (SELECT name FROM used)),
        'BillingMode', billing.mode,
        'ProvisionedThroughput', CASE WHEN billing.mode = 'PROVISIONED' THEN
            coalesce(overrides -> 'ProvisionedThroughputOverride',
                     jsonb_build_object(
                         'ReadCapacityUnits', coalesce(nullif(d.d #> '{ProvisionedThroughput,ReadCapacityUnits}', '0'), '5'),
                         'WriteCapacityUnits', coalesce(nullif(d.d #> '{ProvisionedThroughput,WriteCapacityUnits}', '0'), '5'))) END,
        'OnDemandThroughput', CASE WHEN billing.mode = 'PAY_PER_REQUEST' THEN
            coalesce(overrides -> 'OnDemandThroughputOverride', d.d -> 'OnDemandThroughput') END,
        'LocalSecondaryIndexes', CASE WHEN jsonb_array_length(coalesce(lsis.l, '[]')) > 0 THEN lsis.l END,
        'GlobalSecondaryIndexes', CASE WHEN jsonb_array_length(coalesce(gsis.g, '[]')) > 0 THEN gsis.g END,
        'DynamoOptions', jsonb_build_object('Partitions', d.t -> 'partition_count',
                                            'VersionAttribute', d.t -> 'version_attribute')))
      FROM d, billing, lsis, gsis
$$;

-- dynamo.continuous_backups_description(table_name): DescribeContinuousBackups'
-- answer.  On-demand backups are always on (ContinuousBackupsStatus
-- ENABLED).  The restorable window runs from the first base copy (or the
-- start of the recovery period, whichever is later) to now: a restore
-- waits for the capture to have read the WAL up to its request.
CREATE FUNCTION dynamo.continuous_backups_description(table_name text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('ContinuousBackupsDescription', jsonb_build_object(
        'ContinuousBackupsStatus', 'ENABLED',
        'PointInTimeRecoveryDescription', jsonb_strip_nulls(jsonb_build_object(
            'PointInTimeRecoveryStatus', coalesce(c.status, 'DISABLED'),
            'RecoveryPeriodInDays', CASE WHEN c.status IN ('ENABLING', 'ENABLED') THEN c.recovery_period_days END,
            'EarliestRestorableDateTime', CASE WHEN c.status = 'ENABLED' THEN round(extract(epoch FROM
                greatest(c.earliest_restorable_time, now() - make_interval(days => c.recovery_period_days))), 3) END,
            'LatestRestorableDateTime', CASE WHEN c.status = 'ENABLED' THEN
                round(extract(epoch FROM now()), 3) END))))
      FROM (SELECT 1) one
      LEFT JOIN dynamo.continuous_backups c ON c.table_name = continuous_backups_description.table_name
           AND c.table_id = (SELECT t.table_id FROM dynamo.tables t
                              WHERE t.table_name = continuous_backups_description.table_name)
$$;

-- dynamo.items_at_id(table_id, at): the items of a table (by its id) as
-- they were at a time: the latest base copy taken by then, with the last
-- change of every key changed since its base_lsn and committed by then.
CREATE FUNCTION dynamo.items_at_id(table_id uuid, at timestamptz)
RETURNS TABLE (pk dynamo.value, sk dynamo.value, item dynamo.item)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    base dynamo.backups;
BEGIN
    SELECT * INTO base FROM dynamo.backups b
     WHERE b.purpose = 'PITR_BASE' AND b.status = 'AVAILABLE' AND b.table_id = items_at_id.table_id
       AND b.snapshot_time <= at
     ORDER BY b.snapshot_time DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no base copy of table % was taken by %', items_at_id.table_id, at
            USING HINT = 'Point-in-time recovery must have been enabled by then.';
    END IF;
    RETURN QUERY EXECUTE format(
        'WITH c AS (SELECT DISTINCT ON (c.pk, c.sk) c.pk, c.sk, c.item FROM dynamo.pitr_changes c'
        '            WHERE c.table_id = $1'
        '              AND c.sequence_number >= ($2::pg_lsn - ''0/0''::pg_lsn) * 4294967296'
        '              AND c.commit_time <= $3'
        '            ORDER BY c.pk, c.sk, c.sequence_number DESC)'
        ' SELECT b.pk, b.sk, b.item FROM dynamo_backups.%I b'
        '  WHERE NOT EXISTS (SELECT FROM c WHERE c.pk OPERATOR(dynamo.=) b.pk%s)'
        ' UNION ALL SELECT c.pk, c.sk, c.item FROM c WHERE c.item IS NOT NULL',
        base.relation_name,
        CASE WHEN base.table_definition #>> '{table,sort_key}' IS NOT NULL THEN ' AND c.sk OPERATOR(dynamo.=) b.sk' ELSE '' END)
    USING items_at_id.table_id, base.base_lsn, at;
END
$$;

-- dynamo.items_at(table_name, at): the items of a table with point-in-time
-- recovery as they were at a time within its restorable window.
CREATE FUNCTION dynamo.items_at(table_name text, at timestamptz)
RETURNS TABLE (pk dynamo.value, sk dynamo.value, item dynamo.item)
LANGUAGE sql STABLE AS $$
    SELECT i.* FROM dynamo.continuous_backups c, dynamo.items_at_id(c.table_id, at) i
     WHERE c.table_name = items_at.table_name AND c.status = 'ENABLED'
$$;
COMMENT ON FUNCTION dynamo.items_at(text, timestamptz) IS 'the items of a table with point-in-time recovery as they were at a time';

-- dynamo.changes_between(table_name, from_time, to_time): every key changed
-- in (from_time, to_time]: its item at from_time and at to_time (NULL when
-- absent then) and the commit time of its last change.  For incremental
-- exports.
CREATE FUNCTION dynamo.changes_between(table_name text, from_time timestamptz, to_time timestamptz)
RETURNS TABLE (pk dynamo.value, sk dynamo.value, old_item dynamo.item, new_item dynamo.item,
               change_time timestamptz)
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT * FROM dynamo.continuous_backups c
                WHERE c.table_name = changes_between.table_name AND c.status = 'ENABLED'),
    k AS (SELECT DISTINCT ON (p.pk, p.sk) p.pk, p.sk, p.commit_time
            FROM dynamo.pitr_changes p, c
           WHERE p.table_id = c.table_id AND p.commit_time > from_time AND p.commit_time <= to_time
           ORDER BY p.pk, p.sk, p.sequence_number DESC),
    before AS (SELECT i.* FROM c, dynamo.items_at_id(c.table_id, from_time) i),
    after AS (SELECT i.* FROM c, dynamo.items_at_id(c.table_id, to_time) i)
    SELECT k.pk, k.sk, b.item, a.item, k.commit_time
      FROM k
      LEFT JOIN before b ON b.pk OPERATOR(dynamo.=) k.pk
                        AND (b.sk OPERATOR(dynamo.=) k.sk OR (b.sk IS NULL AND k.sk IS NULL))
      LEFT JOIN after a ON a.pk OPERATOR(dynamo.=) k.pk
                       AND (a.sk OPERATOR(dynamo.=) k.sk OR (a.sk IS NULL AND k.sk IS NULL))
$$;
COMMENT ON FUNCTION dynamo.changes_between(text, timestamptz, timestamptz) IS 'the keys of a table changed in a time range, with their items before and after';

-- dynamo.restart_pitr_histories(only_other_cluster): start the point-in-time
-- recovery histories anew (ENABLING; the capture sets a new start, the job
-- worker takes a new base copy), dropping their base copies and changes:
-- all of them (the capture made a new replication slot, so changes may be
-- missing), or only those recorded in another cluster (a database restored
-- from a dump, or a recovered copy).  The count restarted.
CREATE FUNCTION dynamo.restart_pitr_histories(only_other_cluster boolean) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    restarted uuid[];
    copy text;
BEGIN
    WITH r AS (
        UPDATE dynamo.continuous_backups c
           SET status = 'ENABLING', start_lsn = NULL, earliest_restorable_time = NULL, system_identifier = NULL
         WHERE c.status <> 'DISABLED' AND c.start_lsn IS NOT NULL
           AND (NOT only_other_cluster
                OR c.system_identifier IS DISTINCT FROM (SELECT system_identifier FROM pg_catalog.pg_control_system()))
        RETURNING c.table_id)
    SELECT coalesce(array_agg(table_id), '{}') INTO restarted FROM r;
    FOR copy IN DELETE FROM dynamo.backups b
                 WHERE b.purpose = 'PITR_BASE' AND b.table_id = ANY (restarted)
                RETURNING b.relation_name LOOP
        EXECUTE format('DROP TABLE IF EXISTS dynamo_backups.%I', copy);
    END LOOP;
    DELETE FROM dynamo.pitr_changes p WHERE p.table_id = ANY (restarted);
    RETURN cardinality(restarted);
END
$$;
