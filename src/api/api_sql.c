/*-------------------------------------------------------------------------
 *
 * api_sql.c
 *	  The typed SQL door: dynamo.get_item, put_item, update_item,
 *	  delete_item, query and scan, on dynamo.item values, without JSON.
 *
 * They run the same operations as dynamo.execute (src/ops/), with the same
 * checks and errors.  Each call site keeps its parsed expressions in
 * fn_extra with the texts they came from, so a statement run per row (or a
 * prepared statement run many times) parses once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "api/api.h"
#include "api/api_specs.h"
#include "errors.h"

/* the parsed expressions of a call site, and the texts they came from */
typedef struct CallSiteExpressions
{
	text	   *texts[4];		/* condition/key condition, update, filter, projection */
	Jsonb	   *names;
	Jsonb	   *values;
	ExprNode   *condition;
	ExprUpdate *update;
	ExprNode   *filter;
	ExprProjection *projection;
	ExprKeyRange range;
	char	   *range_table;	/* the table the key range was checked against */
	char	   *range_index;	/* and its index, or "" */
} CallSiteExpressions;

enum
{
	TEXT_CONDITION,
	TEXT_UPDATE,
	TEXT_FILTER,
	TEXT_PROJECTION
};

static text *
text_arg(FunctionCallInfo fcinfo, int n)
{
	return (n >= 0 && !PG_ARGISNULL(n)) ? PG_GETARG_TEXT_PP(n) : NULL;
}

static Jsonb *
jsonb_arg(FunctionCallInfo fcinfo, int n)
{
	return (n >= 0 && !PG_ARGISNULL(n)) ? PG_GETARG_JSONB_P(n) : NULL;
}

/*
 * The expressions given by arguments (-1 for absent ones), parsed on first
 * use and whenever an argument changes.  A key condition (is_key_condition)
 * is turned into a key range on the table's key schema.
 */
