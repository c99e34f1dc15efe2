/*-------------------------------------------------------------------------
 *
 * backup_pitr.c
 *	  Point-in-time recovery of a table: UpdateContinuousBackups,
 *	  DescribeContinuousBackups, the base copies, and the trimming of the
 *	  history past the recovery period.
 *
 * Enabling it (PointInTimeRecoveryStatus ENABLING) asks the streams
 * capture to record the table's changes (it sets start_lsn when its slot
 * is there: src/streams/streams_capture.c) and the job worker to take a
 * base copy once it has; the first base copy makes it ENABLED, with
 * EarliestRestorableDateTime the copy's snapshot time.  Every
 * dynamo.pitr_base_interval a new base copy is taken, so that a restore
 * applies at most that much history; base copies and changes no restore
 * within the recovery period can need are dropped.  Disabling drops the
 * history at once (DynamoDB keeps none either).
 *
 * A database restored from a dump into another cluster carries the
 * settings but not the history (LSNs count in one cluster only): the job
 * worker sees the cluster changed and starts the history anew (ENABLING).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "api/api.h"
#include "background.h"
#include "backup/backup.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "streams/streams.h"

/* {"ContinuousBackupsDescription": ...} of a table */
static Jsonb *
describe(const char *table_name)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(table_name)};

	return backup_query_jsonb("SELECT dynamo.continuous_backups_description($1)", 1, types, values, NULL);
}

/*
 * Wait (up to PITR_ENABLE_WAIT_SECONDS) while a table's point-in-time
 * recovery is ENABLING: its first base copy is moments away (the capture's
 * next round, the job worker's next poll), and a restore or an export asked
 * right after enabling it should not fail for that.  Each check is a new
 * statement, which in READ COMMITTED sees what the workers committed.
 */
#define PITR_ENABLE_WAIT_SECONDS 15

void
backup_pitr_wait_enabled(const char *table_name)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(table_name)};

	(void) backup_poll_until("SELECT NOT EXISTS (SELECT FROM dynamo.continuous_backups"
							 "                    WHERE table_name = $1 AND status = 'ENABLING')",
							 1, types, values, PITR_ENABLE_WAIT_SECONDS);
}

