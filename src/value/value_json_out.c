/*-------------------------------------------------------------------------
 *
 * value_json_out.c
 *	  The value encoding out as DynamoDB JSON: as text (the output function
 *	  of the types) and as jsonb (the casts, and dynamo.execute's responses).
 *
 * Numbers come out in DynamoDB's normalised plain notation, binaries as
 * base64, map entries in name order and set elements in key order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "miscadmin.h"

#include "value/value.h"

/* Append a string of known length. */
#define APPEND_LITERAL(out, literal) \
	appendBinaryStringInfo((out), (literal), sizeof(literal) - 1)

/*
 * Append str as a JSON string literal: '"', '\' and control characters
 * escaped (U+0000 as \u0000), everything else copied in runs.
 */
void
dynamo_append_json_string(StringInfo out, const char *str, uint32 len)
{
	uint32		run = 0;		/* start of the bytes not yet appended */
	uint32		i;

	enlargeStringInfo(out, (int) len + 2);
	appendStringInfoChar(out, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) str[i];

		if (likely(c >= 0x20 && c != '"' && c != '\\'))
			continue;
		if (i > run)
			appendBinaryStringInfo(out, str + run, i - run);
		run = i + 1;
		switch (c)
		{
			case '"':
				APPEND_LITERAL(out, "\\\"");
				break;
			case '\\':
				APPEND_LITERAL(out, "\\\\");
				break;
			case '\b':
				APPEND_LITERAL(out, "\\b");
				break;
			case '\f':
				APPEND_LITERAL(out, "\\f");
				break;
			case '\n':
				APPEND_LITERAL(out, "\\n");
				break;
			case '\r':
				APPEND_LITERAL(out, "\\r");
				break;
			case '\t':
				APPEND_LITERAL(out, "\\t");
				break;
			default:
				appendStringInfo(out, "\\u%04x", c);
		}
	}
	if (len > run)
		appendBinaryStringInfo(out, str + run, len - run);
	appendStringInfoChar(out, '"');
}

/* Append bytes as base64 text (no quotes). */
void
dynamo_append_base64(StringInfo out, const uint8 *data, uint32 len)
{
	int			encoded_len = pg_b64_enc_len((int) len);
	int			written;

	enlargeStringInfo(out, encoded_len + 1);
	written = pg_b64_encode((const char *) data, (int) len, out->data + out->len, encoded_len);
	if (written < 0)
		elog(ERROR, "could not encode base64");
	out->len += written;
	out->data[out->len] = '\0';
}

/* Append one set element (payload without tag) as a JSON string. */
static void
append_set_element_json(StringInfo out, DynamoType set_type, const uint8 *data, uint32 len)
{
	if (set_type == DYNAMO_TYPE_SS)
		dynamo_append_json_string(out, (const char *) data, len);
	else if (set_type == DYNAMO_TYPE_NS)
	{
		appendStringInfoChar(out, '"');
		dynamo_number_append_encoded_text(out, data, len);
		appendStringInfoChar(out, '"');
	}
	else
	{
		appendStringInfoChar(out, '"');
		dynamo_append_base64(out, data, len);
		appendStringInfoChar(out, '"');
	}
}

/*
 * How DynamoDB JSON is spaced: as the types' text output and the API's
 * responses write it ({"S": "x"}, ", " between members), or compact, as
 * DynamoDB's export files are ({"S":"x"}, ",").
 */
typedef struct JsonSpacing
{
	const char *separator;		/* between members and elements */
	int			separator_len;
	const char *colon;			/* after a name */
	int			colon_len;
	bool		compact;		/* the openings without blanks */
} JsonSpacing;

static const JsonSpacing Spaced = {", ", 2, ": ", 2, false};
static const JsonSpacing Compact = {",", 1, ":", 1, true};

static void append_json(StringInfo out, DynamoValue value, const JsonSpacing *spacing);

/* the entries of a map as a JSON object of name: AttributeValue */
static void
append_item_json(StringInfo out, DynamoValue map, const JsonSpacing *spacing)
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
			appendBinaryStringInfo(out, spacing->separator, spacing->separator_len);
		dynamo_append_json_string(out, name, namelen);
		appendBinaryStringInfo(out, spacing->colon, spacing->colon_len);
		append_json(out, child, spacing);
	}
	appendStringInfoChar(out, '}');
}

/* Append the entries of a map as a JSON object of name: AttributeValue. */
void
dynamo_append_item_json(StringInfo out, DynamoValue map)
{
	append_item_json(out, map, &Spaced);
}

/* The same, compact: {"a":{"S":"x"},"b":{"N":"1"}} */
void
dynamo_append_item_json_compact(StringInfo out, DynamoValue map)
{
	append_item_json(out, map, &Compact);
}

