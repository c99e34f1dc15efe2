/*-------------------------------------------------------------------------
 *
 * storage_check.c
 *	  The DynamoDB invariants of a stored row, checked by the dynamo table
 *	  access method on every row it writes.
 *
 * WHICH RELATIONS ARE CHECKED
 *
 * A relation belongs to a DynamoDB table when it is a partition of a
 * partitioned relation in schema dynamo_data whose name is the
 * relation_name of a row of dynamo.tables.  Its columns are pk and sk
 * (dynamo.value) and item (dynamo.item); sk is NULL when the table has no
 * sort key.  Any other relation using the access method (a plain table a
 * user created USING dynamo, a TOAST table, the transient copy an ALTER
 * TABLE rewrite writes into) is heap and gets no checks; the test for that
 * is one flag of the relcache entry (relispartition) for all but partitions.
 *
 * THE KEY SCHEMA CACHE
 *
 * The key schema of a partition's table is read from dynamo.tables with SPI
 * the first time the backend writes to the partition, and kept in a
 * backend-local hash table keyed by the partition's OID, together with the
 * column numbers of pk, sk and item.  Entries live in their own memory
 * context under CacheMemoryContext.  A relcache invalidation of a relation
 * invalidates its entry and the entries of its partitions (so that renaming
 * or dropping the parent, or altering the partition, is seen); an
 * invalidation of every relation invalidates them all.  Invalid entries are
 * freed at the start of the next check, never under a check in progress
 * (see storage_relcache_callback).  Partitions of relations outside
 * dynamo_data are cached as "no checks".  A partition of a dynamo_data
 * relation that has no catalog row is not cached, so a catalog row added
 * later is found; key schemas never change once a table exists (DynamoDB
 * has no way to change them), so the catalog's rows need no invalidation of
 * their own.
 *
 * The lookup runs as the bootstrap superuser in a restricted security
 * context, so that a role that may write into a table but not read the
 * catalog still gets its rows checked; the query names every object and
 * operator with its schema, so search_path cannot redirect it.
 *
 * THE CHECKS
 *
 * In DynamoDB's order and with its messages: the key attributes are present
 * with their declared types, are not empty strings or binaries, and are
 * within the key size limits; the item is within 400 KB by DynamoDB's size
 * rules; and the pk and sk columns hold exactly the item's key attributes
 * (byte-equal encodings, which are canonical), so that plain SQL cannot
 * store a row whose key columns disagree with its item.  Reading the key
 * attributes is a binary search over the item's offsets, without
 * allocation; the only allocations are the detoasted copies of columns
 * that arrive compressed or out of line, freed before returning.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/extension.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_authid_d.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "errors.h"
#include "storage/storage.h"
#include "value/value.h"

/* what the cache knows of one relation */
typedef struct StorageKeySchema
{
	Oid			relid;			/* hash key: the partition */
	Oid			parent_relid;	/* its partitioned parent */
	bool		valid;			/* false once invalidated: freed at the next lookup */
	bool		is_dynamo_table;	/* false: no checks; the rest is unset */
	AttrNumber	pk_attnum;
	AttrNumber	sk_attnum;
	AttrNumber	item_attnum;
	AttrNumber	max_attnum;		/* the largest of the three */
	char	   *partition_key;	/* attribute name, in StorageCacheContext */
	uint32		partition_key_len;
	DynamoType	partition_key_type;
	char	   *sort_key;		/* NULL when the table has no sort key */
	uint32		sort_key_len;
	DynamoType	sort_key_type;
	char	   *table_name;		/* the DynamoDB table's */
	bool		has_indexes;	/* it has secondary indexes (dynamo.indexes) */
	int64		shard_id;		/* a Citus shard of a partition (on a worker): its shard id; else 0 */
} StorageKeySchema;

/* the key schema as the catalog row gives it, before it is cached */
typedef struct CatalogKeySchema
{
	char	   *table_name;
	char	   *partition_key;
	char	   *partition_key_type;
	char	   *sort_key;
	char	   *sort_key_type;
	bool		has_indexes;
} CatalogKeySchema;

