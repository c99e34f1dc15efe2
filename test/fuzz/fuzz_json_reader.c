/*-------------------------------------------------------------------------
 *
 * fuzz_json_reader.c
 *	  libFuzzer target: the extension's own JSON reader (json_parse) and
 *	  the encoder of DynamoDB JSON into the value format
 *	  (value_json_in.c), over arbitrary bytes.
 *
 * The input is JSON text of any length, not NUL-terminated.  The reader
 * may reject it only with Postgres' JSON errors (invalid_text_representation,
 * character_not_in_repertoire) or a stack-depth error.  For a tree it
 * accepts:
 *	 - every node is well formed: a known kind; strings and names valid
 *	   UTF-8 of their length (U+0000 allowed) with a NUL after them; numbers
 *	   by JSON's grammar;
 *	 - nesting is at most JSON_MAX_DEPTH;
 *	 - the tree written back as JSON (strings escaped here, numbers as their
 *	   text) parses to an equal tree: the reader is lossless.
 * Then the tree is encoded as an item (when it is an object) and as one
 * AttributeValue.  The encoder may reject it only with DynamoDB's
 * ValidationException or SerializationException (or a stack-depth error).
 * A value it accepts:
 *	 - passes dynamo_validate_encoding (an item as an item);
 *	 - prints as DynamoDB JSON (dynamo_append_json / _item_json) that the
 *	   reader parses and the encoder encodes back to the same bytes: the
 *	   encoding is canonical and the output is input.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include "errors.h"
#include "fuzz.h"
#include "value/json_node.h"

typedef struct State
{
	const char *text;
	size_t		len;
	JsonNode   *tree;
	struct varlena *encoded;
	bool		as_item;
} State;

static void
parse_body(void *arg)
{
	State	   *st = arg;

	st->tree = json_parse(st->text, st->len);
}

static void
encode_body(void *arg)
{
	State	   *st = arg;

	st->encoded = st->as_item ? dynamo_item_from_node(st->tree) : dynamo_value_from_node(st->tree);
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(dynamo_value_from_varlena(st->encoded), st->as_item);
}

/* Check that len bytes at text are valid UTF-8, NUL-terminated after them. */
static void
check_text(const char *text, uint32 len, const char *what)
{
	uint32		i = 0;

	fuzz_check(text != NULL, "%s without text", what);
	fuzz_check(text[len] == '\0', "%s not NUL-terminated after its %u bytes", what, len);
	while (i < len)
	{
		int			l = pg_utf_mblen((const unsigned char *) text + i);

		fuzz_check(i + l <= len && pg_utf8_islegal((const unsigned char *) text + i, l),
				   "%s holds invalid UTF-8 at byte %u", what, i);
		i += l;
	}
}

/* Check that text is a number by JSON's grammar. */
static void
check_number(const char *text, uint32 len)
{
	uint32		i = 0;

	if (i < len && text[i] == '-')
		i++;
	fuzz_check(i < len && isdigit((unsigned char) text[i]), "number %.*s starts badly", (int) len, text);
	if (text[i] == '0')
		i++;
	else
		while (i < len && isdigit((unsigned char) text[i]))
			i++;
	if (i < len && text[i] == '.')
	{
		i++;
		fuzz_check(i < len && isdigit((unsigned char) text[i]), "number %.*s: no fraction digits", (int) len, text);
		while (i < len && isdigit((unsigned char) text[i]))
			i++;
	}
	if (i < len && (text[i] == 'e' || text[i] == 'E'))
	{
		i++;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			i++;
		fuzz_check(i < len && isdigit((unsigned char) text[i]), "number %.*s: no exponent digits", (int) len, text);
		while (i < len && isdigit((unsigned char) text[i]))
			i++;
	}
	fuzz_check(i == len, "number %.*s has bytes after it", (int) len, text);
}

