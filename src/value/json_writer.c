/*-------------------------------------------------------------------------
 *
 * json_writer.c
 *	  JSON text into a StringInfo, for DynamoDB's responses: the writer
 *	  places commas and colons, the caller says what comes next.
 *
 * Strings are escaped losslessly (U+0000 as \u0000), so whatever a request
 * stored comes back byte for byte.  Values written by other code (an item's
 * DynamoDB JSON from value_json_out.c) go in after json_write_begin_value(),
 * which puts the separator and hands back the buffer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "value/json_node.h"
#include "value/value.h"

void
json_writer_init(JsonWriter *w, StringInfo out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

/* Put the separator a new value needs; returns the buffer to write into. */
StringInfo
json_write_begin_value(JsonWriter *w)
{
	if (w->after_key)
		w->after_key = false;
	else
	{
		if (w->need_comma[w->depth])
			appendStringInfoChar(w->out, ',');
		w->need_comma[w->depth] = true;
	}
	return w->out;
}

static void
open_container(JsonWriter *w, char c)
{
	json_write_begin_value(w);
	appendStringInfoChar(w->out, c);
	if (w->depth + 1 >= JSON_WRITER_MAX_DEPTH)
		elog(ERROR, "JSON writer nesting too deep");
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void
close_container(JsonWriter *w, char c)
{
	Assert(w->depth > 0);
	w->depth--;
	appendStringInfoChar(w->out, c);
}

void
json_write_object_start(JsonWriter *w)
{
	open_container(w, '{');
}

void
json_write_object_end(JsonWriter *w)
{
	close_container(w, '}');
}

void
json_write_array_start(JsonWriter *w)
{
	open_container(w, '[');
}

void
json_write_array_end(JsonWriter *w)
{
	close_container(w, ']');
}

/* A member name; the next write is its value. */
void
json_write_key_n(JsonWriter *w, const char *name, uint32 len)
{
	json_write_begin_value(w);
	dynamo_append_json_string(w->out, name, len);
	appendStringInfoChar(w->out, ':');
	w->after_key = true;
}

void
json_write_key(JsonWriter *w, const char *name)
{
	json_write_key_n(w, name, strlen(name));
}

void
json_write_string_n(JsonWriter *w, const char *str, uint32 len)
{
	dynamo_append_json_string(json_write_begin_value(w), str, len);
}

void
json_write_string(JsonWriter *w, const char *str)
{
	json_write_string_n(w, str, strlen(str));
}

void
json_write_int64(JsonWriter *w, int64 value)
{
	appendStringInfo(json_write_begin_value(w), INT64_FORMAT, value);
}

/* A double in the shortest form that reads back the same (capacity units). */
void
json_write_double(JsonWriter *w, double value)
{
	char		buf[64];

	if (value == (double) (int64) value && value > -1e15 && value < 1e15)
	{
		/* as Java writes a double: 1.0 */
		appendStringInfo(json_write_begin_value(w), INT64_FORMAT ".0", (int64) value);
		return;
	}
	snprintf(buf, sizeof(buf), "%.17g", value);
	if (strchr(buf, 'e') == NULL && strchr(buf, '.') != NULL)
	{
		/* prefer the short form when it reads back equal */
		char		shortbuf[64];

		snprintf(shortbuf, sizeof(shortbuf), "%.15g", value);
		if (strtod(shortbuf, NULL) == value)
			strlcpy(buf, shortbuf, sizeof(buf));
	}
	appendStringInfoString(json_write_begin_value(w), buf);
}

void
json_write_bool(JsonWriter *w, bool value)
{
	appendStringInfoString(json_write_begin_value(w), value ? "true" : "false");
}

void
json_write_null(JsonWriter *w)
{
	appendStringInfoString(json_write_begin_value(w), "null");
}

/* A value that is already JSON text. */
void
json_write_raw(JsonWriter *w, const char *json_text)
{
	appendStringInfoString(json_write_begin_value(w), json_text);
}

/* A tree, as JSON text. */
void
json_write_node(JsonWriter *w, const JsonNode *node)
{
	uint32		i;

	check_stack_depth();
	switch (node->kind)
	{
		case JSON_NULL:
			json_write_null(w);
			break;
		case JSON_BOOL:
			json_write_bool(w, node->u.boolean);
			break;
		case JSON_NUMBER:
			appendBinaryStringInfo(json_write_begin_value(w), node->u.text, node->count);
			break;
		case JSON_STRING:
			json_write_string_n(w, node->u.text, node->count);
			break;
		case JSON_ARRAY:
			json_write_array_start(w);
			for (i = 0; i < node->count; i++)
				json_write_node(w, &node->u.elements[i]);
			json_write_array_end(w);
			break;
		case JSON_OBJECT:
			json_write_object_start(w);
			for (i = 0; i < node->count; i++)
			{
				json_write_key_n(w, node->u.members[i].name, node->u.members[i].namelen);
				json_write_node(w, &node->u.members[i].value);
			}
			json_write_object_end(w);
			break;
	}
}

/* A tree as jsonb (for the SQL doors; fails on U+0000, which jsonb cannot hold). */
Jsonb *
json_node_to_jsonb(const JsonNode *node)
{
	StringInfoData buf;
	JsonWriter	w;

	initStringInfo(&buf);
	json_writer_init(&w, &buf);
	json_write_node(&w, node);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
