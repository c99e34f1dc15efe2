/*-------------------------------------------------------------------------
 *
 * background.c
 *	  Registering dynamo's background workers, and the transaction steps of
 *	  their loops (see background.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "catalog/pg_tablespace_d.h"
#include "common/relpath.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "background.h"

static void
fill(BackgroundWorker *worker, const BackgroundSpec *spec)
{
	memset(worker, 0, sizeof(*worker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker->bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker->bgw_restart_time = spec->restart_seconds;
	snprintf(worker->bgw_library_name, BGW_MAXLEN, "dynamo");
	snprintf(worker->bgw_function_name, BGW_MAXLEN, "%s", spec->function);
	snprintf(worker->bgw_name, BGW_MAXLEN, "%s", spec->long_name ? spec->long_name : spec->name);
	snprintf(worker->bgw_type, BGW_MAXLEN, "%s", spec->name);
	worker->bgw_main_arg = spec->arg;
	if (spec->extra != NULL)
		memcpy(worker->bgw_extra, spec->extra, Min(spec->extra_size, (Size) BGW_EXTRALEN));
}

/* Register a worker that starts with the server (only while dynamo is preloaded). */
void
background_register_static(const BackgroundSpec *spec)
{
	BackgroundWorker worker;

	if (!process_shared_preload_libraries_in_progress)
		return;
	fill(&worker, spec);
	RegisterBackgroundWorker(&worker);
}

/* Start a worker now; false when no worker slot is free (max_worker_processes). */
bool
background_start(const BackgroundSpec *spec)
{
	BackgroundWorker worker;

	fill(&worker, spec);
	return RegisterDynamicBackgroundWorker(&worker, NULL);
}

/* Start a step of a worker's loop: a transaction, connected to SPI, with a snapshot. */
void
background_begin_step(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
}

/* End a step: commit it. */
void
background_end_step(void)
{
	PopActiveSnapshot();
	SPI_finish();
	CommitTransactionCommand();
}

PGDLLEXPORT void dynamo_launcher_main(Datum arg);

#define MAX_DATABASE_WORKERS 4
#define LAUNCHER_RETRY_SECONDS 120	/* how long the launcher tries to start a worker without a free slot */

/* the per-database workers _PG_init added (the postmaster's copy is the launcher's) */
static BackgroundSpec DatabaseWorkers[MAX_DATABASE_WORKERS];
static int	NDatabaseWorkers = 0;

/* Add a kind of per-database worker (from _PG_init). */
void
background_add_database_worker(const BackgroundSpec *spec)
{
	if (NDatabaseWorkers >= MAX_DATABASE_WORKERS)
		elog(ERROR, "too many kinds of per-database dynamo workers");
	DatabaseWorkers[NDatabaseWorkers++] = *spec;
}

/* Register the launcher of the per-database workers (only while dynamo is preloaded). */
void
background_register_launcher(void)
{
	BackgroundSpec spec = {"dynamo_launcher_main", "dynamo launcher", NULL, BGW_NEVER_RESTART};

	background_register_static(&spec);
}

/* Start the per-database worker with this function in a database. */
void
background_start_in_database(const char *function, Oid database)
{
	int			i;

	for (i = 0; i < NDatabaseWorkers; i++)
		if (strcmp(DatabaseWorkers[i].function, function) == 0)
		{
			BackgroundSpec spec = DatabaseWorkers[i];

			spec.arg = ObjectIdGetDatum(database);
			if (!background_start(&spec))
				ereport(WARNING,
						(errmsg("could not start the background worker \"%s\"", spec.name),
						 errhint("Raise max_worker_processes.")));
			return;
		}
	/* not preloaded: no such worker here */
}

/*
 * Try to start the per-database worker number i in a database; false when
 * no worker slot is free (no warning: the launcher tries again).
 */
static bool
try_start_in_database(int i, Oid database)
{
	BackgroundSpec spec = DatabaseWorkers[i];

	spec.arg = ObjectIdGetDatum(database);
	return background_start(&spec);
}

/* the workers this transaction asked for, started when it commits */
static List *StartAtCommit = NIL;
static bool CallbackRegistered = false;

