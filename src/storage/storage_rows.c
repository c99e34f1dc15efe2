/*-------------------------------------------------------------------------
 *
 * storage_rows.c
 *	  Reading and writing the row of one item, by key, in a table's
 *	  partitioned relation.
 *
 * The partition of a key is computed here, as Postgres' hash partitioning
 * computes it (the key's extended hash with HASH_PARTITION_SEED, combined
 * as for one column, modulo the partition count), and every statement runs
 * on that partition directly: a plan prepared once per partition and kept
 * (SPI).  So an operation plans nothing and locks one partition and its
 * index, not every partition of the table as a generic plan on the parent
 * would.  The caller is connected to SPI.
 *
 * Row layout (catalog_create.c): pk dynamo.value, sk dynamo.value (NULL when
 * the table has no sort key), item dynamo.item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "common/hashfn.h"
#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "deferred_free.h"
#include "errors.h"
#include "storage/storage.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "
#define MAX_PARTITION_KEY_BYTES DYNAMO_MAX_PARTITION_KEY_SIZE
#define MAX_SORT_KEY_BYTES DYNAMO_MAX_SORT_KEY_SIZE

typedef enum RowStatement
{
	ROW_READ,
	ROW_READ_FOR_UPDATE,
	ROW_READ_SHARE_NOWAIT,
	ROW_INSERT,
	ROW_UPSERT,
	ROW_REPLACE,
	ROW_DELETE,
	ROW_COLLECTION,
	ROW_STATEMENTS
} RowStatement;

typedef struct RowPlans
{
	Oid			relid;			/* hash key */
	SPIPlanPtr	plans[ROW_STATEMENTS];
} RowPlans;

static HTAB *PlanCache = NULL;
static Oid	ValueTypeOid = InvalidOid;
static Oid	ItemTypeOid = InvalidOid;

static void
free_plan(void *plan)
{
	SPI_freeplan((SPIPlanPtr) plan);
}

/*
 * Forget the plans of a relation that changed (all for InvalidOid).  This
 * runs whenever a lock is taken, possibly inside the execution of one of
 * these very plans (an ANALYZE of the partition by autovacuum is enough):
 * the plans are freed only at the end of the transaction (deferred_free.c).
 */
static void
plan_cache_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	RowPlans   *entry;

	if (PlanCache == NULL)
		return;
	hash_seq_init(&status, PlanCache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || entry->relid == relid)
		{
			int			i;

			for (i = 0; i < ROW_STATEMENTS; i++)
				if (entry->plans[i] != NULL)
					free_at_transaction_end(free_plan, entry->plans[i]);
			(void) hash_search(PlanCache, &entry->relid, HASH_REMOVE, NULL);
		}
	}
	if (relid == InvalidOid)
		ValueTypeOid = ItemTypeOid = InvalidOid;
}

static void
lookup_types(void)
{
	Oid			namespace = get_namespace_oid("dynamo", false);

	ValueTypeOid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum("value"), ObjectIdGetDatum(namespace));
	ItemTypeOid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								  CStringGetDatum("item"), ObjectIdGetDatum(namespace));
}

/* the hash remainder of the partition that holds a partition key value */
int
storage_partition_index(const TableInfo *table, DynamoValue partition_value)
{
	uint64		hash = hash_combine64(0, dynamo_value_hash64(partition_value, HASH_PARTITION_SEED));

	return (int) (hash % (uint64) table->partition_count);
}

/* the partition that holds a partition key value */
static Oid
partition_for(const TableInfo *table, DynamoValue partition_value)
{
	return table->partition_relids[storage_partition_index(table, partition_value)];
}