static HTAB *key_schema_cache = NULL;
static MemoryContext StorageCacheContext = NULL;
static bool key_schema_cache_has_invalid = false;


/* ------------------------------------------------------------------------
 * The cache.
 * ------------------------------------------------------------------------
 */

/* free what an entry points to (not the entry: the hash table owns it) */
static void
free_entry_strings(StorageKeySchema *entry)
{
	if (entry->partition_key != NULL)
		pfree(entry->partition_key);
	if (entry->sort_key != NULL)
		pfree(entry->sort_key);
	if (entry->table_name != NULL)
		pfree(entry->table_name);
	entry->partition_key = NULL;
	entry->sort_key = NULL;
	entry->table_name = NULL;
}

/*
 * Relcache invalidation: mark the relation and its partitions invalid, or
 * every entry when relid is InvalidOid.
 *
 * Invalidations are processed whenever a lock is taken, and a check takes
 * locks after it has looked up its key schema (detoasting a column opens the
 * TOAST table), so the callback must not free what a check in progress may
 * be reading: it only marks entries, and the next lookup, at the start of
 * the next check, frees them.
 */
static void
storage_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	StorageKeySchema *entry;

	storage_shards_invalidate(relid);
	if (key_schema_cache == NULL)
		return;
	hash_seq_init(&status, key_schema_cache);
	while ((entry = (StorageKeySchema *) hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || entry->relid == relid || entry->parent_relid == relid)
		{
			entry->valid = false;
			key_schema_cache_has_invalid = true;
		}
	}
}

/* remove the entries invalidated since the last lookup */
static void
remove_invalid_entries(void)
{
	HASH_SEQ_STATUS status;
	StorageKeySchema *entry;

	hash_seq_init(&status, key_schema_cache);
	while ((entry = (StorageKeySchema *) hash_seq_search(&status)) != NULL)
	{
		if (!entry->valid)
		{
			free_entry_strings(entry);
			hash_search(key_schema_cache, &entry->relid, HASH_REMOVE, NULL);
		}
	}
	key_schema_cache_has_invalid = false;
}

