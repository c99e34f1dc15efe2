/*-------------------------------------------------------------------------
 *
 * api_batch.c
 *	  BatchGetItem and BatchWriteItem: many single-item requests, over one
 *	  or more tables, in one call.
 *
 * Every request of a batch is parsed and validated (with the single-item
 * parsers) before any runs, so a bad request fails the whole batch and
 * changes nothing.  Then each request is admitted on its capacity
 * (src/capacity/): one its table (or a GSI it would update) cannot serve
 * now is not run and comes back in UnprocessedKeys / UnprocessedItems, as
 * DynamoDB returns it; when none could be served, the batch fails with the
 * throttling error instead.  A put is held back by the GSIs whose partition
 * keys its item has, a delete by every GSI of its table (which entries it
 * removes is known only once it runs).
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

/*
 * A single-item request {"TableName": table, member: value} with, when from
 * is given, the members of a BatchGetItem table entry that apply to each key.
 */
static JsonNode *
sub_request(const JsonMember *table, const char *member, const JsonNode *value,
			const JsonNode *from)
{
	static const char *const copied[] = {
		"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead"
	};
	JsonMember *members = palloc(sizeof(JsonMember) * (2 + lengthof(copied)));
	JsonNode	name = request_string_node(table->name, table->namelen);
	uint32		n = 0;
	int			i;

	request_build_member(&members[n++], "TableName", &name);
	request_build_member(&members[n++], member, value);
	for (i = 0; from != NULL && i < lengthof(copied); i++)
	{
		const JsonNode *m = request_member(from, copied[i]);

		if (m != NULL)
			request_build_member(&members[n++], copied[i], m);
	}
	return request_build(members, n);
}

