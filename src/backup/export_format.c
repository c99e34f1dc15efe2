/*-------------------------------------------------------------------------
 *
 * export_format.c
 *	  The lines of an export's data files: DynamoDB JSON and Amazon Ion
 *	  text, for full exports ({"Item": ...}) and incremental exports
 *	  ({"Metadata": ..., "Keys": ..., "NewImage": ..., "OldImage": ...}).
 *
 * DynamoDB JSON lines are compact (no blanks), one object per line, each
 * attribute in DynamoDB's marshalled form ({"S":"x"}), as DynamoDB writes
 * them.  Ion lines start with the version marker and map DynamoDB's types
 * to Ion's as the developer guide's table does:
 *
 *	 S		string			"x"
 *	 N		decimal			103.  6d2  15d-1  (coefficient and exponent, no
 *							trailing zeros: exactly the number's digits)
 *	 B		blob			{{base64}}
 *	 BOOL	bool			true false
 *	 NULL	null			null
 *	 M		struct			{name:value,...}
 *	 L		list			[value,...]
 *	 SS, NS, BS	list annotated $dynamodb_SS:: $dynamodb_NS:: $dynamodb_BS::
 *
 * A field name that is not a plain identifier (or is an Ion keyword, or
 * starts with $, which Ion reads as a symbol id) is written as a quoted
 * string, which Ion accepts as a field name.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "backup/export.h"

#define APPEND_LITERAL(out, literal) appendBinaryStringInfo(out, literal, sizeof(literal) - 1)

/* ------------------------------------------------------------------------
 * DynamoDB JSON, compact
 * ------------------------------------------------------------------------
 */

static void append_json_map(StringInfo out, DynamoValue map);

/* one set element (its payload, untagged) as a JSON string */
static void
append_json_set_element(StringInfo out, DynamoType set_type, const uint8 *data, uint32 len)
{
	switch (set_type)
	{
		case DYNAMO_TYPE_SS:
			dynamo_append_json_string(out, (const char *) data, len);
			break;
		case DYNAMO_TYPE_NS:
			appendStringInfoChar(out, '"');
			dynamo_number_append_encoded_text(out, data, len);
			appendStringInfoChar(out, '"');
			break;
		default:
			appendStringInfoChar(out, '"');
			dynamo_append_base64(out, data, len);
			appendStringInfoChar(out, '"');
			break;
	}
}

/* Append a value as a compact DynamoDB JSON AttributeValue: {"S":"x"}. */
void
export_append_json_value(StringInfo out, DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);
	uint32		count;
	uint32		i;

	check_stack_depth();
	APPEND_LITERAL(out, "{\"");
	appendStringInfoString(out, dynamo_type_name(type));
	APPEND_LITERAL(out, "\":");
	switch (type)
	{
		case DYNAMO_TYPE_S:
			dynamo_append_json_string(out, (const char *) payload, payload_len);
			break;
		case DYNAMO_TYPE_N:
			appendStringInfoChar(out, '"');
			dynamo_number_append_encoded_text(out, payload, payload_len);
			appendStringInfoChar(out, '"');
			break;
		case DYNAMO_TYPE_B:
			appendStringInfoChar(out, '"');
			dynamo_append_base64(out, payload, payload_len);
			appendStringInfoChar(out, '"');
			break;
		case DYNAMO_TYPE_BOOL:
			if (payload[0])
				APPEND_LITERAL(out, "true");
			else
				APPEND_LITERAL(out, "false");
			break;
		case DYNAMO_TYPE_NULL:
			APPEND_LITERAL(out, "true");
			break;
		case DYNAMO_TYPE_M:
			append_json_map(out, value);
			break;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			appendStringInfoChar(out, '[');
			for (i = 0; i < count; i++)
			{
				if (i > 0)
					appendStringInfoChar(out, ',');
				export_append_json_value(out, dynamo_list_element(value, i));
			}
			appendStringInfoChar(out, ']');
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			count = dynamo_container_count(value);
			appendStringInfoChar(out, '[');
			for (i = 0; i < count; i++)
			{
				const uint8 *element;
				uint32		element_len;

				dynamo_container_element(value, i, &element, &element_len);
				if (i > 0)
					appendStringInfoChar(out, ',');
				append_json_set_element(out, type, element, element_len);
			}
			appendStringInfoChar(out, ']');
			break;
	}
	appendStringInfoChar(out, '}');
}

