/*-------------------------------------------------------------------------
 *
 * storage_indexes.c
 *	  Secondary indexes on the write path: the checks of an item's index key
 *	  attributes, and the maintenance of global secondary indexes, called by
 *	  the table access method on every row it writes or deletes.
 *
 * Because the access method calls in here, every door that writes a
 * table's rows (the API, the SQL functions, SQL INSERT / UPDATE / DELETE,
 * INSERT ... ON CONFLICT, COPY, logical replication's apply) keeps the
 * indexes in step, in the same transaction.  Local secondary indexes are
 * btree indexes of the table's own relation, which Postgres maintains;
 * only their key attributes are checked here.
 *
 * INDEX KEYS
 *
 * An item is in an index when it has every key attribute of the index; an
 * item without one is simply not in it (a sparse index).  Once an index is
 * ACTIVE, an item that has an index key attribute of the wrong type, an
 * empty string or binary, or one beyond the key size limits is refused with
 * DynamoDB's ValidationException; while an index is CREATING, such an item
 * is written and left out of the index, as DynamoDB's backfill leaves it
 * out (and counts it: storage_backfill.c).
 *
 * GSI ROWS
 *
 * A GSI row is (index key columns, table_pk, table_sk, projected item)
 * (catalog_indexes.c), in the partition its index partition key hashes to
 * (computed as Postgres' hash partitioning computes it for several
 * columns).  It is written with heap_insert and the relation's index
 * inserts directly, like a catalog row, and found for deletion through the
 * unique index on (key columns, table_pk, table_sk).  The table row is
 * locked by the write (an UPDATE or DELETE waits for a concurrent writer of
 * the same item), so at most one transaction changes the GSI rows of an
 * item at a time; the row is looked up with SnapshotSelf, which sees what
 * committed before the lock was granted and what this transaction wrote.
 * A write that changes neither an index key nor a projected attribute does
 * not touch the index.  While a pg_dump is being restored, the GSI's own
 * rows are restored as data, and table rows loaded meanwhile add nothing
 * (gsi_being_restored).
 *
 * On a Citus worker the row written is a shard's, and its GSI entries go
 * into the GSI partitions' shards colocated with it, on the same node
 * (storage_shards.c); their writes are metered where the request runs
 * (storage_meter_indexes), not here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/partition.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "nodes/execnodes.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "errors.h"
#include "storage/storage.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "
#define GSI_MAX_COLUMNS (2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 3)

/*
 * The index writes of the current operation, in write capacity units, by
 * table and index (see storage_index_meter_reset; writes through the SQL
 * doors add up between resets, so entries hold names, never pointers to
 * metadata that may be gone by then).
 */
#define METER_MAX 1024
static IndexUnits Meter[METER_MAX];
static int	MeterCount = 0;

/* an item's entry in an index: its key values in column order */
typedef struct IndexEntryKey
{
	DynamoValue partition[DYNAMO_INDEX_KEY_ATTRIBUTES];
	DynamoValue sort[DYNAMO_INDEX_KEY_ATTRIBUTES];
} IndexEntryKey;

static bool
values_equal(DynamoValue a, DynamoValue b)
{
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/*
 * Check one index key attribute of an item being stored against an ACTIVE
 * index, with DynamoDB's messages.
 */
static void
check_index_key_value(const TableIndex *index, const char *name, DynamoType declared,
					  DynamoValue value, bool partition)
{
	DynamoType	actual = dynamo_value_type(value);

	if (actual != declared)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s",
					 name, dynamo_type_name(declared), dynamo_type_name(actual), index->name);
	if ((actual == DYNAMO_TYPE_S || actual == DYNAMO_TYPE_B) && value.len == 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s",
					 actual == DYNAMO_TYPE_S ? "string" : "binary", index->name, name);
	storage_check_key_value(name, declared, value, partition);
}

