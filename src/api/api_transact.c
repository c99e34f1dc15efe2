/*-------------------------------------------------------------------------
 *
 * api_transact.c
 *	  TransactWriteItems and TransactGetItems: requests parsed into the
 *	  single-item specs, run by ops_transact.c, answered as DynamoDB answers
 *	  them, cancellations included.
 *
 * A problem that does not depend on the data (an element with no or several
 * actions, two actions on one item, the 4 MB aggregate, any single-item
 * validation) is a ValidationException for the whole request, raised before
 * anything runs.  A problem that depends on the data cancels the
 * transaction: TransactionCanceledException, whose message lists every
 * action's reason in order ("[None, ConditionalCheckFailed]") and whose
 * DETAIL is the CancellationReasons array (the endpoint sends it as the
 * error's CancellationReasons member).
 *
 * ClientRequestToken (dynamo.transaction_tokens): a request with a token
 * that an identical request used within the last 10 minutes succeeds
 * without writing again, and reports the read capacity of reading its
 * items, as DynamoDB documents; a different request with the token is
 * IdempotentParameterMismatchException; while the first still runs (its
 * transaction holds an advisory lock on the token), the second is
 * TransactionInProgressException.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/md5.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "api/api.h"
#include "api/api_specs.h"
#include "capacity/capacity.h"
#include "errors.h"

#define MAX_TRANSACT_ITEMS 100
#define MAX_TRANSACT_BYTES (4 * 1024 * 1024)

/* are two keys of one table equal? */
static bool
same_item(const TableInfo *ta, const ItemKey *a, const TableInfo *tb, const ItemKey *b)
{
	return ta == tb &&
		a->partition.len == b->partition.len &&
		memcmp(a->partition.data, b->partition.data, a->partition.len) == 0 &&
		a->sort.len == b->sort.len &&
		(a->sort.len == 0 || memcmp(a->sort.data, b->sort.data, a->sort.len) == 0);
}

/* the elements of the request's TransactItems */
static const JsonNode *
transact_items(const JsonNode *request, int *count)
{
	const JsonNode *items = request_member(request, "TransactItems");

	if (items == NULL)
		request_missing("transactItems");
	if (items->kind != JSON_ARRAY)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	*count = (int) items->count;
	return items->u.elements;
}

