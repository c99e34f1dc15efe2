/*-------------------------------------------------------------------------
 *
 * catalog_lookup.c
 *	  Finding a DynamoDB table's metadata by name, with a per-backend cache.
 *
 * The cache maps table name to TableInfo, with the table's secondary
 * indexes (dynamo.indexes).  An entry is dropped when its
 * relation gets a relcache invalidation (DROP TABLE by DeleteTable, or the
 * explicit invalidation UpdateTable sends), so a backend never acts on a
 * table that is gone; a table created after a miss is found on the next
 * lookup because misses are not cached.
 *
 * Invalidations arrive whenever a lock is taken, in the middle of an
 * operation that holds a TableInfo: a dropped entry's TableInfo (in a
 * memory context of its own) is freed only when the transaction ends
 * (deferred_free.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/extension.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "catalog/catalog.h"
#include "deferred_free.h"
#include "errors.h"

typedef struct TableCacheEntry
{
	char		table_name[DYNAMO_TABLE_NAME_MAX + 1];	/* hash key */
	TableInfo  *info;
} TableCacheEntry;

static HTAB *TableCache = NULL;
static MemoryContext TableCacheContext = NULL;
static SPIPlanPtr LookupPlan = NULL;
static SPIPlanPtr IndexesPlan = NULL;

static void
free_table_info(void *info)
{
	MemoryContextDelete(((TableInfo *) info)->context);
}

/* drop the cache entries of a relation (all of them for InvalidOid) */
static void
table_cache_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TableCacheEntry *entry;

	if (TableCache == NULL)
		return;
	hash_seq_init(&status, TableCache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || entry->info->relid == relid)
		{
			free_at_transaction_end(free_table_info, entry->info);
			(void) hash_search(TableCache, entry->table_name, HASH_REMOVE, NULL);
		}
	}
}

static void
table_cache_init(void)
{
	HASHCTL		ctl;

	TableCacheContext = AllocSetContextCreate(TopMemoryContext, "dynamo table cache",
											  ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = DYNAMO_TABLE_NAME_MAX + 1;
	ctl.entrysize = sizeof(TableCacheEntry);
	ctl.hcxt = TableCacheContext;
	TableCache = hash_create("dynamo tables", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(table_cache_invalidate, (Datum) 0);
}

/* Raise DynamoDB's ResourceNotFoundException for a table. */
void
catalog_raise_not_found(const char *table_name, bool name_in_message)
{
	if (name_in_message)
		dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND,
					 "Requested resource not found: Table: %s not found", table_name);
	dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND, "Requested resource not found");
}

/*
 * Whether Citus distributes a relation (its rows are in shards on other
 * nodes, and the local relation is an empty shell).  Connected to SPI.
 */
/* Whether Citus is installed in this database. */
bool
catalog_citus_present(void)
{
	return OidIsValid(get_extension_oid("citus", true));
}

bool
catalog_relation_is_distributed(Oid relid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	if (!OidIsValid(get_extension_oid("citus", true)))
		return false;
	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = $1",
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading Citus' pg_dist_partition failed");
	return SPI_processed > 0;
}

static DynamoType
key_type(const char *name)
{
	if (name == NULL)
		return (DynamoType) 0;
	if (strcmp(name, "S") == 0)
		return DYNAMO_TYPE_S;
	if (strcmp(name, "N") == 0)
		return DYNAMO_TYPE_N;
	return DYNAMO_TYPE_B;
}

static char *
cache_string(MemoryContext context, SPITupleTable *tuptable, int column)
{
	char	   *value = SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, column);

	return value ? MemoryContextStrdup(context, value) : NULL;
}

