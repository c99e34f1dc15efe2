/*-------------------------------------------------------------------------
 *
 * storage.h
 *	  The storage layer: the "dynamo" table access method, which wraps heap
 *	  and enforces DynamoDB's invariants on every row it stores, and the
 *	  primitives that read and write the row of one item by its key.
 *
 * A DynamoDB table is a partitioned relation in schema dynamo_data (columns
 * pk dynamo.value, sk dynamo.value, item dynamo.item; PARTITION BY HASH on
 * pk) whose partitions use this access method.  The access method is heap
 * with its write callbacks checking each row first (storage_check.c) and its
 * index-build callbacks running with heap's own routine in rd_tableam
 * (storage_am.c explains why).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_STORAGE_H
#define DYNAMO_STORAGE_H

#include "postgres.h"

#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/relcache.h"

#include "catalog/catalog.h"
#include "value/value.h"

/* DynamoDB's limits on keys (the item limit is DYNAMO_MAX_ITEM_SIZE) */
#define DYNAMO_MAX_PARTITION_KEY_SIZE	2048
#define DYNAMO_MAX_SORT_KEY_SIZE		1024

/* storage_am.c */
extern Datum dynamo_tableam_handler(PG_FUNCTION_ARGS);
extern void storage_track_replaced(bool track);
extern int64 storage_replaced_size(void);

/* storage_check.c */
typedef struct CatalogAccess	/* what storage_begin_catalog_access changed */
{
	Oid			userid;
	int			sec_context;
	bool		pushed_snapshot;
} CatalogAccess;

extern void storage_begin_catalog_access(CatalogAccess *saved);
extern void storage_end_catalog_access(const CatalogAccess *saved);
extern void storage_check_row(Relation rel, TupleTableSlot *slot);
extern const TableInfo *storage_indexed_table(Relation rel, AttrNumber *item_attnum, int64 *shard_id);

/* storage_shards.c */
extern Oid	storage_colocated_shard(int64 shard_id, Oid relid);
extern void storage_shards_invalidate(Oid relid);
extern void storage_bound_remote_lock_waits(void);

/* the primary key of an item: its partition key and sort key values */
typedef struct ItemKey
{
	DynamoValue partition;
	DynamoValue sort;			/* len 0 when the table has no sort key */
} ItemKey;

/* storage_rows.c */
extern void storage_key_from_item(const TableInfo *table, DynamoValue item, ItemKey *key);
extern void storage_check_key_value(const char *name, DynamoType declared, DynamoValue value,
									bool partition);
extern struct varlena *storage_key_item(const TableInfo *table, const ItemKey *key);
extern int	storage_partition_index(const TableInfo *table, DynamoValue partition_value);
extern struct varlena *storage_read_item(const TableInfo *table, const ItemKey *key, bool for_update);
extern struct varlena *storage_read_item_shared(const TableInfo *table, const ItemKey *key);
extern bool storage_insert_item(const TableInfo *table, const ItemKey *key, struct varlena *item);
extern int64 storage_upsert_item(const TableInfo *table, const ItemKey *key, struct varlena *item);
extern void storage_replace_item(const TableInfo *table, const ItemKey *key, struct varlena *item);
extern bool storage_delete_item(const TableInfo *table, const ItemKey *key);
extern int64 storage_item_collection_size(const TableInfo *table, const ItemKey *key);

/* storage_indexes.c */
typedef struct IndexUnits
{
	char		table_name[DYNAMO_TABLE_NAME_MAX + 1];	/* the index's table */
	char		name[DYNAMO_INDEX_NAME_MAX + 1];
	bool		global;
	double		units;			/* write capacity units */
} IndexUnits;

typedef enum BackfillOutcome
{
	BACKFILL_NOT_IN_INDEX,		/* an index key attribute is missing */
	BACKFILL_KEY_VIOLATION,		/* one the index cannot take (type, empty, size) */
	BACKFILL_EXISTS,			/* its entry is there (a writer made it) */
	BACKFILL_INSERTED
} BackfillOutcome;

extern void storage_check_index_keys(const TableInfo *table, DynamoValue item);
extern bool storage_index_entry_key(const TableIndex *index, DynamoValue item,
									DynamoValue *partition, DynamoValue *sort);
extern struct varlena *storage_index_projection(const TableInfo *table, const TableIndex *index,
												DynamoValue item);
extern Oid	storage_index_partition(const TableIndex *index, const DynamoValue *partition);
extern void storage_index_insert_entry(const TableInfo *table, const TableIndex *index,
									   int64 shard_id, DynamoValue item, const DynamoValue *partition,
									   const DynamoValue *sort, struct varlena *projected);
extern void storage_maintain_indexes(const TableInfo *table, int64 shard_id, DynamoValue old_item,
									 DynamoValue new_item);
extern void storage_index_meter_reset(void);
extern const IndexUnits *storage_index_meter(int *count);
extern BackfillOutcome storage_index_backfill_item(const TableInfo *table, const TableIndex *index,
												   int64 shard_id, DynamoValue item);
extern void storage_meter_indexes(const TableInfo *table, DynamoValue old_item, DynamoValue new_item);

/* storage_backfill.c */
extern int	dynamo_backfill_batch_size;
extern void storage_backfill_launch(const char *index_relation);
extern void storage_register_backfill_launcher(void);
extern void storage_define_settings(void);

#endif							/* DYNAMO_STORAGE_H */