static void
start_at_commit_callback(XactEvent event, void *arg)
{
	ListCell   *cell;
	List	   *pending = StartAtCommit;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	StartAtCommit = NIL;
	if (event == XACT_EVENT_COMMIT)
		foreach(cell, pending)
			background_start_in_database((const char *) lfirst(cell), MyDatabaseId);
	list_free(pending);
}

/*
 * Start the per-database worker with this function in this database once
 * the current transaction commits (not when it aborts).
 */
void
background_start_at_commit(const char *function)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	ListCell   *cell;

	foreach(cell, StartAtCommit)
		if (strcmp((const char *) lfirst(cell), function) == 0)
		{
			MemoryContextSwitchTo(old);
			return;
		}
	StartAtCommit = lappend(StartAtCommit, (void *) function);
	MemoryContextSwitchTo(old);
	if (!CallbackRegistered)
	{
		RegisterXactCallback(start_at_commit_callback, NULL);
		CallbackRegistered = true;
	}
}

/*
 * Connect a per-database worker to its database (arg: its OID).  A database
 * dropped since the worker was asked for (its directory is gone) ends the
 * worker with exit code 0, so that the postmaster does not restart it:
 * connecting would fail, and fail again at every restart.
 */
void
background_connect_database(Datum arg, const char *name)
{
	char	   *path = GetDatabasePath(DatumGetObjectId(arg), DEFAULTTABLESPACE_OID);
	struct stat st;

	if (stat(path, &st) != 0 && errno == ENOENT)
	{
		elog(LOG, "%s: database %u is gone", name, DatumGetObjectId(arg));
		proc_exit(0);
	}
	BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(arg), InvalidOid, 0);
	pgstat_report_appname(name);
}

/*
 * Claim the database for this worker: a session advisory lock on key;
 * false when another worker of the kind holds it (this one then leaves).
 */
bool
background_claim_database(int64 key)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(key)};
	bool		claimed;
	bool		isnull;

	background_begin_step();
	if (SPI_execute_with_args("SELECT pg_catalog.pg_try_advisory_lock($1)", 1, types, values, NULL, false, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "could not take the worker's advisory lock");
	claimed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	background_end_step();
	return claimed;
}

/*
 * Whether a per-database worker that found nothing to do may leave: its
 * claim is released, then has_work looks again (in a step of its own);
 * work that appeared keeps the worker, unless another worker claimed the
 * database meanwhile (a backend started one), which then does it.
 */
bool
background_leave_database(int64 key, bool (*has_work) (void))
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(key)};
	bool		work;

	background_begin_step();
	if (SPI_execute_with_args("SELECT pg_catalog.pg_advisory_unlock($1)", 1, types, values, NULL, false, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "could not release the worker's advisory lock");
	background_end_step();
	work = has_work();
	if (!work)
		return true;
	return !background_claim_database(key);
}

/* The launcher: every per-database worker in every database that accepts connections. */
void
dynamo_launcher_main(Datum arg)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;
	List	   *databases = NIL;
	ListCell   *cell;
	int			i;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	StartTransactionCommand();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tuple);

		if (db->datallowconn && !db->datistemplate)
			databases = lappend_oid(databases, db->oid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();

	/*
	 * Every worker in every database.  They are more than max_worker_processes
	 * may hold at once on a server with several databases; most leave at once
	 * (nothing to do in their database), so a worker that finds no free slot
	 * is tried again until LAUNCHER_RETRY_SECONDS have passed.
	 */
	{
		int			pending = list_length(databases) * NDatabaseWorkers;
		bool	   *started = palloc0(sizeof(bool) * Max(pending, 1));
		TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   LAUNCHER_RETRY_SECONDS * 1000);

		for (;;)
		{
			int			n = 0;

			foreach(cell, databases)
				for (i = 0; i < NDatabaseWorkers; i++, n++)
					if (!started[n] && try_start_in_database(i, lfirst_oid(cell)))
					{
						started[n] = true;
						pending--;
					}
			if (pending == 0)
				break;
			if (GetCurrentTimestamp() > deadline)
			{
				ereport(WARNING,
						(errmsg("could not start %d per-database dynamo background worker(s)", pending),
						 errhint("Raise max_worker_processes.")));
				break;
			}
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 500, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
	}
	proc_exit(0);
}
