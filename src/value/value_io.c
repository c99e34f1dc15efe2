/*-------------------------------------------------------------------------
 *
 * value_io.c
 *	  SQL-callable I/O of dynamo.item and dynamo.value: text (DynamoDB JSON),
 *	  binary send/receive, and the casts to and from jsonb and plain JSON.
 *
 * Text input parses with the extension's own JSON reader (json_parse)
 * straight into the encoding, no jsonb in between, so strings and names may
 * hold U+0000; malformed JSON gets Postgres' own JSON error, everything after
 * that DynamoDB's errors.  Binary receive
 * takes a format-version byte and the encoding, validated completely.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "errors.h"
#include "value/json_node.h"
#include "value/value.h"

/* the version byte of the binary send/receive format */
#define DYNAMO_BINARY_FORMAT_VERSION 1

/* the JSON tree of a cstring, with Postgres' JSON syntax errors */
static JsonNode *
json_from_cstring(const char *text)
{
	return json_parse(text, strlen(text));
}

static char *
value_to_cstring(DynamoValue value, bool item_form)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (item_form)
		dynamo_append_item_json(&buf, value);
	else
		dynamo_append_json(&buf, value);
	return buf.data;
}

static struct varlena *
receive_encoding(StringInfo buf, bool item)
{
	int			version = pq_getmsgbyte(buf);
	int			len = buf->len - buf->cursor;
	const char *data;
	DynamoValue value;

	if (version != DYNAMO_BINARY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported dynamo binary format version %d", version)));
	data = pq_getmsgbytes(buf, len);
	value.data = (const uint8 *) data;
	value.len = (uint32) len;
	dynamo_validate_encoding(value, item);
	return dynamo_value_to_varlena(value.data, value.len);
}

static bytea *
send_encoding(DynamoValue value)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, DYNAMO_BINARY_FORMAT_VERSION);
	pq_sendbytes(&buf, (const char *) value.data, (int) value.len);
	return pq_endtypsend(&buf);
}

PG_FUNCTION_INFO_V1(dynamo_item_in);
PG_FUNCTION_INFO_V1(dynamo_item_out);
PG_FUNCTION_INFO_V1(dynamo_item_recv);
PG_FUNCTION_INFO_V1(dynamo_item_send);
PG_FUNCTION_INFO_V1(dynamo_value_in);
PG_FUNCTION_INFO_V1(dynamo_value_out);
PG_FUNCTION_INFO_V1(dynamo_value_recv);
PG_FUNCTION_INFO_V1(dynamo_value_send);

/* dynamo.item input: DynamoDB JSON of an item, {"id": {"S": "a"}} */
Datum
dynamo_item_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_item_from_node(json_from_cstring(PG_GETARG_CSTRING(0))));
}

/* dynamo.item output: DynamoDB JSON */
Datum
dynamo_item_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(value_to_cstring(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0)), true));
}

/* dynamo.item binary input */
Datum
dynamo_item_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(receive_encoding((StringInfo) PG_GETARG_POINTER(0), true));
}

/* dynamo.item binary output */
Datum
dynamo_item_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(send_encoding(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0))));
}

/* dynamo.value input: one DynamoDB JSON AttributeValue, {"N": "1.5"} */
Datum
dynamo_value_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_value_from_node(json_from_cstring(PG_GETARG_CSTRING(0))));
}

/* dynamo.value output: DynamoDB JSON */
Datum
dynamo_value_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(value_to_cstring(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0)), false));
}

/* dynamo.value binary input */
Datum
dynamo_value_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(receive_encoding((StringInfo) PG_GETARG_POINTER(0), false));
}

/* dynamo.value binary output */
Datum
dynamo_value_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(send_encoding(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0))));
}

PG_FUNCTION_INFO_V1(dynamo_item_to_jsonb);
PG_FUNCTION_INFO_V1(dynamo_jsonb_to_item);
PG_FUNCTION_INFO_V1(dynamo_value_to_jsonb_sql);
PG_FUNCTION_INFO_V1(dynamo_jsonb_to_value);
PG_FUNCTION_INFO_V1(dynamo_value_to_item);
PG_FUNCTION_INFO_V1(dynamo_to_plain);
PG_FUNCTION_INFO_V1(dynamo_item_from_plain);
PG_FUNCTION_INFO_V1(dynamo_value_from_plain_sql);

/* cast dynamo.item to jsonb: DynamoDB JSON */
Datum
dynamo_item_to_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(dynamo_value_to_jsonb(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0)), true));
}

/* cast jsonb to dynamo.item */
Datum
dynamo_jsonb_to_item(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_item_from_jsonb(PG_GETARG_JSONB_P(0)));
}

/* cast dynamo.value to jsonb: one AttributeValue */
Datum
dynamo_value_to_jsonb_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(dynamo_value_to_jsonb(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0)), false));
}

/* cast jsonb to dynamo.value */
Datum
dynamo_jsonb_to_value(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_value_from_jsonb(PG_GETARG_JSONB_P(0)));
}

/* cast dynamo.value to dynamo.item: the value must be a map */
Datum
dynamo_value_to_item(PG_FUNCTION_ARGS)
{
	struct varlena *datum = PG_GETARG_DYNAMO_VARLENA(0);
	DynamoValue value = dynamo_value_from_varlena(datum);

	if (dynamo_value_type(value) != DYNAMO_TYPE_M)
		ereport(ERROR,
				(errcode(ERRCODE_CANNOT_COERCE),
				 errmsg("cannot cast a dynamo value of type %s to dynamo.item",
						dynamo_type_name(dynamo_value_type(value))),
				 errdetail("Only a value of type M is an item.")));
	PG_RETURN_POINTER(dynamo_value_to_varlena(value.data, value.len));
}

/* dynamo.to_plain(item or value): plain JSON */
Datum
dynamo_to_plain(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(dynamo_value_to_plain(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0))));
}

/* dynamo.from_plain(jsonb): an item from a plain JSON object */
Datum
dynamo_item_from_plain(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_value_from_plain(PG_GETARG_JSONB_P(0), true));
}

/* dynamo.value_from_plain(jsonb): a value from any plain JSON */
Datum
dynamo_value_from_plain_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dynamo_value_from_plain(PG_GETARG_JSONB_P(0), false));
}
