/*-------------------------------------------------------------------------
 *
 * capacity_metrics_prometheus.c
 *	  The running totals of the metrics in Prometheus' text exposition
 *	  format (version 0.0.4), for GET /metrics on the endpoint and
 *	  dynamo.metrics_prometheus().
 *
 * Prometheus computes rates itself, so it is given counters since the
 * server started (a series reused after being idle for longer than the
 * window starts again from zero, which Prometheus reads as a counter
 * reset), and SuccessfulRequestLatency as a histogram in seconds.  Only
 * the current database's series are written.  The names are CloudWatch's
 * in snake case under "dynamo_"; the labels are database, table, and index
 * and operation where the series has them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "common/shortest_dec.h"
#include "miscadmin.h"

#include "capacity/capacity_metrics.h"

typedef struct PrometheusFamily
{
	int			slot;
	const char *name;
	const char *help;
} PrometheusFamily;

static const PrometheusFamily Families[] = {
	{METRIC_CONSUMED_READ_UNITS, "dynamo_consumed_read_capacity_units_total",
	"Read capacity units consumed (CloudWatch ConsumedReadCapacityUnits)."},
	{METRIC_CONSUMED_WRITE_UNITS, "dynamo_consumed_write_capacity_units_total",
	"Write capacity units consumed (CloudWatch ConsumedWriteCapacityUnits)."},
	{METRIC_READ_THROTTLE_EVENTS, "dynamo_read_throttle_events_total",
	"Reads refused for exceeding capacity (CloudWatch ReadThrottleEvents)."},
	{METRIC_WRITE_THROTTLE_EVENTS, "dynamo_write_throttle_events_total",
	"Writes refused for exceeding capacity (CloudWatch WriteThrottleEvents)."},
	{METRIC_THROTTLED_REQUESTS, "dynamo_throttled_requests_total",
	"Requests refused with a throttling error (CloudWatch ThrottledRequests)."},
	{METRIC_CONDITIONAL_CHECK_FAILED_REQUESTS, "dynamo_conditional_check_failed_requests_total",
	"Writes whose condition failed (CloudWatch ConditionalCheckFailedRequests)."},
	{METRIC_RETURNED_ITEM_COUNT, "dynamo_returned_item_count_total",
	"Items returned by Query and Scan (CloudWatch ReturnedItemCount)."},
	{METRIC_TRANSACTION_CONFLICT, "dynamo_transaction_conflict_total",
	"Item requests refused for a conflict with a transaction (CloudWatch TransactionConflict)."},
	{METRIC_SYSTEM_ERRORS, "dynamo_system_errors_total",
	"Requests that failed with a server error (CloudWatch SystemErrors)."},
	{METRIC_USER_ERRORS, "dynamo_user_errors_total",
	"Requests that failed with a client error, failed conditions and throttling aside (CloudWatch UserErrors)."},
};

/* a label value, escaped as the format asks: backslash, double quote, newline */
static void
append_label(StringInfo out, const char *name, const char *value, bool first)
{
	const char *p;

	appendStringInfo(out, "%s%s=\"", first ? "" : ",", name);
	for (p = value; *p; p++)
	{
		if (*p == '\\')
			appendStringInfoString(out, "\\\\");
		else if (*p == '"')
			appendStringInfoString(out, "\\\"");
		else if (*p == '\n')
			appendStringInfoString(out, "\\n");
		else
			appendStringInfoChar(out, *p);
	}
	appendStringInfoChar(out, '"');
}

/* a series' labels, without the braces */
static void
append_labels(StringInfo out, const char *database, const MetricsSeries *series)
{
	bool		first = true;

	if (database != NULL)
	{
		append_label(out, "database", database, first);
		first = false;
	}
	if (series->table_name[0] != '\0')
	{
		append_label(out, "table", series->table_name, first);
		first = false;
	}
	if (series->index_name[0] != '\0')
	{
		append_label(out, "index", series->index_name, first);
		first = false;
	}
	if (series->operation[0] != '\0')
		append_label(out, "operation", series->operation, first);
}

