/*-------------------------------------------------------------------------
 *
 * api_response.c
 *	  The members DynamoDB's responses share, written straight into the
 *	  response buffer: an item, ConsumedCapacity, and the control plane's
 *	  descriptions (built by the catalog as jsonb).
 *
 * Items go out through the value model's own JSON writer, so every string
 * an item holds (U+0000 included) comes back as it was stored.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "api/api.h"
#include "errors.h"

/* member: the item as DynamoDB JSON (nothing when item is NULL) */
void
response_item(JsonWriter *w, const char *member, struct varlena *item)
{
	if (item == NULL)
		return;
	json_write_key(w, member);
	dynamo_append_item_json(json_write_begin_value(w), dynamo_value_from_varlena(item));
}

/* the units of the indexes of one kind, as {"name": {"CapacityUnits": u}, ...} */
static void
write_index_units(JsonWriter *w, const char *member, const IndexUnits *indexes, int nindexes,
				  bool global)
{
	int			i;
	bool		any = false;

	for (i = 0; i < nindexes; i++)
		any |= (indexes[i].global == global);
	if (!any)
		return;
	json_write_key(w, member);
	json_write_object_start(w);
	for (i = 0; i < nindexes; i++)
	{
		if (indexes[i].global != global)
			continue;
		json_write_key(w, indexes[i].name);
		json_write_object_start(w);
		json_write_key(w, "CapacityUnits");
		json_write_double(w, indexes[i].units);
		json_write_object_end(w);
	}
	json_write_object_end(w);
}

/*
 * ConsumedCapacity, when the request's ReturnConsumedCapacity asks for it:
 * TOTAL gives the table and the units of the table and its indexes
 * together; INDEXES adds the table's own units and each index's, as
 * DynamoDB reports them (LocalSecondaryIndexes, GlobalSecondaryIndexes).
 */
void
response_consumed_capacity_indexes(JsonWriter *w, const JsonNode *request, const TableInfo *table,
								   double table_units, const IndexUnits *indexes, int nindexes)
{
	const char *mode = request_string(request, "ReturnConsumedCapacity", "returnConsumedCapacity", false);
	double		total = table_units;
	int			i;

	if (mode == NULL || strcmp(mode, "NONE") == 0)
		return;
	for (i = 0; i < nindexes; i++)
		total += indexes[i].units;
	json_write_key(w, "ConsumedCapacity");
	json_write_object_start(w);
	json_write_key(w, "TableName");
	json_write_string(w, table->table_name);
	json_write_key(w, "CapacityUnits");
	json_write_double(w, total);
	if (strcmp(mode, "INDEXES") == 0)
	{
		json_write_key(w, "Table");
		json_write_object_start(w);
		json_write_key(w, "CapacityUnits");
		json_write_double(w, table_units);
		json_write_object_end(w);
		write_index_units(w, "LocalSecondaryIndexes", indexes, nindexes, false);
		write_index_units(w, "GlobalSecondaryIndexes", indexes, nindexes, true);
	}
	json_write_object_end(w);
}

/* CapacityUnits, and (split) ReadCapacityUnits / WriteCapacityUnits when not zero */
static void
write_units(JsonWriter *w, double read, double write, bool split)
{
	json_write_key(w, "CapacityUnits");
	json_write_double(w, read + write);
	if (split && read > 0)
	{
		json_write_key(w, "ReadCapacityUnits");
		json_write_double(w, read);
	}
	if (split && write > 0)
	{
		json_write_key(w, "WriteCapacityUnits");
		json_write_double(w, write);
	}
}

/*
 * ConsumedCapacity of an action on several tables (the batches, the
 * transactions): one entry per table in the order the tables first appear,
 * with the read and write units of its requests (reads[i], writes[i] for
 * the request on tables[i]) and the index writes metered on the write path,
 * times index_factor (two for transactions, as DynamoDB counts them);
 * split: with ReadCapacityUnits and WriteCapacityUnits, as the transactions
 * answer.
 */
