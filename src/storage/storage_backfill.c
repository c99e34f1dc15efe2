/*-------------------------------------------------------------------------
 *
 * storage_backfill.c
 *	  The online backfill of a global secondary index added to a table that
 *	  holds items: a background worker that fills the index in small
 *	  transactions while the table stays readable and writable.
 *
 * UpdateTable creates the index CREATING (catalog_indexes.c) and registers
 * a dynamic background worker for it.  The worker waits for that
 * transaction to end (if it rolled back, there is nothing to do), then
 * reads each partition of the table in primary-key order, a batch of rows
 * per transaction, each row locked FOR SHARE, and writes the entry of every
 * item that has the index's key attributes, unless a writer has written
 * it already (storage_index_backfill_item).  Writers maintain a CREATING
 * index like any other from the moment UpdateTable commits, and the row
 * lock orders each item's writer and the backfill: whichever comes second
 * sees what the first did.  Items whose key attributes the index cannot
 * take (wrong type, empty, too long) are left out and counted, and the
 * index records the count (dynamo.indexes.key_violations).  At the end the
 * index becomes ACTIVE.
 *
 * When dynamo is preloaded, a launcher worker started with the server
 * resumes the backfills of the database of the wire endpoint
 * (dynamo.http_database) that a shutdown interrupted; elsewhere,
 * dynamo.start_backfill(table, index) does.
 *
 * On a table distributed by Citus, each partition is backfilled by one
 * statement over its shards instead (backfill_distributed_partition), and
 * the count of items left out is not kept.
 *
 * Progress is reported through Postgres' own progress reporting, as a
 * CREATE INDEX of the table (pg_stat_progress_create_index shows it:
 * tuples_total, tuples_done), and dynamo.index_backfill_progress adds the
 * rate and the names.  A backfill that a restart interrupted is started
 * again with dynamo.start_backfill(table, index); it carries on, since
 * entries already written are kept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/progress.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/lmgr.h"
#include "tcop/tcopprot.h"
#include "utils/backend_progress.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "errors.h"
#include "http/http.h"
#include "background.h"
#include "storage/storage.h"

/* what the worker is told (bgw_extra) */
typedef struct BackfillArgs
{
	Oid			database;
	TransactionId creator;		/* the UpdateTable that created the index */
	char		relation[NAMEDATALEN];	/* the index's relation in dynamo_data */
} BackfillArgs;

int			dynamo_backfill_batch_size = 100;

/* the first key of the session advisory lock a backfill holds on its index */
#define DYNAMO_BACKFILL_LOCK 0x64796e61	/* "dyna" */

PGDLLEXPORT void dynamo_backfill_worker_main(Datum arg);
PGDLLEXPORT void dynamo_backfill_launcher_main(Datum arg);

/* Define the settings of the backfill (from _PG_init). */
void
storage_define_settings(void)
{
	DefineCustomIntVariable("dynamo.backfill_batch_size",
							"Items an index backfill reads per transaction.",
							"Each batch holds a share lock on its rows until it commits: writers of those items wait that long.",
							&dynamo_backfill_batch_size, 100, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
}

/*
 * Start the backfill of the index stored in relation dynamo_data.<relation>
 * of this database, once the current transaction has ended.  Without a
 * free worker slot the index stays CREATING, with a warning that says how
 * to start it later.
 */
void
storage_backfill_launch(const char *index_relation)
{
	BackfillArgs args;
	BackgroundSpec spec = {"dynamo_backfill_worker_main", "dynamo index backfill", NULL, BGW_NEVER_RESTART,
	(Datum) 0, &args, sizeof(args)};

	memset(&args, 0, sizeof(args));
	args.database = MyDatabaseId;
	args.creator = GetTopTransactionIdIfAny();
	strlcpy(args.relation, index_relation, sizeof(args.relation));
	spec.long_name = psprintf("dynamo backfill of %s", index_relation);
	if (!background_start(&spec))
		ereport(WARNING,
				(errmsg("could not start the backfill of index relation \"%s\"", index_relation),
				 errdetail("No background worker slot is free (max_worker_processes)."),
				 errhint("Start it later with SELECT dynamo.start_backfill(table, index).")));
}

/* run a statement with text arguments; the caller is connected to SPI */
static int
run(const char *sql, int nargs, const char *const *texts, bool read_only)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];
	int			i;
	int			ret;

	for (i = 0; i < nargs; i++)
		args[i] = CStringGetTextDatum(texts[i]);
	ret = SPI_execute_with_args(sql, nargs, types, args, NULL, read_only, 0);
	if (ret < 0)
		elog(ERROR, "backfill statement failed: %s", SPI_result_code_string(ret));
	return ret;
}

