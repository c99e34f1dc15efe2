/*-------------------------------------------------------------------------
 *
 * capacity_metrics.c
 *	  Recording the per-minute metrics DynamoDB publishes to CloudWatch,
 *	  per database, table, index and operation, in shared memory.
 *
 * The layout and the locking rules are in capacity_metrics.h.  Recording
 * runs on every request, so it allocates nothing: the names are hashed
 * before the lock is taken, and under it a series is found (or taken from
 * the free list) and a few numbers are added.  Without shared memory (the
 * extension not preloaded) every call returns at once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <time.h>

#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/shmem.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "capacity/capacity_metrics.h"

MetricsShared *Metrics = NULL;
LWLock	   *MetricsLock = NULL;

static bool metrics_enabled = true;
static int	metrics_window_minutes = 60;
static int	metrics_max_resources = 500;

/* CloudWatch's names, by CapacityMetric and then the two of this file */
const char *const MetricNames[METRIC_SLOTS] = {
	"ConsumedReadCapacityUnits",
	"ConsumedWriteCapacityUnits",
	"ReadThrottleEvents",
	"WriteThrottleEvents",
	"ThrottledRequests",
	"ConditionalCheckFailedRequests",
	"ReturnedItemCount",
	"TransactionConflict",
	"SystemErrors",
	"UserErrors",
	"SuccessfulRequestLatency",
};

const double MetricsLatencyBounds[LATENCY_BUCKETS] = {
	1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};

/* Define the settings of the metrics (from _PG_init). */
void
capacity_metrics_define_settings(void)
{
	DefineCustomBoolVariable("dynamo.metrics",
							 "Record the per-minute metrics of requests (dynamo.metrics, GET /metrics).",
							 "Off: requests record nothing (the provisioned capacity is still shown).",
							 &metrics_enabled, true, PGC_SUSET, 0, NULL, NULL, NULL);
	if (!process_shared_preload_libraries_in_progress)
		return;					/* sizes of shared memory: only when preloaded */
	DefineCustomIntVariable("dynamo.metrics_window_minutes",
							"Minutes of per-minute metrics kept in shared memory.",
							"The dynamo.metrics view shows this many minutes up to now.",
							&metrics_window_minutes, 60, 1, 24 * 60, PGC_POSTMASTER,
							0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.metrics_max_resources",
							"Most metric series (a table, an index, or a table and operation, per database) kept in shared memory.",
							"When all are in use, a series idle for longer than the window is reused; "
							"otherwise new values are dropped and counted in dynamo.metrics_status().",
							&metrics_max_resources, 500, 16, 1000000, PGC_POSTMASTER,
							0, NULL, NULL, NULL);
}

static Size
series_size(void)
{
	return MAXALIGN(add_size(offsetof(MetricsSeries, minutes),
							 mul_size(sizeof(MetricsMinute), metrics_window_minutes)));
}

static int
heads_for(int max_series)
{
	int			n = 16;

	while (n < 2 * max_series)
		n *= 2;
	return n;
}

static Size
header_size(void)
{
	return MAXALIGN(add_size(offsetof(MetricsShared, heads),
							 mul_size(sizeof(int32), heads_for(metrics_max_resources))));
}

/* the bytes of shared memory the metrics need */
Size
capacity_metrics_shmem_size(void)
{
	return add_size(header_size(), mul_size(series_size(), metrics_max_resources));
}

/* the series at an index of the array */
MetricsSeries *
metrics_series(int index)
{
	return (MetricsSeries *) ((char *) Metrics + Metrics->series_offset +
							  (Size) index * Metrics->series_size);
}

/* Attach (or, first, create) the metrics (under AddinShmemInitLock). */
void
capacity_metrics_shmem_startup(void)
{
	bool		found;
	int			i;

	Metrics = ShmemInitStruct("dynamo capacity metrics", capacity_metrics_shmem_size(), &found);
	MetricsLock = &(GetNamedLWLockTranche("dynamo capacity"))[1].lock;
	if (found)
		return;
	Metrics->window = metrics_window_minutes;
	Metrics->max_series = metrics_max_resources;
	Metrics->nheads = heads_for(metrics_max_resources);
	Metrics->series_size = series_size();
	Metrics->series_offset = header_size();
	Metrics->in_use = 0;
	Metrics->reclaim_after = 0;
	Metrics->started = GetCurrentTimestamp();
	pg_atomic_init_u64(&Metrics->dropped, 0);
	for (i = 0; i < Metrics->nheads; i++)
		Metrics->heads[i] = -1;
	for (i = 0; i < Metrics->max_series; i++)
	{
		MetricsSeries *series = metrics_series(i);

		memset(series, 0, Metrics->series_size);
		series->next = i + 1 < Metrics->max_series ? i + 1 : -1;
	}
	Metrics->free_list = 0;
}

/* whether requests record metrics: shared memory is there and dynamo.metrics is on */
bool
capacity_metrics_enabled(void)
{
	return metrics_enabled && Metrics != NULL && capacity_shared_memory_ready();
}

/* the current minute, in minutes since the Unix epoch */
int64
metrics_current_minute(void)
{
	return (int64) time(NULL) / 60;
}