void
response_consumed_capacity_tables(JsonWriter *w, const JsonNode *request, const TableInfo **tables,
								  const double *reads, const double *writes, int count,
								  const IndexUnits *indexes, int nindexes, double index_factor,
								  bool split)
{
	const char *mode = request_string(request, "ReturnConsumedCapacity", "returnConsumedCapacity", false);
	int			i,
				j;

	if (mode == NULL || strcmp(mode, "NONE") == 0)
		return;
	json_write_key(w, "ConsumedCapacity");
	json_write_array_start(w);
	for (i = 0; i < count; i++)
	{
		double		read = 0,
					write = 0;
		bool		first = true;
		double		table_read,
					table_write;
		int			k;
		bool		kinds[2] = {false, false};

		for (j = 0; j < i; j++)
			first &= (tables[j] != tables[i]);
		if (!first)
			continue;

		for (j = i; j < count; j++)
			if (tables[j] == tables[i])
			{
				read += reads[j];
				write += writes[j];
			}
		table_read = read;
		table_write = write;
		/* the index writes */
		for (k = 0; k < nindexes; k++)
			if (strcmp(indexes[k].table_name, tables[i]->table_name) == 0)
			{
				write += index_factor * indexes[k].units;
				kinds[indexes[k].global ? 1 : 0] = true;
			}
		json_write_object_start(w);
		json_write_key(w, "TableName");
		json_write_string(w, tables[i]->table_name);
		write_units(w, read, write, split);
		if (strcmp(mode, "INDEXES") == 0)
		{
			int			g;

			json_write_key(w, "Table");
			json_write_object_start(w);
			write_units(w, table_read, table_write, split);
			json_write_object_end(w);
			for (g = 0; g < 2; g++)
			{
				if (!kinds[g])
					continue;
				json_write_key(w, g ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
				json_write_object_start(w);
				for (k = 0; k < nindexes; k++)
				{
					if (indexes[k].global != (g == 1) ||
						strcmp(indexes[k].table_name, tables[i]->table_name) != 0)
						continue;
					json_write_key(w, indexes[k].name);
					json_write_object_start(w);
					write_units(w, 0, index_factor * indexes[k].units, split);
					json_write_object_end(w);
				}
				json_write_object_end(w);
			}
		}
		json_write_object_end(w);
	}
	json_write_array_end(w);
}

/* ConsumedCapacity of an operation on the table alone */
void
response_consumed_capacity(JsonWriter *w, const JsonNode *request, const TableInfo *table,
						   double units)
{
	response_consumed_capacity_indexes(w, request, table, units, NULL, 0);
}

/*
 * ItemCollectionMetrics, when the request asks for SIZE and the table has
 * local secondary indexes (collection_size >= 0): the item's partition key
 * and DynamoDB's estimate of the collection's size, a range of whole GB.
 */
void
response_item_collection_metrics(JsonWriter *w, const JsonNode *request, const TableInfo *table,
								 const ItemKey *key, int64 collection_size)
{
	const char *mode = request_string(request, "ReturnItemCollectionMetrics", "returnItemCollectionMetrics", false);

	if (mode == NULL || strcmp(mode, "SIZE") != 0 || !table->has_lsi || collection_size < 0)
		return;
	json_write_key(w, "ItemCollectionMetrics");
	response_item_collection_metrics_value(w, table, key, collection_size);
}

/* {"ItemCollectionKey": {...}, "SizeEstimateRangeGB": [low, high]} */
void
response_item_collection_metrics_value(JsonWriter *w, const TableInfo *table, const ItemKey *key,
									   int64 collection_size)
{
	double		low = (double) (collection_size / (INT64CONST(1024) * 1024 * 1024));

	json_write_object_start(w);
	json_write_key(w, "ItemCollectionKey");
	json_write_object_start(w);
	json_write_key(w, table->partition_key);
	dynamo_append_json(json_write_begin_value(w), key->partition);
	json_write_object_end(w);
	json_write_key(w, "SizeEstimateRangeGB");
	json_write_array_start(w);
	json_write_double(w, low);
	json_write_double(w, low + 1);
	json_write_array_end(w);
	json_write_object_end(w);
}

/* A whole response the catalog built as jsonb. */
void
response_jsonb(JsonWriter *w, Jsonb *object)
{
	StringInfo	out = json_write_begin_value(w);

	(void) JsonbToCString(out, &object->root, VARSIZE(object));
}