/* the RequestItems member: a non-empty object */
static const JsonNode *
request_items(const JsonNode *request)
{
	const JsonNode *items = request_member(request, "RequestItems");

	if (items == NULL)
		request_missing("requestItems");
	if (items->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
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
	const JsonMember *table_member; /* its RequestItems entry, and its WriteRequest */
	const JsonNode *request;
	bool		unprocessed;	/* throttled: not run */
} BatchWrite;

/*
 * Admit a batch write on its table's capacity and on that of the GSIs it
 * may update; false, with the throttle, when it cannot be served now.
 */
static bool
admit_write(const BatchWrite *write, Throttle *throttle)
{
	const TableInfo *table = write->is_put ? write->put.table : write->delete.table;
	const ItemKey *key = write->is_put ? &write->put.key : &write->delete.key;
	int			i;

	if (!capacity_try_admit(table, NULL, CAPACITY_WRITE, capacity_partition_of(table, key), throttle))
		return false;
	for (i = 0; i < table->nindexes; i++)
	{
		const TableIndex *index = &table->indexes[i];
		DynamoValue partition[DYNAMO_INDEX_KEY_ATTRIBUTES];
		DynamoValue sort[DYNAMO_INDEX_KEY_ATTRIBUTES];

		if (!index->global)
			continue;
		if (write->is_put &&
			!storage_index_entry_key(index, dynamo_value_from_varlena(write->put.item), partition, sort))
			continue;
		if (!capacity_try_admit(table, index, CAPACITY_WRITE, -1, throttle))
			return false;
	}
	return true;
}

/* UnprocessedItems: the throttled writes, by table, as they were requested */
static void
write_unprocessed_items(JsonWriter *w, const JsonNode *items, const BatchWrite *writes, int nwrites)
{
	uint32		t;
	int			i;

	json_write_key(w, "UnprocessedItems");
	json_write_object_start(w);
	for (t = 0; t < items->count; t++)
	{
		const JsonMember *table = &items->u.members[t];
		bool		any = false;

		for (i = 0; i < nwrites; i++)
		{
			if (!writes[i].unprocessed || writes[i].table_member != table)
				continue;
			if (!any)
			{
				json_write_key_n(w, table->name, table->namelen);
				json_write_array_start(w);
				any = true;
			}
			json_write_node(w, writes[i].request);
		}
		if (any)
			json_write_array_end(w);
	}
	json_write_object_end(w);
}

/* the table a batch write goes to */
static const TableInfo *
write_table(const BatchWrite *write)
{
	return write->is_put ? write->put.table : write->delete.table;
}

/*
 * ItemCollectionMetrics of BatchWriteItem, when asked for: by table (those
 * with local secondary indexes), one entry per item collection written.
 */
static void
write_collection_metrics(JsonWriter *w, const JsonNode *request, const BatchWrite *writes,
						 const WriteResult *results, int nwrites)
{
	const char *mode = request_string(request, "ReturnItemCollectionMetrics", "returnItemCollectionMetrics", false);
	bool		any = false;
	int			i,
				j;

	if (mode == NULL || strcmp(mode, "SIZE") != 0)
		return;
	for (i = 0; i < nwrites; i++)
	{
		const TableInfo *table = write_table(&writes[i]);
		bool		first_of_table = true;

		if (results[i].collection_size < 0)
			continue;
		for (j = 0; j < i; j++)
			if (write_table(&writes[j]) == table && results[j].collection_size >= 0)
				first_of_table = false;
		if (!first_of_table)
			continue;
		if (!any)
		{
			json_write_key(w, "ItemCollectionMetrics");
			json_write_object_start(w);
			any = true;
		}
		json_write_key(w, table->table_name);
		json_write_array_start(w);
		for (j = i; j < nwrites; j++)
		{
			int			k;
			bool		later = false;

			if (write_table(&writes[j]) != table || results[j].collection_size < 0)
				continue;
			/* one entry per collection: its last write's */
			for (k = j + 1; k < nwrites; k++)
				later |= (write_table(&writes[k]) == table && results[k].collection_size >= 0 &&
						  results[k].key.partition.len == results[j].key.partition.len &&
						  memcmp(results[k].key.partition.data, results[j].key.partition.data,
								 results[j].key.partition.len) == 0);
			if (!later)
				response_item_collection_metrics_value(w, table, &results[j].key, results[j].collection_size);
		}
		json_write_array_end(w);
	}
	if (any)
		json_write_object_end(w);
}

/* BatchWriteItem */
void
api_batch_write_item(const JsonNode *request, JsonWriter *w)
{
	const JsonNode *items = request_items(request);
	BatchWrite	writes[BATCH_WRITE_MAX];
	int			nwrites = 0;
	WriteResult *results;
	uint32		t;
	int			i,
				j;

	for (t = 0; t < items->count; t++)
	{
		const JsonMember *table = &items->u.members[t];
		const JsonNode *list = &table->value;
		int			table_start = nwrites;
		uint32		e;

		if (json_member_n(items, table->name, table->namelen) != list)
			continue;			/* a name given twice: the last one counts */
		if (list->kind != JSON_ARRAY)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		for (e = 0; e < list->count; e++)
		{
			const JsonNode *entry = &list->u.elements[e];
			const JsonNode *put;
			const JsonNode *delete;
			BatchWrite *write;

			if (nwrites >= BATCH_WRITE_MAX)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Too many items requested for the BatchWriteItem call");
			if (entry->kind != JSON_OBJECT)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
			put = request_member(entry, "PutRequest");
			delete = request_member(entry, "DeleteRequest");
			if ((put == NULL) == (delete == NULL))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "A WriteRequest must contain exactly one of PutRequest or DeleteRequest");
			write = &writes[nwrites++];
			write->is_put = (put != NULL);
			write->table_member = table;
			write->request = entry;
			write->unprocessed = false;
			if (put != NULL)
			{
				const JsonNode *item;

				if (put->kind != JSON_OBJECT)
					dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
				item = request_member(put, "Item");
				if (item == NULL)
					request_missing("requestItems.member.putRequest.item");
				api_parse_put_item(sub_request(table, "Item", item, NULL), &write->put);
			}
			else
			{
				const JsonNode *key;

				if (delete->kind != JSON_OBJECT)
					dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
				key = request_member(delete, "Key");
				if (key == NULL)
					request_missing("requestItems.member.deleteRequest.key");
				api_parse_delete_item(sub_request(table, "Key", key, NULL), &write->delete);
			}
		}
		/* no key twice within a table */
		for (i = table_start; i < nwrites; i++)
			for (j = table_start; j < i; j++)
				if (keys_equal(writes[i].is_put ? &writes[i].put.key : &writes[i].delete.key,
							   writes[j].is_put ? &writes[j].put.key : &writes[j].delete.key))
					dynamo_error(DYNAMO_EXC_VALIDATION, "Provided list of item keys contains duplicates");
	}

	results = palloc0(sizeof(WriteResult) * Max(nwrites, 1));
	storage_index_meter_reset();
	{
		Throttle	throttle;
		bool		served = false;

		for (i = 0; i < nwrites; i++)
		{
			if (!admit_write(&writes[i], &throttle))
			{
				writes[i].unprocessed = true;
				results[i].collection_size = -1;
				continue;
			}
			served = true;
			if (writes[i].is_put)
			{
				writes[i].put.admitted = true;
				ops_put_item(&writes[i].put, &results[i]);
			}
			else
			{
				writes[i].delete.admitted = true;
				ops_delete_item(&writes[i].delete, &results[i]);
			}
		}
		if (!served && nwrites > 0)
			capacity_raise_throttled(&throttle);
	}

	json_write_object_start(w);
	write_unprocessed_items(w, items, writes, nwrites);
	write_collection_metrics(w, request, writes, results, nwrites);
	{
		/* one write unit per KB of each item written or deleted, and the index writes */
		const TableInfo **tables = palloc(sizeof(TableInfo *) * Max(nwrites, 1));
		double	   *reads = palloc0(sizeof(double) * Max(nwrites, 1));
		double	   *units = palloc0(sizeof(double) * Max(nwrites, 1));
		int			nindexes;
		const IndexUnits *indexes = storage_index_meter(&nindexes);

		for (i = 0; i < nwrites; i++)
		{
			tables[i] = write_table(&writes[i]);
			units[i] = writes[i].unprocessed ? 0 : capacity_write_units(results[i].item_size, false);
		}
		response_consumed_capacity_tables(w, request, tables, reads, units, nwrites, indexes, nindexes,
										  1, false);
	}
	json_write_object_end(w);
}

