/*-------------------------------------------------------------------------
 *
 * backup_jobs.c
 *	  The queue of background jobs (dynamo.jobs) and the per-database worker
 *	  that runs them: backups, restores, point-in-time recovery base copies,
 *	  exports and imports.
 *
 * A request submits a job in its own transaction (backup_job_submit) and
 * the database's job worker is started when that commits.  The worker
 * takes the oldest pending job (FOR UPDATE SKIP LOCKED: a job is run by
 * one session at a time) and runs it in one transaction that also marks it
 * DONE: its effects commit together, and a crash leaves it PENDING, to run
 * again.  On an error that transaction is rolled back and another marks
 * the job FAILED and calls its kind's failed().  While it runs, the view
 * dynamo.job_progress shows it RUNNING.
 *
 * Between jobs, every dynamo.backup_poll_interval, the worker also does
 * the periodic work of point-in-time recovery (backup_pitr_maintain: base
 * copies due, history past the recovery period trimmed).  It leaves a
 * database with nothing pending and no table with point-in-time recovery.
 *
 * Progress: a running job reports "dynamo job <id>: <done> of <estimate>"
 * as its worker's activity (backup_job_progress, or dynamo.job_tick() per
 * row of a copying statement), which the view dynamo.job_progress reads.
 *
 * Without the worker (dynamo not preloaded), dynamo.run_jobs() runs the
 * pending jobs in the caller's transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "background.h"
#include "backup/backup.h"

PGDLLEXPORT void dynamo_backup_worker_main(Datum arg);

static int	backup_poll_interval_ms = 250;
int			dynamo_pitr_base_interval_s = 86400;

/* the kinds of jobs */
static const BackupJobKind JobKinds[] = {
	{"backup", backup_job_run_backup, backup_job_backup_failed},
	{"export", backup_job_run_export, backup_job_export_failed},
	{"import", backup_job_run_import, backup_job_import_failed},
	{"pitr_base", backup_job_run_pitr_base, backup_job_pitr_base_failed},
	{"restore", backup_job_run_restore, backup_job_restore_failed},
};

/* the job running in this process, for its progress */
static int64 CurrentJobId = 0;
static int64 CurrentJobDone = 0;
static int64 CurrentJobEstimate = 0;

void
backup_define_settings(void)
{
	DefineCustomIntVariable("dynamo.backup_poll_interval",
							"How often the job worker looks for backup, restore, export and import jobs.",
							"A request starts the worker at once; this is its pace afterwards.",
							&backup_poll_interval_ms, 250, 10, 3600000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.pitr_base_interval",
							"Time between two base copies of a table with point-in-time recovery.",
							"A restore starts from the latest base copy before its time and applies the changes since.",
							&dynamo_pitr_base_interval_s, 86400, 1, INT_MAX, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);
}

/* Add the job worker to the per-database workers (when preloaded). */
void
backup_register_worker(void)
{
	BackgroundSpec spec = {"dynamo_backup_worker_main", "dynamo backup worker", NULL, 5};

	if (process_shared_preload_libraries_in_progress)
		background_add_database_worker(&spec);
}

/*
 * Submit a job, in the caller's transaction; the worker starts when it
 * commits.  Returns the job's id.
 */