/* whether a value may be an index key of this type (the same rules, no error) */
static bool
valid_index_key_value(DynamoType declared, DynamoValue value, bool partition)
{
	DynamoType	actual = dynamo_value_type(value);

	if (actual != declared)
		return false;
	if ((actual == DYNAMO_TYPE_S || actual == DYNAMO_TYPE_B) && value.len == 1)
		return false;
	if (actual != DYNAMO_TYPE_N &&
		value.len - 1 > (partition ? DYNAMO_MAX_PARTITION_KEY_SIZE : DYNAMO_MAX_SORT_KEY_SIZE))
		return false;
	return true;
}

/*
 * Refuse an item whose index key attributes an ACTIVE index cannot take.
 * Indexes being created take whatever the item has (see the file header).
 */
void
storage_check_index_keys(const TableInfo *table, DynamoValue item)
{
	int			i,
				k;

	for (i = 0; i < table->nindexes; i++)
	{
		const TableIndex *index = &table->indexes[i];
		DynamoValue value;

		if (strcmp(index->status, "CREATING") == 0)
			continue;
		for (k = 0; k < index->npartition_keys; k++)
			if (dynamo_map_lookup(item, index->partition_keys[k], strlen(index->partition_keys[k]), &value))
				check_index_key_value(index, index->partition_keys[k], index->partition_key_types[k],
									  value, true);
		for (k = 0; k < index->nsort_keys; k++)
			if (dynamo_map_lookup(item, index->sort_keys[k], strlen(index->sort_keys[k]), &value))
				check_index_key_value(index, index->sort_keys[k], index->sort_key_types[k],
									  value, false);
	}
}

/*
 * The entry key of an item in an index; false when the item is not in the
 * index (an attribute missing, or one the index cannot take).
 */
bool
storage_index_entry_key(const TableIndex *index, DynamoValue item, DynamoValue *partition,
						DynamoValue *sort)
{
	int			k;

	if (item.data == NULL)
		return false;
	for (k = 0; k < index->npartition_keys; k++)
		if (!dynamo_map_lookup(item, index->partition_keys[k], strlen(index->partition_keys[k]),
							   &partition[k]) ||
			!valid_index_key_value(index->partition_key_types[k], partition[k], true))
			return false;
	for (k = 0; k < index->nsort_keys; k++)
		if (!dynamo_map_lookup(item, index->sort_keys[k], strlen(index->sort_keys[k]), &sort[k]) ||
			!valid_index_key_value(index->sort_key_types[k], sort[k], false))
			return false;
	return true;
}

/*
 * The attributes of item that an index projects: the table's keys, the
 * index's keys and, for INCLUDE, its non-key attributes (ALL: the item).
 */
struct varlena *
storage_index_projection(const TableInfo *table, const TableIndex *index, DynamoValue item)
{
	const char **names;
	int			nnames = 0;
	int			i;

	if (index->projection == PROJECTION_ALL)
		return dynamo_value_to_varlena(item.data, item.len);
	names = palloc(sizeof(char *) * (2 + 2 * DYNAMO_INDEX_KEY_ATTRIBUTES + index->nnon_key_attributes));
	names[nnames++] = table->partition_key;
	if (table->sort_key != NULL)
		names[nnames++] = table->sort_key;
	for (i = 0; i < index->npartition_keys; i++)
		names[nnames++] = index->partition_keys[i];
	for (i = 0; i < index->nsort_keys; i++)
		names[nnames++] = index->sort_keys[i];
	if (index->projection == PROJECTION_INCLUDE)
		for (i = 0; i < index->nnon_key_attributes; i++)
			names[nnames++] = index->non_key_attributes[i];
	return dynamo_map_select(item, names, nnames);
}

/* whether two items have the same values of the attributes an index projects */
static bool
same_projection(const TableIndex *index, DynamoValue old_item, DynamoValue new_item)
{
	int			i;

	switch (index->projection)
	{
		case PROJECTION_KEYS_ONLY:
			return true;		/* the keys are compared by the caller */
		case PROJECTION_ALL:
			return values_equal(old_item, new_item);
		default:
			for (i = 0; i < index->nnon_key_attributes; i++)
			{
				const char *name = index->non_key_attributes[i];
				DynamoValue a,
							b;
				bool		in_old = dynamo_map_lookup(old_item, name, strlen(name), &a);
				bool		in_new = dynamo_map_lookup(new_item, name, strlen(name), &b);

				if (in_old != in_new || (in_old && !values_equal(a, b)))
					return false;
			}
			return true;
	}
}