/* Check a tree's nodes; returns its nesting depth (a scalar is 0). */
static int
check_tree(const JsonNode *node)
{
	int			deepest = 0;
	uint32		i;

	switch (node->kind)
	{
		case JSON_NULL:
		case JSON_BOOL:
			return 0;
		case JSON_STRING:
			check_text(node->u.text, node->count, "string");
			return 0;
		case JSON_NUMBER:
			check_text(node->u.text, node->count, "number");
			check_number(node->u.text, node->count);
			return 0;
		case JSON_ARRAY:
			fuzz_check(node->count == 0 || node->u.elements != NULL, "array without elements");
			for (i = 0; i < node->count; i++)
			{
				int			d = check_tree(&node->u.elements[i]);

				deepest = Max(deepest, d);
			}
			return deepest + 1;
		case JSON_OBJECT:
			fuzz_check(node->count == 0 || node->u.members != NULL, "object without members");
			for (i = 0; i < node->count; i++)
			{
				int			d;

				check_text(node->u.members[i].name, node->u.members[i].namelen, "name");
				d = check_tree(&node->u.members[i].value);
				deepest = Max(deepest, d);
			}
			return deepest + 1;
	}
	fuzz_fail(__FILE__, __LINE__, "kind", "node of unknown kind %d", (int) node->kind);
}

/* Append len bytes as a JSON string literal, every control byte escaped. */
static void
write_string(StringInfo out, const char *s, uint32 len)
{
	uint32		i;

	appendStringInfoChar(out, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			appendStringInfoChar(out, '\\');
			appendStringInfoChar(out, (char) c);
		}
		else if (c < 0x20)
			appendStringInfo(out, "\\u%04X", c);
		else
			appendStringInfoChar(out, (char) c);
	}
	appendStringInfoChar(out, '"');
}

/* Append a tree as JSON text, independently of the extension's writer. */
static void
write_tree(StringInfo out, const JsonNode *node)
{
	uint32		i;

	switch (node->kind)
	{
		case JSON_NULL:
			appendStringInfoString(out, "null");
			break;
		case JSON_BOOL:
			appendStringInfoString(out, node->u.boolean ? "true" : "false");
			break;
		case JSON_NUMBER:
			appendBinaryStringInfo(out, node->u.text, node->count);
			break;
		case JSON_STRING:
			write_string(out, node->u.text, node->count);
			break;
		case JSON_ARRAY:
			appendStringInfoChar(out, '[');
			for (i = 0; i < node->count; i++)
			{
				if (i > 0)
					appendStringInfoChar(out, ',');
				write_tree(out, &node->u.elements[i]);
			}
			appendStringInfoChar(out, ']');
			break;
		case JSON_OBJECT:
			appendStringInfoChar(out, '{');
			for (i = 0; i < node->count; i++)
			{
				if (i > 0)
					appendStringInfoChar(out, ',');
				write_string(out, node->u.members[i].name, node->u.members[i].namelen);
				appendStringInfoChar(out, ':');
				write_tree(out, &node->u.members[i].value);
			}
			appendStringInfoChar(out, '}');
			break;
	}
}

/* Are two trees equal, node by node and byte by byte? */
static bool
trees_equal(const JsonNode *a, const JsonNode *b)
{
	uint32		i;

	if (a->kind != b->kind)
		return false;
	switch (a->kind)
	{
		case JSON_NULL:
			return true;
		case JSON_BOOL:
			return a->u.boolean == b->u.boolean;
		case JSON_NUMBER:
		case JSON_STRING:
			return a->count == b->count && memcmp(a->u.text, b->u.text, a->count) == 0;
		case JSON_ARRAY:
			if (a->count != b->count)
				return false;
			for (i = 0; i < a->count; i++)
				if (!trees_equal(&a->u.elements[i], &b->u.elements[i]))
					return false;
			return true;
		case JSON_OBJECT:
			if (a->count != b->count)
				return false;
			for (i = 0; i < a->count; i++)
			{
				const JsonMember *ma = &a->u.members[i];
				const JsonMember *mb = &b->u.members[i];

				if (ma->namelen != mb->namelen || memcmp(ma->name, mb->name, ma->namelen) != 0 ||
					!trees_equal(&ma->value, &mb->value))
					return false;
			}
			return true;
	}
	return false;
}

