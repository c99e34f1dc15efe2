/*-------------------------------------------------------------------------
 *
 * json_reader.c
 *	  JSON text into a tree of JsonNodes, losslessly (json_node.h), and
 *	  jsonb into the same tree for the SQL doors.
 *
 * The reader is a recursive-descent parser over the text with one scratch
 * stack for the elements and members of the containers being read: a
 * container's children are pushed while it is read and copied into the
 * arena when it closes, so every array and object is one contiguous block
 * and nothing is reallocated per element.  Nodes, members and strings are
 * carved from arena blocks of the current memory context.
 *
 * Strings are validated as UTF-8 and unescaped (surrogate pairs joined; a
 * lone surrogate is malformed), and may hold U+0000.  Numbers must follow
 * JSON's grammar and are kept as written.  Depth is limited to
 * JSON_MAX_DEPTH, and check_stack_depth() guards the recursion as well.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "value/json_node.h"

#define ARENA_BLOCK_SIZE 8192

typedef struct JsonReader
{
	const char *start;
	const char *p;
	const char *end;
	int			depth;

	/* scratch stacks of the open containers' children */
	JsonNode   *nodes;
	uint32		nodes_len;
	uint32		nodes_cap;
	JsonMember *members;
	uint32		members_len;
	uint32		members_cap;

	/* the current arena block */
	char	   *arena;
	size_t		arena_left;
} JsonReader;

static void read_value(JsonReader *r, JsonNode *out);

/* Raise Postgres' JSON syntax error, pointing at the reader's position. */
static void
syntax_error(JsonReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s", "json"),
			 errdetail("%s at byte %d.", what, (int) (r->p - r->start))));
}

/* size bytes (8-aligned) from the arena */
static void *
arena_alloc(JsonReader *r, size_t size)
{
	void	   *result;

	size = MAXALIGN(size);
	if (size > r->arena_left)
	{
		if (size > ARENA_BLOCK_SIZE / 4)
			return palloc(size);
		r->arena = palloc(ARENA_BLOCK_SIZE);
		r->arena_left = ARENA_BLOCK_SIZE;
	}
	result = r->arena;
	r->arena += size;
	r->arena_left -= size;
	return result;
}