static CallSiteExpressions *
call_site_expressions(FunctionCallInfo fcinfo, const TableInfo *table, bool is_key_condition,
					  const int text_args[4], int names_arg, int values_arg,
					  const TableIndex *index)
{
	CallSiteExpressions *cache = (CallSiteExpressions *) fcinfo->flinfo->fn_extra;
	text	   *texts[4];
	Jsonb	   *names = jsonb_arg(fcinfo, names_arg);
	Jsonb	   *values = jsonb_arg(fcinfo, values_arg);
	MemoryContext old_context;
	ExprParams *params;
	int			i;
	bool		same;

	for (i = 0; i < 4; i++)
		texts[i] = text_arg(fcinfo, text_args[i]);
	same = cache != NULL && expr_same_datum(cache->names, names) && expr_same_datum(cache->values, values) &&
		(!is_key_condition || (strcmp(cache->range_table, table->table_name) == 0 &&
							   strcmp(cache->range_index, index ? index->name : "") == 0));
	for (i = 0; same && i < 4; i++)
		same = expr_same_datum(cache->texts[i], texts[i]);
	if (same)
		return cache;

	old_context = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	fcinfo->flinfo->fn_extra = NULL;
	cache = palloc0(sizeof(CallSiteExpressions));
	for (i = 0; i < 4; i++)
		cache->texts[i] = expr_copy_datum(texts[i]);
	cache->names = expr_copy_datum(names);
	cache->values = expr_copy_datum(values);
	params = expr_params_create(cache->names ? json_from_jsonb(cache->names) : NULL,
								cache->values ? json_from_jsonb(cache->values) : NULL);
	if (cache->texts[TEXT_UPDATE])
		cache->update = expr_parse_update(text_to_cstring(cache->texts[TEXT_UPDATE]), params);
	if (cache->texts[TEXT_CONDITION])
	{
		char	   *source = text_to_cstring(cache->texts[TEXT_CONDITION]);

		if (is_key_condition)
		{
			ExprKeySchema schema;

			api_read_key_schema(table, index, &schema);
			expr_key_range(source, params, &schema, &cache->range);
			cache->range_table = pstrdup(table->table_name);
			cache->range_index = pstrdup(index ? index->name : "");
		}
		else
			cache->condition = expr_parse_condition(source, EXPR_KIND_CONDITION, params);
	}
	if (cache->texts[TEXT_FILTER])
		cache->filter = expr_parse_condition(text_to_cstring(cache->texts[TEXT_FILTER]),
											 EXPR_KIND_FILTER, params);
	if (cache->texts[TEXT_PROJECTION])
		cache->projection = expr_parse_projection(text_to_cstring(cache->texts[TEXT_PROJECTION]), params);
	expr_params_check_unused(params);
	MemoryContextSwitchTo(old_context);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

static TableInfo *
table_arg(FunctionCallInfo fcinfo)
{
	return request_table_named(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

/* the index named by argument n (NULL: none), one a read may use */
static const TableIndex *
index_arg(FunctionCallInfo fcinfo, const TableInfo *table, int n)
{
	char	   *name;
	const TableIndex *index;

	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return NULL;
	name = text_to_cstring(PG_GETARG_TEXT_PP(n));
	index = catalog_find_index(table, name);
	if (index == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "The table does not have the specified index: %s", name);
	if (index->global && strcmp(index->status, "CREATING") == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Cannot read from backfilling global secondary index: %s", name);
	return index;
}

#define ITEM_ARG(n) dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(n))

PG_FUNCTION_INFO_V1(dynamo_sql_get_item);
PG_FUNCTION_INFO_V1(dynamo_sql_put_item);
PG_FUNCTION_INFO_V1(dynamo_sql_delete_item);
PG_FUNCTION_INFO_V1(dynamo_sql_update_item);
PG_FUNCTION_INFO_V1(dynamo_sql_query);
PG_FUNCTION_INFO_V1(dynamo_sql_scan);

/* dynamo.get_item(table, key, projection, names): the item, or NULL */
Datum
dynamo_sql_get_item(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {-1, -1, -1, 2};
	GetItemSpec spec;
	struct varlena *item;
	int64		size;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	api_key_from_map(spec.table, ITEM_ARG(1), &spec.key);
	spec.projection = PG_ARGISNULL(2) ? NULL :
		call_site_expressions(fcinfo, spec.table, false, texts, 3, -1, NULL)->projection;
	spec.consistent_read = true;
	item = ops_get_item(&spec, &size);
	if (item == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(item);
}

/*
 * dynamo.put_item(table, item, condition, names, values, return_old): with
 * return_old, the replaced item (or NULL); else NULL
 */
Datum
dynamo_sql_put_item(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {2, -1, -1, -1};
	PutItemSpec spec;
	WriteResult result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	spec.item = PG_GETARG_DYNAMO_VARLENA(1);
	storage_key_from_item(spec.table, dynamo_value_from_varlena(spec.item), &spec.key);
	spec.item_size = dynamo_item_size(dynamo_value_from_varlena(spec.item));
	if (spec.item_size > DYNAMO_MAX_ITEM_SIZE)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Item size has exceeded the maximum allowed size");
	if (!PG_ARGISNULL(2) || !PG_ARGISNULL(3) || !PG_ARGISNULL(4))
		spec.condition = call_site_expressions(fcinfo, spec.table, false, texts, 3, 4, NULL)->condition;
	spec.return_values = (!PG_ARGISNULL(5) && PG_GETARG_BOOL(5)) ? RETURN_ALL_OLD : RETURN_NONE;
	ops_put_item(&spec, &result);
	if (result.attributes == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result.attributes);
}

/* dynamo.delete_item(table, key, condition, names, values): the deleted item, or NULL */
Datum
dynamo_sql_delete_item(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {2, -1, -1, -1};
	DeleteItemSpec spec;
	WriteResult result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	api_key_from_map(spec.table, ITEM_ARG(1), &spec.key);
	if (!PG_ARGISNULL(2) || !PG_ARGISNULL(3) || !PG_ARGISNULL(4))
		spec.condition = call_site_expressions(fcinfo, spec.table, false, texts, 3, 4, NULL)->condition;
	spec.return_values = RETURN_ALL_OLD;
	ops_delete_item(&spec, &result);
	if (result.attributes == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result.attributes);
}

/* dynamo.update_item(table, key, update, condition, names, values): the item as updated */
Datum
dynamo_sql_update_item(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {3, 2, -1, -1};
	UpdateItemSpec spec;
	WriteResult result;
	CallSiteExpressions *expressions;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	api_key_from_map(spec.table, ITEM_ARG(1), &spec.key);
	expressions = call_site_expressions(fcinfo, spec.table, false, texts, 4, 5, NULL);
	spec.update = expressions->update;
	spec.condition = expressions->condition;
	spec.return_values = RETURN_ALL_NEW;
	ops_update_item(&spec, &result);
	PG_RETURN_POINTER(result.attributes);
}

/* read every page of a query or scan into the function's result set */
static void
read_all_pages(FunctionCallInfo fcinfo, ReadPageSpec *spec, int64 max_items)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		returned = 0;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (;;)
	{
		ReadPageResult page;
		ListCell   *cell;

		ops_read_page(spec, &page);
		foreach(cell, page.items)
		{
			Datum		value = PointerGetDatum(lfirst(cell));
			bool		isnull = false;

			if (max_items > 0 && returned >= max_items)
				return;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
			returned++;
		}
		if (!page.has_last_key || (max_items > 0 && returned >= max_items))
			return;
		spec->has_start = true;
		spec->start_item = page.last_key;
	}
}

/*
 * dynamo.query(table, key_condition, names, values, filter, projection,
 * forward, max_items): the items of the key range, in sort-key order.
 */
Datum
dynamo_sql_query(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {1, -1, 4, 5};
	ReadPageSpec spec;
	CallSiteExpressions *expressions;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("dynamo.query needs a table and a key condition")));
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	spec.index = index_arg(fcinfo, spec.table, 8);
	spec.consistent_read = (spec.index == NULL || !spec.index->global);
	spec.is_query = true;
	expressions = call_site_expressions(fcinfo, spec.table, true, texts, 2, 3, spec.index);
	spec.range = expressions->range;
	spec.filter = expressions->filter;
	spec.projection = expressions->projection;
	spec.forward = PG_ARGISNULL(6) ? true : PG_GETARG_BOOL(6);
	read_all_pages(fcinfo, &spec, PG_ARGISNULL(7) ? 0 : PG_GETARG_INT64(7));
	return (Datum) 0;
}

/* dynamo.scan(table, filter, projection, names, values): every item that passes */
Datum
dynamo_sql_scan(PG_FUNCTION_ARGS)
{
	static const int texts[4] = {-1, -1, 1, 2};
	ReadPageSpec spec;
	CallSiteExpressions *expressions;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("dynamo.scan needs a table")));
	memset(&spec, 0, sizeof(spec));
	spec.table = table_arg(fcinfo);
	spec.index = index_arg(fcinfo, spec.table, 5);
	spec.consistent_read = (spec.index == NULL || !spec.index->global);
	spec.forward = true;
	if (!PG_ARGISNULL(1) || !PG_ARGISNULL(2) || !PG_ARGISNULL(3) || !PG_ARGISNULL(4))
	{
		expressions = call_site_expressions(fcinfo, spec.table, false, texts, 3, 4, spec.index);
		spec.filter = expressions->filter;
		spec.projection = expressions->projection;
	}
	read_all_pages(fcinfo, &spec, 0);
	return (Datum) 0;
}
