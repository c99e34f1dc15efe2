/*-------------------------------------------------------------------------
 *
 * catalog_throughput.c
 *	  UpdateTable's rules for provisioned throughput and billing mode
 *	  switches, and the history DescribeTable reports of them.
 *
 * DynamoDB's rules, for the table and for each GSI on its own (their
 * budgets are separate counters, DDB-TABLE-157):
 *
 *	 - Giving the throughput a PROVISIONED table or GSI already has is a
 *	   ValidationException ("will not change"), also together with
 *	   BillingMode PROVISIONED (DDB-TABLE-057, 164).
 *	 - An increase is always allowed.  A decrease (one dimension lower is
 *	   enough, and lowering both in one call is one decrease) is allowed
 *	   four times at any time of a UTC day; after those, once 3600 seconds
 *	   have passed since the last accepted decrease (so at most 27 a day).
 *	   The count starts again at 00:00 UTC.  A refused decrease changes
 *	   nothing (DDB-TABLE-184, 185, 326).  Its LimitExceededException names
 *	   the next allowed time: the earlier of the last decrease plus 3600 s
 *	   and the next 00:00 UTC.
 *	 - A switch from PROVISIONED to PAY_PER_REQUEST is allowed four times in
 *	   a rolling 24 hours (DynamoDB's developer guide, "Service, account, and
 *	   table quotas"); a switch back to PROVISIONED at any time.  Setting
 *	   PAY_PER_REQUEST on a table that has it is no switch.
 *
 * The history lives in the catalog rows (dynamo.tables and dynamo.indexes:
 * last_increase_time, last_decrease_time, decreases_today,
 * pay_per_request_switches), so pg_dump keeps it.  The table's catalog row
 * is locked (FOR UPDATE) before anything is read: concurrent UpdateTables
 * of one table take their turns and cannot both spend the last decrease.
 *
 * Times are the transaction's (now()), as the catalog's other times are.
 * The functions run in catalog_update_table's SPI connection; a plan lives
 * in its memory until SPI_finish.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "catalog/catalog.h"
#include "errors.h"

#define DECREASES_AT_ANY_TIME		4
#define DECREASE_INTERVAL_SECONDS	3600
#define PAY_PER_REQUEST_SWITCHES	4	/* in a rolling 24 hours */

/* how a requested throughput relates to the current one */
typedef struct ThroughputChange
{
	bool		applies;		/* a PROVISIONED table or GSI given new units */
	bool		increase;		/* some dimension goes up */
	bool		decrease;		/* some dimension goes down */
} ThroughputChange;

/* a table's or GSI's provisioned throughput and decrease budget, as found */
typedef struct ThroughputState
{
	char	   *index_name;		/* NULL: the table */
	bool		provisioned;	/* has provisioned units now */
	int64		read_capacity_units;
	int64		write_capacity_units;
	int			decreases_today;	/* on the current UTC day */
	bool		within_interval;	/* less than 3600 s since the last decrease */
	char	   *last_decrease_text; /* in the words of DynamoDB's message */
	char	   *next_decrease_text;
	int64		requested_read;
	int64		requested_write;
	ThroughputChange change;
} ThroughputState;

struct ThroughputPlan
{
	const char *table_name;
	ThroughputState table;
	int			nindexes;		/* the GSI Updates that give throughput */
	ThroughputState *indexes;
	bool		switch_to_pay_per_request;
	int			recent_switches;	/* switches to it in the last 24 hours */
	char	   *last_switch_text;
	char	   *next_switch_text;
};

/*
 * The state columns of the table's or an index's catalog row: billing
 * mode, units, the decrease budget and its times in DynamoDB's words
 * ("Friday, October 9, 2026 at 12:21:34 AM Coordinated Universal Time",
 * as the 2026 captures of the message print them).
 */
#define UTC_TEXT(ts) \
	"to_char(" ts ", 'FMDay, FMMonth FMDD, YYYY \"at\" FMHH12:MI:SS AM') || ' Coordinated Universal Time'"
