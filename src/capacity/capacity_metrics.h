/*-------------------------------------------------------------------------
 *
 * capacity_metrics.h
 *	  The shared memory layout of the per-minute metrics, shared by the
 *	  files that record them (capacity_metrics.c) and read them
 *	  (capacity_metrics_sql.c, capacity_metrics_prometheus.c).
 *
 * A series is one (database, table, index, operation): the metrics a
 * CloudWatch dimension set would carry.  Each holds a ring of per-minute
 * buckets, one per minute of dynamo.metrics_window_minutes (the bucket of
 * minute m is m % window; a bucket whose minute is not m is stale and is
 * reset before use), and running totals since the server started, which
 * GET /metrics publishes as Prometheus counters.  Series are found by a
 * hash of their names in a chained table; a free list holds the unused
 * ones.  When all dynamo.metrics_max_resources are in use, a series idle
 * for longer than the window is reused; when none is, the value is
 * dropped and counted in MetricsShared.dropped.
 *
 * Locking: the metrics lock (the second of the "dynamo capacity" tranche)
 * is taken exclusively to record and shared to read.  Recording holds it
 * for a hash probe and a few additions, never for an allocation or I/O.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CAPACITY_METRICS_H
#define DYNAMO_CAPACITY_METRICS_H

#include "postgres.h"

#include "port/atomics.h"
#include "storage/lwlock.h"
#include "utils/timestamp.h"

#include "capacity/capacity.h"
#include "catalog/catalog.h"

/* the metrics beyond CapacityMetric that a series may hold */
#define METRIC_USER_ERRORS		METRIC_COUNT	/* the database's; no table */
#define METRIC_LATENCY			(METRIC_COUNT + 1)	/* SuccessfulRequestLatency, ms */
#define METRIC_SLOTS			(METRIC_COUNT + 2)

#define METRICS_OPERATION_MAX	31

/* the upper bounds (ms) of the latency histogram GET /metrics publishes; +Inf follows */
#define LATENCY_BUCKETS			13
extern const double MetricsLatencyBounds[LATENCY_BUCKETS];

/* one metric's samples over a period */
typedef struct MetricStat
{
	int64		count;
	double		sum;
} MetricStat;

/* one minute of a series */
typedef struct MetricsMinute
{
	int64		minute;			/* minutes since the Unix epoch; 0: unused */
	MetricStat	stats[METRIC_SLOTS];
	double		latency_min;
	double		latency_max;
} MetricsMinute;

typedef struct MetricsSeries
{
	int32		next;			/* the next in the hash chain or the free list; -1: none */
	bool		in_use;
	uint32		hash;
	Oid			database;
	char		table_name[DYNAMO_TABLE_NAME_MAX + 1];	/* "": the database's own */
	char		index_name[DYNAMO_TABLE_NAME_MAX + 1];	/* "": the table's own */
	char		operation[METRICS_OPERATION_MAX + 1];	/* "": no Operation dimension */
	int64		last_minute;	/* the last minute anything was recorded */
	MetricStat	totals[METRIC_SLOTS];	/* since the series was made */
	int64		latency_buckets[LATENCY_BUCKETS + 1];	/* not cumulative; the last: +Inf */
	MetricsMinute minutes[FLEXIBLE_ARRAY_MEMBER];	/* window of them */
} MetricsSeries;

typedef struct MetricsShared
{
	int			window;			/* minutes */
	int			max_series;
	int			nheads;			/* a power of 2 */
	int32		free_list;
	int			in_use;
	int64		reclaim_after;	/* no idle series to reuse before this minute */
	TimestampTz started;
	pg_atomic_uint64 dropped;	/* values not recorded: no series free */
	Size		series_size;	/* bytes of one MetricsSeries */
	Size		series_offset;	/* of the first series from the start of this struct */
	int32		heads[FLEXIBLE_ARRAY_MEMBER];	/* nheads chains; -1: empty */
} MetricsShared;

/* capacity_metrics.c */
extern MetricsShared *Metrics;
extern LWLock *MetricsLock;
extern const char *const MetricNames[METRIC_SLOTS];
extern bool capacity_metrics_enabled(void);
extern int64 metrics_current_minute(void);
extern MetricsSeries *metrics_series(int index);

#endif							/* DYNAMO_CAPACITY_METRICS_H */