/* the one member of a TransactItems element that names its action */
static const JsonNode *
only_action(const JsonNode *element, const char *const *names, int nnames, int *which)
{
	const JsonNode *found = NULL;
	int			i;

	if (element->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	for (i = 0; i < nnames; i++)
	{
		const JsonNode *v = request_member(element, names[i]);

		if (v == NULL || v->kind == JSON_NULL)
			continue;
		if (found != NULL)
			found = element;	/* two: refused below */
		else
		{
			found = v;
			*which = i;
		}
	}
	if (found == NULL || found == element)
		/* wording inferred: DynamoDB's for an element without exactly one action */
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 nnames == 1 ? "TransactItems can only contain one of Get" :
					 "TransactItems can only contain one of Check, Put, Update or Delete");
	if (found->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	return found;
}

/* the type letter of an AttributeValue in JSON, or NULL when it is not one */
static const char *
attribute_type_letter(const JsonNode *value)
{
	if (value == NULL || value->kind != JSON_OBJECT || value->count != 1)
		return NULL;
	return value->u.members[0].name;
}

/*
 * Whether an AttributeValue in JSON may be a key of this declared type
 * (malformed values pass: the request's own parsing refuses them).
 */
static bool
key_type_fits(const JsonNode *value, DynamoType declared)
{
	const char *letter = attribute_type_letter(value);

	return letter == NULL || strcmp(letter, dynamo_type_name(declared)) == 0;
}

/*
 * A key that does not fit its table cancels a transaction (ValidationError)
 * rather than failing the request, as DynamoDB does: a Put's item with a key
 * attribute of the wrong type, an Update's, Delete's, ConditionCheck's or
 * Get's Key without exactly the key attributes of their types.  Returns the
 * reason's message, or NULL when the key fits (or another problem is left to
 * the request's parsing).
 */
static const char *
key_misfit(const JsonNode *action, bool is_put)
{
	const char *name = request_string(action, "TableName", "tableName", true);
	const TableInfo *table = request_table_named(name);
	const JsonNode *container = request_member(action, is_put ? "Item" : "Key");
	const JsonNode *pk;
	const JsonNode *sk = NULL;

	if (container == NULL || container->kind != JSON_OBJECT)
		return NULL;
	pk = json_member(container, table->partition_key);
	if (table->sort_key != NULL)
		sk = json_member(container, table->sort_key);
	if (is_put)
	{
		if (pk != NULL && !key_type_fits(pk, table->partition_key_type))
			return psprintf("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s",
							table->partition_key, dynamo_type_name(table->partition_key_type),
							attribute_type_letter(pk));
		if (sk != NULL && !key_type_fits(sk, table->sort_key_type))
			return psprintf("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s",
							table->sort_key, dynamo_type_name(table->sort_key_type), attribute_type_letter(sk));
		return NULL;
	}
	if (pk == NULL || (table->sort_key != NULL && sk == NULL) ||
		container->count != (uint32) (table->sort_key != NULL ? 2 : 1) ||
		!key_type_fits(pk, table->partition_key_type) ||
		(sk != NULL && !key_type_fits(sk, table->sort_key_type)))
		return "The provided key element does not match the schema";
	return NULL;
}

/* the message of a cancellation: "..., reasons [None, ConditionalCheckFailed]" */
static void
raise_cancelled(const TransactReason *reasons, int count, bool with_items)
{
	StringInfoData message;
	StringInfoData detail;
	JsonWriter	w;
	int			i;

	initStringInfo(&message);
	appendStringInfoString(&message,
						   "Transaction cancelled, please refer cancellation reasons for specific reasons [");
	initStringInfo(&detail);
	json_writer_init(&w, &detail);
	json_write_array_start(&w);
	for (i = 0; i < count; i++)
	{
		const char *code = reasons[i].code ? reasons[i].code : "None";

		appendStringInfo(&message, "%s%s", i ? ", " : "", code);
		json_write_object_start(&w);
		json_write_key(&w, "Code");
		json_write_string(&w, code);
		if (reasons[i].message != NULL)
		{
			json_write_key(&w, "Message");
			json_write_string(&w, reasons[i].message);
		}
		if (with_items && reasons[i].item_json != NULL)
		{
			json_write_key(&w, "Item");
			json_write_raw(&w, reasons[i].item_json);
		}
		json_write_object_end(&w);
	}
	json_write_array_end(&w);
	appendStringInfoChar(&message, ']');
	ereport(ERROR,
			(errcode(dynamo_exception_errcode(DYNAMO_EXC_TRANSACTION_CANCELED)),
			 errmsg_internal("%s", message.data),
			 errdetail_internal("%s", detail.data)));
}

/*
 * Count the actions of a cancelled transaction that met an item another
 * transaction holds (CloudWatch's TransactionConflict, per table).
 */
static void
count_conflicts(const TransactReason *reasons, const TableInfo **tables, int count)
{
	int			i;

	for (i = 0; i < count; i++)
		if (reasons[i].code != NULL && strcmp(reasons[i].code, "TransactionConflict") == 0 &&
			tables[i] != NULL)
			capacity_metric_add(tables[i]->table_name, NULL, NULL, METRIC_TRANSACTION_CONFLICT, 1);
}

/* capacity of a size: per KB for writes, per 4 KB for reads (src/capacity/capacity_units.c) */
static double
units_of(int64 size, int64 unit)
{
	return unit == 1024 ? capacity_write_units(size, false) : capacity_read_units(size, true, false);
}

/* qsort comparator of object members by name (bytes) */
static int
compare_members(const void *a, const void *b)
{
	const JsonMember *ma = *(const JsonMember *const *) a;
	const JsonMember *mb = *(const JsonMember *const *) b;
	int			c = memcmp(ma->name, mb->name, Min(ma->namelen, mb->namelen));

	return c != 0 ? c : (int) ma->namelen - (int) mb->namelen;
}

/* a JSON value with every object's members in name order (a repeated name: its last value) */
static void
write_canonical(JsonWriter *w, const JsonNode *node)
{
	uint32		i;

	check_stack_depth();
	if (node->kind == JSON_ARRAY)
	{
		json_write_array_start(w);
		for (i = 0; i < node->count; i++)
			write_canonical(w, &node->u.elements[i]);
		json_write_array_end(w);
	}
	else if (node->kind == JSON_OBJECT)
	{
		const JsonMember **members = palloc(sizeof(JsonMember *) * Max(node->count, 1));
		uint32		n = 0;

		for (i = 0; i < node->count; i++)
			if (json_member_n(node, node->u.members[i].name, node->u.members[i].namelen) ==
				&node->u.members[i].value)
				members[n++] = &node->u.members[i];
		qsort(members, n, sizeof(JsonMember *), compare_members);
		json_write_object_start(w);
		for (i = 0; i < n; i++)
		{
			json_write_key_n(w, members[i]->name, members[i]->namelen);
			write_canonical(w, &members[i]->value);
		}
		json_write_object_end(w);
		pfree(members);
	}
	else
		json_write_node(w, node);
}

/*
 * The md5 of a request's JSON, for its ClientRequestToken: members in name
 * order, so that the same request written in another order is the same.
 */
static char *
request_digest(const JsonNode *request)
{
	StringInfoData text;
	JsonWriter	w;
	char	   *digest = palloc(33);
	const char *error = NULL;

	initStringInfo(&text);
	json_writer_init(&w, &text);
	write_canonical(&w, request);
	if (!pg_md5_hash(text.data, text.len, digest, &error))
		elog(ERROR, "could not compute the digest of a request: %s", error ? error : "out of memory");
	return digest;
}

/*
 * The ClientRequestToken's state: false when the request is new (its token
 * is now held until this transaction ends); true when it replays a request
 * completed within 10 minutes.  A mismatch or a request in progress is
 * DynamoDB's exception.
 */
static bool
token_replays(const char *token, const char *digest)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2] = {CStringGetTextDatum(token), CStringGetTextDatum(digest)};
	bool		replay = false;

	SPI_connect();
	if (SPI_execute_with_args("SELECT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('dynamo.token:' || $1))",
							  1, types, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not lock a ClientRequestToken");
	if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "t") != 0)
		/* wording inferred */
		dynamo_error(DYNAMO_EXC_TRANSACTION_IN_PROGRESS,
					 "Transaction with the same ClientRequestToken is in progress");
	if (SPI_execute_with_args("SELECT request_digest = $2 FROM dynamo.transaction_tokens"
							  " WHERE token = $1 AND completed_at > pg_catalog.now() - interval '10 minutes'",
							  2, types, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read a ClientRequestToken");
	if (SPI_processed > 0)
	{
		if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "t") != 0)
			/* wording inferred */
			dynamo_error(DYNAMO_EXC_IDEMPOTENT_MISMATCH,
						 "Request parameters do not match the request originally made with this ClientRequestToken");
		replay = true;
	}
	SPI_finish();
	return replay;
}

