/*-------------------------------------------------------------------------
 *
 * capacity_scaling.c
 *	  The auto scaling worker: raises and lowers the provisioned capacity
 *	  of tables and GSIs that have a scaling policy, from the units they
 *	  consumed, as Application Auto Scaling's target tracking does.
 *
 * The decisions are SQL (src/sql/75_scaling.sql: dynamo.autoscaling_round
 * and dynamo.autoscaling_evaluate hold the model, and say why); this file
 * only runs them.  When dynamo is preloaded, one background worker is
 * started with the server, connects to the database of the wire endpoint
 * (dynamo.http_database, as the backfill launcher does) and, every
 * dynamo.autoscaling_interval, runs one round in a transaction of its own.
 * A round samples the cumulative units of every target's bucket
 * (dynamo.capacity), so the rate it measures is over the interval; each
 * target is evaluated in a subtransaction, so one that fails is logged and
 * recorded while the others carry on.  An error of the round as a whole
 * (the extension dropped meanwhile, a lock timeout) is logged, rolled back
 * and the worker waits for the next round: it never exits on an error,
 * and never retries faster than the interval.  A database without the
 * extension is checked again every round, so CREATE EXTENSION later is
 * enough.
 *
 * Capacity changes go through UpdateTable (dynamo.execute), the one door
 * for control-plane changes, so its validation, DynamoDB's decrease limits
 * and the audit apply to them as to any client's; the worker's show in the
 * audit log with its type as their source.  Changes of the targets and
 * policies themselves are logged by dynamo.scaling_audit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
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
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "background.h"
#include "capacity/capacity_scaling.h"
#include "catalog/catalog.h"
#include "http/http.h"

/* settings */
static bool autoscaling_enabled = true;
static int	autoscaling_interval = 60;	/* seconds */
static int	autoscaling_scale_out_periods = 2;
static int	autoscaling_scale_in_periods = 15;

PGDLLEXPORT void dynamo_autoscaling_main(Datum arg);

/*
 * Define the settings of auto scaling and, when preloaded, register its
 * worker (from _PG_init).
 */
void
capacity_scaling_init(void)
{
	BackgroundSpec worker = {"dynamo_autoscaling_main", "dynamo auto scaling", NULL, 60};

	DefineCustomBoolVariable("dynamo.autoscaling",
							 "Run the auto scaling worker's rounds.",
							 "Off: scalable targets and policies are kept, and no capacity is changed.",
							 &autoscaling_enabled, true, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.autoscaling_interval",
							"Time between two rounds of the auto scaling worker.",
							"Each round measures the units consumed since the previous one: one datapoint of "
							"Application Auto Scaling's alarms (60 seconds).",
							&autoscaling_interval, 60, 1, 3600, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.autoscaling_scale_out_periods",
							"Consecutive rounds above the target utilization before auto scaling scales out.",
							"Application Auto Scaling's high alarm: 2 datapoints.",
							&autoscaling_scale_out_periods, 2, 1, 1000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.autoscaling_scale_in_periods",
							"Consecutive rounds 20 points below the target utilization before auto scaling scales in.",
							"Application Auto Scaling's low alarm: 15 datapoints.",
							&autoscaling_scale_in_periods, 15, 1, 1000, PGC_SUSET, 0, NULL, NULL, NULL);

	background_register_static(&worker);
}

/* whether this database has a dynamo extension with auto scaling */
static bool
extension_has_autoscaling(void)
{
	int			ret = SPI_execute("SELECT FROM pg_catalog.pg_extension e"
								  " WHERE e.extname = 'dynamo'"
								  "   AND pg_catalog.to_regprocedure('dynamo.autoscaling_round(timestamptz)') IS NOT NULL",
								  true, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "auto scaling could not look for the extension: %s", SPI_result_code_string(ret));
	return SPI_processed > 0;
}

/*
 * One round in a transaction of its own; its errors are logged and rolled
 * back, never raised further.  Capacity changes are logged too.
 */
static void
run_round(void)
{
	MemoryContext outer = CurrentMemoryContext;

	PG_TRY();
	{
		background_begin_step();
		pgstat_report_activity(STATE_RUNNING, "dynamo auto scaling round");
		if (extension_has_autoscaling())
		{
			uint64		n;
			int			ret = SPI_execute("SELECT table_name, index_name, dimension, outcome"
										  "  FROM dynamo.autoscaling_round()", false, 0);

			if (ret != SPI_OK_SELECT)
				elog(ERROR, "auto scaling round failed: %s", SPI_result_code_string(ret));
			for (n = 0; n < SPI_processed; n++)
			{
				HeapTuple	row = SPI_tuptable->vals[n];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				char	   *outcome = SPI_getvalue(row, desc, 4);
				char	   *index_name = SPI_getvalue(row, desc, 2);

				if (outcome != NULL && (strncmp(outcome, "Scale", 5) == 0 || strncmp(outcome, "error", 5) == 0))
					elog(LOG, "dynamo auto scaling: table %s%s%s %s: %s",
						 SPI_getvalue(row, desc, 1), index_name ? " index " : "", index_name ? index_name : "",
						 SPI_getvalue(row, desc, 3), outcome);
			}
		}
		background_end_step();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(outer);
		EmitErrorReport();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(outer);
		FlushErrorState();
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	pgstat_report_stat(false);
}

/* The auto scaling worker (registered by capacity_scaling_init). */
void
dynamo_autoscaling_main(Datum arg)
{
	TimestampTz next_round;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(dynamo_http_database, NULL, 0);
	pgstat_report_appname("dynamo auto scaling");

	next_round = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), autoscaling_interval * 1000L);
	for (;;)
	{
		long		wait_ms;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			/* a shorter interval takes effect at once */
			next_round = Min(next_round,
							 TimestampTzPlusMilliseconds(GetCurrentTimestamp(), autoscaling_interval * 1000L));
		}
		wait_ms = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), next_round);
		if (wait_ms > 0)
		{
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait_ms,
							 PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
			continue;
		}
		next_round = TimestampTzPlusMilliseconds(next_round, autoscaling_interval * 1000L);
		/* after a long stall, start counting again from now */
		if (next_round <= GetCurrentTimestamp())
			next_round = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), autoscaling_interval * 1000L);
		if (autoscaling_enabled)
			run_round();
	}
}

PG_FUNCTION_INFO_V1(dynamo_scaling_audit);

/*
 * dynamo.scaling_audit(action, table_name, request): record a change of
 * auto scaling's targets or policies (RegisterScalableTarget,
 * PutScalingPolicy, ...) in the audit log, in the caller's transaction.
 */
Datum
dynamo_scaling_audit(PG_FUNCTION_ARGS)
{
	catalog_audit_record(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
						 PG_GETARG_JSONB_P(2), NULL);
	PG_RETURN_VOID();
}