/* the opening of an AttributeValue of each type: {"S": */
typedef struct ValueOpening
{
	const char *text;
	int			len;
} ValueOpening;

#define OPENING(name) {"{\"" name "\": ", sizeof("{\"" name "\": ") - 1}
#define COMPACT_OPENING(name) {"{\"" name "\":", sizeof("{\"" name "\":") - 1}

static const ValueOpening compact_openings[DYNAMO_TYPE_LAST + 1] = {
	[DYNAMO_TYPE_S] = COMPACT_OPENING("S"),
	[DYNAMO_TYPE_N] = COMPACT_OPENING("N"),
	[DYNAMO_TYPE_B] = COMPACT_OPENING("B"),
	[DYNAMO_TYPE_BOOL] = COMPACT_OPENING("BOOL"),
	[DYNAMO_TYPE_NULL] = COMPACT_OPENING("NULL"),
	[DYNAMO_TYPE_M] = COMPACT_OPENING("M"),
	[DYNAMO_TYPE_L] = COMPACT_OPENING("L"),
	[DYNAMO_TYPE_SS] = COMPACT_OPENING("SS"),
	[DYNAMO_TYPE_NS] = COMPACT_OPENING("NS"),
	[DYNAMO_TYPE_BS] = COMPACT_OPENING("BS"),
};

static const ValueOpening value_openings[DYNAMO_TYPE_LAST + 1] = {
	[DYNAMO_TYPE_S] = OPENING("S"),
	[DYNAMO_TYPE_N] = OPENING("N"),
	[DYNAMO_TYPE_B] = OPENING("B"),
	[DYNAMO_TYPE_BOOL] = OPENING("BOOL"),
	[DYNAMO_TYPE_NULL] = OPENING("NULL"),
	[DYNAMO_TYPE_M] = OPENING("M"),
	[DYNAMO_TYPE_L] = OPENING("L"),
	[DYNAMO_TYPE_SS] = OPENING("SS"),
	[DYNAMO_TYPE_NS] = OPENING("NS"),
	[DYNAMO_TYPE_BS] = OPENING("BS"),
};

/* Append a value as a DynamoDB JSON AttributeValue: {"S": "x"}. */
void
dynamo_append_json(StringInfo out, DynamoValue value)
{
	append_json(out, value, &Spaced);
}

/* The same, compact: {"S":"x"} */
void
dynamo_append_json_compact(StringInfo out, DynamoValue value)
{
	append_json(out, value, &Compact);
}

static void
append_json(StringInfo out, DynamoValue value, const JsonSpacing *spacing)
{
	DynamoType	type = dynamo_value_type(value);
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);
	uint32		count;
	uint32		i;

	check_stack_depth();
	if (type >= DYNAMO_TYPE_FIRST && type <= DYNAMO_TYPE_LAST)
	{
		const ValueOpening *opening = spacing->compact ? &compact_openings[type] : &value_openings[type];

		appendBinaryStringInfo(out, opening->text, opening->len);
	}
	else
	{
		APPEND_LITERAL(out, "{\"");
		appendStringInfoString(out, dynamo_type_name(type));
		appendStringInfoChar(out, '"');
		appendBinaryStringInfo(out, spacing->colon, spacing->colon_len);
	}
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
			append_item_json(out, value, spacing);
			break;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			appendStringInfoChar(out, '[');
			for (i = 0; i < count; i++)
			{
				if (i > 0)
					appendBinaryStringInfo(out, spacing->separator, spacing->separator_len);
				append_json(out, dynamo_list_element(value, i), spacing);
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
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(value, i, &elem, &elem_len);
				if (i > 0)
					appendBinaryStringInfo(out, spacing->separator, spacing->separator_len);
				append_set_element_json(out, type, elem, elem_len);
			}
			appendStringInfoChar(out, ']');
			break;
	}
	appendStringInfoChar(out, '}');
}

/* ------------------------------------------------------------------------
 * jsonb
 * ------------------------------------------------------------------------
 */

/*
 * Raise Postgres' own error for a string holding U+0000 where it must become
 * text or jsonb, neither of which can hold it.
 */
void
dynamo_check_no_nul(const char *str, uint32 len)
{
	if (memchr(str, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("unsupported Unicode escape sequence"),
				 errdetail("\\u0000 cannot be converted to text.")));
}

/*
 * Append len bytes of str for an error message, which is a C string: U+0000
 * is written as \u0000.
 */