static inline void
skip_whitespace(JsonReader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* the value of a hex digit, or -1 */
static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the four hex digits of a \u escape at r->p (after the u) */
static pg_wchar
read_hex4(JsonReader *r)
{
	pg_wchar	code = 0;
	int			i;

	if (r->end - r->p < 4)
		syntax_error(r, "Truncated \\u escape");
	for (i = 0; i < 4; i++)
	{
		int			d = hex_value(r->p[i]);

		if (d < 0)
			syntax_error(r, "Invalid \\u escape");
		code = (code << 4) | d;
	}
	r->p += 4;
	return code;
}

/*
 * Read a string literal (r->p at the opening quote) into arena memory,
 * NUL-terminated after its length.
 */
static void
read_string(JsonReader *r, const char **text, uint32 *len)
{
	const char *s = ++r->p;
	bool		simple = true;
	char	   *buf;
	char	   *w;

	/* the common case: no escapes, ASCII or valid UTF-8 copied as is */
	while (r->p < r->end)
	{
		unsigned char c = (unsigned char) *r->p;

		if (c == '"')
			break;
		if (c == '\\')
		{
			simple = false;
			break;
		}
		if (c < 0x20)
			syntax_error(r, "Control character in string");
		if (c < 0x80)
			r->p++;
		else
		{
			int			l = pg_utf_mblen((const unsigned char *) r->p);

			if (r->end - r->p < l || !pg_utf8_islegal((const unsigned char *) r->p, l))
				ereport(ERROR,
						(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
						 errmsg("invalid byte sequence for encoding \"UTF8\" in JSON text")));
			r->p += l;
		}
	}
	if (r->p >= r->end)
		syntax_error(r, "Unterminated string");
	if (simple)
	{
		size_t		n = r->p - s;

		if (n > PG_UINT32_MAX - 1)
			syntax_error(r, "String too long");
		buf = arena_alloc(r, n + 1);
		memcpy(buf, s, n);
		buf[n] = '\0';
		*text = buf;
		*len = (uint32) n;
		r->p++;
		return;
	}

	/* escapes: unescape into a buffer no longer than the rest of the text */
	r->p = s;
	{
		const char *q = s;

		/* find the closing quote to size the buffer */
		while (q < r->end && *q != '"')
			q += (*q == '\\' && q + 1 < r->end) ? 2 : 1;
		if (q >= r->end)
			syntax_error(r, "Unterminated string");
		buf = arena_alloc(r, (q - s) + 1);
	}
	w = buf;
	while (*r->p != '"')
	{
		unsigned char c = (unsigned char) *r->p;

		if (c == '\\')
		{
			r->p++;
			switch (*r->p++)
			{
				case '"':
					*w++ = '"';
					break;
				case '\\':
					*w++ = '\\';
					break;
				case '/':
					*w++ = '/';
					break;
				case 'b':
					*w++ = '\b';
					break;
				case 'f':
					*w++ = '\f';
					break;
				case 'n':
					*w++ = '\n';
					break;
				case 'r':
					*w++ = '\r';
					break;
				case 't':
					*w++ = '\t';
					break;
				case 'u':
					{
						pg_wchar	code = read_hex4(r);

						if (code >= 0xD800 && code <= 0xDBFF)
						{
							pg_wchar	low;

							if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
								syntax_error(r, "Lone surrogate in \\u escape");
							r->p += 2;
							low = read_hex4(r);
							if (low < 0xDC00 || low > 0xDFFF)
								syntax_error(r, "Lone surrogate in \\u escape");
							code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
						}
						else if (code >= 0xDC00 && code <= 0xDFFF)
							syntax_error(r, "Lone surrogate in \\u escape");
						unicode_to_utf8(code, (unsigned char *) w);
						w += pg_utf_mblen((const unsigned char *) w);
						break;
					}
				default:
					r->p--;
					syntax_error(r, "Invalid escape");
			}
		}
		else if (c < 0x20)
			syntax_error(r, "Control character in string");
		else if (c < 0x80)
			*w++ = *r->p++;
		else
		{
			int			l = pg_utf_mblen((const unsigned char *) r->p);

			if (r->end - r->p < l || !pg_utf8_islegal((const unsigned char *) r->p, l))
				ereport(ERROR,
						(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
						 errmsg("invalid byte sequence for encoding \"UTF8\" in JSON text")));
			memcpy(w, r->p, l);
			w += l;
			r->p += l;
		}
	}
	r->p++;
	*w = '\0';
	*text = buf;
	*len = (uint32) (w - buf);
}

/* Read a number by JSON's grammar; its text is kept as written. */
static void
read_number(JsonReader *r, JsonNode *out)
{
	const char *s = r->p;
	size_t		n;
	char	   *buf;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && isdigit((unsigned char) *r->p))
			r->p++;
	else
		syntax_error(r, "Invalid number");
	if (r->p < r->end && *r->p == '.')
	{
		r->p++;
		if (!(r->p < r->end && isdigit((unsigned char) *r->p)))
			syntax_error(r, "Invalid number");
		while (r->p < r->end && isdigit((unsigned char) *r->p))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
	{
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!(r->p < r->end && isdigit((unsigned char) *r->p)))
			syntax_error(r, "Invalid number");
		while (r->p < r->end && isdigit((unsigned char) *r->p))
			r->p++;
	}
	n = r->p - s;
	buf = arena_alloc(r, n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	out->kind = JSON_NUMBER;
	out->count = (uint32) n;
	out->u.text = buf;
}

/* Read a literal word (true, false, null). */
static void
read_word(JsonReader *r, const char *word, JsonNode *out, JsonKind kind, bool boolean)
{
	size_t		n = strlen(word);

	if ((size_t) (r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		syntax_error(r, "Invalid token");
	r->p += n;
	out->kind = kind;
	out->count = 0;
	out->u.boolean = boolean;
}

static void
enter_container(JsonReader *r)
{
	if (++r->depth > JSON_MAX_DEPTH)
		syntax_error(r, "Nesting too deep");
	check_stack_depth();
	r->p++;
}

/* Read an array (r->p at '['). */
static void
read_array(JsonReader *r, JsonNode *out)
{
	uint32		base = r->nodes_len;
	uint32		count;

	enter_container(r);
	skip_whitespace(r);
	if (r->p < r->end && *r->p == ']')
		r->p++;
	else
	{
		for (;;)
		{
			JsonNode	element;

			read_value(r, &element);
			if (r->nodes_len == r->nodes_cap)
			{
				r->nodes_cap *= 2;
				r->nodes = repalloc_huge(r->nodes, sizeof(JsonNode) * r->nodes_cap);
			}
			r->nodes[r->nodes_len++] = element;
			skip_whitespace(r);
			if (r->p < r->end && *r->p == ',')
			{
				r->p++;
				continue;
			}
			if (r->p < r->end && *r->p == ']')
			{
				r->p++;
				break;
			}
			syntax_error(r, "Expected \",\" or \"]\"");
		}
	}
	count = r->nodes_len - base;
	out->kind = JSON_ARRAY;
	out->count = count;
	out->u.elements = NULL;
	if (count > 0)
	{
		out->u.elements = arena_alloc(r, sizeof(JsonNode) * count);
		memcpy(out->u.elements, r->nodes + base, sizeof(JsonNode) * count);
	}
	r->nodes_len = base;
	r->depth--;
}

/* Read an object (r->p at '{'). */
static void
read_object(JsonReader *r, JsonNode *out)
{
	uint32		base = r->members_len;
	uint32		count;

	enter_container(r);
	skip_whitespace(r);
	if (r->p < r->end && *r->p == '}')
		r->p++;
	else
	{
		for (;;)
		{
			JsonMember	member;

			skip_whitespace(r);
			if (!(r->p < r->end && *r->p == '"'))
				syntax_error(r, "Expected a string as a member name");
			read_string(r, &member.name, &member.namelen);
			skip_whitespace(r);
			if (!(r->p < r->end && *r->p == ':'))
				syntax_error(r, "Expected \":\"");
			r->p++;
			read_value(r, &member.value);
			if (r->members_len == r->members_cap)
			{
				r->members_cap *= 2;
				r->members = repalloc_huge(r->members, sizeof(JsonMember) * r->members_cap);
			}
			r->members[r->members_len++] = member;
			skip_whitespace(r);
			if (r->p < r->end && *r->p == ',')
			{
				r->p++;
				continue;
			}
			if (r->p < r->end && *r->p == '}')
			{
				r->p++;
				break;
			}
			syntax_error(r, "Expected \",\" or \"}\"");
		}
	}
	count = r->members_len - base;
	out->kind = JSON_OBJECT;
	out->count = count;
	out->u.members = NULL;
	if (count > 0)
	{
		out->u.members = arena_alloc(r, sizeof(JsonMember) * count);
		memcpy(out->u.members, r->members + base, sizeof(JsonMember) * count);
	}
	r->members_len = base;
	r->depth--;
}

/* Read any value, after optional whitespace. */
static void
read_value(JsonReader *r, JsonNode *out)
{
	skip_whitespace(r);
	if (r->p >= r->end)
		syntax_error(r, "Unexpected end of input");
	switch (*r->p)
	{
		case '{':
			read_object(r, out);
			break;
		case '[':
			read_array(r, out);
			break;
		case '"':
			out->kind = JSON_STRING;
			read_string(r, &out->u.text, &out->count);
			break;
		case 't':
			read_word(r, "true", out, JSON_BOOL, true);
			break;
		case 'f':
			read_word(r, "false", out, JSON_BOOL, false);
			break;
		case 'n':
			read_word(r, "null", out, JSON_NULL, false);
			break;
		default:
			read_number(r, out);
			break;
	}
}

/*
 * Parse JSON text (len bytes, need not be NUL-terminated) into a tree in
 * the current memory context.
 */
JsonNode *
json_parse(const char *text, size_t len)
{
	JsonReader	r;
	JsonNode   *root;

	memset(&r, 0, sizeof(r));
	r.start = r.p = text;
	r.end = text + len;
	r.nodes_cap = 64;
	r.nodes = palloc(sizeof(JsonNode) * r.nodes_cap);
	r.members_cap = 64;
	r.members = palloc(sizeof(JsonMember) * r.members_cap);

	root = arena_alloc(&r, sizeof(JsonNode));
	read_value(&r, root);
	skip_whitespace(&r);
	if (r.p != r.end)
		syntax_error(&r, "Unexpected content after the value");
	pfree(r.nodes);
	pfree(r.members);
	return root;
}

/* ------------------------------------------------------------------------
 * jsonb into the tree
 * ------------------------------------------------------------------------
 */

static void from_jsonb_container(JsonbContainer *container, JsonNode *out);

/* one scalar or container JsonbValue into out */
static void
from_jsonb_value(JsonbValue *v, JsonNode *out)
{
	switch (v->type)
	{
		case jbvNull:
			out->kind = JSON_NULL;
			out->count = 0;
			break;
		case jbvBool:
			out->kind = JSON_BOOL;
			out->count = 0;
			out->u.boolean = v->val.boolean;
			break;
		case jbvString:
			out->kind = JSON_STRING;
			out->count = v->val.string.len;
			out->u.text = pnstrdup(v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric)));

				out->kind = JSON_NUMBER;
				out->count = strlen(text);
				out->u.text = text;
				break;
			}
		case jbvBinary:
			from_jsonb_container(v->val.binary.data, out);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
}

/* a jsonb array or object into out */
static void
from_jsonb_container(JsonbContainer *container, JsonNode *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	uint32		count = JsonContainerSize(container);
	uint32		i = 0;

	check_stack_depth();
	if (JsonContainerIsScalar(container))
	{
		/* a raw scalar: [scalar] */
		it = JsonbIteratorInit(container);
		while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (token == WJB_ELEM)
				from_jsonb_value(&v, out);
		return;
	}
	if (JsonContainerIsArray(container))
	{
		out->kind = JSON_ARRAY;
		out->count = count;
		out->u.elements = count > 0 ? palloc(sizeof(JsonNode) * count) : NULL;
	}
	else
	{
		out->kind = JSON_OBJECT;
		out->count = count;
		out->u.members = count > 0 ? palloc(sizeof(JsonMember) * count) : NULL;
	}
	it = JsonbIteratorInit(container);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_ELEM && i < count)
			from_jsonb_value(&v, &out->u.elements[i++]);
		else if (token == WJB_KEY && i < count)
		{
			JsonMember *m = &out->u.members[i];

			m->name = pnstrdup(v.val.string.val, v.val.string.len);
			m->namelen = v.val.string.len;
			token = JsonbIteratorNext(&it, &v, true);
			Assert(token == WJB_VALUE);
			from_jsonb_value(&v, &m->value);
			i++;
		}
	}
}