/* DescribeContinuousBackups */
void
api_describe_continuous_backups(const JsonNode *request, JsonWriter *w)
{
	char	   *table_name = backup_table_name(request_string(request, "TableName", "tableName", true));

	if (catalog_lookup_table(table_name, true) == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", table_name);
	response_jsonb(w, describe(table_name));
}

/* UpdateContinuousBackups */
void
api_update_continuous_backups(const JsonNode *request, JsonWriter *w)
{
	char	   *table_name = backup_table_name(request_string(request, "TableName", "tableName", true));
	const JsonNode *spec = request_member(request, "PointInTimeRecoverySpecification");
	const JsonNode *enabled_node;
	const JsonNode *period_node;
	bool		enabled;
	int64		period = -1;
	TableInfo  *table;
	Oid			types[3] = {TEXTOID, BOOLOID, INT4OID};
	Datum		values[3];
	char		nulls[4] = "   ";

	if (spec == NULL)
		request_missing("pointInTimeRecoverySpecification");
	if (!request_is_object(spec))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	enabled_node = request_member(spec, "PointInTimeRecoveryEnabled");
	if (enabled_node == NULL)
		request_missing("pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled");
	enabled = request_bool(spec, "PointInTimeRecoveryEnabled", false);
	period_node = request_member(spec, "RecoveryPeriodInDays");
	if (period_node != NULL)
	{
		period = request_integer(period_node);
		if (!enabled)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true");
		if (period < 1 || period > 35)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "RecoveryPeriodInDays must be between 1 and 35");
	}
	table = catalog_lookup_table(table_name, true);
	if (table == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", table_name);
	if (enabled)
		catalog_refuse_distributed(table, "point-in-time recovery");

	values[0] = CStringGetTextDatum(table_name);
	values[1] = BoolGetDatum(enabled);
	values[2] = Int32GetDatum((int32) period);
	if (period < 0)
		nulls[2] = 'n';
	SPI_connect();
	if (enabled)
	{
		/* a new history unless one is on; the period changes in place */
		if (SPI_execute_with_args("INSERT INTO dynamo.continuous_backups AS c"
								  "       (table_name, table_id, status, recovery_period_days, enabled_time)"
								  " SELECT t.table_name, t.table_id, 'ENABLING', coalesce($3, 35), now()"
								  "   FROM dynamo.tables t WHERE t.table_name = $1 AND $2"
								  " ON CONFLICT (table_name) DO UPDATE"
								  "   SET recovery_period_days = CASE WHEN c.status = 'DISABLED' THEN coalesce($3, 35)"
								  "                                   ELSE coalesce($3, c.recovery_period_days) END,"
								  "       status = CASE WHEN c.status = 'DISABLED' THEN 'ENABLING' ELSE c.status END,"
								  "       enabled_time = CASE WHEN c.status = 'DISABLED' THEN now() ELSE c.enabled_time END",
								  3, types, values, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "enabling point-in-time recovery failed");
	}
	else
	{
		if (SPI_execute_with_args("UPDATE dynamo.continuous_backups SET status = 'DISABLED', start_lsn = NULL,"
								  "       earliest_restorable_time = NULL, system_identifier = NULL"
								  " WHERE table_name = $1",
								  1, types, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "disabling point-in-time recovery failed");
		backup_pitr_drop_history(table_name);
	}
	SPI_finish();
	if (enabled)
	{
		streams_start_capture(MyDatabaseId);
		background_start_at_commit("dynamo_backup_worker_main");
	}
	catalog_audit_record("UpdateContinuousBackups", table_name, json_node_to_jsonb(request), NULL);
	response_jsonb(w, describe(table_name));
}

/* drop the copies a statement returned the relation names of (column 1) */
static void
drop_copies(SPITupleTable *gone, uint64 n)
{
	char	  **names = palloc(sizeof(char *) * Max(n, 1));
	uint64		i;

	for (i = 0; i < n; i++)
		names[i] = SPI_getvalue(gone->vals[i], gone->tupdesc, 1);
	for (i = 0; i < n; i++)
		backup_drop_copy(names[i]);
}

/*
 * Drop the history of a table (its base copies and its changes) that no
 * enabled point-in-time recovery uses any more; connected to SPI.
 */
void
backup_pitr_drop_history(const char *table_name)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(table_name ? table_name : "")};

	/*
	 * Base copies of tables (or incarnations of them) without an enabled
	 * history, and the changes of those tables (by their ids: the history
	 * is read by table_id, so this is an index scan).
	 */
	if (SPI_execute_with_args("WITH gone AS ("
							  "  DELETE FROM dynamo.backups b"
							  "   WHERE b.purpose = 'PITR_BASE' AND ($1 = '' OR b.table_name = $1)"
							  "     AND NOT EXISTS (SELECT FROM dynamo.continuous_backups c"
							  "                      WHERE c.table_id = b.table_id AND c.status <> 'DISABLED'"
							  "                        AND c.start_lsn IS NOT NULL)"
							  "  RETURNING b.relation_name, b.table_id),"
							  "     ids AS (SELECT table_id FROM gone"
							  "              UNION SELECT t.table_id FROM dynamo.tables t"
							  "                     WHERE t.table_name = $1"
							  "                       AND NOT EXISTS (SELECT FROM dynamo.continuous_backups c"
							  "                                        WHERE c.table_id = t.table_id"
							  "                                          AND c.status <> 'DISABLED')),"
							  "     changes AS (DELETE FROM dynamo.pitr_changes p USING ids WHERE p.table_id = ids.table_id)"
							  " SELECT relation_name FROM gone", 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "dropping a point-in-time recovery history failed");
	drop_copies(SPI_tuptable, SPI_processed);
}

/* The job of a base copy: copy the table, note where the history takes over. */
int64
backup_job_run_pitr_base(const BackupJob *job)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, INT8OID};
	Datum		values[4];
	TimestampTz snapshot_time;
	char	   *table_name;
	char	   *relation_name;
	char	   *base_lsn = NULL;
	int64		count;
	MemoryContext caller = CurrentMemoryContext;

	values[0] = CStringGetTextDatum(job->subject);
	SPI_connect();
	if (SPI_execute_with_args("SELECT b.table_name, b.relation_name FROM dynamo.backups b"
							  "  JOIN dynamo.continuous_backups c ON c.table_id = b.table_id"
							  " WHERE b.backup_id = $1 AND b.status = 'CREATING' AND c.status <> 'DISABLED'"
							  "   AND c.start_lsn IS NOT NULL FOR UPDATE OF b", 1, types, values, NULL, false, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "reading base copy %s failed", job->subject);
	if (SPI_processed == 0)
	{
		SPI_finish();
		return 0;				/* disabled meanwhile: maintenance drops it */
	}
	table_name = MemoryContextStrdup(caller, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	relation_name = MemoryContextStrdup(caller, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
	SPI_finish();

	count = backup_copy_table(table_name, relation_name, true, &base_lsn, &snapshot_time);
	values[1] = CStringGetTextDatum(base_lsn);
	values[2] = TimestampTzGetDatum(snapshot_time);
	values[3] = Int64GetDatum(count);
	SPI_connect();
	if (SPI_execute_with_args("WITH b AS (UPDATE dynamo.backups SET status = 'AVAILABLE', base_lsn = $2::pg_lsn,"
							  "                  snapshot_time = $3, item_count = $4,"
							  "                  system_identifier = (SELECT system_identifier FROM pg_catalog.pg_control_system()),"
							  "                  size_bytes = pg_catalog.pg_total_relation_size("
							  "                      pg_catalog.quote_ident('dynamo_backups') || '.' || pg_catalog.quote_ident(relation_name))"
							  "            WHERE backup_id = $1 RETURNING table_id)"
							  " UPDATE dynamo.continuous_backups c"
							  "    SET status = 'ENABLED', earliest_restorable_time = coalesce(c.earliest_restorable_time, $3)"
							  "   FROM b WHERE c.table_id = b.table_id AND c.status <> 'DISABLED'",
							  4, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "completing base copy %s failed", job->subject);
	SPI_finish();
	return count;
}

/* A base copy that failed goes; maintenance submits another. */
void
backup_job_pitr_base_failed(const BackupJob *job, const char *message)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(job->subject)};

	if (SPI_execute_with_args("DELETE FROM dynamo.backups WHERE backup_id = $1 AND status = 'CREATING'",
							  1, types, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "removing the failed base copy %s failed", job->subject);
}

/*
 * The periodic work (called by the job worker in a transaction, SPI
 * connected): histories of another cluster started anew, base copies
 * due submitted, what the recovery periods no longer need dropped.
 */
void
backup_pitr_maintain(void)
{
	static TimestampTz last_trim = 0;

	if (SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", true, 1) != SPI_OK_SELECT ||
		SPI_processed == 0)
		return;

	/* restored into another cluster: the history starts anew */
	if (SPI_execute("SELECT dynamo.restart_pitr_histories(true)", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "checking the cluster of point-in-time recovery failed");

	/* a base copy for every history without a recent one, or none pending */
	if (SPI_execute_with_args(
			"WITH due AS ("
			"  SELECT c.table_name, c.table_id FROM dynamo.continuous_backups c"
			"   WHERE c.status <> 'DISABLED' AND c.start_lsn IS NOT NULL"
			"     AND NOT EXISTS (SELECT FROM dynamo.backups b"
			"                      WHERE b.purpose = 'PITR_BASE' AND b.table_id = c.table_id"
			"                        AND (b.status = 'CREATING'"
			"                             OR b.snapshot_time > now() - make_interval(secs => $1)))),"
			"     made AS ("
			"  INSERT INTO dynamo.backups (backup_id, backup_name, purpose, backup_type, table_name, table_id,"
			"                              table_definition, relation_name)"
			"  SELECT id, 'pitr base ' || id, 'PITR_BASE', 'SYSTEM', due.table_name, due.table_id,"
			"         jsonb_build_object('table', to_jsonb(t)), 'pitr_' || id"
			"    FROM due JOIN dynamo.tables t USING (table_name),"
			"         LATERAL (SELECT lpad((extract(epoch FROM now()) * 1000)::bigint::text, 14, '0') || '-' ||"
			"                         substr(md5(random()::text || clock_timestamp()::text || due.table_name), 1, 8)"
			"                         AS id) i"
			"  RETURNING backup_id)"
			" INSERT INTO dynamo.jobs (kind, subject) SELECT 'pitr_base', backup_id FROM made",
			1, (Oid[]) {FLOAT8OID}, (Datum[]) {Float8GetDatum((double) dynamo_pitr_base_interval_s)}, NULL,
			false, 0) != SPI_OK_INSERT)
		elog(ERROR, "submitting base copies failed");

	/* the rest once a minute: it reads more */
	if (GetCurrentTimestamp() - last_trim < 60 * USECS_PER_SEC)
		return;
	last_trim = GetCurrentTimestamp();

	/*
	 * Per history, the newest base copy taken before the recovery period
	 * began is the oldest one a restore can need: older ones go, and so do
	 * the changes before it.
	 */
	if (SPI_execute("WITH keep AS ("
					"  SELECT DISTINCT ON (b.table_id) b.table_id, b.snapshot_time, b.base_lsn"
					"    FROM dynamo.backups b JOIN dynamo.continuous_backups c ON c.table_id = b.table_id"
					"   WHERE b.purpose = 'PITR_BASE' AND b.status = 'AVAILABLE' AND c.status = 'ENABLED'"
					"     AND b.snapshot_time <= now() - make_interval(days => c.recovery_period_days)"
					"   ORDER BY b.table_id, b.snapshot_time DESC),"
					"     old AS (DELETE FROM dynamo.backups b USING keep"
					"              WHERE b.purpose = 'PITR_BASE' AND b.table_id = keep.table_id"
					"                AND b.status = 'AVAILABLE' AND b.snapshot_time < keep.snapshot_time"
					"             RETURNING b.relation_name),"
					"     trimmed AS (DELETE FROM dynamo.pitr_changes p USING keep"
					"                  WHERE p.table_id = keep.table_id"
					"                    AND p.sequence_number < (keep.base_lsn - '0/0'::pg_lsn) * 4294967296)"
					" SELECT relation_name FROM old", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "trimming point-in-time recovery history failed");
	drop_copies(SPI_tuptable, SPI_processed);

	/* histories of tables deleted or disabled */
	backup_pitr_drop_history(NULL);
}