int64
backup_job_submit(const char *kind, const char *subject, Jsonb *request)
{
	Oid			types[3] = {TEXTOID, TEXTOID, JSONBOID};
	Datum		values[3];
	bool		isnull;
	int64		id;

	values[0] = CStringGetTextDatum(kind);
	values[1] = CStringGetTextDatum(subject);
	values[2] = request ? JsonbPGetDatum(request) : (Datum) 0;
	SPI_connect();
	if (SPI_execute_with_args("INSERT INTO dynamo.jobs (kind, subject, request)"
							  " VALUES ($1, $2, coalesce($3, '{}')) RETURNING job_id",
							  3, types, values, request ? NULL : "  n", false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "submitting a %s job failed", kind);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	background_start_at_commit("dynamo_backup_worker_main");
	return id;
}

/* Report the running job's progress as this process's activity. */
void
backup_job_progress(int64 done, int64 estimated)
{
	CurrentJobDone = done;
	CurrentJobEstimate = estimated;
	if (CurrentJobId != 0)
		pgstat_report_activity(STATE_RUNNING,
							   psprintf("dynamo job " INT64_FORMAT ": " INT64_FORMAT " of " INT64_FORMAT,
										CurrentJobId, done, Max(done, estimated)));
}

/*
 * Wait, polling every 50 ms, until a query of one boolean answers true;
 * false after the given seconds.  Each poll is a new statement (read_only
 * false: a new snapshot in READ COMMITTED), so it sees what other sessions
 * and the workers commit meanwhile.
 */
bool
backup_poll_until(const char *sql, int nargs, Oid *types, Datum *values, int seconds)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), seconds * 1000);

	for (;;)
	{
		bool		done;
		bool		isnull;

		SPI_connect();
		if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "\"%s\" failed", sql);
		done = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) && !isnull;
		SPI_finish();
		if (done)
			return true;
		if (GetCurrentTimestamp() > deadline)
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 50, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/* dynamo.job_tick(): one more row of the running job (reported every 10000) */
PG_FUNCTION_INFO_V1(dynamo_job_tick);
Datum
dynamo_job_tick(PG_FUNCTION_ARGS)
{
	CurrentJobDone++;
	if (CurrentJobDone % 10000 == 0)
		backup_job_progress(CurrentJobDone, CurrentJobEstimate);
	PG_RETURN_BOOL(true);
}

static const BackupJobKind *
job_kind(const char *kind)
{
	int			i;

	for (i = 0; i < lengthof(JobKinds); i++)
		if (strcmp(JobKinds[i].kind, kind) == 0)
			return &JobKinds[i];
	return NULL;
}

/*
 * The oldest job to run, locked, copied into context; NULL when none.
 * Connected to SPI, in a transaction.
 */