/* the kept plan of a statement on the partition of a key */
static SPIPlanPtr
row_plan(const TableInfo *table, Oid partition, RowStatement statement)
{
	RowPlans   *entry;
	bool		found;
	const char *relation;
	const char *key_match;
	char	   *sql;
	Oid			argtypes[3];
	SPIPlanPtr	plan;

	if (PlanCache == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(RowPlans);
		PlanCache = hash_create("dynamo row plans", 64, &ctl, HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(plan_cache_invalidate, (Datum) 0);
	}
	if (!OidIsValid(ValueTypeOid))
		lookup_types();

	entry = hash_search(PlanCache, &partition, HASH_ENTER, &found);
	if (!found)
		memset(entry->plans, 0, sizeof(entry->plans));
	if (entry->plans[statement] != NULL)
		return entry->plans[statement];

	relation = quote_qualified_identifier("dynamo_data", get_rel_name(partition));
	/* operators qualified: these run under the caller's search_path */
	key_match = table->sort_key ? "pk OPERATOR(dynamo.=) $1 AND sk OPERATOR(dynamo.=) $2"
		: "pk OPERATOR(dynamo.=) $1";
	argtypes[0] = ValueTypeOid;
	argtypes[1] = ValueTypeOid;
	argtypes[2] = ItemTypeOid;
	switch (statement)
	{
		case ROW_READ:
			sql = psprintf("SELECT item FROM %s WHERE %s", relation, key_match);
			break;
		case ROW_READ_FOR_UPDATE:
			sql = psprintf("SELECT item FROM %s WHERE %s FOR UPDATE", relation, key_match);
			break;
		case ROW_READ_SHARE_NOWAIT:
			sql = psprintf("SELECT item FROM %s WHERE %s FOR SHARE NOWAIT", relation, key_match);
			break;
		case ROW_INSERT:
			sql = psprintf("INSERT INTO %s (pk, sk, item) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
						   relation);
			break;
		case ROW_UPSERT:
			sql = psprintf("INSERT INTO %s (pk, sk, item) VALUES ($1, $2, $3) "
						   "ON CONFLICT (pk%s) DO UPDATE SET item = EXCLUDED.item",
						   relation, table->sort_key ? ", sk" : "");
			break;
		case ROW_REPLACE:
			sql = psprintf("UPDATE %s SET item = $3 WHERE %s", relation, key_match);
			break;
		case ROW_COLLECTION:
			sql = psprintf("SELECT item FROM %s WHERE pk OPERATOR(dynamo.=) $1", relation);
			break;
		default:
			sql = psprintf("DELETE FROM %s WHERE %s", relation, key_match);
			break;
	}
	plan = SPI_prepare(sql, 3, argtypes);
	if (plan == NULL)
		elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	entry->plans[statement] = plan;
	return plan;
}

/* run a row statement with the key (and item) as parameters */
static int
run_row_statement(const TableInfo *table, RowStatement statement, const ItemKey *key,
				  struct varlena *item)
{
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			ret;

	values[0] = PointerGetDatum(dynamo_value_to_varlena(key->partition.data, key->partition.len));
	if (key->sort.len > 0)
		values[1] = PointerGetDatum(dynamo_value_to_varlena(key->sort.data, key->sort.len));
	else
	{
		values[1] = (Datum) 0;
		nulls[1] = 'n';
	}
	values[2] = PointerGetDatum(item);
	if (item == NULL)
		nulls[2] = 'n';

	if (table->distributed && statement != ROW_READ && statement != ROW_COLLECTION)
		storage_bound_remote_lock_waits();
	ret = SPI_execute_plan(row_plan(table, partition_for(table, key->partition), statement),
						   values, nulls,
						   statement == ROW_READ, statement == ROW_READ ? 1 : 0);
	if (ret < 0)
		elog(ERROR, "row statement failed: %s", SPI_result_code_string(ret));
	return ret;
}

/*
 * Check one key attribute's value against the key schema, with DynamoDB's
 * messages: type, emptiness, size.
 */
void
storage_check_key_value(const char *name, DynamoType declared, DynamoValue value,
						bool partition)
{
	DynamoType	actual = dynamo_value_type(value);

	if (actual != declared)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Type mismatch for key %s expected: %s actual: %s",
					 name, dynamo_type_name(declared), dynamo_type_name(actual));
	if ((actual == DYNAMO_TYPE_S || actual == DYNAMO_TYPE_B) && value.len == 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
					 actual == DYNAMO_TYPE_S ? "string" : "binary", name);
	if (partition && actual != DYNAMO_TYPE_N && value.len - 1 > MAX_PARTITION_KEY_BYTES)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Size of hashkey has exceeded the maximum size limit of2048 bytes");
	if (!partition && actual != DYNAMO_TYPE_N && value.len - 1 > MAX_SORT_KEY_BYTES)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
}

