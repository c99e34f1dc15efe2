/*-------------------------------------------------------------------------
 *
 * backup_copy.c
 *	  Copies of a table: its definition as catalog rows, and its items as
 *	  one snapshot saw them, into a relation of schema dynamo_backups.
 *
 * The copy is one INSERT ... SELECT from the table's relation: one
 * snapshot, ACCESS SHARE only (writers go on), plain SQL (no capacity
 * consumed).  Its relation is a plain heap table (pk, sk, item) with no
 * index: it is only ever read whole.
 *
 * A base copy of point-in-time recovery must also say where the change
 * history takes over (base_lsn): every change that committed before it
 * must be in the copy.  A transaction whose commit record is before the WAL
 * position read now may not be visible yet to a snapshot taken now (it
 * leaves the proc array after writing its commit record), so the copy
 * reads the position first, then waits for every transaction that is
 * running at that moment to end, and only then takes its snapshot.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/pg_lsn.h"
#include "utils/snapmgr.h"

#include "backup/backup.h"

/*
 * A table's definition: {"table": its dynamo.tables row, "indexes": its
 * dynamo.indexes rows, "description": DescribeTable's Table,
 * "time_to_live": its TimeToLiveDescription when it has one}.
 */
Jsonb *
backup_table_definition(const char *table_name)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(table_name)};
	bool		isnull;
	Datum		result;
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	Jsonb	   *definition;

	SPI_connect();
	if (SPI_execute_with_args("SELECT jsonb_strip_nulls(jsonb_build_object("
							  "  'table', to_jsonb(t),"
							  "  'indexes', coalesce((SELECT jsonb_agg(to_jsonb(i) ORDER BY i.ordinal)"
							  "                         FROM dynamo.indexes i WHERE i.table_name = t.table_name), '[]'),"
							  "  'description', dynamo.table_description(t),"
							  "  'time_to_live', (SELECT jsonb_build_object("
							  "                      'TimeToLiveStatus', dynamo.time_to_live_status(l),"
							  "                      'AttributeName', l.attribute_name)"
							  "                    FROM dynamo.time_to_live l WHERE l.table_name = t.table_name)))"
							  "  FROM dynamo.tables t WHERE t.table_name = $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading the definition of table \"%s\" failed", table_name);
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	old = MemoryContextSwitchTo(caller);
	definition = DatumGetJsonbPCopy(result);
	MemoryContextSwitchTo(old);
	SPI_finish();
	return definition;
}

/*
 * Wait until every transaction with an XID that runs now has ended (ours
 * aside): after it, a new snapshot sees every transaction that committed
 * before now.  A transaction that stays open longer than
 * BASE_COPY_WAIT_SECONDS (an idle session in a transaction) fails the copy,
 * which is tried again later, rather than holding the job worker.
 */
#define BASE_COPY_WAIT_SECONDS 60

static void
wait_for_running_transactions(void)
{
	Snapshot	snapshot = GetLatestSnapshot();
	TransactionId next = XidFromFullTransactionId(ReadNextFullTransactionId());
	TransactionId xid;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), BASE_COPY_WAIT_SECONDS * 1000);

	xid = snapshot->xmin;
	while (TransactionIdPrecedes(xid, next))
	{
		while (!TransactionIdIsCurrentTransactionId(xid) && TransactionIdIsInProgress(xid))
		{
			if (GetCurrentTimestamp() > deadline)
				ereport(ERROR,
						(errmsg("transaction %u, running when the base copy began, did not end within %d seconds",
								xid, BASE_COPY_WAIT_SECONDS),
						 errhint("The base copy is tried again later.")));
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
		TransactionIdAdvance(xid);
	}
}

/*
 * Copy a table's items into dynamo_backups.<relation_name> (created here),
 * in the caller's transaction; the number of items.  With
 * wait_for_running, *base_lsn gets the WAL position every change before
 * which is in the copy (see the top of the file).  *snapshot_time (when
 * given) gets a time after the copy's snapshot was taken and before it
 * ended: every change in the copy committed before it.
 */
int64
backup_copy_table(const char *table_name, const char *relation_name, bool wait_for_running,
				  char **base_lsn, TimestampTz *snapshot_time)
{
	return backup_copy_items(table_name, relation_name, NULL, wait_for_running, base_lsn, snapshot_time);
}

/*
 * The same, copying the rows (pk, sk, item) a query gives instead of the
 * table's (NULL: the table's).
 */
int64
backup_copy_items(const char *table_name, const char *relation_name, const char *from,
				  bool wait_for_running, char **base_lsn, TimestampTz *snapshot_time)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(table_name)};
	char	   *source;
	char	   *target = quote_qualified_identifier("dynamo_backups", relation_name);
	bool		isnull;
	int64		count;
	int			ret;

	SPI_connect();
	if (SPI_execute_with_args("SELECT relation_name, (SELECT greatest(sum(greatest(c.reltuples, 0)), 0)::bigint"
							  "                         FROM pg_catalog.pg_inherits h"
							  "                         JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid"
							  "                        WHERE h.inhparent = pg_catalog.to_regclass("
							  "                              pg_catalog.quote_ident('dynamo_data') || '.' ||"
							  "                              pg_catalog.quote_ident(t.relation_name)))"
							  "  FROM dynamo.tables t WHERE table_name = $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "table \"%s\" to copy is missing", table_name);
	source = from ? pstrdup(from) : quote_qualified_identifier("dynamo_data", SPI_getvalue(SPI_tuptable->vals[0],
																						   SPI_tuptable->tupdesc, 1));
	backup_job_progress(0, DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
													   &isnull)));
	if (SPI_execute(psprintf("CREATE TABLE %s (pk dynamo.value NOT NULL, sk dynamo.value,"
							 " item dynamo.item NOT NULL)", target), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "creating the copy %s failed", target);
	if (wait_for_running)
	{
		XLogRecPtr	lsn = GetXLogInsertRecPtr();

		wait_for_running_transactions();
		*base_lsn = DatumGetCString(DirectFunctionCall1(pg_lsn_out, LSNGetDatum(lsn)));
	}
	/* the snapshot of this statement is the copy's; clock_timestamp() runs after it was taken */
	ret = SPI_execute(psprintf("WITH at AS MATERIALIZED (SELECT clock_timestamp() AS t),"
							   "     copied AS (INSERT INTO %s SELECT pk, sk, item FROM %s"
							   "                 WHERE dynamo.job_tick() RETURNING 1)"
							   " SELECT (SELECT t FROM at), (SELECT count(*) FROM copied)", target, source),
					  false, 0);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "copying table \"%s\" failed", table_name);
	if (snapshot_time != NULL)
		*snapshot_time = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
														   &isnull));
	count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_finish();
	backup_job_progress(count, count);
	return count;
}

/* Drop the relation of a copy (a backup or a base copy), if it is there. */
void
backup_drop_copy(const char *relation_name)
{
	SPI_connect();
	if (SPI_execute(psprintf("DROP TABLE IF EXISTS %s", quote_qualified_identifier("dynamo_backups", relation_name)),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "dropping the copy %s failed", relation_name);
	SPI_finish();
}