static uint32
series_hash(Oid database, const char *table, const char *index, const char *operation)
{
	uint32		hash = hash_bytes_uint32((uint32) database);

	hash = hash_combine(hash, hash_bytes((const unsigned char *) table, strlen(table)));
	hash = hash_combine(hash, hash_bytes((const unsigned char *) index, strlen(index)));
	return hash_combine(hash, hash_bytes((const unsigned char *) operation, strlen(operation)));
}

/* unlink a series from its hash chain */
static void
unlink_series(int index)
{
	MetricsSeries *series = metrics_series(index);
	int32	   *link = &Metrics->heads[series->hash & (Metrics->nheads - 1)];

	while (*link != index)
		link = &metrics_series(*link)->next;
	*link = series->next;
}

/*
 * A series no longer in use: from the free list, or else one idle for
 * longer than the window (looked for at most once a minute); -1 if none.
 */
static int
take_series(int64 minute)
{
	int			i;

	if (Metrics->free_list >= 0)
	{
		i = Metrics->free_list;
		Metrics->free_list = metrics_series(i)->next;
		Metrics->in_use++;
		return i;
	}
	if (minute < Metrics->reclaim_after)
		return -1;
	for (i = 0; i < Metrics->max_series; i++)
	{
		MetricsSeries *series = metrics_series(i);

		if (series->last_minute <= minute - Metrics->window)
		{
			unlink_series(i);
			return i;
		}
	}
	Metrics->reclaim_after = minute + 1;
	return -1;
}

/* the series of these names, made when missing; NULL when none is free */
static MetricsSeries *
find_series(uint32 hash, const char *table, const char *index, const char *operation, int64 minute)
{
	int32	   *head = &Metrics->heads[hash & (Metrics->nheads - 1)];
	int32		i;
	MetricsSeries *series;

	for (i = *head; i >= 0; i = series->next)
	{
		series = metrics_series(i);
		if (series->hash == hash && series->database == MyDatabaseId &&
			strcmp(series->table_name, table) == 0 && strcmp(series->index_name, index) == 0 &&
			strcmp(series->operation, operation) == 0)
			return series;
	}
	i = take_series(minute);
	if (i < 0)
		return NULL;
	series = metrics_series(i);
	memset(series, 0, Metrics->series_size);
	series->in_use = true;
	series->hash = hash;
	series->database = MyDatabaseId;
	strlcpy(series->table_name, table, sizeof(series->table_name));
	strlcpy(series->index_name, index, sizeof(series->index_name));
	strlcpy(series->operation, operation, sizeof(series->operation));
	series->next = *head;
	*head = i;
	return series;
}

/* the bucket of the current minute, emptied first when it held an older one */
static MetricsMinute *
current_bucket(MetricsSeries *series, int64 minute)
{
	MetricsMinute *bucket = &series->minutes[minute % Metrics->window];

	if (bucket->minute != minute)
	{
		memset(bucket, 0, sizeof(MetricsMinute));
		bucket->minute = minute;
	}
	series->last_minute = minute;
	return bucket;
}

/*
 * Record one sample of a metric (slot: a CapacityMetric or one of
 * capacity_metrics.h's own) for the names in the current database.
 */
static void
record(const char *table, const char *index, const char *operation, int slot, double value)
{
	int64		minute;
	uint32		hash;
	MetricsSeries *series;

	if (!capacity_metrics_enabled() || !OidIsValid(MyDatabaseId))
		return;
	if (table == NULL)
		table = "";
	if (index == NULL)
		index = "";
	if (operation == NULL)
		operation = "";
	minute = metrics_current_minute();
	hash = series_hash(MyDatabaseId, table, index, operation);

	LWLockAcquire(MetricsLock, LW_EXCLUSIVE);
	series = find_series(hash, table, index, operation, minute);
	if (series != NULL)
	{
		MetricsMinute *bucket = current_bucket(series, minute);
		MetricStat *stat = &bucket->stats[slot];

		if (slot == METRIC_LATENCY)
		{
			int			b = 0;

			if (stat->count == 0 || value < bucket->latency_min)
				bucket->latency_min = value;
			if (stat->count == 0 || value > bucket->latency_max)
				bucket->latency_max = value;
			while (b < LATENCY_BUCKETS && value > MetricsLatencyBounds[b])
				b++;
			series->latency_buckets[b]++;
		}
		stat->count++;
		stat->sum += value;
		series->totals[slot].count++;
		series->totals[slot].sum += value;
	}
	LWLockRelease(MetricsLock);
	if (series == NULL)
		pg_atomic_fetch_add_u64(&Metrics->dropped, 1);
}

/*
 * Add value to a metric of a table (index_name: one of its GSIs, or NULL;
 * operation: the Operation dimension, or NULL) for the current minute.
 */
void
capacity_metric_add(const char *table_name, const char *index_name, const char *operation,
					CapacityMetric metric, double value)
{
	Assert(metric >= 0 && metric < METRIC_COUNT);
	if (table_name == NULL)
		return;
	record(table_name, index_name, operation, metric, value);
}

/* Record the latency of a successful request of a table. */
void
capacity_latency_add(const char *table_name, const char *operation, double milliseconds)
{
	if (table_name == NULL)
		return;
	record(table_name, NULL, operation, METRIC_LATENCY, milliseconds);
}

/* Count a request that failed for the caller's fault (UserErrors, per database). */
void
capacity_user_error(void)
{
	record(NULL, NULL, NULL, METRIC_USER_ERRORS, 1);
}