/* The key of an item to be stored, checked against the table's key schema. */
void
storage_key_from_item(const TableInfo *table, DynamoValue item, ItemKey *key)
{
	memset(key, 0, sizeof(*key));
	if (!dynamo_map_lookup(item, table->partition_key, strlen(table->partition_key), &key->partition))
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "Missing the key %s in the item",
					 table->partition_key);
	storage_check_key_value(table->partition_key, table->partition_key_type, key->partition, true);
	if (table->sort_key != NULL)
	{
		if (!dynamo_map_lookup(item, table->sort_key, strlen(table->sort_key), &key->sort))
			dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "Missing the key %s in the item",
						 table->sort_key);
		storage_check_key_value(table->sort_key, table->sort_key_type, key->sort, false);
	}
}

/* An item made of the key attributes alone (UpdateItem of a new item). */
struct varlena *
storage_key_item(const TableInfo *table, const ItemKey *key)
{
	DynamoElement elements[2];
	StringInfoData scratch;
	StringInfoData out;
	int			n = 0;

	initStringInfo(&scratch);
	elements[n].name = table->partition_key;
	elements[n].namelen = strlen(table->partition_key);
	elements[n].start = scratch.len;
	elements[n].len = key->partition.len;
	appendBinaryStringInfo(&scratch, (const char *) key->partition.data, key->partition.len);
	n++;
	if (table->sort_key != NULL)
	{
		elements[n].name = table->sort_key;
		elements[n].namelen = strlen(table->sort_key);
		elements[n].start = scratch.len;
		elements[n].len = key->sort.len;
		appendBinaryStringInfo(&scratch, (const char *) key->sort.data, key->sort.len);
		n++;
	}
	dynamo_sort_map_elements(elements, n);
	initStringInfo(&out);
	dynamo_write_container(&out, DYNAMO_TYPE_M, scratch.data, elements, n);
	return dynamo_value_to_varlena((const uint8 *) out.data, out.len);
}

/* the equality function of dynamo.value's default btree opclass */
static Oid
value_equality_function(Relation index)
{
	static Oid	function = InvalidOid;

	if (!OidIsValid(function))
	{
		Oid			type = index->rd_opcintype[0];
		Oid			operator = get_opfamily_member(index->rd_opfamily[0], type, type,
												   BTEqualStrategyNumber);

		if (!OidIsValid(operator))
			elog(ERROR, "no equality operator for dynamo.value keys");
		function = get_opcode(operator);
	}
	return function;
}

/*
 * The item with this key read straight from its partition's primary-key
 * index, under the active snapshot: no SQL, no plan, one partition and one
 * index locked (until the end of the transaction, as a query would).
 */