/* the elements of a text[] column of the current SPI row, copied into context */
static int
cache_text_array(MemoryContext context, HeapTuple tuple, TupleDesc desc, int column, char ***result)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, desc, column, &isnull);
	Datum	   *elements;
	int			count;
	int			i;

	*result = NULL;
	if (isnull)
		return 0;
	deconstruct_array(DatumGetArrayTypeP(value), TEXTOID, -1, false, TYPALIGN_INT,
					  &elements, NULL, &count);
	*result = MemoryContextAlloc(context, sizeof(char *) * Max(count, 1));
	for (i = 0; i < count; i++)
		(*result)[i] = MemoryContextStrdup(context, TextDatumGetCString(elements[i]));
	return count;
}

/* the OIDs of the partitions "<relation>#<i>" of a relation in dynamo_data */
static Oid *
partition_oids(MemoryContext context, const char *relation_name, int count, Oid namespace,
			   const char *table_name)
{
	Oid		   *oids = MemoryContextAlloc(context, sizeof(Oid) * count);
	int			i;

	for (i = 0; i < count; i++)
	{
		char	   *partition = psprintf("%s#%d", relation_name, i);

		oids[i] = get_relname_relid(partition, namespace);
		if (!OidIsValid(oids[i]))
			elog(ERROR, "partition dynamo_data.\"%s\" of table \"%s\" is missing", partition, table_name);
	}
	return oids;
}

/*
 * The secondary indexes of a table, from dynamo.indexes, into info (whose
 * context holds them).  Indexes being deleted are left out: no write
 * maintains them and no read may use them.  The caller is connected to SPI.
 */
static void
load_indexes(TableInfo *info, Oid namespace)
{
	MemoryContext context = info->context;
	Datum		argument = CStringGetTextDatum(info->table_name);
	uint64		n;
	int			ret;

	if (IndexesPlan == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};

		IndexesPlan = SPI_prepare("SELECT index_name, is_global, status, backfilling, partition_keys, "
								  "partition_key_types, sort_keys, sort_key_types, projection_type, "
								  "non_key_attributes, relation_name, "
								  "coalesce(read_capacity_units, 0), coalesce(write_capacity_units, 0), "
								  "coalesce(max_read_request_units, -1), coalesce(max_write_request_units, -1) "
								  "FROM dynamo.indexes WHERE table_name = $1 AND status <> 'DELETING' "
								  "ORDER BY ordinal", 1, argtypes);
		if (IndexesPlan == NULL)
			elog(ERROR, "could not prepare the index lookup: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(IndexesPlan);
	}
	ret = SPI_execute_plan(IndexesPlan, &argument, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "index lookup failed: %s", SPI_result_code_string(ret));
	info->nindexes = 0;
	info->indexes = MemoryContextAllocZero(context, sizeof(TableIndex) * Max(SPI_processed, 1));
	for (n = 0; n < SPI_processed; n++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[n];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		TableIndex *index = &info->indexes[info->nindexes];
		char	  **names;
		char	  **types;
		char	   *projection;
		int			i;
		bool		isnull;

		index->name = MemoryContextStrdup(context, SPI_getvalue(tuple, desc, 1));
		index->global = DatumGetBool(SPI_getbinval(tuple, desc, 2, &isnull));
		index->status = MemoryContextStrdup(context, SPI_getvalue(tuple, desc, 3));
		index->backfilling = DatumGetBool(SPI_getbinval(tuple, desc, 4, &isnull));
		index->npartition_keys = cache_text_array(context, tuple, desc, 5, &names);
		(void) cache_text_array(context, tuple, desc, 6, &types);
		for (i = 0; i < index->npartition_keys && i < DYNAMO_INDEX_KEY_ATTRIBUTES; i++)
		{
			index->partition_keys[i] = names[i];
			index->partition_key_types[i] = key_type(types[i]);
		}
		index->nsort_keys = cache_text_array(context, tuple, desc, 7, &names);
		(void) cache_text_array(context, tuple, desc, 8, &types);
		for (i = 0; i < index->nsort_keys && i < DYNAMO_INDEX_KEY_ATTRIBUTES; i++)
		{
			index->sort_keys[i] = names[i];
			index->sort_key_types[i] = key_type(types[i]);
		}
		projection = SPI_getvalue(tuple, desc, 9);
		index->projection = strcmp(projection, "KEYS_ONLY") == 0 ? PROJECTION_KEYS_ONLY :
			strcmp(projection, "INCLUDE") == 0 ? PROJECTION_INCLUDE : PROJECTION_ALL;
		index->nnon_key_attributes = cache_text_array(context, tuple, desc, 10,
													  &index->non_key_attributes);
		index->relation_name = MemoryContextStrdup(context, SPI_getvalue(tuple, desc, 11));
		index->relid = get_relname_relid(index->relation_name, namespace);
		index->throughput.read_capacity_units = DatumGetInt64(SPI_getbinval(tuple, desc, 12, &isnull));
		index->throughput.write_capacity_units = DatumGetInt64(SPI_getbinval(tuple, desc, 13, &isnull));
		index->throughput.max_read_request_units = DatumGetInt64(SPI_getbinval(tuple, desc, 14, &isnull));
		index->throughput.max_write_request_units = DatumGetInt64(SPI_getbinval(tuple, desc, 15, &isnull));
		/*
		 * An LSI's btree index comes after the table's rows in a restore.  A
		 * CREATING GSI's relation may not be there yet on a Citus worker:
		 * the coordinator copies its catalog rows before its own transaction
		 * creating the relation commits; until then it is left out.
		 */
		if (!OidIsValid(index->relid) && index->global && strcmp(index->status, "CREATING") == 0 &&
			catalog_citus_present())
		{
			memset(index, 0, sizeof(*index));
			continue;
		}
		if (!OidIsValid(index->relid) && index->global)
			elog(ERROR, "relation dynamo_data.\"%s\" of index \"%s\" of table \"%s\" is missing",
				 index->relation_name, index->name, info->table_name);
		if (index->global)
		{
			index->partition_count = info->partition_count;
			index->partition_relids = partition_oids(context, index->relation_name,
													 index->partition_count, namespace,
													 info->table_name);
			info->has_gsi = true;
		}
		else
			info->has_lsi = true;
		info->nindexes++;
	}
	/* after the loop: this replaces SPI_tuptable */
	for (n = 0; n < info->nindexes; n++)
		info->indexes[n].distributed = info->distributed && info->indexes[n].global &&
			catalog_relation_is_distributed(info->indexes[n].relid);
}

