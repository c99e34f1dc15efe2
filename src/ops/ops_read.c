/*-------------------------------------------------------------------------
 *
 * ops_read.c
 *	  Query and Scan: one page of items, read in key order from a cursor.
 *
 * A Query reads one item collection (pk = value) in sort-key order, forward
 * or backward, within the key range of its key condition; a Scan reads the
 * whole table in (pk, sk) order through the primary-key indexes of the
 * partitions.  With an index, the same over the index's keys (see
 * ReadTarget below).  Either resumes after ExclusiveStartKey, and stops after
 * Limit items or once the items read reach 1 MB by DynamoDB's size rules,
 * as DynamoDB does, returning LastEvaluatedKey then.  The filter applies
 * after the limits: Count counts what passed it, ScannedCount what was
 * read.
 *
 * Statements are built per shape of request (range operator, direction,
 * start key, segments) and their plans kept per statement text.  Their
 * operators are schema-qualified: they run under the caller's search_path.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "errors.h"
#include "ops/ops.h"

#define FETCH_BATCH 100

typedef struct KeptPlan
{
	char		sql[4096];		/* hash key: an LSI's statement names its sort key attribute
								 * (up to 255 bytes, quotes doubled) five times */
	SPIPlanPtr	plan;
} KeptPlan;

static HTAB *KeptPlans = NULL;

