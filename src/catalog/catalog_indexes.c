/*-------------------------------------------------------------------------
 *
 * catalog_indexes.c
 *	  Secondary indexes in the catalog: their rows of dynamo.indexes and the
 *	  relations that store them, created with the table or by UpdateTable,
 *	  and dropped.
 *
 * A local secondary index is a partial btree index of the table's own
 * partitioned relation, so Postgres maintains it on every write, by every
 * door, and a Query on it reads the table's rows of one partition in the
 * index's order:
 *
 *	 CREATE INDEX "T:I" ON dynamo_data."T"
 *	   (pk, dynamo.get(item, 'lsk'), sk) WHERE dynamo.get(item, 'lsk') IS NOT NULL
 *
 * A global secondary index is a partitioned relation of its own, hashed on
 * its own partition key, with the item's key in the table and the
 * projected attributes (the table access method maintains it:
 * storage_indexes.c):
 *
 *	 CREATE TABLE dynamo_data."T:G" (pk dynamo.value NOT NULL, sk dynamo.value,
 *	   table_pk dynamo.value NOT NULL, table_sk dynamo.value, item dynamo.item NOT NULL,
 *	   UNIQUE NULLS NOT DISTINCT (pk, sk, table_pk, table_sk))
 *	   PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
 *	 CREATE TABLE dynamo_data."T:G#0" PARTITION OF dynamo_data."T:G"
 *	   FOR VALUES WITH (MODULUS n, REMAINDER 0); ...
 *
 * Each partition of the table has a BEFORE TRUNCATE trigger per GSI
 * (dynamo.truncate_index_entries), since a TRUNCATE bypasses the access
 * method.
 *
 * A GSI with a multi-attribute key has columns pk, pk2 .. pk4 and sk, sk2 ..
 * sk4 as it needs, hashed on all its partition key columns and ordered by
 * all its sort key columns.  ':' cannot appear in a table or index name, so
 * "<table>:<index>" never collides with a table's relation.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog/catalog.h"
#include "errors.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/*
 * The name of a relation in dynamo_data for a table or an index: the name
 * itself when it fits in 63 bytes with room for a partition suffix
 * ("#1023"), else a prefix of it and a hash of the whole.
 */
char *
catalog_relation_name_for(const char *name)
{
	if (strlen(name) <= NAMEDATALEN - 6)
		return pstrdup(name);
	return psprintf("%.40s_%016llx", name,
					(unsigned long long) hash_bytes_extended((const unsigned char *) name,
															 strlen(name), 0));
}

/* Run a statement; the caller is connected to SPI. */
void
catalog_run_sql(const char *sql)
{
	int			ret = SPI_execute(sql, false, 0);

	if (ret < 0)
		elog(ERROR, "could not run \"%s\": %s", sql, SPI_result_code_string(ret));
}

/* the SQL of a text[] of names */
static char *
text_array_sql(char *const *names, int count)
{
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "ARRAY[");
	for (i = 0; i < count; i++)
		appendStringInfo(&sql, "%s%s", i ? ", " : "", quote_literal_cstr(names[i]));
	appendStringInfoString(&sql, "]::text[]");
	return sql.data;
}

/* the SQL of the names (or the type letters) of key attributes */
static char *
key_array_sql(const KeyAttribute *keys, int count, bool types)
{
	char	  **names = palloc(sizeof(char *) * Max(count, 1));
	int			i;

	for (i = 0; i < count; i++)
		names[i] = types ? (char *) dynamo_type_name(keys[i].type) : keys[i].name;
	return text_array_sql(names, count);
}

static const char *
projection_name(IndexProjection projection)
{
	return projection == PROJECTION_KEYS_ONLY ? "KEYS_ONLY" :
		projection == PROJECTION_INCLUDE ? "INCLUDE" : "ALL";
}

/* a GSI key column: pk, pk2 .. pk4, sk, sk2 .. sk4 */
char *
catalog_index_column(bool partition, int position)
{
	if (position == 0)
		return pstrdup(partition ? "pk" : "sk");
	return psprintf("%s%d", partition ? "pk" : "sk", position + 1);
}