/* the table and index of a CREATING index's relation; false when there is none */
static bool
find_creating_index(const char *relation, char **table_name, char **index_name)
{
	const char *args[1] = {relation};

	run("SELECT table_name, index_name FROM dynamo.indexes"
		" WHERE relation_name = $1 AND status = 'CREATING'", 1, args, true);
	if (SPI_processed == 0)
		return false;
	*table_name = MemoryContextStrdup(TopMemoryContext, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	*index_name = MemoryContextStrdup(TopMemoryContext, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
	return true;
}

/* the index, if it is still being created */
static const TableIndex *
creating_index(const char *table_name, const char *index_name, const TableInfo **table)
{
	const TableIndex *index;

	*table = catalog_lookup_table(table_name, true);
	if (*table == NULL)
		return NULL;
	index = catalog_find_index(*table, index_name);
	if (index == NULL || strcmp(index->status, "CREATING") != 0)
		return NULL;
	return index;
}

/*
 * Start a step of a backfill: its transaction, and the index being created
 * (and its table); NULL, with the step ended, when the index is no longer
 * being created (deleted meanwhile).
 */
static const TableIndex *
begin_backfill_step(const char *table_name, const char *index_name, const TableInfo **table)
{
	const TableIndex *index;

	CHECK_FOR_INTERRUPTS();
	background_begin_step();
	index = creating_index(table_name, index_name, table);
	if (index == NULL)
		background_end_step();
	return index;
}

/*
 * Backfill one partition of the table, batch by batch.  Returns false when
 * the index is no longer being created (deleted meanwhile).
 */
static bool
backfill_partition(const char *table_name, const char *index_name, int partition,
				   int64 *done, int64 *violations)
{
	struct varlena *last_pk = NULL;
	struct varlena *last_sk = NULL;

	for (;;)
	{
		const TableInfo *table;
		const TableIndex *index;
		StringInfoData sql;
		Oid			types[2];
		Datum		args[2];
		uint64		rows;
		uint64		n;
		int			ret;

		index = begin_backfill_step(table_name, index_name, &table);
		if (index == NULL)
			return false;
		types[0] = types[1] = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("value"),
											  ObjectIdGetDatum(get_namespace_oid("dynamo", false)));
		initStringInfo(&sql);
		appendStringInfo(&sql, "SELECT pk, sk, item FROM %s",
						 quote_qualified_identifier("dynamo_data",
													psprintf("%s#%d", table->relation_name, partition)));
		if (last_pk != NULL)
		{
			args[0] = PointerGetDatum(last_pk);
			args[1] = PointerGetDatum(last_sk);
			appendStringInfoString(&sql, table->sort_key != NULL ?
								   " WHERE ROW(pk, sk) OPERATOR(dynamo.>) ROW($1, $2)" :
								   " WHERE pk OPERATOR(dynamo.>) $1");
		}
		appendStringInfo(&sql, " ORDER BY pk%s LIMIT %d FOR SHARE", table->sort_key ? ", sk" : "",
						 dynamo_backfill_batch_size);
		ret = SPI_execute_with_args(sql.data, last_pk == NULL ? 0 : (table->sort_key ? 2 : 1),
									types, args, NULL, false, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "backfill read failed: %s", SPI_result_code_string(ret));
		rows = SPI_processed;
		for (n = 0; n < rows; n++)
		{
			bool		isnull;
			Datum		datum = SPI_getbinval(SPI_tuptable->vals[n], SPI_tuptable->tupdesc, 3, &isnull);
			DynamoValue item = dynamo_value_from_varlena(PG_DETOAST_DATUM(datum));

			if (storage_index_backfill_item(table, index, 0, item) == BACKFILL_KEY_VIOLATION)
				(*violations)++;
		}
		if (rows > 0)
		{
			SPITupleTable *tuptable = SPI_tuptable;
			bool		isnull;
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			if (last_pk != NULL)
				pfree(last_pk);
			if (last_sk != NULL)
				pfree(last_sk);
			last_pk = PG_DETOAST_DATUM_COPY(SPI_getbinval(tuptable->vals[rows - 1], tuptable->tupdesc, 1, &isnull));
			last_sk = NULL;
			if (table->sort_key != NULL)
				last_sk = PG_DETOAST_DATUM_COPY(SPI_getbinval(tuptable->vals[rows - 1], tuptable->tupdesc, 2, &isnull));
			MemoryContextSwitchTo(old);
		}
		background_end_step();
		*done += rows;
		pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE, *done);
		pgstat_progress_update_param(PROGRESS_CREATEIDX_PARTITIONS_DONE, partition);
		if (rows < (uint64) dynamo_backfill_batch_size)
			return true;
	}
}