/* the entries of a map as a JSON object of name: AttributeValue */
static void
append_json_map(StringInfo out, DynamoValue map)
{
	uint32		count = dynamo_container_count(map);
	uint32		i;

	appendStringInfoChar(out, '{');
	for (i = 0; i < count; i++)
	{
		const char *name;
		uint32		namelen;
		DynamoValue child;

		dynamo_map_entry(map, i, &name, &namelen, &child);
		if (i > 0)
			appendStringInfoChar(out, ',');
		dynamo_append_json_string(out, name, namelen);
		appendStringInfoChar(out, ':');
		export_append_json_value(out, child);
	}
	appendStringInfoChar(out, '}');
}

/* ------------------------------------------------------------------------
 * Amazon Ion text
 * ------------------------------------------------------------------------
 */

static void append_ion_struct(StringInfo out, DynamoValue map);

/* an Ion string: UTF-8 as it is, quotes, backslashes and controls escaped */
static void
append_ion_string(StringInfo out, const char *text, uint32 len)
{
	uint32		i;

	appendStringInfoChar(out, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) text[i];

		if (c == '"' || c == '\\')
		{
			appendStringInfoChar(out, '\\');
			appendStringInfoChar(out, (char) c);
		}
		else if (c == '\n')
			APPEND_LITERAL(out, "\\n");
		else if (c == '\t')
			APPEND_LITERAL(out, "\\t");
		else if (c == '\r')
			APPEND_LITERAL(out, "\\r");
		else if (c < 0x20 || c == 0x7F)
			appendStringInfo(out, "\\x%02x", c);
		else
			appendStringInfoChar(out, (char) c);
	}
	appendStringInfoChar(out, '"');
}

/* whether a field name can be written bare: an identifier, not a keyword */
static bool
ion_plain_field_name(const char *name, uint32 len)
{
	uint32		i;

	if (len == 0 || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
					  name[0] == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
			  (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '$'))
			return false;
	if ((len == 4 && (memcmp(name, "true", 4) == 0 || memcmp(name, "null", 4) == 0)) ||
		(len == 5 && memcmp(name, "false", 5) == 0) ||
		(len == 3 && memcmp(name, "nan", 3) == 0))
		return false;
	return true;
}

/*
 * A number as an Ion decimal: its digits as the coefficient and the
 * exponent that places them (103.  6d2  15d-1  -5d-3  0.).
 */
static void
append_ion_decimal(StringInfo out, const uint8 *data, uint32 len)
{
	DynamoNumber number;
	int			exponent;
	int			i;

	dynamo_number_decode(data, len, &number);
	if (number.ndigits == 0)
	{
		APPEND_LITERAL(out, "0.");
		return;
	}
	if (number.negative)
		appendStringInfoChar(out, '-');
	for (i = 0; i < number.ndigits; i++)
		appendStringInfoChar(out, (char) ('0' + number.digits[i]));
	/* value = 0.d1..dn x 10^exponent = d1..dn x 10^(exponent - n) */
	exponent = number.exponent - number.ndigits;
	if (exponent == 0)
		appendStringInfoChar(out, '.');
	else
		appendStringInfo(out, "d%d", exponent);
}

/* one set element (its payload, untagged) as an Ion value */
static void
append_ion_set_element(StringInfo out, DynamoType set_type, const uint8 *data, uint32 len)
{
	switch (set_type)
	{
		case DYNAMO_TYPE_SS:
			append_ion_string(out, (const char *) data, len);
			break;
		case DYNAMO_TYPE_NS:
			append_ion_decimal(out, data, len);
			break;
		default:
			APPEND_LITERAL(out, "{{");
			dynamo_append_base64(out, data, len);
			APPEND_LITERAL(out, "}}");
			break;
	}
}