static BackupJob *
next_job(MemoryContext context)
{
	BackupJob  *job;
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		request;
	MemoryContext old;

	if (SPI_execute("SELECT job_id, kind, subject, request FROM dynamo.jobs"
					" WHERE status = 'PENDING' ORDER BY job_id"
					" LIMIT 1 FOR UPDATE SKIP LOCKED", false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading the job queue failed");
	if (SPI_processed == 0)
		return NULL;
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	old = MemoryContextSwitchTo(context);
	job = palloc0(sizeof(BackupJob));
	job->job_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	job->kind = SPI_getvalue(row, desc, 2);
	job->subject = SPI_getvalue(row, desc, 3);
	request = SPI_getbinval(row, desc, 4, &isnull);
	job->request = DatumGetJsonbPCopy(request);
	MemoryContextSwitchTo(old);
	return job;
}

/* set a job's status (and end time, items, error) */
static void
mark_job(int64 job_id, const char *status, int64 items, const char *error)
{
	Oid			types[4] = {INT8OID, TEXTOID, INT8OID, TEXTOID};
	Datum		values[4] = {Int64GetDatum(job_id), CStringGetTextDatum(status), Int64GetDatum(items),
	error ? CStringGetTextDatum(error) : (Datum) 0};
	char		nulls[5] = "    ";

	if (items < 0)
		nulls[2] = 'n';
	if (error == NULL)
		nulls[3] = 'n';
	if (SPI_execute_with_args("UPDATE dynamo.jobs SET status = $2, items = $3, error = $4,"
							  "       start_time = coalesce(start_time, statement_timestamp()),"
							  "       end_time = clock_timestamp()"
							  " WHERE job_id = $1", 4, types, values, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "updating job " INT64_FORMAT " failed", job_id);
}

/* run one job's handler: the items it handled */
static int64
run_handler(const BackupJob *job)
{
	const BackupJobKind *kind = job_kind(job->kind);
	int64		items;

	if (kind == NULL || kind->run == NULL)
		elog(ERROR, "unknown kind of job \"%s\"", job->kind);
	CurrentJobId = job->job_id;
	CurrentJobDone = 0;
	CurrentJobEstimate = 0;
	backup_job_progress(0, 0);
	PG_TRY();
	{
		items = kind->run(job);
	}
	PG_FINALLY();
	{
		CurrentJobId = 0;
	}
	PG_END_TRY();
	return items;
}

/*
 * Run the next job in the worker: run and DONE in one transaction, or
 * FAILED and failed() in another.  False when there was none.
 */
static bool
worker_run_next(MemoryContext job_context)
{
	BackupJob  *volatile job = NULL;
	int64		items = 0;

	PG_TRY();
	{
		background_begin_step();
		job = next_job(job_context);
		if (job == NULL)
		{
			background_end_step();
			return false;
		}
		items = run_handler(job);
		mark_job(job->job_id, "DONE", items, NULL);
		background_end_step();
	}
	PG_CATCH();
	{
		ErrorData  *error;
		const BackupJobKind *kind = job_kind(job->kind);

		MemoryContextSwitchTo(job_context);
		error = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		if (job == NULL)		/* the queue could not be read */
		{
			ereport(LOG, (errmsg("dynamo backup worker: %s", error->message)));
			return false;
		}
		ereport(LOG,
				(errmsg("dynamo backup worker: %s job " INT64_FORMAT " (%s) failed: %s",
						job->kind, job->job_id, job->subject, error->message)));
		background_begin_step();
		mark_job(job->job_id, "FAILED", -1, error->message);
		if (kind != NULL && kind->failed != NULL)
			kind->failed(job, error->message);
		background_end_step();
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	return true;
}

/* whether this database has jobs pending or tables with point-in-time recovery */
static bool
has_work(void)
{
	bool		found = false;

	background_begin_step();
	if (SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", true, 1) == SPI_OK_SELECT &&
		SPI_processed > 0 &&
		SPI_execute("SELECT 1 WHERE EXISTS (SELECT FROM dynamo.jobs WHERE status = 'PENDING')"
					" OR EXISTS (SELECT FROM dynamo.continuous_backups WHERE status <> 'DISABLED')",
					true, 1) == SPI_OK_SELECT)
		found = SPI_processed > 0;
	background_end_step();
	return found;
}

/* the periodic work of point-in-time recovery; an error is logged, not raised */
static void
maintain(MemoryContext context)
{
	PG_TRY();
	{
		background_begin_step();
		backup_pitr_maintain();
		background_end_step();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
	}
	PG_END_TRY();
}

/* The job worker of a database (see the top of the file). */
void
dynamo_backup_worker_main(Datum arg)
{
	MemoryContext job_context;

	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
	background_connect_database(arg, "dynamo backup worker");
	if (!background_claim_database(BACKUP_WORKER_LOCK))
		proc_exit(0);
	job_context = AllocSetContextCreate(TopMemoryContext, "dynamo backup job", ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		if (!has_work() && background_leave_database(BACKUP_WORKER_LOCK, has_work))
			proc_exit(0);
		maintain(job_context);
		MemoryContextReset(job_context);
		while (worker_run_next(job_context))
		{
			MemoryContextReset(job_context);
			CHECK_FOR_INTERRUPTS();
		}
		MemoryContextReset(job_context);
		pgstat_report_stat(true);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 backup_poll_interval_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/*
 * dynamo.run_jobs(): the pending jobs run in this transaction (an error
 * is raised; nothing of the failing job's remains).
 */
PG_FUNCTION_INFO_V1(dynamo_run_jobs);
Datum
dynamo_run_jobs(PG_FUNCTION_ARGS)
{
	int			count = 0;
	MemoryContext context = AllocSetContextCreate(CurrentMemoryContext, "dynamo run jobs",
												  ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		BackupJob  *job;
		int64		items;

		SPI_connect();
		job = next_job(context);
		if (job == NULL)
		{
			SPI_finish();
			break;
		}
		items = run_handler(job);
		mark_job(job->job_id, "DONE", items, NULL);
		SPI_finish();
		count++;
	}
	MemoryContextDelete(context);
	PG_RETURN_INT32(count);
}
