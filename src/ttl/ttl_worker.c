/*-------------------------------------------------------------------------
 *
 * ttl_worker.c
 *	  The settings of Time to Live and its expiry worker: a background
 *	  worker per database that deletes the expired items of every table
 *	  whose TTL is ENABLED.
 *
 * The worker is one of the per-database workers of src/background.c (when
 * dynamo is preloaded): the launcher starts it in every database at server
 * start, enabling TTL starts it in its database, it leaves a database
 * where no table has TTL enabled, and the postmaster restarts it should it
 * die.  Every dynamo.ttl_interval it makes a round:
 * it reads the tables whose TTL is ENABLED and their partitions, then
 * deletes the expired items of each partition in batches of
 * dynamo.ttl_batch_size (ttl_expire.c), each batch in a transaction of its
 * own, so that no lock is held for long and a batch's row locks (taken
 * with SKIP LOCKED: it never waits for an application's write) are
 * released at once.  A partition is worked until a batch finds fewer than
 * a full batch to delete.
 *
 * Before its first deletion the worker's session takes the replication
 * origin "dynamo_ttl" (created, in a transaction of its own, when
 * missing): every transaction it commits then carries that origin in the
 * WAL, and the streams capture marks the REMOVE records it decodes from
 * them as the service's (userIdentity Service dynamodb.amazonaws.com).
 * Should that fail (max_replication_slots = 0), the worker says so once
 * and deletes anyway, unmarked.
 *
 * An error in a round (a table dropped under it, a lock that timed out:
 * the worker's lock_timeout keeps it from queueing behind DDL) is logged,
 * the transaction rolled back, and the round ended; the next one starts
 * after the interval, so the worker neither dies nor spins.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
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

#include "background.h"
#include "catalog/catalog.h"
#include "http/http.h"
#include "ttl/ttl.h"

int			dynamo_ttl_interval_ms = 10000;
int			dynamo_ttl_batch_size = 100;
int			dynamo_ttl_transition_ms = 2000;
int			dynamo_ttl_change_interval_s = 3600;

/* the lock_timeout of the worker's session: it gives way to DDL */
#define TTL_WORKER_LOCK_TIMEOUT "1000"

/* a partition to work on, with its table's TTL attribute */
typedef struct ExpiryTarget
{
	char	   *table_name;
	char	   *attribute;
	Oid			partition;
} ExpiryTarget;

PGDLLEXPORT void dynamo_ttl_worker_main(Datum arg);

static bool origin_ready = false;
static bool origin_warned = false;

/* Define the settings of TTL and register its worker (from _PG_init). */
void
ttl_init(void)
{
	BackgroundSpec worker = {"dynamo_ttl_worker_main", "dynamo ttl worker", NULL, 10};

	DefineCustomIntVariable("dynamo.ttl_interval",
							"Time between two rounds of the expiry worker.",
							"Each round deletes the expired items of every table whose Time to Live is ENABLED.",
							&dynamo_ttl_interval_ms, 10000, 10, INT_MAX, PGC_SIGHUP,
							GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.ttl_batch_size",
							"Expired items deleted per transaction.",
							"Each batch locks its rows until it commits (rows locked by others are skipped).",
							&dynamo_ttl_batch_size, 100, 1, 100000, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.ttl_transition_time",
							"How long Time to Live stays ENABLING or DISABLING after a change.",
							"The expiry worker starts on a table once it is ENABLED.",
							&dynamo_ttl_transition_ms, 2000, 0, INT_MAX, PGC_USERSET,
							GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.ttl_change_interval",
							"Time after a change of a table's Time to Live during which another is refused.",
							"DynamoDB documents an hour.",
							&dynamo_ttl_change_interval_s, 3600, 0, INT_MAX, PGC_SUSET,
							GUC_UNIT_S, NULL, NULL, NULL);

	if (process_shared_preload_libraries_in_progress)
		background_add_database_worker(&worker);
}

/* Start this database's expiry worker once the transaction commits (TTL enabled). */
void
ttl_start_worker(void)
{
	background_start_at_commit("dynamo_ttl_worker_main");
}

static bool query_bool(const char *sql);

/* whether this database has a table whose TTL is enabled (or is being) */
static bool
has_ttl_tables(void)
{
	bool		found;

	background_begin_step();
	found = query_bool("SELECT pg_catalog.to_regclass('dynamo.time_to_live') IS NOT NULL") &&
		query_bool("SELECT EXISTS (SELECT FROM dynamo.time_to_live WHERE enabled)");
	background_end_step();
	return found;
}

/* run a statement that returns one boolean; connected to SPI */
static bool
query_bool(const char *sql)
{
	bool		isnull;

	if (SPI_execute(sql, false, 1) < 0 || SPI_processed != 1)
		elog(ERROR, "\"%s\" failed", sql);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) && !isnull;
}

/*
 * The partitions of the tables whose TTL is ENABLED, allocated in context;
 * none when the extension is not in this database.
 */