static struct varlena *
read_item_from_index(const TableInfo *table, const ItemKey *key)
{
	Relation	rel = table_open(partition_for(table, key->partition), AccessShareLock);
	Oid			index_oid = RelationGetPrimaryKeyIndex(rel);
	Relation	index;
	ScanKeyData keys[2];
	int			nkeys = 0;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	struct varlena *result = NULL;

	if (!OidIsValid(index_oid))
		elog(ERROR, "relation \"%s\" has no primary key", RelationGetRelationName(rel));
	index = index_open(index_oid, AccessShareLock);

	ScanKeyInit(&keys[nkeys++], 1, BTEqualStrategyNumber, value_equality_function(index),
				PointerGetDatum(dynamo_value_to_varlena(key->partition.data, key->partition.len)));
	if (key->sort.len > 0)
		ScanKeyInit(&keys[nkeys++], 2, BTEqualStrategyNumber, value_equality_function(index),
					PointerGetDatum(dynamo_value_to_varlena(key->sort.data, key->sort.len)));

	scan = index_beginscan(rel, index, GetActiveSnapshot(), nkeys, 0);
	index_rescan(scan, keys, nkeys, NULL, 0);
	slot = table_slot_create(rel, NULL);
	if (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		struct varlena *item = PG_DETOAST_DATUM(slot_getattr(slot, 3, &isnull));

		/* into the caller's memory, as SPI results are */
		result = SPI_palloc(VARSIZE(item));
		memcpy(result, item, VARSIZE(item));
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(index, NoLock);
	table_close(rel, NoLock);
	return result;
}

/*
 * The stored item with this key, or NULL.  With for_update, the row is
 * locked until the end of the transaction, and the latest committed version
 * is read (a concurrent writer is waited for).  The result is allocated in
 * the caller's (pre-SPI) memory context.  A plain read goes straight to the
 * partition's index, unless the table is distributed by Citus.
 */
struct varlena *
storage_read_item(const TableInfo *table, const ItemKey *key, bool for_update)
{
	bool		isnull;
	Datum		item;

	if (!for_update && !table->distributed)
		return read_item_from_index(table, key);
	/* a distributed table's partition is a shell here: Citus routes the statement to the key's shard */
	run_row_statement(table, for_update ? ROW_READ_FOR_UPDATE : ROW_READ, key, NULL);
	if (SPI_processed == 0)
		return NULL;
	item = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return (struct varlena *) DatumGetPointer(SPI_datumTransfer(PointerGetDatum(PG_DETOAST_DATUM(item)),
																false, -1));
}

/*
 * The stored item with this key, or NULL, its row share-locked until the
 * end of the transaction; a row a writer holds is not waited for: Postgres'
 * lock_not_available error (a transaction's Get: TransactionConflict).
 */
struct varlena *
storage_read_item_shared(const TableInfo *table, const ItemKey *key)
{
	bool		isnull;
	Datum		item;

	run_row_statement(table, ROW_READ_SHARE_NOWAIT, key, NULL);
	if (SPI_processed == 0)
		return NULL;
	item = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return (struct varlena *) DatumGetPointer(SPI_datumTransfer(PointerGetDatum(PG_DETOAST_DATUM(item)),
																false, -1));
}

/* Insert a new item; false when a row with its key exists already. */
bool
storage_insert_item(const TableInfo *table, const ItemKey *key, struct varlena *item)
{
	run_row_statement(table, ROW_INSERT, key, item);
	return SPI_processed == 1;
}

/* Store an item whether or not a row with its key exists, in one statement. */
int64
storage_upsert_item(const TableInfo *table, const ItemKey *key, struct varlena *item)
{
	int64		replaced;

	storage_track_replaced(true);
	PG_TRY();
	{
		run_row_statement(table, ROW_UPSERT, key, item);
	}
	PG_FINALLY();
	{
		replaced = storage_replaced_size();
		storage_track_replaced(false);
	}
	PG_END_TRY();
	return replaced;
}

/* Replace the item of an existing (locked) row. */
void
storage_replace_item(const TableInfo *table, const ItemKey *key, struct varlena *item)
{
	run_row_statement(table, ROW_REPLACE, key, item);
}

/* Delete the row with this key; false when there was none. */
bool
storage_delete_item(const TableInfo *table, const ItemKey *key)
{
	run_row_statement(table, ROW_DELETE, key, NULL);
	return SPI_processed == 1;
}

/*
 * The size of the item collection of a key's partition key value, as
 * DynamoDB counts it for a table with local secondary indexes: the sizes of
 * its items and of their entries in every LSI, this transaction's writes
 * included.  Reads the whole collection.
 */
int64
storage_item_collection_size(const TableInfo *table, const ItemKey *key)
{
	int64		size = 0;
	uint64		n;
	int			i;

	run_row_statement(table, ROW_COLLECTION, key, NULL);
	for (n = 0; n < SPI_processed; n++)
	{
		bool		isnull;
		Datum		datum = SPI_getbinval(SPI_tuptable->vals[n], SPI_tuptable->tupdesc, 1, &isnull);
		struct varlena *stored = PG_DETOAST_DATUM(datum);
		DynamoValue item = dynamo_value_from_varlena(stored);

		size += dynamo_item_size(item);
		for (i = 0; i < table->nindexes; i++)
		{
			const TableIndex *index = &table->indexes[i];
			DynamoValue partition[DYNAMO_INDEX_KEY_ATTRIBUTES];
			DynamoValue sort[DYNAMO_INDEX_KEY_ATTRIBUTES];

			if (!index->global && storage_index_entry_key(index, item, partition, sort))
			{
				struct varlena *entry = storage_index_projection(table, index, item);

				size += dynamo_item_size(dynamo_value_from_varlena(entry)) + 100;
				pfree(entry);
			}
		}
		if ((Pointer) stored != DatumGetPointer(datum))
			pfree(stored);
	}
	return size;
}