void
dynamo_append_message_text(StringInfo out, const char *str, uint32 len)
{
	const char *end = str + len;

	while (str < end)
	{
		const char *nul = memchr(str, '\0', end - str);

		if (nul == NULL)
		{
			appendBinaryStringInfo(out, str, end - str);
			break;
		}
		appendBinaryStringInfo(out, str, nul - str);
		appendStringInfoString(out, "\\u0000");
		str = nul + 1;
	}
}

/* push a jsonb string scalar holding len bytes of str (no U+0000) */
void
dynamo_push_jsonb_string(JsonbParseState **state, JsonbIteratorToken token, const char *str, uint32 len)
{
	JsonbValue	v;

	dynamo_check_no_nul(str, len);

	v.type = jbvString;
	v.val.string.val = (char *) str;
	v.val.string.len = (int) len;
	(void) pushJsonbValue(state, token, &v);
}

/* push text built in buf as a string scalar (buf is left to the caller) */
static void
push_buffer(JsonbParseState **state, JsonbIteratorToken token, StringInfo buf)
{
	dynamo_push_jsonb_string(state, token, pstrdup(buf->data), buf->len);
}

static JsonbValue *push_attribute_value(JsonbParseState **state, DynamoValue value);

/*
 * push the entries of a map as an object of name: AttributeValue; returns
 * what the closing push returns (the root, when this object is the root)
 */
static JsonbValue *
push_map_entries(JsonbParseState **state, DynamoValue map)
{
	uint32		count = dynamo_container_count(map);
	uint32		i;

	(void) pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < count; i++)
	{
		const char *name;
		uint32		namelen;
		DynamoValue child;

		dynamo_map_entry(map, i, &name, &namelen, &child);
		dynamo_push_jsonb_string(state, WJB_KEY, name, namelen);
		(void) push_attribute_value(state, child);
	}
	return pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* push one AttributeValue object; returns what the closing push returns */
static JsonbValue *
push_attribute_value(JsonbParseState **state, DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);
	const char *type_name = dynamo_type_name(type);
	StringInfoData buf;
	JsonbValue	scalar;
	uint32		count;
	uint32		i;

	check_stack_depth();
	(void) pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	dynamo_push_jsonb_string(state, WJB_KEY, type_name, strlen(type_name));
	switch (type)
	{
		case DYNAMO_TYPE_S:
			dynamo_push_jsonb_string(state, WJB_VALUE, (const char *) payload, payload_len);
			break;
		case DYNAMO_TYPE_N:
		case DYNAMO_TYPE_B:
			initStringInfo(&buf);
			if (type == DYNAMO_TYPE_N)
				dynamo_number_append_encoded_text(&buf, payload, payload_len);
			else
				dynamo_append_base64(&buf, payload, payload_len);
			dynamo_push_jsonb_string(state, WJB_VALUE, buf.data, buf.len);
			break;
		case DYNAMO_TYPE_BOOL:
		case DYNAMO_TYPE_NULL:
			scalar.type = jbvBool;
			scalar.val.boolean = (type == DYNAMO_TYPE_NULL) || payload[0] != 0;
			(void) pushJsonbValue(state, WJB_VALUE, &scalar);
			break;
		case DYNAMO_TYPE_M:
			(void) push_map_entries(state, value);
			break;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			(void) pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			for (i = 0; i < count; i++)
				(void) push_attribute_value(state, dynamo_list_element(value, i));
			(void) pushJsonbValue(state, WJB_END_ARRAY, NULL);
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			count = dynamo_container_count(value);
			(void) pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			initStringInfo(&buf);
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(value, i, &elem, &elem_len);
				if (type == DYNAMO_TYPE_SS)
					dynamo_push_jsonb_string(state, WJB_ELEM, (const char *) elem, elem_len);
				else
				{
					resetStringInfo(&buf);
					if (type == DYNAMO_TYPE_NS)
						dynamo_number_append_encoded_text(&buf, elem, elem_len);
					else
						dynamo_append_base64(&buf, elem, elem_len);
					push_buffer(state, WJB_ELEM, &buf);
				}
			}
			(void) pushJsonbValue(state, WJB_END_ARRAY, NULL);
			break;
	}
	return pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * Push value onto a jsonb under construction: as an AttributeValue object,
 * or with item_form, a map as the object of its attributes (an item).
 * Returns the root when the value is the whole document.
 */
JsonbValue *
dynamo_push_jsonb(JsonbParseState **state, DynamoValue value, bool item_form)
{
	if (item_form)
		return push_map_entries(state, value);
	return push_attribute_value(state, value);
}

/* A value (or, with item_form, an item) as DynamoDB JSON in a new jsonb. */
Jsonb *
dynamo_value_to_jsonb(DynamoValue value, bool item_form)
{
	JsonbParseState *state = NULL;

	return JsonbValueToJsonb(dynamo_push_jsonb(&state, value, item_form));
}