/* the partition of a GSI that holds an index partition key */
Oid
storage_index_partition(const TableIndex *index, const DynamoValue *partition)
{
	uint64		hash = 0;
	int			k;

	for (k = 0; k < index->npartition_keys; k++)
		hash = hash_combine64(hash, dynamo_value_hash64(partition[k], HASH_PARTITION_SEED));
	return index->partition_relids[hash % (uint64) index->partition_count];
}

/*
 * The column values of a GSI row (NULL item: only its key columns); returns
 * the number of columns.  Order: pk.., sk.., table_pk, table_sk, item.
 */
static int
gsi_row_values(const TableIndex *index, const DynamoValue *partition, const DynamoValue *sort,
			   const ItemKey *table_key, struct varlena *item, Datum *values, bool *nulls)
{
	int			n = 0;
	int			k;

	for (k = 0; k < index->npartition_keys; k++, n++)
	{
		values[n] = PointerGetDatum(dynamo_value_to_varlena(partition[k].data, partition[k].len));
		nulls[n] = false;
	}
	for (k = 0; k < Max(index->nsort_keys, 1); k++, n++)
	{
		nulls[n] = (index->nsort_keys == 0);
		values[n] = nulls[n] ? (Datum) 0 :
			PointerGetDatum(dynamo_value_to_varlena(sort[k].data, sort[k].len));
	}
	values[n] = PointerGetDatum(dynamo_value_to_varlena(table_key->partition.data, table_key->partition.len));
	nulls[n++] = false;
	nulls[n] = (table_key->sort.len == 0);
	values[n] = nulls[n] ? (Datum) 0 :
		PointerGetDatum(dynamo_value_to_varlena(table_key->sort.data, table_key->sort.len));
	n++;
	values[n] = PointerGetDatum(item);
	nulls[n++] = (item == NULL);
	return n;
}

/*
 * Whether a GSI partition is being restored: it has no index yet.  A
 * pg_dump of a database holds the GSI's rows as data of their own, loaded
 * with the table's, and its indexes in the post-data section; a table row
 * loaded meanwhile must not add its entry again.  (A GSI's relation is
 * created with its unique index, so outside a restore it always has one.)
 */
static bool
gsi_being_restored(Relation rel)
{
	List	   *index_oids = RelationGetIndexList(rel);
	bool		restoring = (index_oids == NIL);

	list_free(index_oids);
	return restoring;
}

/* insert a row into a GSI partition and into each of its indexes */
static void
gsi_insert_row(Oid partition_relid, Datum *values, bool *nulls, int ncolumns)
{
	Relation	rel = try_table_open(partition_relid, RowExclusiveLock);
	TupleDesc	desc;
	HeapTuple	tuple;
	TupleTableSlot *slot;
	List	   *index_oids;
	ListCell   *cell;
	EState	   *estate = NULL;

	if (rel == NULL)
		return;					/* the index was dropped since this write began */
	if (gsi_being_restored(rel))
	{
		table_close(rel, NoLock);
		return;
	}
	desc = RelationGetDescr(rel);
	if (desc->natts != ncolumns)
		elog(ERROR, "relation \"%s\" of a global secondary index does not have its %d columns",
			 RelationGetRelationName(rel), ncolumns);
	tuple = heap_form_tuple(desc, values, nulls);
	simple_heap_insert(rel, tuple);

	slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
	ExecStoreHeapTuple(tuple, slot, false);
	index_oids = RelationGetIndexList(rel);
	foreach(cell, index_oids)
	{
		Relation	index = index_open(lfirst_oid(cell), RowExclusiveLock);
		IndexInfo  *info = BuildIndexInfo(index);
		Datum		index_values[INDEX_MAX_KEYS];
		bool		index_nulls[INDEX_MAX_KEYS];

		if (info->ii_Expressions != NIL || info->ii_Predicate != NIL)
		{
			/* an index a user added: evaluate it as the executor would */
			if (estate == NULL)
			{
				estate = CreateExecutorState();
				GetPerTupleExprContext(estate)->ecxt_scantuple = slot;
			}
			if (info->ii_Predicate != NIL &&
				!ExecQual(ExecPrepareQual(info->ii_Predicate, estate), GetPerTupleExprContext(estate)))
			{
				index_close(index, NoLock);
				continue;
			}
		}
		FormIndexDatum(info, slot, estate, index_values, index_nulls);
		index_insert(index, index_values, index_nulls, &tuple->t_self, rel,
					 info->ii_Unique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO, false, info);
		index_close(index, NoLock);
	}
	if (estate != NULL)
		FreeExecutorState(estate);
	ExecDropSingleTupleTableSlot(slot);
	list_free(index_oids);
	heap_freetuple(tuple);
	table_close(rel, NoLock);
}