#define STATE_COLUMNS(row) \
	"t.billing_mode = 'PROVISIONED' AND " row ".read_capacity_units IS NOT NULL, " \
	"coalesce(" row ".read_capacity_units, 0), coalesce(" row ".write_capacity_units, 0), " \
	"dynamo.decreases_today(" row ".last_decrease_time, " row ".decreases_today), " \
	"coalesce(now() < " row ".last_decrease_time + make_interval(secs => " CppAsString2(DECREASE_INTERVAL_SECONDS) "), false), " \
	UTC_TEXT(row ".last_decrease_time AT TIME ZONE 'UTC'") ", " \
	UTC_TEXT("least((" row ".last_decrease_time AT TIME ZONE 'UTC') + make_interval(secs => " \
			 CppAsString2(DECREASE_INTERVAL_SECONDS) "), date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day')")

/* the state of row 0 of the last SPI result, from its STATE_COLUMNS */
static void
read_state(ThroughputState *state, int first_column)
{
	HeapTuple	tuple = SPI_tuptable->vals[0];
	TupleDesc	desc = SPI_tuptable->tupdesc;
	bool		isnull;

	state->provisioned = DatumGetBool(SPI_getbinval(tuple, desc, first_column, &isnull));
	state->read_capacity_units = DatumGetInt64(SPI_getbinval(tuple, desc, first_column + 1, &isnull));
	state->write_capacity_units = DatumGetInt64(SPI_getbinval(tuple, desc, first_column + 2, &isnull));
	state->decreases_today = DatumGetInt32(SPI_getbinval(tuple, desc, first_column + 3, &isnull));
	state->within_interval = DatumGetBool(SPI_getbinval(tuple, desc, first_column + 4, &isnull));
	state->last_decrease_text = SPI_getvalue(tuple, desc, first_column + 5);
	state->next_decrease_text = SPI_getvalue(tuple, desc, first_column + 6);
}

/* how requested units change a state's: nothing applies unless provisioned */
static void
classify_change(ThroughputState *state, int64 read, int64 write)
{
	state->requested_read = read;
	state->requested_write = write;
	state->change.applies = state->provisioned;
	state->change.increase = read > state->read_capacity_units || write > state->write_capacity_units;
	state->change.decrease = read < state->read_capacity_units || write < state->write_capacity_units;
}

/*
 * "will not change": the wording of the table's message is quoted by
 * dynalite's tests, run against DynamoDB; the index's beginning by
 * DDB-TABLE-164 ("... for index gsi1: 2. Requested ReadCapacityUnits: 2.
 * Current WriteCapacityUnits ..."), its end inferred from the table's.
 */
static void
check_will_change(const ThroughputState *state)
{
	if (!state->change.applies || state->change.increase || state->change.decrease)
		return;
	if (state->index_name == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "The provisioned throughput for the table will not change. The requested value equals the current value. "
					 "Current ReadCapacityUnits provisioned for the table: " INT64_FORMAT ". Requested ReadCapacityUnits: " INT64_FORMAT ". "
					 "Current WriteCapacityUnits provisioned for the table: " INT64_FORMAT ". Requested WriteCapacityUnits: " INT64_FORMAT ". "
					 "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
					 state->read_capacity_units, state->requested_read,
					 state->write_capacity_units, state->requested_write);
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "The provisioned throughput for the index %s will not change. The requested value equals the current value. "
				 "Current ReadCapacityUnits provisioned for index %s: " INT64_FORMAT ". Requested ReadCapacityUnits: " INT64_FORMAT ". "
				 "Current WriteCapacityUnits provisioned for index %s: " INT64_FORMAT ". Requested WriteCapacityUnits: " INT64_FORMAT ". "
				 "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
				 state->index_name, state->index_name, state->read_capacity_units, state->requested_read,
				 state->index_name, state->write_capacity_units, state->requested_write);
}

