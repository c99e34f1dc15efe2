/*-------------------------------------------------------------------------
 *
 * capacity_metrics_sql.c
 *	  The per-minute metrics read from SQL: dynamo.metrics_series() (under
 *	  the view dynamo.metrics), dynamo.metrics_status() and
 *	  dynamo.metrics_prometheus_counters().
 *
 * Each series is copied out under the shared metrics lock, one at a time,
 * and turned into rows after the lock is released, so that a reader holds
 * up the recorders for one memcpy at a time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "capacity/capacity_metrics.h"

PG_FUNCTION_INFO_V1(dynamo_metrics_series);
PG_FUNCTION_INFO_V1(dynamo_metrics_status);
PG_FUNCTION_INFO_V1(dynamo_metrics_prometheus_counters);

/* the timestamptz of the start of a minute since the Unix epoch */
static TimestampTz
minute_timestamp(int64 minute)
{
	return (TimestampTz) ((minute * 60 -
						   (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY) * USECS_PER_SEC);
}

/* a name of a series as a Datum; "" (no such dimension) is NULL */
static Datum
name_datum(const char *name, bool *isnull)
{
	*isnull = name[0] == '\0';
	return *isnull ? (Datum) 0 : CStringGetTextDatum(name);
}

/*
 * dynamo.metrics_series(all_databases boolean): a row per series, minute
 * of the window and metric recorded in it (database, table_name,
 * index_name, operation, metric_name, minute, sample_count, value: the
 * sum, minimum, maximum: SuccessfulRequestLatency's only).  Other
 * databases' series need pg_read_all_stats.
 */
Datum
dynamo_metrics_series(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		all_databases = PG_ARGISNULL(0) ? false : PG_GETARG_BOOL(0);
	MetricsSeries *copy;
	int64		now;
	int			i;

	if (all_databases && !has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read the metrics of other databases"),
				 errdetail("Only roles with privileges of the \"pg_read_all_stats\" role may read them.")));
	InitMaterializedSRF(fcinfo, 0);
	if (!capacity_shared_memory_ready() || Metrics == NULL)
		return (Datum) 0;

	copy = palloc(Metrics->series_size);
	now = metrics_current_minute();
	for (i = 0; i < Metrics->max_series; i++)
	{
		MetricsSeries *series = metrics_series(i);
		int			m;

		LWLockAcquire(MetricsLock, LW_SHARED);
		if (series->in_use && (all_databases || series->database == MyDatabaseId))
			memcpy(copy, series, Metrics->series_size);
		else
			copy->in_use = false;
		LWLockRelease(MetricsLock);
		if (!copy->in_use)
			continue;

		for (m = 0; m < Metrics->window; m++)
		{
			MetricsMinute *bucket = &copy->minutes[m];
			int			slot;

			if (bucket->minute <= now - Metrics->window || bucket->minute > now)
				continue;
			for (slot = 0; slot < METRIC_SLOTS; slot++)
			{
				Datum		values[10];
				bool		nulls[10] = {false};

				if (bucket->stats[slot].count == 0)
					continue;
				values[0] = ObjectIdGetDatum(copy->database);
				values[1] = name_datum(copy->table_name, &nulls[1]);
				values[2] = name_datum(copy->index_name, &nulls[2]);
				values[3] = name_datum(copy->operation, &nulls[3]);
				values[4] = CStringGetTextDatum(MetricNames[slot]);
				values[5] = TimestampTzGetDatum(minute_timestamp(bucket->minute));
				values[6] = Int64GetDatum(bucket->stats[slot].count);
				values[7] = Float8GetDatum(bucket->stats[slot].sum);
				nulls[8] = nulls[9] = slot != METRIC_LATENCY;
				values[8] = Float8GetDatum(bucket->latency_min);
				values[9] = Float8GetDatum(bucket->latency_max);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
	pfree(copy);
	return (Datum) 0;
}

/*
 * dynamo.metrics_status(): whether the metrics are recorded (available,
 * and why not), the window, the series in use and their most, and the
 * values dropped for want of a free series.
 */
Datum
dynamo_metrics_status(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};
	bool		ready = capacity_shared_memory_ready() && Metrics != NULL;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = BoolGetDatum(ready);
	if (ready)
	{
		nulls[1] = true;
		LWLockAcquire(MetricsLock, LW_SHARED);
		values[2] = Int32GetDatum(Metrics->window);
		values[3] = Int32GetDatum(Metrics->in_use);
		values[4] = Int32GetDatum(Metrics->max_series);
		values[5] = Int64GetDatum((int64) pg_atomic_read_u64(&Metrics->dropped));
		values[6] = TimestampTzGetDatum(Metrics->started);
		LWLockRelease(MetricsLock);
	}
	else
	{
		values[1] = CStringGetTextDatum("dynamo is not in shared_preload_libraries: "
										"the metrics need its shared memory");
		nulls[2] = nulls[3] = nulls[4] = nulls[5] = nulls[6] = true;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * dynamo.metrics_prometheus_counters(): the running totals of the current
 * database in Prometheus' text format, or NULL without shared memory.
 */
Datum
dynamo_metrics_prometheus_counters(PG_FUNCTION_ARGS)
{
	StringInfoData out;

	initStringInfo(&out);
	if (!capacity_metrics_prometheus(&out))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