/* create the cache and register its invalidation, once per backend */
static void
init_key_schema_cache(void)
{
	HASHCTL		ctl;

	StorageCacheContext = AllocSetContextCreate(CacheMemoryContext,
												"dynamo storage key schemas",
												ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(StorageKeySchema);
	ctl.hcxt = StorageCacheContext;
	key_schema_cache = hash_create("dynamo storage key schemas", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(storage_relcache_callback, (Datum) 0);
}


/* ------------------------------------------------------------------------
 * Reading the catalog.
 * ------------------------------------------------------------------------
 */

/*
 * Read the catalog as the bootstrap superuser in a restricted security
 * context (see the file's header), with a snapshot if there is none.
 */
void
storage_begin_catalog_access(CatalogAccess *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   saved->sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	saved->pushed_snapshot = false;
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		saved->pushed_snapshot = true;
	}
}

void
storage_end_catalog_access(const CatalogAccess *saved)
{
	if (saved->pushed_snapshot)
		PopActiveSnapshot();
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/* a column of the SPI result row, copied into the caller's context; NULL if null */
static char *
copy_spi_text(HeapTuple tuple, TupleDesc desc, int column, MemoryContext context)
{
	char	   *value = SPI_getvalue(tuple, desc, column);

	return value == NULL ? NULL : MemoryContextStrdup(context, value);
}

/*
 * The catalog row of the DynamoDB table stored in relation dynamo_data.<name>,
 * read with SPI as the bootstrap superuser; false when there is none.
 */
static bool
read_catalog_key_schema(const char *relation_name, CatalogKeySchema *result)
{
	static const char *query =
		"SELECT table_name, partition_key, partition_key_type, sort_key, sort_key_type,"
		"       EXISTS (SELECT FROM dynamo.indexes i"
		"                WHERE i.table_name OPERATOR(pg_catalog.=) t.table_name)"
		"  FROM dynamo.tables t"
		" WHERE relation_name OPERATOR(pg_catalog.=) $1";
	MemoryContext caller_context = CurrentMemoryContext;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	CatalogAccess saved;
	bool		found;
	int			ret;

	args[0] = CStringGetTextDatum(relation_name);

	storage_begin_catalog_access(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	ret = SPI_execute_with_args(query, 1, argtypes, args, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading the key schema of relation \"%s\" failed: %s",
			 relation_name, SPI_result_code_string(ret));

	found = (SPI_processed > 0);
	if (found)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;

		result->table_name = copy_spi_text(tuple, desc, 1, caller_context);
		result->partition_key = copy_spi_text(tuple, desc, 2, caller_context);
		result->partition_key_type = copy_spi_text(tuple, desc, 3, caller_context);
		result->sort_key = copy_spi_text(tuple, desc, 4, caller_context);
		result->sort_key_type = copy_spi_text(tuple, desc, 5, caller_context);
		result->has_indexes = strcmp(SPI_getvalue(tuple, desc, 6), "t") == 0;
	}

	SPI_finish();
	storage_end_catalog_access(&saved);
	pfree(DatumGetPointer(args[0]));
	return found;
}

/* 'S', 'N' or 'B' of the catalog as a type tag */
static DynamoType
key_type_from_catalog(const char *type, const char *table_name)
{
	if (type != NULL && strcmp(type, "S") == 0)
		return DYNAMO_TYPE_S;
	if (type != NULL && strcmp(type, "N") == 0)
		return DYNAMO_TYPE_N;
	if (type != NULL && strcmp(type, "B") == 0)
		return DYNAMO_TYPE_B;
	elog(ERROR, "invalid key type \"%s\" in the catalog row of table \"%s\"",
		 type ? type : "(null)", table_name);
	return DYNAMO_TYPE_S;		/* keep the compiler quiet */
}

/* the OID of type dynamo.<name> */
static Oid
dynamo_type_oid(const char *name)
{
	Oid			namespace = get_namespace_oid("dynamo", false);

	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum(name), ObjectIdGetDatum(namespace));
}

/* the number of column name in rel, checking its type; 0 when absent or mistyped */
static AttrNumber
column_number(Relation rel, const char *name, Oid type)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(desc, i);

		if (!attr->attisdropped && strcmp(NameStr(attr->attname), name) == 0)
			return attr->atttypid == type ? attr->attnum : InvalidAttrNumber;
	}
	return InvalidAttrNumber;
}

/* whether relation relid was created by the current transaction */
static bool
created_by_this_transaction(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	bool		created;

	if (!HeapTupleIsValid(tuple))
		return false;
	created = TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data));
	ReleaseSysCache(tuple);
	return created;
}

/* whether Citus' metadata has shard shard_id (digits) of relation relid */
static bool
is_shard_of(Oid relid, const char *shard_id)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		args[2] = {ObjectIdGetDatum(relid), CStringGetTextDatum(shard_id)};
	CatalogAccess saved;
	bool		found;

	if (!OidIsValid(relid))
		return false;
	storage_begin_catalog_access(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT FROM pg_catalog.pg_dist_shard WHERE logicalrelid OPERATOR(pg_catalog.=) $1"
							  "   AND shardid OPERATOR(pg_catalog.=) $2::pg_catalog.int8",
							  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading Citus' shards failed");
	found = SPI_processed > 0;
	SPI_finish();
	storage_end_catalog_access(&saved);
	return found;
}

/*
 * On a Citus worker, a distributed table's rows are in shards: a partition
 * "T#0" of "T" is there "T#0_<shard id>", a partition of "T_<shard id>".  The
 * key schema of such a shard's parent is its table's (the worker has the
 * table's catalog rows: dynamo.distribute_table copies them).
 */
