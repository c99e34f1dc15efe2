/*-------------------------------------------------------------------------
 *
 * json_node.h
 *	  The extension's own JSON: a lossless reader of JSON text into a tree
 *	  of JsonNodes, and a writer of JSON text.  Requests are read with it
 *	  and responses written with it; no jsonb in between.
 *
 * WHY NOT JSONB
 *
 * jsonb cannot hold the character U+0000, while DynamoDB stores and returns
 * any string, attribute names included.  The reader keeps every string as
 * its unescaped UTF-8 bytes with a length, so "\u0000" round-trips byte for
 * byte.  It also keeps numbers as the text they were written in (DynamoDB's
 * errors quote them, and a 39-digit number must not be rounded by a parse),
 * and object members in document order with duplicates kept (lookups take
 * the last one, as DynamoDB's parser does).
 *
 * MEMORY
 *
 * A tree lives in the memory context that was current when json_parse()
 * was called; node arrays and strings are carved from large blocks, so a
 * tree is freed with its context.  String bytes are NUL-terminated after
 * their length, so a string without U+0000 can be used as a C string.
 *
 * ERRORS
 *
 * Malformed text raises ERRCODE_INVALID_TEXT_REPRESENTATION, "invalid input
 * syntax for type json", as Postgres' own JSON input does (the endpoint
 * answers it with SerializationException).  Nesting deeper than
 * JSON_MAX_DEPTH is refused the same way; invalid UTF-8 raises
 * ERRCODE_CHARACTER_NOT_IN_REPERTOIRE.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_JSON_NODE_H
#define DYNAMO_JSON_NODE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/* deepest nesting of arrays and objects the reader accepts */
#define JSON_MAX_DEPTH 1000

typedef enum JsonKind
{
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,				/* text: the number as written */
	JSON_STRING,				/* text: unescaped UTF-8, may hold U+0000 */
	JSON_ARRAY,
	JSON_OBJECT
} JsonKind;

typedef struct JsonNode JsonNode;
typedef struct JsonMember JsonMember;

struct JsonNode
{
	JsonKind	kind;
	uint32		count;			/* string, number: byte length; array:
								 * elements; object: members */
	union
	{
		bool		boolean;
		const char *text;		/* string, number (NUL-terminated too) */
		JsonNode   *elements;	/* array: count nodes */
		JsonMember *members;	/* object: count members, document order */
	}			u;
};

struct JsonMember
{
	const char *name;			/* unescaped UTF-8, NUL-terminated too */
	uint32		namelen;
	JsonNode	value;
};

/* json_reader.c */
extern JsonNode *json_parse(const char *text, size_t len);
extern JsonNode *json_from_jsonb(Jsonb *jsonb);
extern JsonNode *json_from_jsonb_value(JsonbValue *value);
extern const JsonNode *json_member(const JsonNode *object, const char *name);
extern const JsonNode *json_member_n(const JsonNode *object, const char *name, uint32 namelen);
extern const char *json_kind_name(JsonKind kind);
extern const char *json_token_name(const JsonNode *node);

/* a member that is present and not JSON null, or NULL */
static inline const JsonNode *
json_member_present(const JsonNode *object, const char *name)
{
	const JsonNode *v = json_member(object, name);

	return (v == NULL || v->kind == JSON_NULL) ? NULL : v;
}

/*
 * json_writer.c: JSON text into a StringInfo.  The writer puts the commas
 * and colons; callers say what comes next.  Strings are escaped losslessly
 * (U+0000 as \u0000).
 */
#define JSON_WRITER_MAX_DEPTH (JSON_MAX_DEPTH + 2)

typedef struct JsonWriter
{
	StringInfo	out;
	int			depth;
	bool		need_comma[JSON_WRITER_MAX_DEPTH];
	bool		after_key;
} JsonWriter;

extern void json_writer_init(JsonWriter *w, StringInfo out);
extern void json_write_object_start(JsonWriter *w);
extern void json_write_object_end(JsonWriter *w);
extern void json_write_array_start(JsonWriter *w);
extern void json_write_array_end(JsonWriter *w);
extern void json_write_key(JsonWriter *w, const char *name);
extern void json_write_key_n(JsonWriter *w, const char *name, uint32 len);
extern void json_write_string(JsonWriter *w, const char *str);
extern void json_write_string_n(JsonWriter *w, const char *str, uint32 len);
extern void json_write_int64(JsonWriter *w, int64 value);
extern void json_write_double(JsonWriter *w, double value);
extern void json_write_bool(JsonWriter *w, bool value);
extern void json_write_null(JsonWriter *w);
extern void json_write_raw(JsonWriter *w, const char *json_text);
extern void json_write_node(JsonWriter *w, const JsonNode *node);
extern StringInfo json_write_begin_value(JsonWriter *w);
extern Jsonb *json_node_to_jsonb(const JsonNode *node);

#endif							/* DYNAMO_JSON_NODE_H */
