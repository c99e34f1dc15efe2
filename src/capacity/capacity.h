/*-------------------------------------------------------------------------
 *
 * capacity.h
 *	  DynamoDB's capacity model: read and write units metered on every
 *	  access, token buckets in shared memory, throttling with DynamoDB's
 *	  errors, and the per-minute metrics DynamoDB publishes.
 *
 * UNITS (capacity_units.c)
 *
 * A read unit is one strongly consistent read of up to 4 KB (eventually
 * consistent: half, transactional: double); a write unit is one write of up
 * to 1 KB (transactional: double); sizes are rounded up, and every access
 * charges at least one unit.  The operations layer computes the units of
 * what it did and charges them here; the API layer reports the same
 * numbers as ConsumedCapacity.
 *
 * ENFORCEMENT (capacity_buckets.c, capacity_throttle.c)
 *
 * Every table and every GSI has a read and a write bucket, and every
 * partition of them a read and a write ceiling, in shared memory.  An
 * operation is admitted before it does any work when its buckets hold at
 * least one unit (capacity_admit); it is then charged what it actually
 * consumed (capacity_charge), which may leave a bucket in debt that later
 * refills pay off.  A rejected request has changed nothing.  The buckets
 * exist only when the extension is in shared_preload_libraries; without it
 * the operations are metered and reported, never throttled.
 *
 * METRICS (capacity_metrics.c)
 *
 * Per table (and GSI), per operation and per minute, over a rolling window
 * in shared memory: CloudWatch's DynamoDB metrics, readable with SQL
 * (dynamo.metrics) and on the endpoint's GET /metrics.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CAPACITY_H
#define DYNAMO_CAPACITY_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "catalog/catalog.h"
#include "storage/storage.h"

typedef enum CapacityKind
{
	CAPACITY_READ,
	CAPACITY_WRITE
} CapacityKind;

/* capacity_units.c: DynamoDB's unit rules */
extern double capacity_read_units(int64 bytes, bool consistent, bool transactional);
extern double capacity_write_units(int64 bytes, bool transactional);

/* why a request was throttled: DynamoDB's limit types of ThrottlingReason */
typedef enum ThrottleCause
{
	THROTTLE_NONE,
	THROTTLE_PROVISIONED,		/* ProvisionedThroughputExceeded: the table's or GSI's units */
	THROTTLE_KEY_RANGE,			/* KeyRangeThroughputExceeded: a partition's ceiling, or
								 * on-demand traffic beyond twice its previous peak */
	THROTTLE_MAX_ON_DEMAND,		/* MaxOnDemandThroughputExceeded: OnDemandThroughput */
	THROTTLE_ACCOUNT_LIMIT		/* AccountLimitExceeded: the per-table quota of on-demand */
} ThrottleCause;

typedef struct Throttle
{
	ThrottleCause cause;
	CapacityKind kind;
	bool		on_demand;
	const TableInfo *table;
	const TableIndex *index;	/* the GSI throttled; NULL: the table */
} Throttle;

/*
 * capacity_buckets.c
 *
 * table: the table an operation works on; index: the GSI it reads or
 * writes (NULL: the table itself; an LSI's reads and writes are the
 * table's); partition: the hash partition of the key (-1: several, as a
 * Scan reads, when only the table's bucket applies).
 */
extern bool capacity_enforcing(void);
extern void capacity_admit(const TableInfo *table, const TableIndex *index, CapacityKind kind,
						   int partition);
extern bool capacity_try_admit(const TableInfo *table, const TableIndex *index, CapacityKind kind,
							   int partition, Throttle *throttle);
extern void capacity_charge(const TableInfo *table, const TableIndex *index, CapacityKind kind,
							int partition, double units);
extern void capacity_define_settings(void);
extern Size capacity_buckets_shmem_size(void);
extern void capacity_buckets_shmem_startup(void);

/*
 * capacity_access.c: admitting and charging one access of an operation.
 * admitted: the caller admitted it already (a batch, a transaction), so
 * nothing is refused here, only charged.  A write's GSI units are the index
 * writes storage metered between begin and end; a GSI without capacity
 * refuses the write that would update it (the error rolls the write back).
 */
typedef struct CapacityWriteMark
{
	int			count;			/* index meter entries at the start */
	double	   *units;			/* their units then */
} CapacityWriteMark;

extern int	capacity_partition_of(const TableInfo *table, const ItemKey *key);
extern void capacity_begin_write(const TableInfo *table, const ItemKey *key, bool admitted,
								 CapacityWriteMark *mark);
extern void capacity_end_write(const TableInfo *table, const ItemKey *key, int64 size, bool transactional,
							   bool admitted, const CapacityWriteMark *mark);
extern void capacity_charge_read(const TableInfo *table, const TableIndex *index, const ItemKey *key,
								 int64 bytes, bool consistent, bool transactional);

/* capacity_throttle.c: DynamoDB's errors and cancellation reasons of a throttle */
extern void capacity_raise_throttled(const Throttle *throttle) pg_attribute_noreturn();
extern const char *capacity_throttle_code(const Throttle *throttle);
extern const char *capacity_throttle_message(const Throttle *throttle);
extern char *capacity_throttle_reasons_json(const Throttle *throttle);

/*
 * capacity_metrics.c: the per-minute metrics.  index_name NULL: the
 * table's own; operation NULL: a metric without the Operation dimension.
 */
typedef enum CapacityMetric
{
	METRIC_CONSUMED_READ_UNITS,		/* table, index */
	METRIC_CONSUMED_WRITE_UNITS,	/* table, index */
	METRIC_READ_THROTTLE_EVENTS,	/* table, index */
	METRIC_WRITE_THROTTLE_EVENTS,	/* table, index */
	METRIC_THROTTLED_REQUESTS,		/* table, operation */
	METRIC_CONDITIONAL_CHECK_FAILED_REQUESTS,	/* table */
	METRIC_RETURNED_ITEM_COUNT,		/* table, operation */
	METRIC_TRANSACTION_CONFLICT,	/* table */
	METRIC_SYSTEM_ERRORS,			/* table, operation */
	METRIC_COUNT
} CapacityMetric;

extern void capacity_metric_add(const char *table_name, const char *index_name, const char *operation,
								CapacityMetric metric, double value);
extern void capacity_latency_add(const char *table_name, const char *operation, double milliseconds);
extern void capacity_user_error(void);
extern void capacity_metrics_define_settings(void);
extern Size capacity_metrics_shmem_size(void);
extern void capacity_metrics_shmem_startup(void);
extern bool capacity_metrics_prometheus(StringInfo out);

/*
 * capacity_shmem.c: _PG_init installs the hooks that size and attach the
 * shared memory of the buckets and the metrics (only when preloaded;
 * capacity_shared_memory_ready() says whether it is there).
 */
extern void capacity_install_shmem_hooks(void);
extern bool capacity_shared_memory_ready(void);

#endif							/* DYNAMO_CAPACITY_H */