/* A jsonb datum as a tree (for the SQL doors). */
JsonNode *
json_from_jsonb(Jsonb *jsonb)
{
	JsonNode   *root = palloc(sizeof(JsonNode));

	from_jsonb_container(&jsonb->root, root);
	return root;
}

/* A JsonbValue (scalar or container) as a tree. */
JsonNode *
json_from_jsonb_value(JsonbValue *value)
{
	JsonNode   *root = palloc(sizeof(JsonNode));

	from_jsonb_value(value, root);
	return root;
}

/* ------------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------------
 */

/*
 * The member of an object with the given name (the last one when a name
 * repeats, as DynamoDB's parser keeps the last), or NULL; NULL too when
 * object is not an object.
 */
const JsonNode *
json_member_n(const JsonNode *object, const char *name, uint32 namelen)
{
	uint32		i;

	if (object == NULL || object->kind != JSON_OBJECT)
		return NULL;
	for (i = object->count; i > 0; i--)
	{
		const JsonMember *m = &object->u.members[i - 1];

		if (m->namelen == namelen && memcmp(m->name, name, namelen) == 0)
			return &m->value;
	}
	return NULL;
}

const JsonNode *
json_member(const JsonNode *object, const char *name)
{
	return json_member_n(object, name, strlen(name));
}

/* "null", "boolean", "number", "string", "array" or "object" */
const char *
json_kind_name(JsonKind kind)
{
	static const char *const names[] = {"null", "boolean", "number", "string", "array", "object"};

	return names[kind];
}