/* Append a value as Ion text, by the mapping at the top of the file. */
void
export_append_ion_value(StringInfo out, DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);
	uint32		count;
	uint32		i;

	check_stack_depth();
	switch (type)
	{
		case DYNAMO_TYPE_S:
			append_ion_string(out, (const char *) payload, payload_len);
			break;
		case DYNAMO_TYPE_N:
			append_ion_decimal(out, payload, payload_len);
			break;
		case DYNAMO_TYPE_B:
			APPEND_LITERAL(out, "{{");
			dynamo_append_base64(out, payload, payload_len);
			APPEND_LITERAL(out, "}}");
			break;
		case DYNAMO_TYPE_BOOL:
			if (payload[0])
				APPEND_LITERAL(out, "true");
			else
				APPEND_LITERAL(out, "false");
			break;
		case DYNAMO_TYPE_NULL:
			APPEND_LITERAL(out, "null");
			break;
		case DYNAMO_TYPE_M:
			append_ion_struct(out, value);
			break;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			appendStringInfoChar(out, '[');
			for (i = 0; i < count; i++)
			{
				if (i > 0)
					appendStringInfoChar(out, ',');
				export_append_ion_value(out, dynamo_list_element(value, i));
			}
			appendStringInfoChar(out, ']');
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			APPEND_LITERAL(out, "$dynamodb_");
			appendStringInfoString(out, dynamo_type_name(type));
			APPEND_LITERAL(out, "::[");
			count = dynamo_container_count(value);
			for (i = 0; i < count; i++)
			{
				const uint8 *element;
				uint32		element_len;

				dynamo_container_element(value, i, &element, &element_len);
				if (i > 0)
					appendStringInfoChar(out, ',');
				append_ion_set_element(out, type, element, element_len);
			}
			appendStringInfoChar(out, ']');
			break;
	}
}

/* a map as an Ion struct */
static void
append_ion_struct(StringInfo out, DynamoValue map)
{
	uint32		count = dynamo_container_count(map);
	uint32		i;

	appendStringInfoChar(out, '{');
	for (i = 0; i < count; i++)
	{
		const char *name;
		uint32		namelen;
		DynamoValue child;

		dynamo_map_entry(map, i, &name, &namelen, &child);
		if (i > 0)
			appendStringInfoChar(out, ',');
		if (ion_plain_field_name(name, namelen))
			appendBinaryStringInfo(out, name, namelen);
		else
			append_ion_string(out, name, namelen);
		appendStringInfoChar(out, ':');
		export_append_ion_value(out, child);
	}
	appendStringInfoChar(out, '}');
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------
 */

/* the line of one item of a full export, with its newline */
void
export_append_item_line(StringInfo out, ExportFormat format, DynamoValue item)
{
	if (format == EXPORT_FORMAT_ION)
	{
		APPEND_LITERAL(out, "$ion_1_0 {Item:");
		append_ion_struct(out, item);
	}
	else
	{
		APPEND_LITERAL(out, "{\"Item\":");
		append_json_map(out, item);
	}
	APPEND_LITERAL(out, "}\n");
}

/*
 * The line of one changed key of an incremental export, with its newline:
 * its write time, its key attributes, the item after (absent: deleted)
 * and before (absent: created, or a NEW_IMAGE export).
 */
void
export_append_change_line(StringInfo out, ExportFormat format, int64 write_micros,
						  DynamoValue keys, const DynamoValue *new_image, const DynamoValue *old_image)
{
	if (format == EXPORT_FORMAT_ION)
	{
		appendStringInfo(out, "$ion_1_0 {Metadata:{WriteTimestampMicros:" INT64_FORMAT ".},Keys:",
						 write_micros);
		append_ion_struct(out, keys);
		if (new_image)
		{
			APPEND_LITERAL(out, ",NewImage:");
			append_ion_struct(out, *new_image);
		}
		if (old_image)
		{
			APPEND_LITERAL(out, ",OldImage:");
			append_ion_struct(out, *old_image);
		}
	}
	else
	{
		appendStringInfo(out, "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"" INT64_FORMAT "\"}},\"Keys\":",
						 write_micros);
		append_json_map(out, keys);
		if (new_image)
		{
			APPEND_LITERAL(out, ",\"NewImage\":");
			append_json_map(out, *new_image);
		}
		if (old_image)
		{
			APPEND_LITERAL(out, ",\"OldImage\":");
			append_json_map(out, *old_image);
		}
	}
	APPEND_LITERAL(out, "}\n");
}
