/*-------------------------------------------------------------------------
 *
 * capacity_buckets.c
 *	  Token buckets in shared memory: DynamoDB's provisioned and on-demand
 *	  capacity, enforced on every table and GSI and on their partitions.
 *
 * THE MODEL
 *
 * A resource (a table, or a GSI) has a read and a write bucket; so has each
 * of its hash partitions.  A bucket holds a balance of units, refilled
 * continuously at its rate up to its capacity.  An operation is admitted
 * when every bucket it draws on holds at least one unit; afterwards it is
 * charged what it consumed, which may take a balance below zero: the debt
 * is paid off by the refill before the next admission, so over any window
 * the admitted consumption is the rate times the window plus what was
 * saved up, as DynamoDB's own buckets behave.
 *
 * PROVISIONED: the resource's bucket refills at the provisioned units per
 * second and keeps up to dynamo.burst_seconds (300) of them: burst
 * capacity.  A partition's bucket refills at the partition ceiling
 * (dynamo.partition_read_ceiling 3000 / partition_write_ceiling 1000) and
 * keeps dynamo.ceiling_burst_seconds (5) of it, so that a few large items
 * in a row are not refused while the rate over seconds stays the ceiling.
 *
 * Adaptive capacity: DynamoDB does not document how it divides a table's
 * capacity among partitions, only that a hot partition may use the
 * capacity other partitions leave unused, instantly, up to the partition
 * ceiling.  Here a partition's share is not reserved at all: every
 * partition draws on the one pooled table bucket, so a partition may use
 * all the unused table capacity, and only the partition ceiling limits a
 * hot key.  That is DynamoDB's documented behaviour at its most generous.
 *
 * ON-DEMAND: the resource's bucket refills at twice its previous peak (a
 * new table's previous peak is half of dynamo.on_demand_initial_read_units
 * 12000 / _write_units 4000; a table switched from PROVISIONED starts from
 * the larger of that and half its provisioned units), keeping
 * dynamo.ceiling_burst_seconds of it; consumption per second above the
 * previous peak becomes the new previous peak once it is
 * dynamo.on_demand_peak_seconds (1800) old, so a table can double its
 * traffic at once but not again within 30 minutes.  The rate is capped by
 * OnDemandThroughput's maximum (MaxOnDemandThroughputExceeded, a hard cap:
 * one second of it is kept) and by the per-table quota
 * dynamo.table_max_read_units / _write_units (40000, AccountLimitExceeded).
 * Partition ceilings apply as provisioned.
 *
 * The buckets live as long as the server; a restart refills them and
 * forgets on-demand peaks.  A GSI's partitions are not metered separately:
 * its whole bucket is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "capacity/capacity.h"

/* settings */
static bool capacity_enforcement = true;
static int	burst_seconds = 300;
static int	partition_read_ceiling = 3000;
static int	partition_write_ceiling = 1000;
static int	on_demand_initial_read_units = 12000;
static int	on_demand_initial_write_units = 4000;
static int	on_demand_peak_seconds = 1800;
static int	table_max_read_units = 40000;
static int	table_max_write_units = 40000;
static int	capacity_max_buckets = 16384;
static int	ceiling_burst_seconds = 5;

typedef struct BucketKey
{
	Oid			database;
	Oid			relid;			/* the table's or GSI's partitioned relation */
	int32		partition;		/* -1: the whole resource */
} BucketKey;

typedef struct Bucket
{
	double		tokens;			/* the balance; below zero: debt */
	double		rate;			/* units per second */
	double		capacity;		/* the largest balance */
} Bucket;

typedef struct BucketEntry
{
	BucketKey	key;
	slock_t		mutex;			/* guards everything below */
	TimestampTz refilled;		/* 0: never yet */
	bool		on_demand;		/* the mode last seen */
	double		provisioned[2]; /* the units last seen while PROVISIONED */
	Bucket		bucket[2];		/* by CapacityKind */
	/* on-demand headroom */
	double		peak[2];		/* the previous peak, units per second */
	double		pending_peak[2];	/* a higher peak, waiting to become it */
	TimestampTz pending_since[2];
	int64		second;			/* the second of second_units */
	double		second_units[2];
	double		consumed[2];	/* since the server started */
	double		throttled[2];	/* admissions refused since the server started */
} BucketEntry;

