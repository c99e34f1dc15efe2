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
 * and nothing is reallocated per element.  Nodes, members and numbers are
 * carved from arena blocks of the current memory context.
 *
 * The text is copied once, with a NUL sentinel after it that stops every
 * scan (so the hot loops check no bounds), and strings are read in place in
 * that copy: left where they are, or unescaped over themselves, and
 * NUL-terminated over their closing quote.  Strings are validated as UTF-8
 * and unescaped (surrogate pairs joined; a lone surrogate is malformed), and
 * may hold U+0000.  Numbers must follow
 * JSON's grammar and are kept as written.  Depth is limited to
 * JSON_MAX_DEPTH, and check_stack_depth() guards the recursion as well.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "value/json_node.h"

#define ARENA_BLOCK_SIZE 8192

/* the initial scratch stacks live on the C stack (small documents) */
#define INITIAL_STACK 32

typedef struct JsonReader
{
	char	   *start;			/* the reader's own copy of the text */
	char	   *p;
	char	   *end;			/* start + length; *end is a NUL sentinel */
	int			depth;

	/* scratch stacks of the open containers' children */
	JsonNode   *nodes;
	uint32		nodes_len;
	uint32		nodes_cap;
	bool		nodes_palloced;
	JsonMember *members;
	uint32		members_len;
	uint32		members_cap;
	bool		members_palloced;

	/* the current arena block */
	char	   *arena;
	size_t		arena_left;
} JsonReader;

/*
 * The class of each byte inside a string literal: 0 for a byte copied as it
 * is (printable ASCII other than '"' and '\'), else what to do with it.
 */
#define CHAR_PLAIN		0
#define CHAR_QUOTE		1
#define CHAR_BACKSLASH	2
#define CHAR_CONTROL	3		/* below 0x20, and the NUL sentinel */
#define CHAR_MULTIBYTE	4		/* 0x80 and up: a UTF-8 sequence */

static const uint8 string_char_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static JsonNode read_value(JsonReader *r);
static void syntax_error(JsonReader *r, const char *what) pg_attribute_noreturn();
static void invalid_utf8(void) pg_attribute_noreturn();
static void string_control_error(JsonReader *r, char *p) pg_attribute_noreturn();

/* Raise Postgres' JSON syntax error, pointing at the reader's position. */
static void
syntax_error(JsonReader *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s", "json"),
			 errdetail("%s at byte %d.", what, (int) (r->p - r->start))));
}

/* Raise the error for bytes that are not UTF-8. */
static void
invalid_utf8(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("invalid byte sequence for encoding \"UTF8\" in JSON text")));
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

/* Skip whitespace; the NUL sentinel at the end stops it. */
static inline void
skip_whitespace(JsonReader *r)
{
	char	   *p = r->p;

	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	r->p = p;
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
 * The length of the UTF-8 sequence at p, which starts with a byte of 0x80
 * or more; raises an error when it is not valid UTF-8.
 */
static inline int
utf8_sequence_length(JsonReader *r, const char *p)
{
	int			l = pg_utf_mblen((const unsigned char *) p);

	if (r->end - p < l || !pg_utf8_islegal((const unsigned char *) p, l))
		invalid_utf8();
	return l;
}

/* Raise the error for a control byte (or the end of the text) in a string. */
static void
string_control_error(JsonReader *r, char *p)
{
	r->p = p;
	if (p >= r->end)
		syntax_error(r, "Unterminated string");
	syntax_error(r, "Control character in string");
}

/*
 * Unescape the rest of a string literal in place, from p (at a backslash);
 * w is where the unescaped bytes go (w <= p: no escape is shorter than what
 * it stands for).  Returns where the string's bytes end; r->p is left after
 * the closing quote.
 */
static char *
read_string_escaped(JsonReader *r, char *p, char *w)
{
	for (;;)
	{
		unsigned char c = (unsigned char) *p;

		switch (string_char_class[c])
		{
			case CHAR_PLAIN:
				*w++ = *p++;
				break;
			case CHAR_QUOTE:
				r->p = p + 1;
				return w;
			case CHAR_CONTROL:
				string_control_error(r, p);
				break;
			case CHAR_MULTIBYTE:
				{
					int			l = utf8_sequence_length(r, p);

					memmove(w, p, l);
					w += l;
					p += l;
					break;
				}
			case CHAR_BACKSLASH:
				r->p = ++p;
				if (p >= r->end)
					string_control_error(r, p);
				switch (*p++)
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
							pg_wchar	code;

							r->p = p;
							code = read_hex4(r);
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
							p = r->p;
							unicode_to_utf8(code, (unsigned char *) w);
							w += pg_utf_mblen((const unsigned char *) w);
							break;
						}
					default:
						r->p = p - 1;
						syntax_error(r, "Invalid escape");
				}
				break;
		}
	}
}