/* record a completed request under its token (and forget expired ones) */
static void
token_complete(const char *token, const char *digest)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2] = {CStringGetTextDatum(token), CStringGetTextDatum(digest)};

	SPI_connect();
	if (SPI_execute_with_args("INSERT INTO dynamo.transaction_tokens (token, request_digest, completed_at)"
							  " VALUES ($1, $2, pg_catalog.now())"
							  " ON CONFLICT (token) DO UPDATE SET request_digest = EXCLUDED.request_digest,"
							  "   completed_at = EXCLUDED.completed_at",
							  2, types, args, NULL, false, 0) != SPI_OK_INSERT ||
		SPI_execute("DELETE FROM dynamo.transaction_tokens"
					" WHERE completed_at < pg_catalog.now() - interval '10 minutes'", false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not record a ClientRequestToken");
	SPI_finish();
}

/* TransactWriteItems */
void
api_transact_write_items(const JsonNode *request, JsonWriter *w)
{
	static const char *const kinds[] = {"ConditionCheck", "Put", "Delete", "Update"};
	int			count;
	const JsonNode *elements = transact_items(request, &count);
	const char *token = request_string(request, "ClientRequestToken", "clientRequestToken", false);
	TransactAction *actions;
	WriteResult *results;
	TransactReason *reasons;
	const TableInfo **tables;
	double	   *reads;
	double	   *writes;
	int64		total_size = 0;
	bool		replay = false;
	int			i,
				j;

	if (count > MAX_TRANSACT_ITEMS)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
	actions = palloc0(sizeof(TransactAction) * Max(count, 1));
	results = palloc0(sizeof(WriteResult) * Max(count, 1));
	reasons = palloc0(sizeof(TransactReason) * Max(count, 1));
	tables = palloc0(sizeof(TableInfo *) * Max(count, 1));
	reads = palloc0(sizeof(double) * Max(count, 1));
	writes = palloc0(sizeof(double) * Max(count, 1));

	for (i = 0; i < count; i++)
	{
		int			which = 0;
		const JsonNode *action = only_action(&elements[i], kinds, lengthof(kinds), &which);

		actions[i].kind = (TransactKind) which;
		actions[i].invalid = key_misfit(action, actions[i].kind == TRANSACT_PUT);
		if (actions[i].invalid != NULL)
		{
			actions[i].delete.table = request_table_named(request_string(action, "TableName", "tableName", true));
			actions[i].kind = TRANSACT_CONDITION_CHECK;	/* only its table is used */
			tables[i] = actions[i].delete.table;
			continue;
		}
		switch (actions[i].kind)
		{
			case TRANSACT_PUT:
				api_parse_put_item(action, &actions[i].put);
				actions[i].put.transactional = true;
				total_size += actions[i].put.item_size;
				break;
			case TRANSACT_UPDATE:
				api_parse_update_item(action, &actions[i].update);
				actions[i].update.transactional = true;
				break;
			default:
				api_parse_delete_item(action, &actions[i].delete);
				actions[i].delete.transactional = true;
				if (actions[i].kind == TRANSACT_CONDITION_CHECK && actions[i].delete.condition == NULL)
					request_missing(psprintf("transactItems.%d.member.conditionCheck.conditionExpression", i + 1));
				break;
		}
		tables[i] = ops_transact_table(&actions[i]);
		for (j = 0; j < i; j++)
			if (actions[j].invalid == NULL &&
				same_item(tables[i], ops_transact_key(&actions[i]), tables[j], ops_transact_key(&actions[j])))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "Transaction request cannot include multiple operations on one item");
	}
	if (total_size > MAX_TRANSACT_BYTES)
		/* wording inferred */
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Transaction request size exceeds the limit of 4 MB");

	if (token != NULL)
		replay = token_replays(token, request_digest(request));

	if (replay)
	{
		/* written already: what it reports is the reads of its items */
		for (i = 0; i < count; i++)
		{
			GetItemSpec get;
			int64		size;

			memset(&get, 0, sizeof(get));
			get.table = (TableInfo *) tables[i];
			get.key = *ops_transact_key(&actions[i]);
			get.consistent_read = true;
			(void) ops_get_item(&get, &size);
			reads[i] = units_of(size, 4096);
		}
	}
	else
	{
		storage_index_meter_reset();
		if (!ops_transact_write(actions, count, results, reasons))
		{
			bool		with_items = false;

			for (i = 0; i < count; i++)
				with_items |= (actions[i].kind == TRANSACT_PUT ? actions[i].put.return_old_on_failure :
							   actions[i].kind == TRANSACT_UPDATE ? actions[i].update.return_old_on_failure :
							   actions[i].delete.return_old_on_failure);
			count_conflicts(reasons, tables, count);
			raise_cancelled(reasons, count, with_items);
		}
		for (i = 0; i < count; i++)
		{
			if (actions[i].kind == TRANSACT_CONDITION_CHECK)
				reads[i] = 2 * units_of(results[i].item_size, 4096);
			else
				writes[i] = 2 * units_of(results[i].item_size, 1024);
		}
		if (token != NULL)
			token_complete(token, request_digest(request));
	}

	json_write_object_start(w);
	{
		int			nindexes = 0;
		const IndexUnits *indexes = replay ? NULL : storage_index_meter(&nindexes);

		response_consumed_capacity_tables(w, request, tables, reads, writes, count, indexes, nindexes, 2, true);
	}
	{
		const char *mode = request_string(request, "ReturnItemCollectionMetrics",
										  "returnItemCollectionMetrics", false);
		bool		any = false;

		for (i = 0; !replay && mode != NULL && strcmp(mode, "SIZE") == 0 && i < count; i++)
		{
			bool		first = true;

			if (results[i].collection_size < 0)
				continue;
			for (j = 0; j < i; j++)
				first &= !(tables[j] == tables[i] && results[j].collection_size >= 0);
			if (!first)
				continue;
			if (!any)
			{
				json_write_key(w, "ItemCollectionMetrics");
				json_write_object_start(w);
				any = true;
			}
			json_write_key(w, tables[i]->table_name);
			json_write_array_start(w);
			for (j = i; j < count; j++)
				if (tables[j] == tables[i] && results[j].collection_size >= 0)
					response_item_collection_metrics_value(w, tables[j], &results[j].key,
														   results[j].collection_size);
			json_write_array_end(w);
		}
		if (any)
			json_write_object_end(w);
	}
	json_write_object_end(w);
}