/* what a resource's or partition's buckets refill at */
typedef struct Limits
{
	double		rate[2];
	double		capacity[2];
	ThrottleCause cause[2];		/* when empty */
} Limits;

static HTAB *SharedBuckets = NULL;
static LWLock *BucketsLock = NULL;
static HTAB *LocalBuckets = NULL;	/* BucketKey -> BucketEntry *, per backend */
static bool WarnedFull = false;
static bool NoticedUnenforced = false;

typedef struct LocalBucket
{
	BucketKey	key;
	BucketEntry *entry;
} LocalBucket;

void
capacity_define_settings(void)
{
	DefineCustomBoolVariable("dynamo.capacity_enforcement",
							 "Throttle requests beyond their tables' capacity.",
							 "Off: capacity is metered and reported, never enforced.",
							 &capacity_enforcement, true, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.burst_seconds",
							"Seconds of unused provisioned capacity a table or GSI keeps for bursts.",
							NULL, &burst_seconds, 300, 0, 3600, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.partition_read_ceiling",
							"Read units per second one partition serves at most.",
							NULL, &partition_read_ceiling, 3000, 1, 1000000, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.partition_write_ceiling",
							"Write units per second one partition serves at most.",
							NULL, &partition_write_ceiling, 1000, 1, 1000000, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.on_demand_initial_read_units",
							"Read units per second a new on-demand table serves at once.",
							NULL, &on_demand_initial_read_units, 12000, 2, 10000000, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.on_demand_initial_write_units",
							"Write units per second a new on-demand table serves at once.",
							NULL, &on_demand_initial_write_units, 4000, 2, 10000000, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.on_demand_peak_seconds",
							"Seconds after which on-demand traffic becomes the previous peak that a table may double.",
							NULL, &on_demand_peak_seconds, 1800, 1, 86400, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.table_max_read_units",
							"The per-table quota of read units per second of an on-demand table or GSI.",
							NULL, &table_max_read_units, 40000, 1, 100000000, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.table_max_write_units",
							"The per-table quota of write units per second of an on-demand table or GSI.",
							NULL, &table_max_write_units, 40000, 1, 100000000, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.ceiling_burst_seconds",
							"Seconds of unused capacity a partition ceiling or an on-demand table keeps.",
							NULL, &ceiling_burst_seconds, 5, 1, 300, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	/* a server setting: it can be defined only while the server starts */
	if (process_shared_preload_libraries_in_progress)
		DefineCustomIntVariable("dynamo.capacity_max_buckets",
								"Table, GSI and partition buckets kept in shared memory.",
								"Resources beyond it are metered but not throttled.",
								&capacity_max_buckets, 16384, 64, 1048576, PGC_POSTMASTER, 0, NULL, NULL, NULL);
}

Size
capacity_buckets_shmem_size(void)
{
	return hash_estimate_size(capacity_max_buckets, sizeof(BucketEntry));
}

void
capacity_buckets_shmem_startup(void)
{
	HASHCTL		info;

	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(BucketKey);
	info.entrysize = sizeof(BucketEntry);
	SharedBuckets = ShmemInitHash("dynamo capacity buckets", capacity_max_buckets, capacity_max_buckets,
								  &info, HASH_ELEM | HASH_BLOBS);
	BucketsLock = &(GetNamedLWLockTranche("dynamo capacity"))[0].lock;
}

/* whether requests are throttled here: shared memory present and enforcement on */
bool
capacity_enforcing(void)
{
	if (capacity_shared_memory_ready() && SharedBuckets != NULL)
		return capacity_enforcement;
	if (!NoticedUnenforced)
	{
		NoticedUnenforced = true;
		ereport(NOTICE,
				(errmsg("dynamo meters capacity but does not enforce it in this server"),
				 errdetail("Capacity buckets live in shared memory, which needs dynamo in shared_preload_libraries.")));
	}
	return false;
}

/* the shared entry of a key, created full when new; NULL when the table of them is full */
static BucketEntry *
bucket_entry(Oid relid, int partition)
{
	BucketKey	key;
	LocalBucket *local;
	BucketEntry *entry;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.database = MyDatabaseId;
	key.relid = relid;
	key.partition = partition;
	if (LocalBuckets == NULL)
	{
		HASHCTL		info;

		memset(&info, 0, sizeof(info));
		info.keysize = sizeof(BucketKey);
		info.entrysize = sizeof(LocalBucket);
		info.hcxt = TopMemoryContext;
		LocalBuckets = hash_create("dynamo local buckets", 256, &info, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	local = hash_search(LocalBuckets, &key, HASH_FIND, NULL);
	if (local != NULL)
		return local->entry;

	LWLockAcquire(BucketsLock, LW_SHARED);
	entry = hash_search(SharedBuckets, &key, HASH_FIND, NULL);
	LWLockRelease(BucketsLock);
	if (entry == NULL)
	{
		LWLockAcquire(BucketsLock, LW_EXCLUSIVE);
		entry = hash_search(SharedBuckets, &key, HASH_ENTER_NULL, &found);
		if (entry != NULL && !found)
		{
			SpinLockInit(&entry->mutex);
			entry->refilled = 0;
			entry->on_demand = false;
			memset(entry->bucket, 0, sizeof(entry->bucket));
			memset(entry->provisioned, 0, sizeof(entry->provisioned));
			memset(entry->peak, 0, sizeof(entry->peak));
			memset(entry->pending_peak, 0, sizeof(entry->pending_peak));
			memset(entry->pending_since, 0, sizeof(entry->pending_since));
			entry->second = 0;
			memset(entry->second_units, 0, sizeof(entry->second_units));
			memset(entry->consumed, 0, sizeof(entry->consumed));
			memset(entry->throttled, 0, sizeof(entry->throttled));
		}
		LWLockRelease(BucketsLock);
	}
	if (entry == NULL)
	{
		if (!WarnedFull)
			ereport(WARNING,
					(errmsg("dynamo capacity buckets are full: some tables are metered but not throttled"),
					 errhint("Raise dynamo.capacity_max_buckets and restart the server.")));
		WarnedFull = true;
		return NULL;
	}
	local = hash_search(LocalBuckets, &key, HASH_ENTER, &found);
	local->entry = entry;
	return entry;
}

/* whether the resource is on-demand, and its provisioned units / maximums */
static bool
resource_on_demand(const TableInfo *table)
{
	return table->pay_per_request;
}

static const Throughput *
resource_throughput(const TableInfo *table, const TableIndex *index)
{
	return index != NULL ? &index->throughput : &table->throughput;
}

/*
 * The limits of a resource's buckets now.  Called with the entry's mutex
 * held: reads only the entry and the catalog's values.
 */
static void
resource_limits(BucketEntry *entry, const TableInfo *table, const TableIndex *index, Limits *limits)
{
	const Throughput *throughput = resource_throughput(table, index);
	int			k;

	for (k = 0; k < 2; k++)
	{
		if (!resource_on_demand(table))
		{
			double		units = (double) Max(k == CAPACITY_READ ? throughput->read_capacity_units :
											 throughput->write_capacity_units, 1);

			limits->rate[k] = units;
			limits->capacity[k] = units * Max(burst_seconds, 1);
			limits->cause[k] = THROTTLE_PROVISIONED;
		}
		else
		{
			double		max_units = (double) (k == CAPACITY_READ ? throughput->max_read_request_units :
											  throughput->max_write_request_units);
			double		quota = (double) (k == CAPACITY_READ ? table_max_read_units : table_max_write_units);
			double		rate = 2 * entry->peak[k];

			limits->cause[k] = THROTTLE_KEY_RANGE;
			if (max_units > 0 && max_units <= rate && max_units <= quota)
			{
				rate = max_units;
				limits->cause[k] = THROTTLE_MAX_ON_DEMAND;
			}
			else if (quota < rate)
			{
				rate = quota;
				limits->cause[k] = THROTTLE_ACCOUNT_LIMIT;
			}
			limits->rate[k] = rate;
			/* a maximum the user set is a hard cap; the others keep a few seconds */
			limits->capacity[k] = limits->cause[k] == THROTTLE_MAX_ON_DEMAND ? rate :
				rate * ceiling_burst_seconds;
		}
	}
}

/* the limits of a partition's buckets */
static void
partition_limits(Limits *limits)
{
	limits->rate[CAPACITY_READ] = partition_read_ceiling;
	limits->rate[CAPACITY_WRITE] = partition_write_ceiling;
	limits->capacity[CAPACITY_READ] = (double) partition_read_ceiling * ceiling_burst_seconds;
	limits->capacity[CAPACITY_WRITE] = (double) partition_write_ceiling * ceiling_burst_seconds;
	limits->cause[CAPACITY_READ] = limits->cause[CAPACITY_WRITE] = THROTTLE_KEY_RANGE;
}

/*
 * Settle on-demand peaks: a second that ended is a sample of the
 * consumption rate; one above the previous peak waits to become it.
 */
static void
settle_peaks(BucketEntry *entry, TimestampTz now)
{
	int64		second = now / USECS_PER_SEC;
	int			k;

	for (k = 0; k < 2; k++)
	{
		if (second != entry->second)
		{
			double		sample = entry->second_units[k];

			if (sample > entry->peak[k] && sample > entry->pending_peak[k])
			{
				entry->pending_peak[k] = sample;
				if (entry->pending_since[k] == 0)
					entry->pending_since[k] = now;
			}
			entry->second_units[k] = 0;
		}
		if (entry->pending_since[k] != 0 &&
			now - entry->pending_since[k] >= (int64) on_demand_peak_seconds * USECS_PER_SEC)
		{
			entry->peak[k] = Max(entry->peak[k], entry->pending_peak[k]);
			entry->pending_peak[k] = 0;
			entry->pending_since[k] = 0;
		}
	}
	entry->second = second;
}

/*
 * Bring a resource entry's mode up to date: a new on-demand resource, or
 * one just switched from PROVISIONED, gets its starting previous peak.
 */
static void
track_mode(BucketEntry *entry, const TableInfo *table, const TableIndex *index)
{
	bool		on_demand = resource_on_demand(table);
	const Throughput *throughput = resource_throughput(table, index);

	if (on_demand && (!entry->on_demand || entry->refilled == 0))
	{
		entry->peak[CAPACITY_READ] = Max(on_demand_initial_read_units / 2.0,
										 entry->provisioned[CAPACITY_READ] / 2);
		entry->peak[CAPACITY_WRITE] = Max(on_demand_initial_write_units / 2.0,
										  entry->provisioned[CAPACITY_WRITE] / 2);
		entry->pending_peak[0] = entry->pending_peak[1] = 0;
		entry->pending_since[0] = entry->pending_since[1] = 0;
	}
	if (!on_demand)
	{
		entry->provisioned[CAPACITY_READ] = (double) throughput->read_capacity_units;
		entry->provisioned[CAPACITY_WRITE] = (double) throughput->write_capacity_units;
	}
	entry->on_demand = on_demand;
}

/* Refill an entry's buckets up to now; with its mutex held. */
static void
refill(BucketEntry *entry, const Limits *limits, TimestampTz now)
{
	double		elapsed = entry->refilled == 0 ? 0 : (double) (now - entry->refilled) / USECS_PER_SEC;
	int			k;

	if (elapsed < 0)
		elapsed = 0;
	for (k = 0; k < 2; k++)
	{
		Bucket	   *bucket = &entry->bucket[k];

		if (entry->refilled == 0)
			bucket->tokens = limits->capacity[k];
		else if (bucket->tokens < limits->capacity[k])
			bucket->tokens = Min(limits->capacity[k], bucket->tokens + limits->rate[k] * elapsed);
		else
			bucket->tokens = limits->capacity[k];
		bucket->rate = limits->rate[k];
		bucket->capacity = limits->capacity[k];
	}
	entry->refilled = now;
}

/*
 * The shared entries of a table's (or GSI's) buckets, remembered in its
 * TableInfo (in the TableInfo's memory: a table's metadata dropped from the
 * cache forgets them; the entries themselves live as long as the server),
 * so that a request finds them without a hash lookup.
 */
typedef struct EntryCache
{
	BucketEntry *resource;
	int			npartitions;
	BucketEntry *partitions[FLEXIBLE_ARRAY_MEMBER];
} EntryCache;

static BucketEntry *
cached_entry(const TableInfo *table, const TableIndex *index, int partition)
{
	void	  **slot = index != NULL ? &((TableIndex *) index)->capacity_cache :
		&((TableInfo *) table)->capacity_cache;
	EntryCache *cache = *slot;
	BucketEntry **entry;

	if (cache == NULL)
	{
		int			n = index != NULL ? 0 : table->partition_count;

		cache = MemoryContextAllocZero(table->context, offsetof(EntryCache, partitions) +
									   sizeof(BucketEntry *) * Max(n, 1));
		cache->npartitions = n;
		*slot = cache;
	}
	if (partition >= cache->npartitions)
		return bucket_entry(index != NULL ? index->relid : table->relid, partition);
	entry = partition < 0 ? &cache->resource : &cache->partitions[partition];
	if (*entry == NULL)
		*entry = bucket_entry(index != NULL ? index->relid : table->relid, partition);
	return *entry;
}

/* the entry of a resource or a partition, refilled to now; locked when not NULL */
static BucketEntry *
locked_entry(const TableInfo *table, const TableIndex *index, int partition, Limits *limits,
			 TimestampTz now)
{
	BucketEntry *entry = cached_entry(table, index, partition);

	if (entry == NULL)
		return NULL;
	SpinLockAcquire(&entry->mutex);
	if (partition < 0)
	{
		track_mode(entry, table, index);
		settle_peaks(entry, now);
		resource_limits(entry, table, index, limits);
	}
	else
		partition_limits(limits);
	refill(entry, limits, now);
	return entry;
}

/*
 * Whether an operation may start: every bucket it draws on holds a
 * balance of at least one unit.  Otherwise fills *throttle and counts a throttle event.
 */
bool
capacity_try_admit(const TableInfo *table, const TableIndex *index, CapacityKind kind, int partition,
				   Throttle *throttle)
{
	TimestampTz now;
	int			pass;

	if (!capacity_enforcing())
		return true;
	now = GetCurrentTimestamp();
	for (pass = 0; pass < 2; pass++)
	{
		Limits		limits;
		BucketEntry *entry;
		bool		empty;

		if (pass == 1 && (partition < 0 || index != NULL))
			break;
		entry = locked_entry(table, index, pass == 0 ? -1 : partition, &limits, now);
		if (entry == NULL)
			continue;
		empty = entry->bucket[kind].tokens < Min(1.0, entry->bucket[kind].capacity);
		if (empty)
			entry->throttled[kind] += 1;
		SpinLockRelease(&entry->mutex);
		if (empty)
		{
			if (throttle != NULL)
			{
				throttle->cause = limits.cause[kind];
				throttle->kind = kind;
				throttle->on_demand = table->pay_per_request;
				throttle->table = table;
				throttle->index = index;
			}
			capacity_metric_add(table->table_name, index != NULL ? index->name : NULL, NULL,
								kind == CAPACITY_READ ? METRIC_READ_THROTTLE_EVENTS : METRIC_WRITE_THROTTLE_EVENTS,
								1);
			return false;
		}
	}
	return true;
}

/* capacity_try_admit, raising DynamoDB's error when the operation may not start */
void
capacity_admit(const TableInfo *table, const TableIndex *index, CapacityKind kind, int partition)
{
	Throttle	throttle;

	if (!capacity_try_admit(table, index, kind, partition, &throttle))
		capacity_raise_throttled(&throttle);
}

/*
 * Charge an operation what it consumed: the resource's bucket, the
 * partition's, and the metrics.  Metering does not need shared memory's
 * buckets; the metrics record it when they are there.
 */
void
capacity_charge(const TableInfo *table, const TableIndex *index, CapacityKind kind, int partition,
				double units)
{
	if (units <= 0)
		return;
	capacity_metric_add(table->table_name, index != NULL ? index->name : NULL, NULL,
						kind == CAPACITY_READ ? METRIC_CONSUMED_READ_UNITS : METRIC_CONSUMED_WRITE_UNITS,
						units);
	if (capacity_shared_memory_ready() && SharedBuckets != NULL)
	{
		TimestampTz now = GetCurrentTimestamp();
		int			pass;

		for (pass = 0; pass < 2; pass++)
		{
			Limits		limits;
			BucketEntry *entry;

			if (pass == 1 && (partition < 0 || index != NULL))
				break;
			entry = locked_entry(table, index, pass == 0 ? -1 : partition, &limits, now);
			if (entry == NULL)
				continue;
			entry->bucket[kind].tokens -= units;
			entry->second_units[kind] += units;
			entry->consumed[kind] += units;
			SpinLockRelease(&entry->mutex);
		}
	}
}

PG_FUNCTION_INFO_V1(dynamo_capacity_buckets);

/*
 * dynamo.capacity_buckets(): every bucket of this database, as it is now:
 * relation, partition (-1: the resource), kind, balance, rate, capacity,
 * previous peak, consumed and throttled since the server started.
 */
Datum
dynamo_capacity_buckets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HASH_SEQ_STATUS status;
	BucketEntry *entry;

	InitMaterializedSRF(fcinfo, 0);
	if (SharedBuckets == NULL || !capacity_shared_memory_ready())
		return (Datum) 0;
	LWLockAcquire(BucketsLock, LW_SHARED);
	hash_seq_init(&status, SharedBuckets);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		BucketEntry copy;
		int			k;

		if (entry->key.database != MyDatabaseId)
			continue;
		SpinLockAcquire(&entry->mutex);
		memcpy(&copy, entry, sizeof(copy));
		SpinLockRelease(&entry->mutex);
		if (copy.refilled == 0)
			continue;
		for (k = 0; k < 2; k++)
		{
			Datum		values[10];
			bool		nulls[10] = {false};
			double		elapsed = (double) (GetCurrentTimestamp() - copy.refilled) / USECS_PER_SEC;
			double		tokens = copy.bucket[k].tokens;

			/* the balance as a refill now would leave it */
			if (tokens < copy.bucket[k].capacity)
				tokens = Min(copy.bucket[k].capacity, tokens + copy.bucket[k].rate * Max(elapsed, 0));
			values[0] = ObjectIdGetDatum(copy.key.relid);
			values[1] = Int32GetDatum(copy.key.partition);
			values[2] = CStringGetTextDatum(k == CAPACITY_READ ? "READ" : "WRITE");
			values[3] = CStringGetTextDatum(copy.key.partition >= 0 ? "PARTITION" :
											copy.on_demand ? "PAY_PER_REQUEST" : "PROVISIONED");
			values[4] = Float8GetDatum(tokens);
			values[5] = Float8GetDatum(copy.bucket[k].rate);
			values[6] = Float8GetDatum(copy.bucket[k].capacity);
			values[7] = Float8GetDatum(copy.peak[k]);
			nulls[7] = copy.key.partition >= 0 || !copy.on_demand;
			values[8] = Float8GetDatum(copy.consumed[k]);
			values[9] = Float8GetDatum(copy.throttled[k]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	LWLockRelease(BucketsLock);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(dynamo_capacity_enforced);

/* dynamo.capacity_enforced(): whether this server throttles (else it only meters) */
Datum
dynamo_capacity_enforced(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(capacity_shared_memory_ready() && SharedBuckets != NULL && capacity_enforcement);
}
