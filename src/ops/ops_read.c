/*-------------------------------------------------------------------------
 *
 * ops_read.c
 *	  Query and Scan: one page of items, read in key order from a cursor.
 *
 * A Query reads one item collection (pk = value) in sort-key order, forward
 * or backward, within the key range of its key condition; a Scan reads the
 * whole table in (pk, sk) order through the primary-key indexes of the
 * partitions.  Either resumes after ExclusiveStartKey, and stops after
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
	char		sql[1024];		/* hash key */
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

/* Read one page of a Query or a Scan. */
void
ops_read_page(const ReadPageSpec *spec, ReadPageResult *result)
{
	const TableInfo *table = spec->table;
	StringInfoData sql;
	Datum		values[8];
	char		nulls[8];
	Oid			argtypes[8];
	int			nargs = 0;
	Oid			value_type;
	Portal		portal;
	bool		done = false;
	bool		has_sort = table->sort_key != NULL;
	const char *relation = quote_qualified_identifier("dynamo_data", table->relation_name);
	const char *direction = spec->forward ? "ASC" : "DESC";
	MemoryContext caller_context = CurrentMemoryContext;

	memset(result, 0, sizeof(*result));
	memset(nulls, ' ', sizeof(nulls));
	value_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("value"),
								 ObjectIdGetDatum(get_namespace_oid("dynamo", false)));

#define ADD_VALUE(v) (argtypes[nargs] = value_type, values[nargs] = value_datum(v), ++nargs)
#define ADD_INT(i) (argtypes[nargs] = INT4OID, values[nargs] = Int32GetDatum(i), ++nargs)

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT pk, sk, item FROM %s WHERE true", relation);
	if (spec->is_query)
	{
		const ExprKeyRange *range = &spec->range;

		ADD_VALUE(range->partition_value);
		appendStringInfo(&sql, " AND pk OPERATOR(dynamo.=) $%d", nargs);
		if (range->has_sort_condition)
		{
			if (range->sort_between)
			{
				ADD_VALUE(range->sort_low);
				ADD_VALUE(range->sort_high);
				appendStringInfo(&sql, " AND sk OPERATOR(dynamo.>=) $%d AND sk OPERATOR(dynamo.<=) $%d",
								 nargs - 1, nargs);
			}
			else if (range->sort_begins_with)
			{
				DynamoValue successor;

				ADD_VALUE(range->sort_low);
				appendStringInfo(&sql, " AND sk OPERATOR(dynamo.>=) $%d", nargs);
				if (prefix_successor(range->sort_low, &successor))
				{
					ADD_VALUE(successor);
					appendStringInfo(&sql, " AND sk OPERATOR(dynamo.<) $%d", nargs);
				}
			}
			else
			{
				static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};

				ADD_VALUE(range->sort_low);
				appendStringInfo(&sql, " AND sk OPERATOR(dynamo.%s) $%d", ops[range->sort_op], nargs);
			}
		}
		if (spec->has_start && has_sort)
		{
			ADD_VALUE(spec->start.sort);
			appendStringInfo(&sql, " AND sk OPERATOR(dynamo.%s) $%d", spec->forward ? ">" : "<", nargs);
		}
		else if (spec->has_start)
			done = true;		/* an item collection of one item, already returned */
		if (has_sort)
			appendStringInfo(&sql, " ORDER BY sk %s", direction);
	}
	else
	{
		if (spec->total_segments > 0)
		{
			ADD_INT(spec->total_segments);
			ADD_INT(spec->segment);
			appendStringInfo(&sql, " AND (dynamo.key_hash(pk) & 2147483647) %% $%d = $%d",
							 nargs - 1, nargs);
		}
		if (spec->has_start)
		{
			ADD_VALUE(spec->start.partition);
			if (has_sort)
			{
				ADD_VALUE(spec->start.sort);
				appendStringInfo(&sql, " AND pk OPERATOR(dynamo.>=) $%d AND (pk OPERATOR(dynamo.>) $%d"
								 " OR sk OPERATOR(dynamo.>) $%d)", nargs - 1, nargs - 1, nargs);
			}
			else
				appendStringInfo(&sql, " AND pk OPERATOR(dynamo.>) $%d", nargs);
		}
		appendStringInfo(&sql, " ORDER BY pk%s", has_sort ? ", sk" : "");
	}

	if (done)
		return;

	SPI_connect();
	portal = SPI_cursor_open(NULL, kept_plan(sql.data, nargs, argtypes), values, nulls, true);
	while (!done)
	{
		uint64		i;

		SPI_cursor_fetch(portal, true, FETCH_BATCH);
		if (SPI_processed == 0)
			break;
		for (i = 0; i < SPI_processed && !done; i++)
		{
			bool		isnull;
			Datum		datum = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull);
			struct varlena *stored = (struct varlena *) PG_DETOAST_DATUM(datum);
			DynamoValue item = dynamo_value_from_varlena(stored);

			result->scanned_count++;
			result->bytes_read += dynamo_item_size(item);
			if (spec->filter == NULL || expr_eval_condition(spec->filter, item))
			{
				result->count++;
				if (!spec->count_only)
				{
					MemoryContext spi_context = MemoryContextSwitchTo(caller_context);

					result->items = lappend(result->items,
											spec->projection ? expr_project(spec->projection, item)
											: dynamo_value_to_varlena(item.data, item.len));
					MemoryContextSwitchTo(spi_context);
				}
			}
			if ((spec->limit > 0 && result->scanned_count >= spec->limit) ||
				result->bytes_read >= DYNAMO_MAX_PAGE_BYTES)
			{
				/* stopped early: the last item read is where the next page starts */
				ItemKey		last;
				MemoryContext spi_context;

				memset(&last, 0, sizeof(last));
				dynamo_map_lookup(item, table->partition_key, strlen(table->partition_key), &last.partition);
				if (has_sort)
					dynamo_map_lookup(item, table->sort_key, strlen(table->sort_key), &last.sort);
				spi_context = MemoryContextSwitchTo(caller_context);
				result->has_last_key = true;
				result->last_key = storage_key_item(table, &last);
				MemoryContextSwitchTo(spi_context);
				done = true;
			}
		}
	}
	SPI_cursor_close(portal);
	SPI_finish();
}