/* the relation (or btree index) of a GSI (or LSI) */
static void
create_index_storage(const IndexSpec *index, const char *table_relation, bool table_has_sort_key,
					 int partition_count, const char *relation)
{
	const char *table_qualified = quote_qualified_identifier("dynamo_data", table_relation);
	const char *qualified = quote_qualified_identifier("dynamo_data", relation);
	StringInfoData sql;
	StringInfoData key;
	bool		distributed;
	int			i;

	initStringInfo(&sql);
	if (!index->global)
	{
		const char *attribute = quote_literal_cstr(index->sort_keys[0].name);

		appendStringInfo(&sql,
						 "CREATE INDEX %s ON %s (pk, dynamo.get(item, %s), sk) "
						 "WHERE dynamo.get(item, %s) IS NOT NULL",
						 quote_identifier(relation), table_qualified, attribute, attribute);
		catalog_run_sql(sql.data);
		return;
	}

	/* a GSI of a table distributed by Citus is distributed with it */
	distributed = catalog_citus_present() &&
		catalog_relation_is_distributed(get_relname_relid(table_relation, get_namespace_oid("dynamo_data", false)));
	initStringInfo(&key);
	appendStringInfo(&sql, "CREATE TABLE %s (", qualified);
	for (i = 0; i < index->npartition_keys; i++)
	{
		appendStringInfo(&sql, "%s dynamo.value NOT NULL, ", catalog_index_column(true, i));
		appendStringInfo(&key, "%s%s", i ? ", " : "", catalog_index_column(true, i));
	}
	for (i = 0; i < Max(index->nsort_keys, 1); i++)
	{
		appendStringInfo(&sql, "%s dynamo.value%s, ", catalog_index_column(false, i),
						 index->nsort_keys > 0 ? " NOT NULL" : "");
		appendStringInfo(&key, ", %s", catalog_index_column(false, i));
	}
	appendStringInfo(&sql,
					 "table_pk dynamo.value NOT NULL, table_sk dynamo.value%s, item dynamo.item NOT NULL, "
					 "UNIQUE NULLS NOT DISTINCT (%s, table_pk, table_sk)) PARTITION BY HASH (",
					 table_has_sort_key ? " NOT NULL" : "", key.data);
	for (i = 0; i < index->npartition_keys; i++)
		appendStringInfo(&sql, "%s%s dynamo.dynamo_hash_ops", i ? ", " : "",
						 catalog_index_column(true, i));
	appendStringInfoChar(&sql, ')');
	catalog_run_sql(sql.data);

	for (i = 0; i < partition_count; i++)
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "CREATE TABLE %s PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d)",
						 quote_qualified_identifier("dynamo_data", psprintf("%s#%d", relation, i)),
						 qualified, partition_count, i);
		catalog_run_sql(sql.data);

		/*
		 * A TRUNCATE of the table's partition i empties this GSI of its items
		 * (not for a table distributed by Citus: see src/sql/85_citus.sql).
		 */
		if (distributed)
			continue;
		resetStringInfo(&sql);
		appendStringInfo(&sql,
						 "CREATE TRIGGER %s BEFORE TRUNCATE ON %s FOR EACH STATEMENT "
						 "EXECUTE FUNCTION dynamo.truncate_index_entries(%s, '%d', '%d')",
						 quote_identifier(relation),
						 quote_qualified_identifier("dynamo_data", psprintf("%s#%d", table_relation, i)),
						 quote_literal_cstr(relation), partition_count, i);
		catalog_run_sql(sql.data);
	}
	if (distributed)
		catalog_run_sql(psprintf("SELECT dynamo.distribute_index(%s, %s, %d)", quote_literal_cstr(table_relation),
								 quote_literal_cstr(relation), partition_count));
}

/*
 * Create a secondary index of a table: its catalog row and its storage, in
 * the caller's transaction; the caller is connected to SPI.  An index added
 * to an existing table (added_later) starts CREATING, to be filled by the
 * backfill worker; one created with its table is ACTIVE at once.
 */