/*
 * Read a string literal (r->p at the opening quote).  The string is read in
 * place in the reader's copy of the text: its bytes are left where they are
 * (unescaped over themselves when it has escapes) and NUL-terminated over
 * the closing quote, so nothing is copied.
 */
static inline JsonNode
read_string(JsonReader *r)
{
	char	   *s = r->p + 1;
	char	   *p = s;
	char	   *w;
	JsonNode	out;

	/* the common case: no escapes, ASCII or valid UTF-8 left as is */
	for (;;)
	{
		uint8		class = string_char_class[(unsigned char) *p];

		if (likely(class == CHAR_PLAIN))
			p++;
		else if (class == CHAR_QUOTE)
		{
			r->p = p + 1;
			w = p;
			break;
		}
		else if (class == CHAR_MULTIBYTE)
			p += utf8_sequence_length(r, p);
		else if (class == CHAR_BACKSLASH)
		{
			w = read_string_escaped(r, p, p);
			break;
		}
		else
			string_control_error(r, p);
	}
	if ((size_t) (w - s) > PG_UINT32_MAX - 1)
		syntax_error(r, "String too long");
	*w = '\0';
	out.kind = JSON_STRING;
	out.count = (uint32) (w - s);
	out.u.text = s;
	return out;
}

/* Read a number by JSON's grammar; its text is kept as written. */
static JsonNode
read_number(JsonReader *r)
{
	const char *s = r->p;
	size_t		n;
	char	   *buf;
	JsonNode	out;

	/* the NUL sentinel at the end stops every loop */
	if (*r->p == '-')
		r->p++;
	if (*r->p == '0')
		r->p++;
	else if (*r->p >= '1' && *r->p <= '9')
		while (isdigit((unsigned char) *r->p))
			r->p++;
	else
		syntax_error(r, "Invalid number");
	if (*r->p == '.')
	{
		r->p++;
		if (!isdigit((unsigned char) *r->p))
			syntax_error(r, "Invalid number");
		while (isdigit((unsigned char) *r->p))
			r->p++;
	}
	if (*r->p == 'e' || *r->p == 'E')
	{
		r->p++;
		if (*r->p == '+' || *r->p == '-')
			r->p++;
		if (!isdigit((unsigned char) *r->p))
			syntax_error(r, "Invalid number");
		while (isdigit((unsigned char) *r->p))
			r->p++;
	}
	n = r->p - s;
	buf = arena_alloc(r, n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	out.kind = JSON_NUMBER;
	out.count = (uint32) n;
	out.u.text = buf;
	return out;
}

/* Read a literal word (true, false, null). */
static JsonNode
read_word(JsonReader *r, const char *word, JsonKind kind, bool boolean)
{
	size_t		n = strlen(word);
	JsonNode	out;

	if ((size_t) (r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		syntax_error(r, "Invalid token");
	r->p += n;
	out.kind = kind;
	out.count = 0;
	out.u.text = NULL;
	out.u.boolean = boolean;
	return out;
}

static void
enter_container(JsonReader *r)
{
	if (++r->depth > JSON_MAX_DEPTH)
		syntax_error(r, "Nesting too deep");
	check_stack_depth();
	r->p++;
}

/* Make room for one more node on the scratch stack. */
static void
grow_nodes(JsonReader *r)
{
	r->nodes_cap *= 2;
	if (r->nodes_palloced)
		r->nodes = repalloc_huge(r->nodes, sizeof(JsonNode) * r->nodes_cap);
	else
	{
		JsonNode   *nodes = palloc(sizeof(JsonNode) * r->nodes_cap);

		memcpy(nodes, r->nodes, sizeof(JsonNode) * r->nodes_len);
		r->nodes = nodes;
		r->nodes_palloced = true;
	}
}

/* Make room for one more member on the scratch stack. */
static void
grow_members(JsonReader *r)
{
	r->members_cap *= 2;
	if (r->members_palloced)
		r->members = repalloc_huge(r->members, sizeof(JsonMember) * r->members_cap);
	else
	{
		JsonMember *members = palloc(sizeof(JsonMember) * r->members_cap);

		memcpy(members, r->members, sizeof(JsonMember) * r->members_len);
		r->members = members;
		r->members_palloced = true;
	}
}

/* Read an array (r->p at '['). */
static JsonNode
read_array(JsonReader *r)
{
	uint32		base = r->nodes_len;
	uint32		count;
	JsonNode	out;

	enter_container(r);
	skip_whitespace(r);
	if (*r->p == ']')
		r->p++;
	else
	{
		for (;;)
		{
			JsonNode	element = read_value(r);

			if (r->nodes_len == r->nodes_cap)
				grow_nodes(r);
			r->nodes[r->nodes_len++] = element;
			skip_whitespace(r);
			if (*r->p == ',')
			{
				r->p++;
				continue;
			}
			if (*r->p == ']')
			{
				r->p++;
				break;
			}
			syntax_error(r, "Expected \",\" or \"]\"");
		}
	}
	count = r->nodes_len - base;
	out.kind = JSON_ARRAY;
	out.count = count;
	out.u.elements = NULL;
	if (count > 0)
	{
		out.u.elements = arena_alloc(r, sizeof(JsonNode) * count);
		memcpy(out.u.elements, r->nodes + base, sizeof(JsonNode) * count);
	}
	r->nodes_len = base;
	r->depth--;
	return out;
}

/* Read an object (r->p at '{'). */
static JsonNode
read_object(JsonReader *r)
{
	uint32		base = r->members_len;
	uint32		count;
	JsonNode	out;

	enter_container(r);
	skip_whitespace(r);
	if (*r->p == '}')
		r->p++;
	else
	{
		for (;;)
		{
			JsonNode	name;
			JsonNode	value;
			JsonMember *member;

			skip_whitespace(r);
			if (*r->p != '"')
				syntax_error(r, "Expected a string as a member name");
			name = read_string(r);
			skip_whitespace(r);
			if (*r->p != ':')
				syntax_error(r, "Expected \":\"");
			r->p++;
			value = read_value(r);
			if (r->members_len == r->members_cap)
				grow_members(r);
			member = &r->members[r->members_len++];
			member->name = name.u.text;
			member->namelen = name.count;
			member->value = value;
			skip_whitespace(r);
			if (*r->p == ',')
			{
				r->p++;
				continue;
			}
			if (*r->p == '}')
			{
				r->p++;
				break;
			}
			syntax_error(r, "Expected \",\" or \"}\"");
		}
	}
	count = r->members_len - base;
	out.kind = JSON_OBJECT;
	out.count = count;
	out.u.members = NULL;
	if (count > 0)
	{
		out.u.members = arena_alloc(r, sizeof(JsonMember) * count);
		memcpy(out.u.members, r->members + base, sizeof(JsonMember) * count);
	}
	r->members_len = base;
	r->depth--;
	return out;
}

/*
 * Read any value, after optional whitespace.  Nodes are returned by value
 * (in registers), not through a pointer, so the caller's store of them is
 * not held up reading back what was just written in pieces.
 */
static JsonNode
read_value(JsonReader *r)
{
	skip_whitespace(r);
	if (r->p >= r->end)
		syntax_error(r, "Unexpected end of input");
	switch (*r->p)
	{
		case '{':
			return read_object(r);
		case '[':
			return read_array(r);
		case '"':
			return read_string(r);
		case 't':
			return read_word(r, "true", JSON_BOOL, true);
		case 'f':
			return read_word(r, "false", JSON_BOOL, false);
		case 'n':
			return read_word(r, "null", JSON_NULL, false);
		default:
			return read_number(r);
	}
}

/*
 * Parse JSON text (len bytes, need not be NUL-terminated) into a tree in
 * the current memory context.  The text is copied once, with a NUL after
 * it as a sentinel that ends every scan; strings are then read in place in
 * the copy (read_string), which the tree keeps.
 */
JsonNode *
json_parse(const char *text, size_t len)
{
	JsonReader	r;
	JsonNode   *root;
	JsonNode	initial_nodes[INITIAL_STACK];
	JsonMember	initial_members[INITIAL_STACK];

	memset(&r, 0, sizeof(r));
	if (len + 1 > MaxAllocSize)
		r.start = MemoryContextAllocHuge(CurrentMemoryContext, len + 1);
	else
		r.start = palloc(len + 1);
	memcpy(r.start, text, len);
	r.start[len] = '\0';
	r.p = r.start;
	r.end = r.start + len;
	r.nodes_cap = INITIAL_STACK;
	r.nodes = initial_nodes;
	r.members_cap = INITIAL_STACK;
	r.members = initial_members;

	root = arena_alloc(&r, sizeof(JsonNode));
	*root = read_value(&r);
	skip_whitespace(&r);
	if (r.p != r.end)
		syntax_error(&r, "Unexpected content after the value");
	if (r.nodes_palloced)
		pfree(r.nodes);
	if (r.members_palloced)
		pfree(r.members);
	return root;
}

/* ------------------------------------------------------------------------
 * jsonb into the tree
 * ------------------------------------------------------------------------
 */

/*
 * jsonb is read straight from its binary containers (header, JEntry array,
 * data), as jsonb_util.c's own readers do, without JsonbIterator: offsets
 * are advanced entry by entry, and strings are copied (NUL-terminated) and
 * node arrays carved from one arena.
 */
typedef struct JsonbReader
{
	char	   *arena;
	size_t		arena_left;
} JsonbReader;

static void from_jsonb_container(JsonbReader *jr, JsonbContainer *container, JsonNode *out);

/* size bytes (8-aligned) from the arena of a jsonb reader */
static void *
jsonb_arena_alloc(JsonbReader *jr, size_t size)
{
	void	   *result;

	size = MAXALIGN(size);
	if (size > jr->arena_left)
	{
		if (size > ARENA_BLOCK_SIZE / 4)
			return palloc(size);
		jr->arena = palloc(ARENA_BLOCK_SIZE);
		jr->arena_left = ARENA_BLOCK_SIZE;
	}
	result = jr->arena;
	jr->arena += size;
	jr->arena_left -= size;
	return result;
}

/* a NUL-terminated copy of len bytes, from the arena */
static const char *
jsonb_copy_string(JsonbReader *jr, const char *str, uint32 len)
{
	char	   *copy = jsonb_arena_alloc(jr, (size_t) len + 1);

	memcpy(copy, str, len);
	copy[len] = '\0';
	return copy;
}

/*
 * The child of a container described by entry, its data at base_addr +
 * offset and len bytes long, into out.
 */
static void
from_jsonb_entry(JsonbReader *jr, JEntry entry, const char *base_addr,
				 uint32 offset, uint32 len, JsonNode *out)
{
	out->count = 0;
	switch (entry & JENTRY_TYPEMASK)
	{
		case JENTRY_ISSTRING:
			out->kind = JSON_STRING;
			out->count = len;
			out->u.text = jsonb_copy_string(jr, base_addr + offset, len);
			break;
		case JENTRY_ISNUMERIC:
			{
				Numeric		num = (Numeric) (base_addr + INTALIGN(offset));
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(num)));

				out->kind = JSON_NUMBER;
				out->count = strlen(text);
				out->u.text = text;
				break;
			}
		case JENTRY_ISBOOL_TRUE:
			out->kind = JSON_BOOL;
			out->u.boolean = true;
			break;
		case JENTRY_ISBOOL_FALSE:
			out->kind = JSON_BOOL;
			out->u.boolean = false;
			break;
		case JENTRY_ISNULL:
			out->kind = JSON_NULL;
			out->u.text = NULL;
			break;
		case JENTRY_ISCONTAINER:
			from_jsonb_container(jr, (JsonbContainer *) (base_addr + INTALIGN(offset)), out);
			break;
		default:
			elog(ERROR, "unexpected jsonb entry type %u", entry & JENTRY_TYPEMASK);
	}
}

/* a jsonb array or object (or a raw scalar: its one value) into out */
static void
from_jsonb_container(JsonbReader *jr, JsonbContainer *container, JsonNode *out)
{
	uint32		count = JsonContainerSize(container);
	uint32		nentries = JsonContainerIsObject(container) ? 2 * count : count;
	const char *base_addr = (const char *) &container->children[nentries];
	uint32		offset = 0;
	uint32		i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (JsonContainerIsScalar(container))
	{
		JEntry		entry = container->children[0];
		uint32		end = 0;

		JBE_ADVANCE_OFFSET(end, entry);
		from_jsonb_entry(jr, entry, base_addr, 0, end, out);
		return;
	}
	if (JsonContainerIsArray(container))
	{
		out->kind = JSON_ARRAY;
		out->count = count;
		out->u.elements = NULL;
		if (count > 0)
			out->u.elements = jsonb_arena_alloc(jr, sizeof(JsonNode) * count);
		for (i = 0; i < count; i++)
		{
			JEntry		entry = container->children[i];
			uint32		start = offset;

			JBE_ADVANCE_OFFSET(offset, entry);
			from_jsonb_entry(jr, entry, base_addr, start, offset - start, &out->u.elements[i]);
		}
		return;
	}

	/* an object: the keys are entries 0..count-1, their values follow */
	out->kind = JSON_OBJECT;
	out->count = count;
	out->u.members = NULL;
	if (count > 0)
		out->u.members = jsonb_arena_alloc(jr, sizeof(JsonMember) * count);
	for (i = 0; i < count; i++)
	{
		JEntry		entry = container->children[i];
		uint32		start = offset;
		JsonMember *m = &out->u.members[i];

		JBE_ADVANCE_OFFSET(offset, entry);
		if (!JBE_ISSTRING(entry))
			elog(ERROR, "unexpected jsonb object key type %u", entry & JENTRY_TYPEMASK);
		m->namelen = offset - start;
		m->name = jsonb_copy_string(jr, base_addr + start, m->namelen);
	}
	for (i = 0; i < count; i++)
	{
		JEntry		entry = container->children[count + i];
		uint32		start = offset;

		JBE_ADVANCE_OFFSET(offset, entry);
		from_jsonb_entry(jr, entry, base_addr, start, offset - start, &out->u.members[i].value);
	}
}

/* A jsonb datum as a tree (for the SQL doors). */
JsonNode *
json_from_jsonb(Jsonb *jsonb)
{
	JsonbReader jr = {NULL, 0};
	JsonNode   *root = jsonb_arena_alloc(&jr, sizeof(JsonNode));

	from_jsonb_container(&jr, &jsonb->root, root);
	return root;
}

/* A JsonbValue (scalar or container) as a tree. */
JsonNode *
json_from_jsonb_value(JsonbValue *v)
{
	JsonbReader jr = {NULL, 0};
	JsonNode   *root = jsonb_arena_alloc(&jr, sizeof(JsonNode));

	root->count = 0;
	switch (v->type)
	{
		case jbvNull:
			root->kind = JSON_NULL;
			root->u.text = NULL;
			break;
		case jbvBool:
			root->kind = JSON_BOOL;
			root->u.boolean = v->val.boolean;
			break;
		case jbvString:
			root->kind = JSON_STRING;
			root->count = v->val.string.len;
			root->u.text = jsonb_copy_string(&jr, v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric)));

				root->kind = JSON_NUMBER;
				root->count = strlen(text);
				root->u.text = text;
				break;
			}
		case jbvBinary:
			from_jsonb_container(&jr, v->val.binary.data, root);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
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

/*
 * The name DynamoDB's (Jackson) parser gives a scalar JSON token in its
 * SerializationException messages: NUMBER_VALUE, or DECIMAL_VALUE for a
 * number written with a fraction or an exponent; TRUE_VALUE, FALSE_VALUE;
 * STRING_VALUE; NULL_VALUE.
 */
const char *
json_token_name(const JsonNode *node)
{
	switch (node->kind)
	{
		case JSON_NUMBER:
			return memchr(node->u.text, '.', node->count) ||
				memchr(node->u.text, 'e', node->count) ||
				memchr(node->u.text, 'E', node->count) ? "DECIMAL_VALUE" : "NUMBER_VALUE";
		case JSON_BOOL:
			return node->u.boolean ? "TRUE_VALUE" : "FALSE_VALUE";
		case JSON_STRING:
			return "STRING_VALUE";
		case JSON_NULL:
			return "NULL_VALUE";
		case JSON_ARRAY:
			return "START_ARRAY";
		case JSON_OBJECT:
			return "START_OBJECT";
	}
	return "UNKNOWN";
}