/* a sample value: the shortest text that reads back as the same double */
static void
append_value(StringInfo out, double value)
{
	char		buffer[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value, buffer);
	appendStringInfoString(out, buffer);
	appendStringInfoChar(out, '\n');
}

/* one sample line: name{labels[,extra]} value */
static void
append_sample(StringInfo out, const char *name, const char *database, const MetricsSeries *series,
			  const char *extra, double value)
{
	appendStringInfo(out, "%s{", name);
	append_labels(out, database, series);
	if (extra != NULL)
		appendStringInfo(out, "%s%s", out->data[out->len - 1] == '{' ? "" : ",", extra);
	appendStringInfoString(out, "} ");
	append_value(out, value);
}

/*
 * Append the current database's metrics to out in Prometheus' text format;
 * false, appending nothing, when the metrics are not in shared memory.
 */
bool
capacity_metrics_prometheus(StringInfo out)
{
	Size		header = MAXALIGN(offsetof(MetricsSeries, minutes));
	char	   *copies;
	int			count = 0;
	const char *database = NULL;
	int			f,
				i,
				b;

	if (!capacity_shared_memory_ready() || Metrics == NULL)
		return false;
	if (IsTransactionState())
		database = get_database_name(MyDatabaseId);

	/* the totals of the database's series, copied out one at a time */
	copies = palloc(header * Metrics->max_series);
	for (i = 0; i < Metrics->max_series; i++)
	{
		MetricsSeries *series = metrics_series(i);
		MetricsSeries *copy = (MetricsSeries *) (copies + header * count);

		LWLockAcquire(MetricsLock, LW_SHARED);
		if (series->in_use && series->database == MyDatabaseId)
		{
			memcpy(copy, series, offsetof(MetricsSeries, minutes));
			count++;
		}
		LWLockRelease(MetricsLock);
	}

	for (f = 0; f < lengthof(Families); f++)
	{
		appendStringInfo(out, "# HELP %s %s\n# TYPE %s counter\n",
						 Families[f].name, Families[f].help, Families[f].name);
		for (i = 0; i < count; i++)
		{
			MetricsSeries *series = (MetricsSeries *) (copies + header * i);

			if (series->totals[Families[f].slot].count > 0)
				append_sample(out, Families[f].name, database, series, NULL,
							  series->totals[Families[f].slot].sum);
		}
	}

	appendStringInfoString(out,
						   "# HELP dynamo_successful_request_latency_seconds Time of successful requests (CloudWatch SuccessfulRequestLatency).\n"
						   "# TYPE dynamo_successful_request_latency_seconds histogram\n");
	for (i = 0; i < count; i++)
	{
		MetricsSeries *series = (MetricsSeries *) (copies + header * i);
		int64		cumulative = 0;

		if (series->totals[METRIC_LATENCY].count == 0)
			continue;
		for (b = 0; b <= LATENCY_BUCKETS; b++)
		{
			char		le[64];
			char		bound[DOUBLE_SHORTEST_DECIMAL_LEN];

			cumulative += series->latency_buckets[b];
			if (b < LATENCY_BUCKETS)
			{
				double_to_shortest_decimal_buf(MetricsLatencyBounds[b] / 1000.0, bound);
				snprintf(le, sizeof(le), "le=\"%s\"", bound);
			}
			else
				strlcpy(le, "le=\"+Inf\"", sizeof(le));
			append_sample(out, "dynamo_successful_request_latency_seconds_bucket", database, series, le,
						  (double) cumulative);
		}
		append_sample(out, "dynamo_successful_request_latency_seconds_sum", database, series, NULL,
					  series->totals[METRIC_LATENCY].sum / 1000.0);
		append_sample(out, "dynamo_successful_request_latency_seconds_count", database, series, NULL,
					  (double) series->totals[METRIC_LATENCY].count);
	}

	appendStringInfo(out,
					 "# HELP dynamo_metrics_dropped_total Metric values not recorded because dynamo.metrics_max_resources series were in use.\n"
					 "# TYPE dynamo_metrics_dropped_total counter\n"
					 "dynamo_metrics_dropped_total " UINT64_FORMAT "\n",
					 pg_atomic_read_u64(&Metrics->dropped));
	pfree(copies);
	return true;
}
