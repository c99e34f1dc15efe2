/*-------------------------------------------------------------------------
 *
 * background.c
 *	  Registering dynamo's background workers, and the transaction steps of
 *	  their loops (see background.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/snapmgr.h"

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