void
catalog_create_index(const char *table_name, const char *table_relation, bool table_has_sort_key,
					 int partition_count, bool pay_per_request, const IndexSpec *index,
					 bool added_later)
{
	char	   *relation = catalog_relation_name_for(psprintf("%s:%s", table_name, index->index_name));
	StringInfoData sql;
	bool		provisioned = index->global && !pay_per_request && index->has_throughput;

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "INSERT INTO dynamo.indexes (table_name, index_name, is_global, ordinal, partition_keys, "
					 "partition_key_types, sort_keys, sort_key_types, projection_type, non_key_attributes, "
					 "relation_name, status, added_later, backfilling, read_capacity_units, write_capacity_units, "
					 "max_read_request_units, max_write_request_units) "
					 "SELECT %s, %s, %s, coalesce(max(ordinal), 0) + 1, %s, %s, %s, %s, '%s', %s, %s, '%s', %s, false, "
					 "%s, %s, %s, %s FROM dynamo.indexes WHERE table_name = %s",
					 quote_literal_cstr(table_name), quote_literal_cstr(index->index_name),
					 index->global ? "true" : "false",
					 key_array_sql(index->partition_keys, index->npartition_keys, false),
					 key_array_sql(index->partition_keys, index->npartition_keys, true),
					 key_array_sql(index->sort_keys, index->nsort_keys, false),
					 key_array_sql(index->sort_keys, index->nsort_keys, true),
					 projection_name(index->projection),
					 index->projection == PROJECTION_INCLUDE ?
					 text_array_sql(index->non_key_attributes, index->nnon_key_attributes) : "NULL",
					 quote_literal_cstr(relation),
					 added_later ? "CREATING" : "ACTIVE",
					 added_later ? "true" : "false",
					 provisioned ? psprintf(INT64_FORMAT, index->read_capacity_units) : "NULL",
					 provisioned ? psprintf(INT64_FORMAT, index->write_capacity_units) : "NULL",
					 index->global && index->max_read_request_units >= 0 ?
					 psprintf(INT64_FORMAT, index->max_read_request_units) : "NULL",
					 index->global && index->max_write_request_units >= 0 ?
					 psprintf(INT64_FORMAT, index->max_write_request_units) : "NULL",
					 quote_literal_cstr(table_name));
	catalog_run_sql(sql.data);
	create_index_storage(index, table_relation, table_has_sort_key, partition_count, relation);
}

/* Drop the storage of an index (its catalog row is the caller's); connected to SPI. */
void
catalog_drop_index_storage(const char *relation_name, bool global)
{
	catalog_run_sql(psprintf("DROP %s IF EXISTS %s", global ? "TABLE" : "INDEX",
							 quote_qualified_identifier("dynamo_data", relation_name)));
}

/*
 * Lock the table's relation (and so its partitions) in SHARE mode until the
 * end of the transaction: every transaction writing the table finishes
 * first.  The partitions are locked one by one, so waiting for one while
 * holding others could deadlock with a writer that holds the one and wants
 * another: each attempt waits at most 100 ms (less than deadlock_timeout),
 * gives back what it took, and tries again a little later.
 */
static void
lock_out_writers(const char *relation)
{
	char	   *sql = psprintf("LOCK TABLE %s IN SHARE MODE", quote_qualified_identifier("dynamo_data", relation));
	long		waited_ms = 0;

	for (;;)
	{
		MemoryContext context = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;
		bool		locked = false;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(context);
		PG_TRY();
		{
			int			nest_level = NewGUCNestLevel();

			(void) set_config_option("lock_timeout", "100", PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
			catalog_run_sql(sql);
			AtEOXact_GUC(true, nest_level);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(context);
			CurrentResourceOwner = owner;
			locked = true;
		}
		PG_CATCH();
		{
			ErrorData  *error;

			MemoryContextSwitchTo(context);
			error = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(context);
			CurrentResourceOwner = owner;
			if (error->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE &&
				error->sqlerrcode != ERRCODE_T_R_DEADLOCK_DETECTED)
				ReThrowError(error);
			FreeErrorData(error);
		}
		PG_END_TRY();
		if (locked)
			return;
		if (waited_ms > 60000)
			dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE,
						 "Attempt to change a resource which is still in use: Table is being updated: %s", relation);
		CHECK_FOR_INTERRUPTS();
		pg_usleep(10000L + (long) (pg_prng_uint32(&pg_global_prng_state) % 40000));
		waited_ms += 150;
	}
}