/* TransactGetItems */
void
api_transact_get_items(const JsonNode *request, JsonWriter *w)
{
	static const char *const kinds[] = {"Get"};
	int			count;
	const JsonNode *elements = transact_items(request, &count);
	GetItemSpec *gets;
	struct varlena **items;
	int64	   *sizes;
	TransactReason *reasons;
	const TableInfo **tables;
	double	   *reads;
	double	   *writes;
	const char **invalid;
	int64		total = 0;
	int			i;

	if (count > MAX_TRANSACT_ITEMS)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
	gets = palloc0(sizeof(GetItemSpec) * Max(count, 1));
	items = palloc0(sizeof(struct varlena *) * Max(count, 1));
	sizes = palloc0(sizeof(int64) * Max(count, 1));
	reasons = palloc0(sizeof(TransactReason) * Max(count, 1));
	tables = palloc0(sizeof(TableInfo *) * Max(count, 1));
	reads = palloc0(sizeof(double) * Max(count, 1));
	writes = palloc0(sizeof(double) * Max(count, 1));
	invalid = palloc0(sizeof(char *) * Max(count, 1));
	for (i = 0; i < count; i++)
	{
		int			which = 0;
		const JsonNode *get = only_action(&elements[i], kinds, 1, &which);

		invalid[i] = key_misfit(get, false);
		if (invalid[i] != NULL)
		{
			tables[i] = request_table_named(request_string(get, "TableName", "tableName", true));
			continue;
		}
		api_parse_get_item(get, &gets[i]);
		gets[i].consistent_read = true;
		gets[i].transactional = true;
		tables[i] = gets[i].table;
	}

	if (!ops_transact_get(gets, invalid, count, items, sizes, reasons))
	{
		count_conflicts(reasons, tables, count);
		raise_cancelled(reasons, count, false);
	}
	for (i = 0; i < count; i++)
	{
		total += sizes[i];
		reads[i] = 2 * units_of(sizes[i], 4096);
	}
	if (total > MAX_TRANSACT_BYTES)
		/* wording inferred */
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Total size of the items in the transaction exceeds the limit of 4 MB");

	json_write_object_start(w);
	json_write_key(w, "Responses");
	json_write_array_start(w);
	for (i = 0; i < count; i++)
	{
		/* a projection that matches nothing: no Item, as DynamoDB answers */
		json_write_object_start(w);
		if (items[i] != NULL && dynamo_container_count(dynamo_value_from_varlena(items[i])) > 0)
			response_item(w, "Item", items[i]);
		json_write_object_end(w);
	}
	json_write_array_end(w);
	response_consumed_capacity_tables(w, request, tables, reads, writes, count, NULL, 0, 2, true);
	json_write_object_end(w);
}
