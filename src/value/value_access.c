/*-------------------------------------------------------------------------
 *
 * value_access.c
 *	  SQL accessors of items and values: attribute lookup (->, ->>, ?),
 *	  document paths (#>), attribute names and count, type, size, and the
 *	  conversions of scalar values to SQL types.
 *
 * Lookups read the encoding in place (a binary search over an item's
 * names) and copy out only the value returned.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "value/value.h"

static bool
item_lookup(FunctionCallInfo fcinfo, DynamoValue *value)
{
	DynamoValue item = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));
	text	   *name = PG_GETARG_TEXT_PP(1);

	return dynamo_map_lookup(item, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), value);
}

/*
 * The text of a value for SQL: a string's characters, a number's DynamoDB
 * text, a binary's base64, true/false, SQL NULL for NULL (returned as NULL
 * pointer), and DynamoDB JSON for maps, lists and sets.
 */
static text *
value_as_text(DynamoValue value)
{
	StringInfoData buf;
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);

	switch (dynamo_value_type(value))
	{
		case DYNAMO_TYPE_S:
			dynamo_check_no_nul((const char *) payload, payload_len);
			return cstring_to_text_with_len((const char *) payload, payload_len);
		case DYNAMO_TYPE_NULL:
			return NULL;
		case DYNAMO_TYPE_BOOL:
			return cstring_to_text(payload[0] ? "true" : "false");
		default:
			break;
	}
	initStringInfo(&buf);
	if (dynamo_value_type(value) == DYNAMO_TYPE_N)
		dynamo_number_append_encoded_text(&buf, payload, payload_len);
	else if (dynamo_value_type(value) == DYNAMO_TYPE_B)
		dynamo_append_base64(&buf, payload, payload_len);
	else
		dynamo_append_json(&buf, value);
	return cstring_to_text_with_len(buf.data, buf.len);
}

PG_FUNCTION_INFO_V1(dynamo_item_get);
PG_FUNCTION_INFO_V1(dynamo_item_get_text);
PG_FUNCTION_INFO_V1(dynamo_item_has);
PG_FUNCTION_INFO_V1(dynamo_item_get_path);
PG_FUNCTION_INFO_V1(dynamo_item_attribute_count);
PG_FUNCTION_INFO_V1(dynamo_item_attribute_names);
PG_FUNCTION_INFO_V1(dynamo_item_size_sql);
PG_FUNCTION_INFO_V1(dynamo_value_size_sql);
PG_FUNCTION_INFO_V1(dynamo_value_type_sql);
PG_FUNCTION_INFO_V1(dynamo_value_as_text);
PG_FUNCTION_INFO_V1(dynamo_value_to_numeric);
PG_FUNCTION_INFO_V1(dynamo_value_to_boolean);

/* item -> name: the attribute's value, or NULL when it is absent */
Datum
dynamo_item_get(PG_FUNCTION_ARGS)
{
	DynamoValue value;

	if (!item_lookup(fcinfo, &value))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(dynamo_value_to_varlena(value.data, value.len));
}

/* item ->> name: the attribute's value as text (see value_as_text) */
Datum
dynamo_item_get_text(PG_FUNCTION_ARGS)
{
	DynamoValue value;
	text	   *result;

	if (!item_lookup(fcinfo, &value))
		PG_RETURN_NULL();
	result = value_as_text(value);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}

/* item ? name: does the item have the attribute */
Datum
dynamo_item_has(PG_FUNCTION_ARGS)
{
	DynamoValue value;

	PG_RETURN_BOOL(item_lookup(fcinfo, &value));
}

/* item #> 'a.b[2].c': the value at a document path, or NULL */
Datum
dynamo_item_get_path(PG_FUNCTION_ARGS)
{
	DynamoValue root = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));
	char	   *path = text_to_cstring(PG_GETARG_TEXT_PP(1));
	DynamoValue value;

	if (!dynamo_value_at_path(root, path, &value))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(dynamo_value_to_varlena(value.data, value.len));
}

/* dynamo.attribute_count(item) */
Datum
dynamo_item_attribute_count(PG_FUNCTION_ARGS)
{
	DynamoValue item = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));

	PG_RETURN_INT32((int32) dynamo_container_count(item));
}

/* dynamo.attribute_names(item): the names in DynamoDB's key order */
Datum
dynamo_item_attribute_names(PG_FUNCTION_ARGS)
{
	DynamoValue item = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));
	uint32		count = dynamo_container_count(item);
	Datum	   *names = palloc(sizeof(Datum) * Max(count, 1));
	uint32		i;

	for (i = 0; i < count; i++)
	{
		const char *name;
		uint32		namelen;
		DynamoValue value;

		dynamo_map_entry(item, i, &name, &namelen, &value);
		dynamo_check_no_nul(name, namelen);
		names[i] = PointerGetDatum(cstring_to_text_with_len(name, namelen));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(names, (int) count, TEXTOID, -1, false, TYPALIGN_INT));
}

/* dynamo.item_size(item): DynamoDB's size of the item in bytes */
Datum
dynamo_item_size_sql(PG_FUNCTION_ARGS)
{
	DynamoValue item = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));

	PG_RETURN_INT32((int32) dynamo_item_size(item));
}

/* dynamo.value_size(value): DynamoDB's size of one value in bytes */
Datum
dynamo_value_size_sql(PG_FUNCTION_ARGS)
{
	DynamoValue value = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));

	PG_RETURN_INT32((int32) dynamo_value_size(value));
}

/* dynamo.type(value): 'S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS' */
Datum
dynamo_value_type_sql(PG_FUNCTION_ARGS)
{
	DynamoValue value = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));

	PG_RETURN_TEXT_P(cstring_to_text(dynamo_type_name(dynamo_value_type(value))));
}

/* dynamo.as_text(value): see value_as_text */
Datum
dynamo_value_as_text(PG_FUNCTION_ARGS)
{
	text	   *result = value_as_text(dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0)));

	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}

static void
cannot_cast(DynamoValue value, const char *target)
{
	ereport(ERROR,
			(errcode(ERRCODE_CANNOT_COERCE),
			 errmsg("cannot cast a dynamo value of type %s to %s",
					dynamo_type_name(dynamo_value_type(value)), target)));
}

/* cast dynamo.value to numeric: N only, exact */
Datum
dynamo_value_to_numeric(PG_FUNCTION_ARGS)
{
	DynamoValue value = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));
	StringInfoData buf;

	if (dynamo_value_type(value) != DYNAMO_TYPE_N)
		cannot_cast(value, "numeric");
	initStringInfo(&buf);
	dynamo_number_append_encoded_text(&buf, dynamo_value_payload(value),
									  dynamo_value_payload_len(value));
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf.data),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* cast dynamo.value to boolean: BOOL only */
Datum
dynamo_value_to_boolean(PG_FUNCTION_ARGS)
{
	DynamoValue value = dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(0));

	if (dynamo_value_type(value) != DYNAMO_TYPE_BOOL)
		cannot_cast(value, "boolean");
	PG_RETURN_BOOL(dynamo_value_payload(value)[0] != 0);
}