/* a decrease past the day's budget: DDB-TABLE-184 and 326 quote the message */
static void
check_decrease_budget(const ThroughputState *state)
{
	if (!state->change.applies || !state->change.decrease)
		return;
	if (state->decreases_today >= DECREASES_AT_ANY_TIME && state->within_interval)
		dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
					 "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. "
					 "After the first %d decreases, each subsequent decrease in the same UTC day can be performed at most once every %d seconds. "
					 "Number of decreases today: %d. Last decrease at %s. Next decrease can be made at %s",
					 DECREASES_AT_ANY_TIME, DECREASE_INTERVAL_SECONDS, state->decreases_today,
					 state->last_decrease_text, state->next_decrease_text);
}

/*
 * Lock the table's catalog row and read what the rules need: the table's
 * throughput, each GSI's an Update gives throughput to, and the recent
 * switches to PAY_PER_REQUEST.  Then the checks that need nothing else:
 * the table's "will not change", and OnDemandThroughput on a table that is
 * (and stays) PROVISIONED.  The caller is connected to SPI.
 */
ThroughputPlan *
catalog_plan_throughput(const TableInfo *table, const UpdateTableSpec *spec)
{
	ThroughputPlan *plan = palloc0(sizeof(ThroughputPlan));
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	bool		isnull;
	bool		provisioned;
	bool		pay_per_request_after;
	ListCell   *cell;

	plan->table_name = table->table_name;
	args[0] = CStringGetTextDatum(table->table_name);
	if (SPI_execute_with_args("SELECT " STATE_COLUMNS("t") ", t.billing_mode = 'PROVISIONED',"
							  " (SELECT count(*) FROM unnest(t.pay_per_request_switches) s"
							  "   WHERE s > now() - interval '24 hours')::integer,"
							  " (SELECT to_char(max(s) AT TIME ZONE 'UTC', 'Dy Mon DD HH24:MI:SS \"UTC\" YYYY')"
							  "    FROM unnest(t.pay_per_request_switches) s),"
							  " (SELECT to_char(min(s) AT TIME ZONE 'UTC' + interval '24 hours', 'Dy Mon DD HH24:MI:SS \"UTC\" YYYY')"
							  "    FROM unnest(t.pay_per_request_switches) s WHERE s > now() - interval '24 hours')"
							  "  FROM dynamo.tables t WHERE t.table_name = $1 FOR UPDATE",
							  1, types, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "UpdateTable could not read the table's throughput");
	if (SPI_processed != 1)
		catalog_raise_not_found(table->table_name, true);
	read_state(&plan->table, 1);
	provisioned = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 8, &isnull));
	plan->recent_switches = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 9, &isnull));
	plan->last_switch_text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 10);
	plan->next_switch_text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 11);

	pay_per_request_after = spec->set_billing_mode ? spec->pay_per_request : !provisioned;
	plan->switch_to_pay_per_request = provisioned && pay_per_request_after;
	if (spec->set_throughput)
		classify_change(&plan->table, spec->read_capacity_units, spec->write_capacity_units);
	check_will_change(&plan->table);

	/* DDB-TABLE-059 (UpdateTable: "the table"; CreateTable's says "table") */
	if (!pay_per_request_after && spec->max_read_request_units != -1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values were invalid: MaxReadRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED");
	if (!pay_per_request_after && spec->max_write_request_units != -1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values were invalid: MaxWriteRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED");

	/* the GSIs given throughput; one that is not there is left to catalog_indexes.c */
	plan->indexes = palloc0(sizeof(ThroughputState) * Max(list_length(spec->update_indexes), 1));
	foreach(cell, spec->update_indexes)
	{
		IndexThroughputUpdate *update = lfirst(cell);
		ThroughputState *state = &plan->indexes[plan->nindexes];

		if (!update->has_throughput)
			continue;
		args[1] = CStringGetTextDatum(update->index_name);
		if (SPI_execute_with_args("SELECT " STATE_COLUMNS("i")
								  "  FROM dynamo.indexes i JOIN dynamo.tables t USING (table_name)"
								  " WHERE i.table_name = $1 AND i.index_name = $2 AND i.is_global",
								  2, types, args, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "UpdateTable could not read an index's throughput");
		if (SPI_processed != 1)
			continue;
		state->index_name = update->index_name;
		read_state(state, 1);
		/* a switch to PAY_PER_REQUEST drops the GSIs' units: no change of them */
		if (pay_per_request_after)
			state->provisioned = false;
		classify_change(state, update->read_capacity_units, update->write_capacity_units);
		plan->nindexes++;
	}
	return plan;
}

/*
 * The checks that come once the request is otherwise valid (DynamoDB
 * answers its LimitExceededExceptions past validation): each GSI's "will
 * not change", then the decrease budgets of the table and of each GSI, then
 * the switches to PAY_PER_REQUEST.  A request that fails one changes
 * nothing, the table's and the GSIs' together (DDB-TABLE-157).
 */
void
catalog_check_throughput_limits(ThroughputPlan *plan, const UpdateTableSpec *spec)
{
	int			i;

	for (i = 0; i < plan->nindexes; i++)
		check_will_change(&plan->indexes[i]);
	check_decrease_budget(&plan->table);
	for (i = 0; i < plan->nindexes; i++)
		check_decrease_budget(&plan->indexes[i]);

	/*
	 * The message is inferred: DynamoDB's of 2019, when one switch a day was
	 * allowed, read "Subscriber limit exceeded: Update to PayPerRequest mode
	 * are limited to once in 1 day(s). Last update at Sat Feb 23 03:07:45 UTC
	 * 2019. Next update can be made at Sun Feb 24 03:07:45 UTC 2019"; the
	 * count here is the current quota's.
	 */
	if (plan->switch_to_pay_per_request && plan->recent_switches >= PAY_PER_REQUEST_SWITCHES)
		dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
					 "Subscriber limit exceeded: Update to PayPerRequest mode are limited to %d times in 1 day(s). Last update at %s. Next update can be made at %s",
					 PAY_PER_REQUEST_SWITCHES, plan->last_switch_text, plan->next_switch_text);
}

/* the SQL that records a change in a catalog row's throughput history */
static void
record_change(const ThroughputState *state, const char *table_name)
{
	if (!state->change.applies || !(state->change.increase || state->change.decrease))
		return;
	catalog_run_sql(psprintf("UPDATE %s SET"
							 "  last_increase_time = %s,"
							 "  last_decrease_time = %s,"
							 "  decreases_today = %s"
							 " WHERE table_name = %s%s%s",
							 state->index_name ? "dynamo.indexes" : "dynamo.tables",
							 state->change.increase ? "now()" : "last_increase_time",
							 state->change.decrease ? "now()" : "last_decrease_time",
							 state->change.decrease ?
							 "dynamo.decreases_today(last_decrease_time, decreases_today) + 1" : "decreases_today",
							 quote_literal_cstr(table_name),
							 state->index_name ? " AND index_name = " : "",
							 state->index_name ? quote_literal_cstr(state->index_name) : ""));
}

/*
 * Record what the UpdateTable changed in the history: the times of the
 * last increase and decrease and the day's decreases of the table and its
 * GSIs, and a switch to PAY_PER_REQUEST (keeping those of the last 24 hours).
 */
void
catalog_record_throughput_history(const ThroughputPlan *plan, const UpdateTableSpec *spec)
{
	int			i;

	record_change(&plan->table, plan->table_name);
	for (i = 0; i < plan->nindexes; i++)
		record_change(&plan->indexes[i], plan->table_name);
	if (plan->switch_to_pay_per_request)
		catalog_run_sql(psprintf("UPDATE dynamo.tables SET pay_per_request_switches = "
								 "  ARRAY(SELECT s FROM unnest(pay_per_request_switches) s"
								 "         WHERE s > now() - interval '24 hours' ORDER BY s) || now()"
								 " WHERE table_name = %s", quote_literal_cstr(plan->table_name)));
}
