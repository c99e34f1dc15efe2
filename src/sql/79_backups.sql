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
