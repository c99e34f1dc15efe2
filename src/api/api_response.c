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

/*
 * ConsumedCapacity, when the request's ReturnConsumedCapacity asks for it:
 * TOTAL gives the table and its units, INDEXES adds the table's own share.
 */
void
response_consumed_capacity(JsonWriter *w, const JsonNode *request, const TableInfo *table,
						   double units)
{
	const char *mode = request_string(request, "ReturnConsumedCapacity", "returnConsumedCapacity", false);

	if (mode == NULL || strcmp(mode, "NONE") == 0)
		return;
	json_write_key(w, "ConsumedCapacity");
	json_write_object_start(w);
	json_write_key(w, "TableName");
	json_write_string(w, table->table_name);
	json_write_key(w, "CapacityUnits");
	json_write_double(w, units);
	if (strcmp(mode, "INDEXES") == 0)
	{
		json_write_key(w, "Table");
		json_write_object_start(w);
		json_write_key(w, "CapacityUnits");
		json_write_double(w, units);
		json_write_object_end(w);
	}
	json_write_object_end(w);
}

/* A whole response the catalog built as jsonb. */
void
response_jsonb(JsonWriter *w, Jsonb *object)
{
	StringInfo	out = json_write_begin_value(w);

	(void) JsonbToCString(out, &object->root, VARSIZE(object));
}