/*
 * The equality function of the btree opclass of an index column: every key
 * column of a GSI is dynamo.value with its default opclass, so the last one
 * looked up is kept.
 */
static Oid
value_equality_function(Relation index, int column)
{
	static Oid	opfamily = InvalidOid;
	static Oid	function = InvalidOid;
	Oid			type = index->rd_opcintype[column];
	Oid			operator;

	if (index->rd_opfamily[column] == opfamily)
		return function;
	operator = get_opfamily_member(index->rd_opfamily[column], type, type, BTEqualStrategyNumber);
	if (!OidIsValid(operator))
		elog(ERROR, "no equality operator for column %d of index \"%s\"", column + 1,
			 RelationGetRelationName(index));
	function = get_opcode(operator);
	opfamily = index->rd_opfamily[column];
	return function;
}

/*
 * Find the row of an open GSI partition with these key columns (all but
 * item) through its unique index, with SnapshotSelf; false when none.
 */
static bool
gsi_find_row(Relation rel, Datum *values, bool *nulls, int nkeys, ItemPointer tid)
{
	List	   *index_oids = RelationGetIndexList(rel);
	ListCell   *cell;
	Relation	index = NULL;
	ScanKeyData keys[GSI_MAX_COLUMNS];
	IndexScanDesc scan;
	TupleTableSlot *slot;
	bool		found;
	int			k;

	foreach(cell, index_oids)
	{
		Relation	candidate = index_open(lfirst_oid(cell), RowExclusiveLock);

		if (candidate->rd_index->indisunique &&
			IndexRelationGetNumberOfKeyAttributes(candidate) == nkeys)
		{
			index = candidate;
			break;
		}
		index_close(candidate, NoLock);
	}
	if (index == NULL)
	{
		/* being restored: see gsi_being_restored */
		list_free(index_oids);
		return false;
	}

	for (k = 0; k < nkeys; k++)
	{
		if (nulls[k])
			ScanKeyEntryInitialize(&keys[k], SK_ISNULL | SK_SEARCHNULL, k + 1, InvalidStrategy,
								   InvalidOid, InvalidOid, InvalidOid, (Datum) 0);
		else
			ScanKeyInit(&keys[k], k + 1, BTEqualStrategyNumber, value_equality_function(index, k),
						values[k]);
	}
	scan = index_beginscan(rel, index, SnapshotSelf, nkeys, 0);
	index_rescan(scan, keys, nkeys, NULL, 0);
	slot = table_slot_create(rel, NULL);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	if (found)
		*tid = slot->tts_tid;
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(index, NoLock);
	list_free(index_oids);
	return found;
}

/* Delete the row of a GSI partition with these key columns (all but item). */
static void
gsi_delete_row(Oid partition_relid, Datum *values, bool *nulls, int nkeys)
{
	Relation	rel = try_table_open(partition_relid, RowExclusiveLock);
	ItemPointerData tid;

	if (rel == NULL)
		return;					/* the index was dropped since this write began */
	if (gsi_find_row(rel, values, nulls, nkeys, &tid))
		simple_heap_delete(rel, &tid);
	table_close(rel, NoLock);
}