/*
 * Encode the tree as an item or a value; what is accepted must validate
 * and print as DynamoDB JSON that reads back to the same bytes.
 */
static void
check_encoding(JsonNode *tree, bool as_item)
{
	State		st;
	State		again;
	DynamoValue value;
	StringInfoData text;

	memset(&st, 0, sizeof(st));
	st.tree = tree;
	st.as_item = as_item;
	if (fuzz_run(encode_body, &st))
	{
		fuzz_check(fuzz_last_errcode == MAKE_SQLSTATE('Y', 'D', '0', '0', '1') ||
				   fuzz_last_errcode == MAKE_SQLSTATE('Y', 'D', '0', '0', '2') ||
				   fuzz_last_errcode == ERRCODE_STATEMENT_TOO_COMPLEX,
				   "the encoder raised an unexpected error: %s", fuzz_last_error);
		fuzz_log("  %s rejected: %s\n", as_item ? "item" : "value", fuzz_last_error);
		return;
	}
	fuzz_log("  %s accepted\n", as_item ? "item" : "value");
	if (fuzz_run(validate_body, &st) && !fuzz_ignored(fuzz_last_error))
		fuzz_fail(__FILE__, __LINE__, "valid encoding", "the encoder wrote an invalid %s: %s",
				  as_item ? "item" : "value", fuzz_last_error);

	value = dynamo_value_from_varlena(st.encoded);
	initStringInfo(&text);
	if (as_item)
		dynamo_append_item_json(&text, value);
	else
		dynamo_append_json(&text, value);

	memset(&again, 0, sizeof(again));
	again.text = text.data;
	again.len = text.len;
	again.as_item = as_item;
	if (fuzz_run(parse_body, &again))
		fuzz_fail(__FILE__, __LINE__, "output parses", "the output %s does not parse: %s",
				  text.data, fuzz_last_error);
	if (fuzz_run(encode_body, &again))
		fuzz_fail(__FILE__, __LINE__, "output encodes", "the output %s does not encode: %s",
				  text.data, fuzz_last_error);
	fuzz_check(VARSIZE(again.encoded) == VARSIZE(st.encoded) &&
			   memcmp(VARDATA(again.encoded), VARDATA(st.encoded), VARSIZE(st.encoded) - VARHDRSZ) == 0,
			   "the output %s encodes to other bytes", text.data);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	State		st;
	State		again;
	StringInfoData text;
	int			depth;

	memset(&st, 0, sizeof(st));
	st.text = (const char *) data;
	st.len = size;
	if (fuzz_run(parse_body, &st))
	{
		fuzz_check(fuzz_last_errcode == ERRCODE_INVALID_TEXT_REPRESENTATION ||
				   fuzz_last_errcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE ||
				   fuzz_last_errcode == ERRCODE_STATEMENT_TOO_COMPLEX,
				   "the reader raised an unexpected error: %s", fuzz_last_error);
		fuzz_log("rejected: %s\n", fuzz_last_error);
		fuzz_arena_reset();
		return 0;
	}
	fuzz_log("parsed\n");

	depth = check_tree(st.tree);
	fuzz_check(depth <= JSON_MAX_DEPTH, "a tree %d deep", depth);

	/* lossless: written back and read again, the same tree */
	initStringInfo(&text);
	write_tree(&text, st.tree);
	memset(&again, 0, sizeof(again));
	again.text = text.data;
	again.len = text.len;
	if (fuzz_run(parse_body, &again))
		fuzz_fail(__FILE__, __LINE__, "rewritten parses", "the tree written back does not parse: %s",
				  fuzz_last_error);
	fuzz_check(trees_equal(st.tree, again.tree), "the tree written back reads as another tree");

	if (st.tree->kind == JSON_OBJECT)
		check_encoding(st.tree, true);
	check_encoding(st.tree, false);
	fuzz_arena_reset();
	return 0;
}