/* The index of a table with this name, or NULL. */
TableIndex *
catalog_find_index(const TableInfo *table, const char *index_name)
{
	int			i;

	for (i = 0; i < table->nindexes; i++)
		if (strcmp(table->indexes[i].name, index_name) == 0)
			return &table->indexes[i];
	return NULL;
}

/*
 * The metadata of a table; NULL when it does not exist and missing_ok,
 * else DynamoDB's ResourceNotFoundException.
 */
TableInfo *
catalog_lookup_table(const char *table_name, bool missing_ok)
{
	TableCacheEntry *entry;
	bool		found;
	Datum		argument;
	int			ret;
	Oid			relid;
	char	   *relation_name;
	MemoryContext context;
	TableInfo  *info;

	if (TableCache == NULL)
		table_cache_init();
	if (strlen(table_name) > DYNAMO_TABLE_NAME_MAX)
	{
		if (missing_ok)
			return NULL;
		catalog_raise_not_found(table_name, false);
	}
	entry = hash_search(TableCache, table_name, HASH_FIND, NULL);
	if (entry != NULL)
		return entry->info;

	SPI_connect();
	if (LookupPlan == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};

		LookupPlan = SPI_prepare("SELECT relation_name, partition_key, partition_key_type, sort_key, "
								 "sort_key_type, version_attribute, partition_count, "
								 "billing_mode = 'PAY_PER_REQUEST', coalesce(read_capacity_units, 0), "
								 "coalesce(write_capacity_units, 0), coalesce(max_read_request_units, -1), "
								 "coalesce(max_write_request_units, -1), status = 'CREATING' "
								 "FROM dynamo.tables WHERE table_name = $1 AND status <> 'DELETING'",
								 1, argtypes);
		if (LookupPlan == NULL)
			elog(ERROR, "could not prepare the table lookup: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(LookupPlan);
	}
	argument = CStringGetTextDatum(table_name);
	ret = SPI_execute_plan(LookupPlan, &argument, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "table lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		SPI_finish();
		if (missing_ok)
			return NULL;
		catalog_raise_not_found(table_name, false);
	}

	relation_name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	relid = get_relname_relid(relation_name, get_namespace_oid("dynamo_data", false));
	if (!OidIsValid(relid))
		elog(ERROR, "relation dynamo_data.\"%s\" of table \"%s\" is missing", relation_name, table_name);

	/* everything that can fail first, in a context of its own; then the cache entry */
	context = AllocSetContextCreate(TableCacheContext, "dynamo table", ALLOCSET_SMALL_SIZES);
	PG_TRY();
	{
		info = MemoryContextAllocZero(context, sizeof(TableInfo));
		info->context = context;
		strlcpy(info->table_name, table_name, sizeof(info->table_name));
		info->relid = relid;
		info->relation_name = cache_string(context, SPI_tuptable, 1);
		info->partition_key = cache_string(context, SPI_tuptable, 2);
		info->partition_key_type = key_type(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3));
		info->sort_key = cache_string(context, SPI_tuptable, 4);
		info->sort_key_type = key_type(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5));
		info->version_attribute = cache_string(context, SPI_tuptable, 6);
		info->partition_count = atoi(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7));
		{
			HeapTuple	row = SPI_tuptable->vals[0];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;

			info->pay_per_request = DatumGetBool(SPI_getbinval(row, desc, 8, &isnull));
			info->throughput.read_capacity_units = DatumGetInt64(SPI_getbinval(row, desc, 9, &isnull));
			info->throughput.write_capacity_units = DatumGetInt64(SPI_getbinval(row, desc, 10, &isnull));
			info->throughput.max_read_request_units = DatumGetInt64(SPI_getbinval(row, desc, 11, &isnull));
			info->throughput.max_write_request_units = DatumGetInt64(SPI_getbinval(row, desc, 12, &isnull));
			info->creating = DatumGetBool(SPI_getbinval(row, desc, 13, &isnull));
		}
		info->partition_relids = partition_oids(context, info->relation_name, info->partition_count,
												get_rel_namespace(relid), table_name);
		info->distributed = catalog_relation_is_distributed(relid);
		load_indexes(info, get_rel_namespace(relid));
		SPI_finish();
	}
	PG_CATCH();
	{
		MemoryContextDelete(context);
		PG_RE_THROW();
	}
	PG_END_TRY();

	entry = hash_search(TableCache, table_name, HASH_ENTER, &found);
	if (found)					/* filled meanwhile (a nested lookup): keep the first */
	{
		MemoryContextDelete(context);
		return entry->info;
	}
	entry->info = info;
	return info;
}

/* Make every backend forget what it cached about a table's relation. */
void
catalog_invalidate_table(Oid relid)
{
	CacheInvalidateRelcacheByRelid(relid);
}

/*
 * dynamo.invalidate_catalog_caches(): every backend's cached table
 * metadata and key schemas dropped (a relcache invalidation of every
 * relation), after the catalog rows changed without touching the tables'
 * relations: on a Citus worker, when the coordinator replaces its copies
 * (dynamo.sync_table_to_workers).
 */
PG_FUNCTION_INFO_V1(dynamo_invalidate_catalog_caches);
Datum
dynamo_invalidate_catalog_caches(PG_FUNCTION_ARGS)
{
	CacheInvalidateRelcacheAll();
	PG_RETURN_VOID();
}