/*
 * Write the entry of an item into a GSI (the backfill's insert too);
 * projected: the item's projection, or NULL to make it here; shard_id: the
 * Citus shard of the item's row being written on a worker, else 0
 * (storage_shards.c).
 */
void
storage_index_insert_entry(const TableInfo *table, const TableIndex *index, int64 shard_id,
						   DynamoValue item, const DynamoValue *partition, const DynamoValue *sort,
						   struct varlena *projected)
{
	ItemKey		table_key;
	Datum		values[GSI_MAX_COLUMNS];
	bool		nulls[GSI_MAX_COLUMNS];
	int			n;

	storage_key_from_item(table, item, &table_key);
	n = gsi_row_values(index, partition, sort, &table_key,
					   projected != NULL ? projected : storage_index_projection(table, index, item),
					   values, nulls);
	gsi_insert_row(storage_colocated_shard(shard_id, storage_index_partition(index, partition)),
				   values, nulls, n);
}

/* Start metering the index writes of an operation. */
void
storage_index_meter_reset(void)
{
	MeterCount = 0;
}

/* The index writes metered since the reset: *count entries. */
const IndexUnits *
storage_index_meter(int *count)
{
	*count = MeterCount;
	return Meter;
}

/*
 * Meter one write of an index entry of this size, as DynamoDB charges it:
 * one write capacity unit per KB, rounded up, per entry put or deleted.
 */
static void
meter_entry(const TableInfo *table, const TableIndex *index, int64 size)
{
	double		units = (double) Max((size + 1023) / 1024, 1);
	int			i;

	for (i = 0; i < MeterCount; i++)
		if (strcmp(Meter[i].name, index->name) == 0 &&
			strcmp(Meter[i].table_name, table->table_name) == 0)
		{
			Meter[i].units += units;
			return;
		}
	if (MeterCount >= METER_MAX)
		return;
	strlcpy(Meter[MeterCount].table_name, table->table_name, sizeof(Meter[MeterCount].table_name));
	strlcpy(Meter[MeterCount].name, index->name, sizeof(Meter[MeterCount].name));
	Meter[MeterCount].global = index->global;
	Meter[MeterCount].units = units;
	MeterCount++;
}

/* the size DynamoDB gives an index entry: its attributes, and 100 bytes */
static int64
entry_size(struct varlena *projected)
{
	return dynamo_item_size(dynamo_value_from_varlena(projected)) + 100;
}

/*
 * Keep the GSIs of a table in step with a write of one item, and meter the
 * writes of every index (an LSI's are metered only: Postgres maintains
 * it): old_item is the row's item before (data NULL for an insert),
 * new_item after (data NULL for a delete); shard_id as for
 * storage_index_insert_entry.  An entry whose key changes is
 * deleted and put (two writes), one whose projected attributes change is
 * rewritten (one write), as DynamoDB charges them.
 */