/*
 * Backfill one partition of a table distributed by Citus: its items with
 * the index's key attributes are rewritten as they are, in one statement
 * that Citus runs on every shard; the workers' access method gives each
 * rewritten item its entry in the CREATING index (storage_indexes.c), and
 * the rewrite's row locks order it with the writers as FOR SHARE does
 * here.  Returns false when the index is no longer being created.
 */
static bool
backfill_distributed_partition(const char *table_name, const char *index_name, int partition,
							   int64 *done)
{
	const TableInfo *table;
	const TableIndex *index;
	StringInfoData sql;
	int			k;

	index = begin_backfill_step(table_name, index_name, &table);
	if (index == NULL)
		return false;
	initStringInfo(&sql);
	appendStringInfo(&sql, "UPDATE %s SET item = item WHERE true",
					 quote_qualified_identifier("dynamo_data", psprintf("%s#%d", table->relation_name, partition)));
	for (k = 0; k < index->npartition_keys; k++)
		appendStringInfo(&sql, " AND dynamo.get(item, %s) IS NOT NULL", quote_literal_cstr(index->partition_keys[k]));
	for (k = 0; k < index->nsort_keys; k++)
		appendStringInfo(&sql, " AND dynamo.get(item, %s) IS NOT NULL", quote_literal_cstr(index->sort_keys[k]));
	if (SPI_execute(sql.data, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "backfill of a distributed partition failed");
	*done += SPI_processed;
	background_end_step();
	pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE, *done);
	pgstat_progress_update_param(PROGRESS_CREATEIDX_PARTITIONS_DONE, partition);
	return true;
}