/* BatchGetItem */
void
api_batch_get_item(const JsonNode *request, JsonWriter *w)
{
	const JsonNode *items = request_items(request);
	GetItemSpec *gets = palloc(sizeof(GetItemSpec) * BATCH_GET_MAX);
	uint32	   *table_of = palloc(sizeof(uint32) * BATCH_GET_MAX);
	int64	   *sizes = palloc0(sizeof(int64) * BATCH_GET_MAX);
	const JsonNode **key_nodes = palloc(sizeof(JsonNode *) * BATCH_GET_MAX);
	bool	   *unprocessed = palloc0(sizeof(bool) * BATCH_GET_MAX);
	struct varlena **found = palloc0(sizeof(struct varlena *) * BATCH_GET_MAX);
	bool		served = false;
	Throttle	throttle;
	int			ngets = 0;
	int			i,
				j;
	uint32		t;

	for (t = 0; t < items->count; t++)
	{
		const JsonMember *table = &items->u.members[t];
		const JsonNode *entry = &table->value;
		const JsonNode *keys;
		int			table_start = ngets;
		uint32		k;

		if (json_member_n(items, table->name, table->namelen) != entry)
			continue;			/* a name given twice: the last one counts */
		if (entry->kind != JSON_OBJECT)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		keys = request_member(entry, "Keys");
		if (keys == NULL)
			request_missing("requestItems.member.keys");
		if (keys->kind != JSON_ARRAY)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		for (k = 0; k < keys->count; k++)
		{
			if (ngets >= BATCH_GET_MAX)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Too many items requested for the BatchGetItem call");
			api_parse_get_item(sub_request(table, "Key", &keys->u.elements[k], entry), &gets[ngets]);
			key_nodes[ngets] = &keys->u.elements[k];
			table_of[ngets] = t;
			ngets++;
		}
		for (i = table_start; i < ngets; i++)
			for (j = table_start; j < i; j++)
				if (keys_equal(&gets[i].key, &gets[j].key))
					dynamo_error(DYNAMO_EXC_VALIDATION, "Provided list of item keys contains duplicates");
	}

	/*
	 * Read in request order, each key admitted on its table's capacity
	 * after the reads before it were charged: what cannot be served now is
	 * left unprocessed.
	 */
	for (i = 0; i < ngets; i++)
	{
		unprocessed[i] = !capacity_try_admit(gets[i].table, NULL, CAPACITY_READ,
											 capacity_partition_of(gets[i].table, &gets[i].key), &throttle);
		if (unprocessed[i])
			continue;
		gets[i].admitted = true;
		served = true;
		found[i] = ops_get_item(&gets[i], &sizes[i]);
	}
	if (!served && ngets > 0)
		capacity_raise_throttled(&throttle);

	json_write_object_start(w);
	json_write_key(w, "Responses");
	json_write_object_start(w);
	for (t = 0; t < items->count; t++)
	{
		if (json_member_n(items, items->u.members[t].name, items->u.members[t].namelen) !=
			&items->u.members[t].value)
			continue;
		json_write_key_n(w, items->u.members[t].name, items->u.members[t].namelen);
		json_write_array_start(w);
		for (i = 0; i < ngets; i++)
		{
			struct varlena *item;

			if (table_of[i] != t || unprocessed[i])
				continue;
			item = found[i];
			if (item != NULL)
				dynamo_append_item_json(json_write_begin_value(w), dynamo_value_from_varlena(item));
		}
		json_write_array_end(w);
	}
	json_write_object_end(w);
	json_write_key(w, "UnprocessedKeys");
	json_write_object_start(w);
	for (t = 0; t < items->count; t++)
	{
		const JsonMember *table = &items->u.members[t];
		static const char *const kept[] = {
			"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead"
		};
		bool		any = false;

		for (i = 0; i < ngets; i++)
		{
			if (table_of[i] != t || !unprocessed[i])
				continue;
			if (!any)
			{
				json_write_key_n(w, table->name, table->namelen);
				json_write_object_start(w);
				json_write_key(w, "Keys");
				json_write_array_start(w);
				any = true;
			}
			json_write_node(w, key_nodes[i]);
		}
		if (any)
		{
			int			m;

			json_write_array_end(w);
			for (m = 0; m < lengthof(kept); m++)
			{
				const JsonNode *member = request_member(&table->value, kept[m]);

				if (member != NULL)
				{
					json_write_key(w, kept[m]);
					json_write_node(w, member);
				}
			}
			json_write_object_end(w);
		}
	}
	json_write_object_end(w);
	{
		/* one read unit per 4 KB of each item read, half for an eventually consistent read */
		const TableInfo **tables = palloc(sizeof(TableInfo *) * Max(ngets, 1));
		double	   *units = palloc0(sizeof(double) * Max(ngets, 1));
		double	   *writes_none = palloc0(sizeof(double) * Max(ngets, 1));

		for (i = 0; i < ngets; i++)
		{
			tables[i] = gets[i].table;
			units[i] = unprocessed[i] ? 0 : capacity_read_units(sizes[i], gets[i].consistent_read, false);
		}
		response_consumed_capacity_tables(w, request, tables, units, writes_none, ngets, NULL, 0, 1, false);
	}
	json_write_object_end(w);
}