static void
maintain_indexes(const TableInfo *table, int64 shard_id, DynamoValue old_item, DynamoValue new_item,
				 bool write_entries)
{
	/*
	 * A shard's writes are metered where the request runs (the coordinator,
	 * or the worker whose endpoint took it, which may be this process when
	 * Citus writes the shard locally): storage_meter_indexes.
	 */
	bool		meter = (shard_id == 0);
	int			i;

	for (i = 0; i < table->nindexes; i++)
	{
		const TableIndex *index = &table->indexes[i];
		IndexEntryKey old_key;
		IndexEntryKey new_key;
		bool		in_old;
		bool		in_new;
		struct varlena *new_projection;

		in_old = storage_index_entry_key(index, old_item, old_key.partition, old_key.sort);
		in_new = storage_index_entry_key(index, new_item, new_key.partition, new_key.sort);
		new_projection = NULL;
		if (in_old && in_new)
		{
			bool		same = true;
			int			k;

			for (k = 0; k < index->npartition_keys && same; k++)
				same = values_equal(old_key.partition[k], new_key.partition[k]);
			for (k = 0; k < index->nsort_keys && same; k++)
				same = values_equal(old_key.sort[k], new_key.sort[k]);
			if (same && same_projection(index, old_item, new_item))
			{
				/* a GSI being backfilled gets the entry of an item rewritten as it was */
				if (write_entries && index->global && strcmp(index->status, "CREATING") == 0)
					(void) storage_index_backfill_item(table, index, shard_id, new_item);
				continue;
			}
			new_projection = storage_index_projection(table, index, new_item);
			if (same)
			{
				/* the entry changes in place: one write */
				if (meter)
					meter_entry(table, index, Max(entry_size(storage_index_projection(table, index, old_item)),
										   entry_size(new_projection)));
				if (!index->global || !write_entries)
					continue;
				goto rewrite;
			}
		}
		if (in_new && new_projection == NULL)
			new_projection = storage_index_projection(table, index, new_item);
		if (in_old && meter)
			meter_entry(table, index, entry_size(storage_index_projection(table, index, old_item)));
		if (in_new && meter)
			meter_entry(table, index, entry_size(new_projection));
		if (!index->global || !write_entries)
			continue;			/* Postgres maintains an LSI: it is only metered */
rewrite:
		if (in_old)
		{
			ItemKey		table_key;
			Datum		values[GSI_MAX_COLUMNS];
			bool		nulls[GSI_MAX_COLUMNS];
			int			n;

			storage_key_from_item(table, old_item, &table_key);
			n = gsi_row_values(index, old_key.partition, old_key.sort, &table_key, NULL, values, nulls);
			gsi_delete_row(storage_colocated_shard(shard_id, storage_index_partition(index, old_key.partition)),
						   values, nulls, n - 1);
		}
		if (in_new)
			storage_index_insert_entry(table, index, shard_id, new_item, new_key.partition, new_key.sort,
									   new_projection);
	}
}

void
storage_maintain_indexes(const TableInfo *table, int64 shard_id, DynamoValue old_item,
						 DynamoValue new_item)
{
	maintain_indexes(table, shard_id, old_item, new_item, true);
}

/*
 * Meter the index writes of a write of one item, without writing: on the
 * coordinator, for a table distributed by Citus, whose index entries the
 * workers write (metering there, out of the request's sight).
 */
void
storage_meter_indexes(const TableInfo *table, DynamoValue old_item, DynamoValue new_item)
{
	maintain_indexes(table, 0, old_item, new_item, false);
}

/*
 * The backfill's step for one item of the table, whose row the caller has
 * locked (FOR SHARE, or by rewriting it: the backfill of a distributed
 * table): its entry in the index unless one is there already (a writer
 * made it).  Returns what happened.
 */
BackfillOutcome
storage_index_backfill_item(const TableInfo *table, const TableIndex *index, int64 shard_id,
							DynamoValue item)
{
	IndexEntryKey key;
	ItemKey		table_key;
	Datum		values[GSI_MAX_COLUMNS];
	bool		nulls[GSI_MAX_COLUMNS];
	DynamoValue value;
	Relation	rel;
	ItemPointerData tid;
	bool		exists;
	int			n;
	int			k;

	for (k = 0; k < index->npartition_keys; k++)
		if (!dynamo_map_lookup(item, index->partition_keys[k], strlen(index->partition_keys[k]), &value))
			return BACKFILL_NOT_IN_INDEX;
	for (k = 0; k < index->nsort_keys; k++)
		if (!dynamo_map_lookup(item, index->sort_keys[k], strlen(index->sort_keys[k]), &value))
			return BACKFILL_NOT_IN_INDEX;
	if (!storage_index_entry_key(index, item, key.partition, key.sort))
		return BACKFILL_KEY_VIOLATION;

	storage_key_from_item(table, item, &table_key);
	n = gsi_row_values(index, key.partition, key.sort, &table_key, NULL, values, nulls);
	rel = table_open(storage_colocated_shard(shard_id, storage_index_partition(index, key.partition)),
					 RowExclusiveLock);
	exists = gsi_find_row(rel, values, nulls, n - 1, &tid);
	table_close(rel, NoLock);
	if (exists)
		return BACKFILL_EXISTS;
	storage_index_insert_entry(table, index, shard_id, item, key.partition, key.sort, NULL);
	return BACKFILL_INSERTED;
}