/* Backfill the index stored in relation dynamo_data.<relation>. */
static void
backfill(const char *relation)
{
	char	   *table_name;
	char	   *index_name;
	const TableInfo *table;
	const TableIndex *index;
	int			partitions;
	Oid			table_relid;
	int64		done = 0;
	int64		violations = 0;
	bool		distributed;
	int			p;

	background_begin_step();
	if (!find_creating_index(relation, &table_name, &index_name) ||
		(index = creating_index(table_name, index_name, &table)) == NULL)
	{
		background_end_step();
		return;
	}

	/* one backfill per index: a second one started meanwhile leaves it to the first */
	run(psprintf("SELECT pg_catalog.pg_try_advisory_lock(%d, %u)", DYNAMO_BACKFILL_LOCK, index->relid),
		0, NULL, true);
	if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "t") != 0)
	{
		background_end_step();
		elog(LOG, "dynamo: the backfill of index %s of table %s is running already", index_name, table_name);
		return;
	}
	partitions = table->partition_count;
	table_relid = table->relid;
	distributed = table->distributed;
	pgstat_progress_start_command(PROGRESS_COMMAND_CREATE_INDEX, table_relid);
	{
		const int	params[] = {PROGRESS_CREATEIDX_COMMAND, PROGRESS_CREATEIDX_INDEX_OID,
		PROGRESS_CREATEIDX_PHASE, PROGRESS_CREATEIDX_PARTITIONS_TOTAL};
		const int64 values[] = {PROGRESS_CREATEIDX_COMMAND_CREATE_CONCURRENTLY, index->relid,
		PROGRESS_CREATEIDX_PHASE_BUILD, partitions};

		pgstat_progress_update_multi_param(4, params, values);
	}
	run(psprintf("SELECT count(*) FROM %s", quote_qualified_identifier("dynamo_data", table->relation_name)),
		0, NULL, true);
	pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_TOTAL,
								 DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
															 &(bool){false})));
	{
		/* DescribeTable shows Backfilling: true from here on */
		const char *args[1] = {relation};

		run("UPDATE dynamo.indexes SET backfilling = true WHERE relation_name = $1 AND status = 'CREATING'",
			1, args, false);
	}
	CacheInvalidateRelcacheByRelid(table_relid);
	/*
	 * The workers' catalog copies again, now that the index's relation is
	 * there for them to see: every worker backend drops what it cached
	 * before (statements that began before this one still run with it).
	 */
	if (distributed)
		catalog_sync_to_workers(table_name);
	background_end_step();

	for (p = 0; p < partitions; p++)
		if (distributed ? !backfill_distributed_partition(table_name, index_name, p, &done) :
			!backfill_partition(table_name, index_name, p, &done, &violations))
		{
			pgstat_progress_end_command();
			return;
		}

	background_begin_step();
	{
		const char *args[2] = {relation, psprintf(INT64_FORMAT, violations)};

		run("UPDATE dynamo.indexes SET status = 'ACTIVE', backfilling = false,"
			" key_violations = key_violations + $2::bigint"
			" WHERE relation_name = $1 AND status = 'CREATING'", 2, args, false);
	}
	CacheInvalidateRelcacheByRelid(table_relid);
	if (distributed)
		catalog_sync_to_workers(table_name);
	background_end_step();
	pgstat_progress_end_command();
	elog(LOG, "dynamo: index %s of table %s is ACTIVE: " INT64_FORMAT " items read, " INT64_FORMAT
		 " left out for their index key attributes", index_name, table_name, done, violations);
}

/* The backfill worker (see storage_backfill_launch). */
void
dynamo_backfill_worker_main(Datum arg)
{
	BackfillArgs args;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.database, InvalidOid, 0);
	pgstat_report_appname("dynamo index backfill");

	/* the UpdateTable that created the index first ends */
	if (TransactionIdIsValid(args.creator))
	{
		StartTransactionCommand();
		XactLockTableWait(args.creator, NULL, NULL, XLTW_None);
		CommitTransactionCommand();
	}
	pgstat_report_activity(STATE_RUNNING, psprintf("backfill of %s", args.relation));
	backfill(args.relation);
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}

/*
 * Register the launcher that resumes interrupted backfills at server start
 * (from _PG_init, when preloaded).
 */
void
storage_register_backfill_launcher(void)
{
	BackgroundSpec spec = {"dynamo_backfill_launcher_main", "dynamo backfill launcher", NULL, BGW_NEVER_RESTART};

	background_register_static(&spec);
}

/* The launcher: a backfill worker for every index still CREATING, then exit. */
void
dynamo_backfill_launcher_main(Datum arg)
{
	uint64		n;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(dynamo_http_database, NULL, 0);
	background_begin_step();
	run("SELECT FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", 0, NULL, true);
	if (SPI_processed > 0)
	{
		run("SELECT relation_name FROM dynamo.indexes WHERE status = 'CREATING'", 0, NULL, true);
		for (n = 0; n < SPI_processed; n++)
		{
			char	   *relation = SPI_getvalue(SPI_tuptable->vals[n], SPI_tuptable->tupdesc, 1);

			elog(LOG, "dynamo: resuming the backfill of index relation \"%s\"", relation);
			storage_backfill_launch(relation);
		}
	}
	background_end_step();
	proc_exit(0);
}

PG_FUNCTION_INFO_V1(dynamo_start_backfill);

/*
 * dynamo.start_backfill(table_name, index_name): start (again) the backfill
 * of a CREATING index, e.g. one a restart interrupted.
 */
Datum
dynamo_start_backfill(PG_FUNCTION_ARGS)
{
	const char *table_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *index_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	const TableInfo *table = catalog_lookup_table(table_name, false);
	const TableIndex *index = catalog_find_index(table, index_name);

	if (index == NULL || !index->global || strcmp(index->status, "CREATING") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no global secondary index \"%s\" being created",
						table_name, index_name)));
	storage_backfill_launch(index->relation_name);
	PG_RETURN_VOID();
}