/* the billing mode, and the count of indexes not ACTIVE and of GSIs, of a table */
static void
table_index_state(const char *table_name, bool *pay_per_request, int64 *busy, int64 *gsis)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};
	bool		isnull;

	if (SPI_execute_with_args("SELECT t.billing_mode = 'PAY_PER_REQUEST',"
							  "  (SELECT count(*) FROM dynamo.indexes i WHERE i.table_name = t.table_name"
							  "      AND i.status <> 'ACTIVE'),"
							  "  (SELECT count(*) FROM dynamo.indexes i WHERE i.table_name = t.table_name"
							  "      AND i.is_global)"
							  "  FROM dynamo.tables t WHERE t.table_name = $1 FOR UPDATE OF t",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		catalog_raise_not_found(table_name, true);
	*pay_per_request = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*busy = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	*gsis = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
}

/*
 * Add the AttributeDefinitions of a new index's key attributes to the
 * table's (a name already defined must keep its type).
 */
static void
merge_attribute_definitions(const char *table_name, const IndexSpec *index)
{
	int			i;

	for (i = 0; i < index->npartition_keys + index->nsort_keys; i++)
	{
		const KeyAttribute *key = i < index->npartition_keys ? &index->partition_keys[i] :
			&index->sort_keys[i - index->npartition_keys];
		Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		args[3] = {CStringGetTextDatum(table_name), CStringGetTextDatum(key->name),
		CStringGetTextDatum(dynamo_type_name(key->type))};
		char	   *defined;

		if (SPI_execute_with_args("SELECT d->>'AttributeType' FROM dynamo.tables t,"
								  "  jsonb_array_elements(t.attribute_definitions) d"
								  " WHERE t.table_name = $1 AND d->>'AttributeName' = $2",
								  3, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "reading the attribute definitions of table \"%s\" failed", table_name);
		defined = SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
		if (defined != NULL && strcmp(defined, dynamo_type_name(key->type)) != 0)
			/* inferred: the wording DynamoDB gives two definitions of one name */
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Cannot change the type of existing attribute %s from %s to %s",
						 key->name, defined, dynamo_type_name(key->type));
		if (defined == NULL &&
			SPI_execute_with_args("UPDATE dynamo.tables SET attribute_definitions = attribute_definitions ||"
								  "  jsonb_build_array(jsonb_build_object('AttributeName', $2, 'AttributeType', $3))"
								  " WHERE table_name = $1", 3, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "updating the attribute definitions of table \"%s\" failed", table_name);
	}
}

/*
 * UpdateTable's GlobalSecondaryIndexUpdates, in the caller's transaction
 * (connected to SPI): one Create (a new GSI, CREATING, to be filled by a
 * backfill worker once this transaction commits: *backfill_relation is set
 * to its relation's name), or one Delete (the index and its relation go at
 * once; the answer shows it DELETING), and Updates of throughput.
 *
 * Creating locks the table's relation in SHARE mode until the end of the
 * transaction (lock_out_writers): every transaction writing the table when
 * the index is created finishes first, and every later writer sees the index (its
 * metadata is reread after the invalidation this transaction sends), so
 * the backfill and the writers between them miss no item.
 */
void
catalog_apply_index_updates(const TableInfo *table, const UpdateTableSpec *spec,
							char **backfill_relation, char **deleted_index)
{
	bool		pay_per_request;
	int64		busy;
	int64		gsis;
	ListCell   *cell;

	*backfill_relation = NULL;
	*deleted_index = NULL;
	table_index_state(table->table_name, &pay_per_request, &busy, &gsis);
	if (spec->set_billing_mode)
	{
		bool		was_pay_per_request = pay_per_request;
		int			i;

		/* the mode the table is switched to is the one the indexes get */
		pay_per_request = spec->pay_per_request;
		for (i = 0; was_pay_per_request && !pay_per_request && i < table->nindexes; i++)
		{
			const TableIndex *index = &table->indexes[i];
			bool		given = false;

			foreach(cell, spec->update_indexes)
				given |= (strcmp(((IndexThroughputUpdate *) lfirst(cell))->index_name, index->name) == 0 &&
						  ((IndexThroughputUpdate *) lfirst(cell))->has_throughput);
			if (index->global && !given)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "ProvisionedThroughput must be specified for index: %s", index->name);
		}
		if (pay_per_request)
			catalog_run_sql(psprintf("UPDATE dynamo.indexes SET read_capacity_units = NULL, write_capacity_units = NULL"
									 " WHERE table_name = %s", quote_literal_cstr(table->table_name)));
	}
	if (spec->delete_index != NULL)
	{
		const TableIndex *index = catalog_find_index(table, spec->delete_index);

		/* a CREATING index may be deleted once its backfill runs, as in DynamoDB */
		if (index != NULL && strcmp(index->status, "CREATING") == 0)
		{
			if (!index->backfilling)
				dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE,
							 "Attempt to change a resource which is still in use: Index creation is in resource allocation phase. Retry deletion during backfilling phase or when the index is active. Table: %s Index: %s",
							 table->table_name, index->name);
			busy--;
		}
	}
	if ((spec->create_index != NULL || spec->delete_index != NULL) && busy > 0)
		dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
					 "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");

	foreach(cell, spec->update_indexes)
	{
		IndexThroughputUpdate *update = lfirst(cell);
		const TableIndex *index = catalog_find_index(table, update->index_name);
		StringInfoData sql;

		if (index == NULL)
			dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND,
						 "Requested resource not found: Index %s for table %s", update->index_name,
						 table->table_name);
		if (!index->global)
			/* wording inferred from the Delete variant */
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Cannot update an index that is not a GlobalSecondaryIndex: %s", update->index_name);
		if (update->has_throughput && pay_per_request)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "The only Updates for index: %s when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput",
						 update->index_name);
		if (index->status != NULL && strcmp(index->status, "ACTIVE") != 0)
			dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE,
						 "Attempt to change a resource which is still in use: Index is being %s. Table: %s Index: %s",
						 strcmp(index->status, "CREATING") == 0 ? "created" : "updated",
						 table->table_name, update->index_name);
		initStringInfo(&sql);
		appendStringInfo(&sql, "UPDATE dynamo.indexes SET index_name = index_name");
		if (update->has_throughput)
			appendStringInfo(&sql, ", read_capacity_units = " INT64_FORMAT ", write_capacity_units = " INT64_FORMAT,
							 update->read_capacity_units, update->write_capacity_units);
		if (update->max_read_request_units >= 0)
			appendStringInfo(&sql, ", max_read_request_units = %s", update->max_read_request_units == 0 ? "NULL" :
							 psprintf(INT64_FORMAT, update->max_read_request_units));
		if (update->max_write_request_units >= 0)
			appendStringInfo(&sql, ", max_write_request_units = %s", update->max_write_request_units == 0 ? "NULL" :
							 psprintf(INT64_FORMAT, update->max_write_request_units));
		appendStringInfo(&sql, " WHERE table_name = %s AND index_name = %s",
						 quote_literal_cstr(table->table_name), quote_literal_cstr(update->index_name));
		catalog_run_sql(sql.data);
	}

	if (spec->create_index != NULL)
	{
		IndexSpec  *index = spec->create_index;

		if (catalog_find_index(table, index->index_name) != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Attempting to create an index which already exists");
		if (gsis >= dynamo_max_global_secondary_indexes)
			dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
						 "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of %d",
						 dynamo_max_global_secondary_indexes);
		if (pay_per_request && index->has_throughput)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: %s when BillingMode is PAY_PER_REQUEST",
						 index->index_name);
		if (!pay_per_request && !index->has_throughput)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: %s",
						 index->index_name);
		merge_attribute_definitions(table->table_name, index);
		lock_out_writers(table->relation_name);
		catalog_create_index(table->table_name, table->relation_name, table->sort_key != NULL,
							 table->partition_count, pay_per_request, index, true);
		*backfill_relation = catalog_relation_name_for(psprintf("%s:%s", table->table_name, index->index_name));
	}

	if (spec->delete_index != NULL)
	{
		const TableIndex *index = catalog_find_index(table, spec->delete_index);

		if (index == NULL)
			dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND,
						 "Requested resource not found: Index %s for table %s", spec->delete_index,
						 table->table_name);
		if (!index->global)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Cannot delete an index that is not a GlobalSecondaryIndex: %s", spec->delete_index);
		catalog_run_sql(psprintf("DELETE FROM dynamo.indexes WHERE table_name = %s AND index_name = %s",
								 quote_literal_cstr(table->table_name), quote_literal_cstr(index->name)));
		catalog_drop_index_storage(index->relation_name, true);
		{
			int			i;

			/* a distributed table has none (src/sql/85_citus.sql) */
			for (i = 0; i < table->partition_count && !table->distributed; i++)
				catalog_run_sql(psprintf("DROP TRIGGER IF EXISTS %s ON %s", quote_identifier(index->relation_name),
										 quote_qualified_identifier("dynamo_data",
																	psprintf("%s#%d", table->relation_name, i))));
		}
		*deleted_index = pstrdup(index->name);
		/* AttributeDefinitions keeps only what a key still uses, as DynamoDB's does */
		catalog_run_sql(psprintf("UPDATE dynamo.tables t SET attribute_definitions = ("
								 "  SELECT coalesce(jsonb_agg(d ORDER BY n), '[]') FROM jsonb_array_elements(t.attribute_definitions)"
								 "    WITH ORDINALITY AS e(d, n)"
								 "   WHERE d->>'AttributeName' IN (t.partition_key, t.sort_key)"
								 "      OR EXISTS (SELECT FROM dynamo.indexes i WHERE i.table_name = t.table_name"
								 "                    AND d->>'AttributeName' = ANY (i.partition_keys || i.sort_keys)))"
								 " WHERE table_name = %s", quote_literal_cstr(table->table_name)));
	}
}