static List *
read_targets(MemoryContext context)
{
	List	   *targets = NIL;
	uint64		i;

	background_begin_step();
	if (query_bool("SELECT pg_catalog.to_regclass('dynamo.time_to_live') IS NOT NULL"))
	{
		/*
		 * A Citus worker has the catalog rows of the distributed tables
		 * (dynamo.sync_table_to_workers): their expiry is the coordinator's.
		 */
		const char *coordinator_only = catalog_citus_present() ?
			" AND (pg_catalog.citus_is_coordinator() OR NOT EXISTS ("
			"      SELECT FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = i.inhrelid))" : "";

		if (SPI_execute(psprintf("SELECT l.table_name, l.attribute_name, i.inhrelid"
								 "  FROM dynamo.time_to_live l"
								 "  JOIN dynamo.tables t USING (table_name)"
								 "  JOIN pg_catalog.pg_inherits i ON i.inhparent = pg_catalog.to_regclass("
								 "      pg_catalog.quote_ident('dynamo_data') || '.' || pg_catalog.quote_ident(t.relation_name))"
								 " WHERE dynamo.time_to_live_status(l) = 'ENABLED'%s"
								 " ORDER BY l.table_name, i.inhrelid", coordinator_only), true, 0) != SPI_OK_SELECT)
			elog(ERROR, "reading the tables with time to live failed");
		for (i = 0; i < SPI_processed; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(context);
			ExpiryTarget *target = palloc(sizeof(ExpiryTarget));
			bool		isnull;

			target->table_name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
			target->attribute = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
			target->partition = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
															   3, &isnull));
			targets = lappend(targets, target);
			MemoryContextSwitchTo(old);
		}
	}
	background_end_step();
	return targets;
}

/*
 * Take the replication origin that marks the worker's deletions, creating
 * it when missing; once per session.
 */
static void
setup_origin(void)
{
	if (origin_ready)
		return;
	background_begin_step();
	(void) query_bool("SELECT CASE WHEN pg_catalog.pg_replication_origin_oid('" DYNAMO_TTL_ORIGIN "') IS NULL"
					  " THEN pg_catalog.pg_replication_origin_create('" DYNAMO_TTL_ORIGIN "') IS NOT NULL"
					  " ELSE true END");
	background_end_step();
	background_begin_step();
	if (SPI_execute("SELECT pg_catalog.pg_replication_origin_session_setup('" DYNAMO_TTL_ORIGIN "')",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "taking the replication origin \"%s\" failed", DYNAMO_TTL_ORIGIN);
	background_end_step();
	origin_ready = true;
}

/* Take the origin; on failure, warn once and go on without it. */
static void
try_setup_origin(void)
{
	MemoryContext context = CurrentMemoryContext;

	if (origin_ready || origin_warned)
		return;
	PG_TRY();
	{
		setup_origin();
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(context);
		error = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(context);
		ereport(WARNING,
				(errmsg("dynamo ttl worker: its deletions are not marked as the service's in streams: %s",
						error->message),
				 errhint("Replication origins need max_replication_slots > 0.")));
		FreeErrorData(error);
		origin_warned = true;
	}
	PG_END_TRY();
}

/* Delete the expired items of every target, batch by batch; the count deleted. */
static int64
expire_targets(List *targets)
{
	ListCell   *cell;
	int64		deleted = 0;

	foreach(cell, targets)
	{
		ExpiryTarget *target = lfirst(cell);
		uint64		n;

		pgstat_report_activity(STATE_RUNNING, psprintf("expiring items of %s", target->table_name));
		do
		{
			CHECK_FOR_INTERRUPTS();
			background_begin_step();
			n = ttl_delete_expired_batch(target->partition, target->attribute, dynamo_ttl_batch_size);
			background_end_step();
			deleted += n;
		} while (n == (uint64) dynamo_ttl_batch_size);
	}
	return deleted;
}

/*
 * One round: the targets read, the origin taken, the expired items
 * deleted.  An error is logged and ends the round.
 */
static void
expiry_round(MemoryContext round_context)
{
	MemoryContext old = MemoryContextSwitchTo(round_context);

	PG_TRY();
	{
		List	   *targets = read_targets(round_context);

		if (targets != NIL)
		{
			int64		deleted;

			try_setup_origin();
			deleted = expire_targets(targets);
			if (deleted > 0)
				elog(DEBUG1, "dynamo ttl worker: " INT64_FORMAT " expired items deleted", deleted);
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(round_context);
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	MemoryContextReset(round_context);
	pgstat_report_activity(STATE_IDLE, NULL);
	pgstat_report_stat(true);
}

/* The expiry worker (see the top of the file). */
void
dynamo_ttl_worker_main(Datum arg)
{
	MemoryContext round_context;

	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
	background_connect_database(arg, "dynamo ttl worker");
	/* one expiry worker per database: a second one leaves */
	if (!background_claim_database(TTL_WORKER_LOCK))
		proc_exit(0);
	SetConfigOption("lock_timeout", TTL_WORKER_LOCK_TIMEOUT, PGC_SUSET, PGC_S_SESSION);
	round_context = AllocSetContextCreate(TopMemoryContext, "dynamo ttl round", ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		/* nothing to expire here: leave (enabling TTL starts a worker again) */
		if (!has_ttl_tables() && background_leave_database(TTL_WORKER_LOCK, has_ttl_tables))
			proc_exit(0);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 dynamo_ttl_interval_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		expiry_round(round_context);
	}
}