static bool
read_shard_key_schema(const char *parent_name, CatalogKeySchema *result)
{
	size_t		len = strlen(parent_name);
	size_t		digits = 0;
	char	   *relation_name;
	Oid			shell;

	if (!OidIsValid(get_extension_oid("citus", true)))
		return false;
	while (digits < len && isdigit((unsigned char) parent_name[len - 1 - digits]))
		digits++;
	if (digits == 0 || digits == len || parent_name[len - 1 - digits] != '_')
		return false;
	relation_name = pnstrdup(parent_name, len - 1 - digits);
	if (read_catalog_key_schema(relation_name, result))
		return true;

	/*
	 * A shard of a distributed table this worker has no catalog rows of (a
	 * worker that joined after the table was distributed, being given its
	 * shards): writing it unchecked would skip the key checks and the GSI
	 * entries.  Refused, so that a shard move fails until the catalog is
	 * there, and succeeds when Citus retries it.  Not while the table is
	 * being distributed (its relation here made by this very transaction):
	 * dynamo.distribute_table copies the catalog rows after the items.
	 */
	shell = get_relname_relid(relation_name, get_namespace_oid("dynamo_data", false));
	if (is_shard_of(shell, parent_name + len - digits) && !created_by_this_transaction(shell))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this Citus worker has no catalog rows of the DynamoDB table stored in dynamo_data.\"%s\"",
						relation_name),
				 errhint("Run SELECT dynamo.sync_workers() on the coordinator: after adding a worker, or after "
						 "distributing a table with create_distributed_table rather than dynamo.distribute_table.")));
	return false;
}

/* the shard id a Citus shard's name ends with ("<relation>_<shard id>") */
static int64
shard_id_of(const char *shard_name)
{
	const char *digits = strrchr(shard_name, '_');
	int64		shard_id = 0;

	if (digits == NULL || digits[1] == '\0')
		elog(ERROR, "relation \"%s\" is not named as a Citus shard", shard_name);
	for (digits++; *digits != '\0'; digits++)
	{
		if (!isdigit((unsigned char) *digits) || shard_id > PG_INT64_MAX / 10 - 10)
			elog(ERROR, "relation \"%s\" is not named as a Citus shard", shard_name);
		shard_id = shard_id * 10 + (*digits - '0');
	}
	return shard_id;
}

/*
 * The key schema of the DynamoDB table rel belongs to, or NULL when rel is
 * not a partition of one.
 */