/* the kept plan of a statement text (parameters all dynamo.value, then int4s) */
static SPIPlanPtr
kept_plan(const char *sql, int nargs, Oid *argtypes)
{
	KeptPlan   *entry;
	bool		found;

	if (KeptPlans == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(((KeptPlan *) NULL)->sql);
		ctl.entrysize = sizeof(KeptPlan);
		KeptPlans = hash_create("dynamo read plans", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	if (strlen(sql) >= sizeof(((KeptPlan *) NULL)->sql))
		elog(ERROR, "read statement too long");
	entry = hash_search(KeptPlans, sql, HASH_ENTER, &found);
	if (!found)
		entry->plan = NULL;
	if (entry->plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		entry->plan = plan;
	}
	return entry->plan;
}

/* a value as a datum of dynamo.value */
static Datum
value_datum(DynamoValue v)
{
	return PointerGetDatum(dynamo_value_to_varlena(v.data, v.len));
}

/*
 * The smallest value greater than every value that starts with prefix, or
 * false when there is none (a prefix of 0xFF bytes): the upper bound of
 * begins_with.
 */
static bool
prefix_successor(DynamoValue prefix, DynamoValue *successor)
{
	uint8	   *bytes = palloc(prefix.len);
	int			len = prefix.len;

	memcpy(bytes, prefix.data, prefix.len);
	while (len > 1 && bytes[len - 1] == 0xFF)
		len--;
	if (len <= 1)
		return false;
	bytes[len - 1]++;
	successor->data = bytes;
	successor->len = len;
	return true;
}

/*
 * What a read scans: a relation, the columns (SQL expressions) that make
 * its partition key and its order, and the item attribute each one holds.
 *
 *	 the table:	 pk | sk
 *	 an LSI:	 pk | dynamo.get(item, '<sort key>'), sk	(rows with the attribute)
 *	 a GSI:		 pk, pk2.. | sk, sk2.., table_pk, table_sk
 *
 * A Query's key condition names the partition columns and the first sort
 * column; both read in the order of the partition and sort columns, which
 * is the order of a btree index of the relation (the primary key, the
 * LSI's index, the GSI's unique index), and resume after a start key by a
 * row comparison over the order columns (a Scan: over all of them).
 */
typedef struct ReadTarget
{
	const char *relation;
	int			npartition;
	int			nsort;
	const char *columns[2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 2];	/* partition, then sort */
	const char *attributes[2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 2];
	const char *present;		/* a condition every row of the index meets, or NULL */
} ReadTarget;

static void
add_column(ReadTarget *target, const char *column, const char *attribute, bool partition)
{
	target->columns[target->npartition + target->nsort] = column;
	target->attributes[target->npartition + target->nsort] = attribute;
	if (partition)
		target->npartition++;
	else
		target->nsort++;
}

static void
read_target(const ReadPageSpec *spec, ReadTarget *target)
{
	const TableInfo *table = spec->table;
	const TableIndex *index = spec->index;
	int			k;

	memset(target, 0, sizeof(*target));
	if (index == NULL)
	{
		target->relation = quote_qualified_identifier("dynamo_data", table->relation_name);
		add_column(target, "pk", table->partition_key, true);
		if (table->sort_key != NULL)
			add_column(target, "sk", table->sort_key, false);
	}
	else if (!index->global)
	{
		char	   *expression = psprintf("dynamo.get(item, %s)", quote_literal_cstr(index->sort_keys[0]));

		target->relation = quote_qualified_identifier("dynamo_data", table->relation_name);
		add_column(target, "pk", table->partition_key, true);
		add_column(target, expression, index->sort_keys[0], false);
		add_column(target, "sk", table->sort_key, false);
		target->present = psprintf("%s IS NOT NULL", expression);
	}
	else
	{
		target->relation = quote_qualified_identifier("dynamo_data", index->relation_name);
		for (k = 0; k < index->npartition_keys; k++)
			add_column(target, catalog_index_column(true, k), index->partition_keys[k], true);
		for (k = 0; k < index->nsort_keys; k++)
			add_column(target, catalog_index_column(false, k), index->sort_keys[k], false);
		add_column(target, "table_pk", table->partition_key, false);
		if (table->sort_key != NULL)
			add_column(target, "table_sk", table->sort_key, false);
	}
}

/*
 * The key of the last item read, for LastEvaluatedKey: the attributes of
 * every column of the target (the table's key, and an index's keys).
 */
static struct varlena *
last_key_of(const ReadTarget *target, DynamoValue item)
{
	return dynamo_map_select(item, target->attributes, target->npartition + target->nsort);
}

/* Read one page of a Query or a Scan, of a table or of one of its indexes. */
void
ops_read_page(const ReadPageSpec *spec, ReadPageResult *result)
{
	const TableInfo *table = spec->table;
	ReadTarget	target;
	StringInfoData sql;
	Datum		values[2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 8];
	char		nulls[2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 8];
	Oid			argtypes[2 * DYNAMO_INDEX_KEY_ATTRIBUTES + 8];
	int			nargs = 0;
	Oid			value_type;
	Portal		portal;
	bool		done = false;
	const char *direction = spec->forward ? "ASC" : "DESC";
	int			first_order;
	int			i;
	MemoryContext caller_context = CurrentMemoryContext;
	const TableIndex *gsi = NULL;
	ItemKey		partition_key;
	const ItemKey *key = NULL;

	memset(result, 0, sizeof(*result));
	memset(nulls, ' ', sizeof(nulls));
	/* the capacity it draws on: a GSI's, or the table's (and the partition a Query reads) */
	if (spec->index != NULL && spec->index->global)
		gsi = spec->index;
	else if (spec->is_query)
		key = &partition_key;
	partition_key.partition = spec->range.partition_value;
	partition_key.sort.len = 0;
	partition_key.sort.data = NULL;
	capacity_admit(table, gsi, CAPACITY_READ, key != NULL ? capacity_partition_of(table, key) : -1);
	value_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("value"),
								 ObjectIdGetDatum(get_namespace_oid("dynamo", false)));
	read_target(spec, &target);

#define ADD_VALUE(v) (argtypes[nargs] = value_type, values[nargs] = value_datum(v), ++nargs)
#define ADD_INT(i) (argtypes[nargs] = INT4OID, values[nargs] = Int32GetDatum(i), ++nargs)

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT item FROM %s WHERE true", target.relation);
	if (target.present != NULL)
		appendStringInfo(&sql, " AND %s", target.present);
	if (spec->is_query)
	{
		const ExprKeyRange *range = &spec->range;
		const char *sort = target.nsort > 0 ? target.columns[target.npartition + range->sort_key_index] : NULL;

		for (i = 0; i < target.npartition; i++)
		{
			ADD_VALUE(i < range->npartition_values ? range->partition_values[i] : range->partition_value);
			appendStringInfo(&sql, " AND %s OPERATOR(dynamo.=) $%d", target.columns[i], nargs);
		}
		for (i = 0; i < range->sort_key_index; i++)
		{
			ADD_VALUE(range->sort_equal[i]);
			appendStringInfo(&sql, " AND %s OPERATOR(dynamo.=) $%d", target.columns[target.npartition + i], nargs);
		}
		if (range->has_sort_condition)
		{
			if (range->sort_between)
			{
				ADD_VALUE(range->sort_low);
				ADD_VALUE(range->sort_high);
				appendStringInfo(&sql, " AND %s OPERATOR(dynamo.>=) $%d AND %s OPERATOR(dynamo.<=) $%d",
								 sort, nargs - 1, sort, nargs);
			}
			else if (range->sort_begins_with)
			{
				DynamoValue successor;

				ADD_VALUE(range->sort_low);
				appendStringInfo(&sql, " AND %s OPERATOR(dynamo.>=) $%d", sort, nargs);
				if (prefix_successor(range->sort_low, &successor))
				{
					ADD_VALUE(successor);
					appendStringInfo(&sql, " AND %s OPERATOR(dynamo.<) $%d", sort, nargs);
				}
			}
			else
			{
				static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};

				ADD_VALUE(range->sort_low);
				appendStringInfo(&sql, " AND %s OPERATOR(dynamo.%s) $%d", sort, ops[range->sort_op], nargs);
			}
		}
		first_order = target.npartition;
	}
	else
	{
		if (spec->total_segments > 0)
		{
			ADD_INT(spec->total_segments);
			ADD_INT(spec->segment);
			appendStringInfo(&sql, " AND (dynamo.key_hash(%s) & 2147483647) %% $%d = $%d",
							 target.columns[0], nargs - 1, nargs);
		}
		first_order = 0;
	}

	/* after the start key: a row comparison over the order columns */
	if (spec->start_item != NULL)
	{
		DynamoValue start = dynamo_value_from_varlena(spec->start_item);
		StringInfoData left;
		StringInfoData right;

		if (first_order == target.npartition + target.nsort)
			done = true;		/* a Query of an item collection of one item, already returned */
		initStringInfo(&left);
		initStringInfo(&right);
		for (i = first_order; i < target.npartition + target.nsort; i++)
		{
			DynamoValue value;

			if (!dynamo_map_lookup(start, target.attributes[i], strlen(target.attributes[i]), &value))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "The provided starting key is invalid: The provided key element does not match the schema");
			ADD_VALUE(value);
			appendStringInfo(&left, "%s%s", i > first_order ? ", " : "", target.columns[i]);
			appendStringInfo(&right, "%s$%d", i > first_order ? ", " : "", nargs);
		}
		if (!done)
			appendStringInfo(&sql, " AND ROW(%s) OPERATOR(dynamo.%s) ROW(%s)", left.data,
							 spec->forward ? ">" : "<", right.data);
	}
	if (first_order < target.npartition + target.nsort)
	{
		appendStringInfoString(&sql, " ORDER BY ");
		for (i = first_order; i < target.npartition + target.nsort; i++)
			appendStringInfo(&sql, "%s%s %s", i > first_order ? ", " : "", target.columns[i],
							 spec->is_query ? direction : "ASC");
	}

	if (done)
	{
		capacity_charge_read(table, gsi, key, 0, spec->consistent_read, false);
		return;
	}

	SPI_connect();
	portal = SPI_cursor_open(NULL, kept_plan(sql.data, nargs, argtypes), values, nulls, true);
	while (!done)
	{
		uint64		n;

		SPI_cursor_fetch(portal, true, FETCH_BATCH);
		if (SPI_processed == 0)
			break;
		for (n = 0; n < SPI_processed && !done; n++)
		{
			bool		isnull;
			Datum		datum = SPI_getbinval(SPI_tuptable->vals[n], SPI_tuptable->tupdesc, 1, &isnull);
			struct varlena *stored = (struct varlena *) PG_DETOAST_DATUM(datum);
			DynamoValue item = dynamo_value_from_varlena(stored);
			DynamoValue full = item;
			struct varlena *projected = NULL;

			/*
			 * An LSI's row is the table's, and its entry the projected
			 * attributes; what the request needs beyond them (a filter, a
			 * projection expression, ALL_ATTRIBUTES) is read from the whole
			 * item, as DynamoDB fetches it from the table, and counted too.
			 */
			if (spec->index != NULL && !spec->index->global &&
				spec->index->projection != PROJECTION_ALL)
			{
				projected = storage_index_projection(table, spec->index, full);
				item = dynamo_value_from_varlena(projected);
				if (spec->all_attributes || spec->projection != NULL || spec->filter != NULL)
					result->bytes_read += dynamo_item_size(full);
			}

			result->scanned_count++;
			result->bytes_read += dynamo_item_size(item);
			if (spec->filter == NULL || expr_eval_condition(spec->filter, full))
			{
				result->count++;
				if (!spec->count_only)
				{
					MemoryContext spi_context = MemoryContextSwitchTo(caller_context);

					result->items = lappend(result->items,
											spec->projection ? expr_project(spec->projection, full) :
											spec->all_attributes ? dynamo_value_to_varlena(full.data, full.len) :
											dynamo_value_to_varlena(item.data, item.len));
					MemoryContextSwitchTo(spi_context);
				}
			}
			if ((spec->limit > 0 && result->scanned_count >= spec->limit) ||
				result->bytes_read >= DYNAMO_MAX_PAGE_BYTES)
			{
				/* stopped early: the last item read is where the next page starts */
				MemoryContext spi_context = MemoryContextSwitchTo(caller_context);

				result->has_last_key = true;
				result->last_key = last_key_of(&target, item);
				MemoryContextSwitchTo(spi_context);
				done = true;
			}
			if (projected != NULL)
				pfree(projected);
		}
	}
	SPI_cursor_close(portal);
	SPI_finish();
	capacity_charge_read(table, gsi, key, result->bytes_read, spec->consistent_read, false);
}
