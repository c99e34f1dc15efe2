/*-------------------------------------------------------------------------
 *
 * api_batch.c
 *	  BatchGetItem and BatchWriteItem: many single-item requests, over one
 *	  or more tables, in one call.
 *
 * Every request of a batch is parsed and validated (with the single-item
 * parsers) before any runs, so a bad request fails the whole batch and
 * changes nothing.  dynamo processes every request of a valid batch, so
 * UnprocessedKeys / UnprocessedItems are always empty; they exist for
 * throttling, which a later layer adds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "api/api.h"
#include "api/api_specs.h"
#include "errors.h"

#define BATCH_WRITE_MAX 25
#define BATCH_GET_MAX 100

static void
push_key(JsonbParseState **state, const char *key, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = len;
	(void) pushJsonbValue(state, WJB_KEY, &v);
}

/* a request object {"TableName": table, member: value (, extra members of from)} */
static Jsonb *
sub_request(const char *table, int table_len, const char *member, JsonbValue *value,
			JsonbValue *from)
{
	JsonbParseState *state = NULL;
	JsonbValue	v;

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_key(&state, "TableName", 9);
	v.type = jbvString;
	v.val.string.val = (char *) table;
	v.val.string.len = table_len;
	(void) pushJsonbValue(&state, WJB_VALUE, &v);
	push_key(&state, member, strlen(member));
	(void) pushJsonbValue(&state, WJB_VALUE, value);
	if (from != NULL)
	{
		static const char *const copied[] = {
			"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead"
		};
		int			i;

		for (i = 0; i < lengthof(copied); i++)
		{
			JsonbValue *m = request_object_member(from->val.binary.data, copied[i]);

			if (m != NULL)
			{
				push_key(&state, copied[i], strlen(copied[i]));
				(void) pushJsonbValue(&state, WJB_VALUE, m);
			}
		}
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* the RequestItems member: a non-empty object */
static JsonbValue *
request_items(Jsonb *request)
{
	JsonbValue *items = request_member(request, "RequestItems");

	if (items == NULL)
		request_missing("requestItems");
	if (!request_value_is_object(items))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	if (JsonContainerSize(items->val.binary.data) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
	return items;
}

/* are two keys of one table equal? */
static bool
keys_equal(const ItemKey *a, const ItemKey *b)
{
	return a->partition.len == b->partition.len &&
		memcmp(a->partition.data, b->partition.data, a->partition.len) == 0 &&
		a->sort.len == b->sort.len &&
		(a->sort.len == 0 || memcmp(a->sort.data, b->sort.data, a->sort.len) == 0);
}

typedef struct BatchWrite
{
	bool		is_put;
	PutItemSpec put;
	DeleteItemSpec delete;
} BatchWrite;

/* BatchWriteItem */
Jsonb *
api_batch_write_item(Jsonb *request)
{
	JsonbValue *items = request_items(request);
	JsonbIterator *it = JsonbIteratorInit(items->val.binary.data);
	JsonbValue	table_key;
	JsonbValue	list;
	JsonbIteratorToken token;
	BatchWrite	writes[BATCH_WRITE_MAX];
	int			nwrites = 0;
	int			i,
				j;
	JsonbParseState *state = NULL;

	while ((token = JsonbIteratorNext(&it, &table_key, true)) != WJB_DONE)
	{
		JsonbIterator *list_it;
		JsonbValue	entry;
		int			table_start = nwrites;

		if (token != WJB_KEY)
			continue;
		token = JsonbIteratorNext(&it, &list, true);
		if (!request_value_is_array(&list))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		if (JsonContainerSize(list.val.binary.data) < 1 ||
			JsonContainerSize(list.val.binary.data) > BATCH_WRITE_MAX)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
		list_it = JsonbIteratorInit(list.val.binary.data);
		while ((token = JsonbIteratorNext(&list_it, &entry, true)) != WJB_DONE)
		{
			JsonbValue *put;
			JsonbValue *delete;
			BatchWrite *write;

			if (token != WJB_ELEM)
				continue;
			if (nwrites >= BATCH_WRITE_MAX)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Too many items requested for the BatchWriteItem call");
			if (!request_value_is_object(&entry))
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
			put = request_object_member(entry.val.binary.data, "PutRequest");
			delete = request_object_member(entry.val.binary.data, "DeleteRequest");
			if ((put == NULL) == (delete == NULL))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "A WriteRequest must contain exactly one of PutRequest or DeleteRequest");
			write = &writes[nwrites++];
			write->is_put = (put != NULL);
			if (put != NULL)
			{
				JsonbValue *item = request_value_is_object(put) ?
					request_object_member(put->val.binary.data, "Item") : NULL;

				if (item == NULL)
					request_missing("requestItems.member.putRequest.item");
				api_parse_put_item(sub_request(table_key.val.string.val, table_key.val.string.len,
											   "Item", item, NULL), &write->put);
			}
			else
			{
				JsonbValue *key = request_value_is_object(delete) ?
					request_object_member(delete->val.binary.data, "Key") : NULL;

				if (key == NULL)
					request_missing("requestItems.member.deleteRequest.key");
				api_parse_delete_item(sub_request(table_key.val.string.val, table_key.val.string.len,
												  "Key", key, NULL), &write->delete);
			}
		}
		/* no key twice within a table */
		for (i = table_start; i < nwrites; i++)
			for (j = table_start; j < i; j++)
				if (keys_equal(writes[i].is_put ? &writes[i].put.key : &writes[i].delete.key,
							   writes[j].is_put ? &writes[j].put.key : &writes[j].delete.key))
					dynamo_error(DYNAMO_EXC_VALIDATION, "Provided list of item keys contains duplicates");
	}

	for (i = 0; i < nwrites; i++)
	{
		WriteResult result;

		if (writes[i].is_put)
			ops_put_item(&writes[i].put, &result);
		else
			ops_delete_item(&writes[i].delete, &result);
	}

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_key(&state, "UnprocessedItems", strlen("UnprocessedItems"));
	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	(void) pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* BatchGetItem */
Jsonb *
api_batch_get_item(Jsonb *request)
{
	JsonbValue *items = request_items(request);
	JsonbIterator *it = JsonbIteratorInit(items->val.binary.data);
	JsonbValue	table_key;
	JsonbValue	entry;
	JsonbIteratorToken token;
	GetItemSpec *gets = palloc(sizeof(GetItemSpec) * BATCH_GET_MAX);
	int		   *table_of = palloc(sizeof(int) * BATCH_GET_MAX);
	char	  **table_names = palloc(sizeof(char *) * Max(JsonContainerSize(items->val.binary.data), 1));
	int			ntables = 0;
	int			ngets = 0;
	int			i,
				j,
				t;
	JsonbParseState *state = NULL;

	while ((token = JsonbIteratorNext(&it, &table_key, true)) != WJB_DONE)
	{
		JsonbValue *keys;
		JsonbIterator *keys_it;
		JsonbValue	key;
		int			table_start = ngets;

		if (token != WJB_KEY)
			continue;
		token = JsonbIteratorNext(&it, &entry, true);
		if (!request_value_is_object(&entry))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		keys = request_object_member(entry.val.binary.data, "Keys");
		if (keys == NULL)
			request_missing("requestItems.member.keys");
		if (!request_value_is_array(keys))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		if (JsonContainerSize(keys->val.binary.data) < 1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]");
		table_names[ntables] = pnstrdup(table_key.val.string.val, table_key.val.string.len);
		keys_it = JsonbIteratorInit(keys->val.binary.data);
		while ((token = JsonbIteratorNext(&keys_it, &key, true)) != WJB_DONE)
		{
			if (token != WJB_ELEM)
				continue;
			if (ngets >= BATCH_GET_MAX)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Too many items requested for the BatchGetItem call");
			api_parse_get_item(sub_request(table_key.val.string.val, table_key.val.string.len,
										   "Key", &key, &entry), &gets[ngets]);
			table_of[ngets] = ntables;
			ngets++;
		}
		for (i = table_start; i < ngets; i++)
			for (j = table_start; j < i; j++)
				if (keys_equal(&gets[i].key, &gets[j].key))
					dynamo_error(DYNAMO_EXC_VALIDATION, "Provided list of item keys contains duplicates");
		ntables++;
	}

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_key(&state, "Responses", strlen("Responses"));
	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (t = 0; t < ntables; t++)
	{
		push_key(&state, table_names[t], strlen(table_names[t]));
		(void) pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < ngets; i++)
		{
			int64		size;
			struct varlena *item;

			if (table_of[i] != t)
				continue;
			item = ops_get_item(&gets[i], &size);
			if (item != NULL)
				(void) dynamo_push_jsonb(&state, dynamo_value_from_varlena(item), true);
		}
		(void) pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	(void) pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	push_key(&state, "UnprocessedKeys", strlen("UnprocessedKeys"));
	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	(void) pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}