static StorageKeySchema *
key_schema_for(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	Oid			parent_relid;
	Oid			data_namespace;
	StorageKeySchema *entry;
	CatalogKeySchema catalog;
	AttrNumber	pk_attnum;
	AttrNumber	sk_attnum;
	AttrNumber	item_attnum;
	DynamoType	partition_key_type;
	DynamoType	sort_key_type = DYNAMO_TYPE_S;
	int64		shard_id = 0;
	bool		found;

	if (key_schema_cache == NULL)
		init_key_schema_cache();
	if (key_schema_cache_has_invalid)
		remove_invalid_entries();

	entry = (StorageKeySchema *) hash_search(key_schema_cache, &relid, HASH_FIND, NULL);
	if (entry != NULL && entry->valid)
		return entry->is_dynamo_table ? entry : NULL;

	/* even_if_detached: a partition being detached concurrently still takes writes */
	parent_relid = get_partition_parent(relid, true);
	data_namespace = get_namespace_oid("dynamo_data", true);
	if (!OidIsValid(data_namespace) || get_rel_namespace(parent_relid) != data_namespace)
	{
		entry = (StorageKeySchema *) hash_search(key_schema_cache, &relid, HASH_ENTER, &found);
		if (found)
			free_entry_strings(entry);
		entry->parent_relid = parent_relid;
		entry->valid = true;
		entry->is_dynamo_table = false;
		entry->partition_key = NULL;
		entry->sort_key = NULL;
		entry->table_name = NULL;
		return NULL;
	}

	if (!read_catalog_key_schema(get_rel_name(parent_relid), &catalog))
	{
		if (!read_shard_key_schema(get_rel_name(parent_relid), &catalog))
			return NULL;		/* not cached: see the file's header */
		shard_id = shard_id_of(RelationGetRelationName(rel));
	}

	pk_attnum = column_number(rel, "pk", dynamo_type_oid("value"));
	sk_attnum = column_number(rel, "sk", dynamo_type_oid("value"));
	item_attnum = column_number(rel, "item", dynamo_type_oid("item"));
	if (pk_attnum == InvalidAttrNumber || sk_attnum == InvalidAttrNumber ||
		item_attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("relation \"%s\" of DynamoDB table \"%s\" does not have the columns of a DynamoDB table",
						RelationGetRelationName(rel), catalog.table_name),
				 errdetail("A DynamoDB table has columns pk dynamo.value, sk dynamo.value and item dynamo.item.")));

	partition_key_type = key_type_from_catalog(catalog.partition_key_type, catalog.table_name);
	if (catalog.sort_key != NULL)
		sort_key_type = key_type_from_catalog(catalog.sort_key_type, catalog.table_name);

	/* no catalog access and no error from here on */
	entry = (StorageKeySchema *) hash_search(key_schema_cache, &relid, HASH_ENTER, &found);
	if (found)
		free_entry_strings(entry);
	entry->parent_relid = parent_relid;
	entry->valid = true;
	entry->is_dynamo_table = true;
	entry->pk_attnum = pk_attnum;
	entry->sk_attnum = sk_attnum;
	entry->item_attnum = item_attnum;
	entry->max_attnum = Max(pk_attnum, Max(sk_attnum, item_attnum));
	entry->partition_key = MemoryContextStrdup(StorageCacheContext, catalog.partition_key);
	entry->partition_key_len = strlen(catalog.partition_key);
	entry->partition_key_type = partition_key_type;
	entry->sort_key = NULL;
	entry->sort_key_len = 0;
	entry->sort_key_type = sort_key_type;
	entry->table_name = MemoryContextStrdup(StorageCacheContext, catalog.table_name);
	entry->has_indexes = catalog.has_indexes;
	entry->shard_id = shard_id;
	if (catalog.sort_key != NULL)
	{
		entry->sort_key = MemoryContextStrdup(StorageCacheContext, catalog.sort_key);
		entry->sort_key_len = strlen(catalog.sort_key);
	}
	return entry;
}


/*
 * The metadata of the DynamoDB table rel is a partition of, when that table
 * has secondary indexes; else NULL.  *item_attnum is the item column's
 * number; *shard_id is rel's Citus shard id when rel is a shard of a
 * distributed table's partition on a worker, else 0.  Looked up (catalog_lookup.c, cached) as the bootstrap superuser,
 * as the key schema is.
 */
const TableInfo *
storage_indexed_table(Relation rel, AttrNumber *item_attnum, int64 *shard_id)
{
	StorageKeySchema *schema;
	const TableInfo *table;
	CatalogAccess saved;
	char	   *table_name;

	if (!rel->rd_rel->relispartition)
		return NULL;
	schema = key_schema_for(rel);
	if (schema == NULL || !schema->has_indexes)
		return NULL;
	*item_attnum = schema->item_attnum;
	*shard_id = schema->shard_id;
	table_name = pstrdup(schema->table_name);	/* the entry may be invalidated meanwhile */

	storage_begin_catalog_access(&saved);
	table = catalog_lookup_table(table_name, true);
	storage_end_catalog_access(&saved);
	pfree(table_name);
	return table;
}


/* ------------------------------------------------------------------------
 * The checks.
 * ------------------------------------------------------------------------
 */

/*
 * The key attribute name of item, checked for presence, and for type,
 * emptiness and size by the rules every door shares (storage_rows.c); its
 * value is returned in *key.
 */
static void
check_key_attribute(DynamoValue item, const char *name, uint32 namelen,
					DynamoType type, bool partition, DynamoValue *key)
{
	if (!dynamo_map_lookup(item, name, namelen, key))
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values were invalid: Missing the key %s in the item",
					 name);
	storage_check_key_value(name, type, *key, partition);
}

/* whether a key column holds exactly the encoding of key */
static bool
key_column_matches(Datum column, DynamoValue key)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(column);
	struct varlena *value = pg_detoast_datum_packed(raw);
	bool		matches;

	matches = VARSIZE_ANY_EXHDR(value) == key.len &&
		memcmp(VARDATA_ANY(value), key.data, key.len) == 0;
	if (value != raw)
		pfree(value);
	return matches;
}

/* the check violation of a row whose key columns disagree with its item */
static void
report_key_column_mismatch(Relation rel, StorageKeySchema *schema)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("row key columns do not match the item's key attributes"),
			 schema->sort_key != NULL ?
			 errdetail("In relation \"%s\", column pk must equal the item's attribute \"%s\" and column sk its attribute \"%s\".",
					   RelationGetRelationName(rel), schema->partition_key, schema->sort_key) :
			 errdetail("In relation \"%s\", column pk must equal the item's attribute \"%s\" and column sk must be null.",
					   RelationGetRelationName(rel), schema->partition_key),
			 errtable(rel)));
}

/*
 * Check the row in slot, about to be written into rel, against DynamoDB's
 * invariants; raise DynamoDB's ValidationException, or a check violation for
 * key columns that disagree with the item.  Does nothing for relations that
 * do not belong to a DynamoDB table.
 */
void
storage_check_row(Relation rel, TupleTableSlot *slot)
{
	StorageKeySchema *schema;
	Datum		item_datum;
	struct varlena *item_raw;
	struct varlena *item_varlena;
	DynamoValue item;
	DynamoValue partition_key;
	DynamoValue sort_key = {NULL, 0};

	if (!rel->rd_rel->relispartition)
		return;
	schema = key_schema_for(rel);
	if (schema == NULL)
		return;

	slot_getsomeattrs(slot, schema->max_attnum);
	if (slot->tts_isnull[schema->item_attnum - 1])
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("null value in column \"item\" of relation \"%s\" of a DynamoDB table",
						RelationGetRelationName(rel)),
				 errtable(rel)));
	item_datum = slot->tts_values[schema->item_attnum - 1];
	item_raw = (struct varlena *) DatumGetPointer(item_datum);
	item_varlena = pg_detoast_datum_packed(item_raw);
	item = dynamo_value_from_varlena(item_varlena);
	Assert(dynamo_value_type(item) == DYNAMO_TYPE_M);

	/* the key attributes */
	check_key_attribute(item, schema->partition_key, schema->partition_key_len,
						schema->partition_key_type, true, &partition_key);
	if (schema->sort_key != NULL)
		check_key_attribute(item, schema->sort_key, schema->sort_key_len,
							schema->sort_key_type, false, &sort_key);

	/* the item's size */
	if (dynamo_item_size(item) > DYNAMO_MAX_ITEM_SIZE)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Item size has exceeded the maximum allowed size");

	/* the key columns */
	if (slot->tts_isnull[schema->pk_attnum - 1] ||
		!key_column_matches(slot->tts_values[schema->pk_attnum - 1], partition_key))
		report_key_column_mismatch(rel, schema);
	if (schema->sort_key == NULL ?
		!slot->tts_isnull[schema->sk_attnum - 1] :
		(slot->tts_isnull[schema->sk_attnum - 1] ||
		 !key_column_matches(slot->tts_values[schema->sk_attnum - 1], sort_key)))
		report_key_column_mismatch(rel, schema);

	/*
	 * The index key attributes, last: the lookup may free invalidated cache
	 * entries, schema among them.
	 */
	if (schema->has_indexes)
	{
		AttrNumber	item_attnum;
		int64		shard_id;
		const TableInfo *table = storage_indexed_table(rel, &item_attnum, &shard_id);

		if (table != NULL)
			storage_check_index_keys(table, item);
	}

	if (item_varlena != item_raw)
		pfree(item_varlena);
}
