/*-------------------------------------------------------------------------
 *
 * import_ion.c
 *	  A reader of Amazon Ion text for the lines of an ION import: the
 *	  subset DynamoDB's exports write, turned into DynamoDB JSON.
 *
 * A line is an optional version marker ($ion_1_0) and one struct with a
 * field Item holding the item's struct, e.g.
 *
 *	 $ion_1_0 {Item:{id:"a",n:103.,price:2d3,tags:$dynamodb_SS::["x","y"],
 *					 data:{{aGVsbG8=}},ok:true,none:null,list:[1,"s"],map:{k:"v"}}}
 *
 * The mapping is DynamoDB's (developer guide, "Amazon S3 import formats"):
 *
 *	 string                 S        bool            BOOL
 *	 decimal, int, float    N        blob (and clob) B
 *	 list                   L        struct          M
 *	 null, null.<type>      NULL
 *	 list annotated $dynamodb_SS, $dynamodb_NS, $dynamodb_BS: SS, NS, BS
 *
 * Numbers are written for DynamoDB: Ion's decimal exponent "d" becomes "E",
 * underscores go, a trailing point ("103.") is dropped, hexadecimal and
 * binary integers are converted; DynamoDB's number rules are then checked
 * by dynamo_item_from_node with the item.  Field names may be identifiers,
 * 'quoted symbols' or strings; symbols as values are read as strings;
 * other annotations are ignored; // and block comments are skipped.
 * Timestamps and s-expressions have no DynamoDB type and are refused.
 *
 * Every error is raised with ERRCODE_INVALID_TEXT_REPRESENTATION.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "common/string.h"
#include "mb/pg_wchar.h"

#include "backup/import.h"

typedef struct IonReader
{
	const char *p;
	const char *end;
	int			depth;
} IonReader;

#define ION_MAX_DEPTH	64

static JsonNode *read_value(IonReader *r);

static void
ion_error(const char *message)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("Invalid Ion: %s", message)));
}

/* skip whitespace and comments */
static void
skip_space(IonReader *r)
{
	for (;;)
	{
		while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r' ||
								 *r->p == '\v' || *r->p == '\f'))
			r->p++;
		if (r->p + 1 < r->end && r->p[0] == '/' && r->p[1] == '/')
		{
			while (r->p < r->end && *r->p != '\n')
				r->p++;
			continue;
		}
		if (r->p + 1 < r->end && r->p[0] == '/' && r->p[1] == '*')
		{
			r->p += 2;
			while (r->p + 1 < r->end && !(r->p[0] == '*' && r->p[1] == '/'))
				r->p++;
			if (r->p + 1 >= r->end)
				ion_error("a comment is not closed");
			r->p += 2;
			continue;
		}
		return;
	}
}

static bool
is_identifier_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool
is_identifier_char(char c)
{
	return is_identifier_start(c) || (c >= '0' && c <= '9');
}

/* a hexadecimal digit's value, or -1 */
static int
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

/* append the code point as UTF-8 */
static void
append_code_point(StringInfo out, pg_wchar code)
{
	unsigned char buf[8];

	if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
		ion_error("an escape is not a Unicode scalar value");
	unicode_to_utf8(code, buf);
	appendBinaryStringInfo(out, (char *) buf, pg_utf_mblen(buf));
}

/* the body of a quoted text up to its closing quote(s), escapes resolved, into out */
static void
read_quoted(IonReader *r, const char *quote, StringInfo out)
{
	int			quote_len = strlen(quote);

	for (;;)
	{
		if (r->p >= r->end)
			ion_error("a string is not closed");
		if (r->end - r->p >= quote_len && memcmp(r->p, quote, quote_len) == 0)
		{
			r->p += quote_len;
			return;
		}
		if (*r->p == '\\')
		{
			char		c;
			int			digits = 0;
			pg_wchar	code = 0;
			int			i;

			r->p++;
			if (r->p >= r->end)
				ion_error("an escape is not complete");
			c = *r->p++;
			switch (c)
			{
				case 'n':
					appendStringInfoChar(out, '\n');
					break;
				case 't':
					appendStringInfoChar(out, '\t');
					break;
				case 'r':
					appendStringInfoChar(out, '\r');
					break;
				case 'a':
					appendStringInfoChar(out, '\a');
					break;
				case 'b':
					appendStringInfoChar(out, '\b');
					break;
				case 'f':
					appendStringInfoChar(out, '\f');
					break;
				case 'v':
					appendStringInfoChar(out, '\v');
					break;
				case '0':
					appendStringInfoChar(out, '\0');
					break;
				case '\n':		/* a line continuation */
					break;
				case 'x':
					digits = 2;
					break;
				case 'u':
					digits = 4;
					break;
				case 'U':
					digits = 8;
					break;
				default:		/* \" \' \\ \/ \? */
					appendStringInfoChar(out, c);
					break;
			}
			if (digits == 0)
				continue;
			for (i = 0; i < digits; i++)
			{
				int			v = r->p < r->end ? hex_value(*r->p) : -1;

				if (v < 0)
					ion_error("an escape has too few hexadecimal digits");
				code = code * 16 + v;
				r->p++;
			}
			/* a surrogate pair written as two \u escapes */
			if (code >= 0xD800 && code <= 0xDBFF && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u')
			{
				pg_wchar	low = 0;

				for (i = 2; i < 6; i++)
				{
					int			v = hex_value(r->p[i]);

					if (v < 0)
						ion_error("an escape has too few hexadecimal digits");
					low = low * 16 + v;
				}
				if (low >= 0xDC00 && low <= 0xDFFF)
				{
					code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
					r->p += 6;
				}
			}
			append_code_point(out, code);
			continue;
		}
		appendStringInfoChar(out, *r->p++);
	}
}

/* a string: "..." or one or more '''...''' */
static JsonNode *
read_string(IonReader *r)
{
	StringInfoData text;

	initStringInfo(&text);
	if (*r->p == '"')
	{
		r->p++;
		read_quoted(r, "\"", &text);
	}
	else
	{
		while (r->end - r->p >= 3 && memcmp(r->p, "'''", 3) == 0)
		{
			r->p += 3;
			read_quoted(r, "'''", &text);
			skip_space(r);
		}
	}
	if (pg_verify_mbstr(PG_UTF8, text.data, text.len, true) != true)
		ion_error("a string is not valid UTF-8");
	return import_string_node(text.data, text.len);
}

/* a symbol: an identifier or 'quoted'; NULL when there is none here */
static JsonNode *
read_symbol(IonReader *r)
{
	StringInfoData text;

	initStringInfo(&text);
	if (r->p < r->end && *r->p == '\'' && !(r->end - r->p >= 3 && memcmp(r->p, "'''", 3) == 0))
	{
		r->p++;
		read_quoted(r, "'", &text);
		return import_string_node(text.data, text.len);
	}
	if (r->p < r->end && is_identifier_start(*r->p))
	{
		while (r->p < r->end && is_identifier_char(*r->p))
			appendStringInfoChar(&text, *r->p++);
		return import_string_node(text.data, text.len);
	}
	return NULL;
}

/* a number, written for DynamoDB */
static JsonNode *
read_number(IonReader *r)
{
	StringInfoData text;
	bool		negative = false;

	initStringInfo(&text);
	if (*r->p == '-')
	{
		negative = true;
		r->p++;
	}
	if (r->end - r->p >= 2 && r->p[0] == '0' && (r->p[1] == 'x' || r->p[1] == 'X' || r->p[1] == 'b' || r->p[1] == 'B'))
	{
		int			base = (r->p[1] == 'x' || r->p[1] == 'X') ? 16 : 2;
		uint64		value = 0;
		int			digits = 0;

		r->p += 2;
		while (r->p < r->end && (hex_value(*r->p) >= 0 || *r->p == '_'))
		{
			int			v = hex_value(*r->p++);

			if (r->p[-1] == '_')
				continue;
			if (v >= base || value > (PG_UINT64_MAX - v) / base)
				ion_error("an integer is too large or not in its base");
			value = value * base + v;
			digits++;
		}
		if (digits == 0)
			ion_error("an integer has no digits");
		appendStringInfo(&text, "%s" UINT64_FORMAT, negative ? "-" : "", value);
	}
	else
	{
		bool		exponent = false;

		if (negative)
			appendStringInfoChar(&text, '-');
		while (r->p < r->end)
		{
			char		c = *r->p;

			if (c >= '0' && c <= '9')
				appendStringInfoChar(&text, c);
			else if (c == '_')
				;
			else if (c == '.' && !exponent)
				appendStringInfoChar(&text, c);
			else if ((c == 'd' || c == 'D' || c == 'e' || c == 'E') && !exponent)
			{
				exponent = true;
				/* "103.d2" and "103." : a point with no fraction goes */
				if (text.len > 0 && text.data[text.len - 1] == '.')
					text.data[--text.len] = '\0';
				appendStringInfoChar(&text, 'E');
				if (r->p + 1 < r->end && (r->p[1] == '+' || r->p[1] == '-'))
					appendStringInfoChar(&text, *++r->p);
			}
			else
				break;
			r->p++;
		}
		if (text.len > 0 && text.data[text.len - 1] == '.')
			text.data[--text.len] = '\0';
		if (text.len == 0 || text.data[text.len - 1] == 'E' || text.data[text.len - 1] == '-' ||
			text.data[text.len - 1] == '+')
			ion_error("a number is not complete");
	}
	if (r->p < r->end && (is_identifier_char(*r->p) || *r->p == '-' || *r->p == ':' || *r->p == 'T'))
		ion_error("timestamps and numbers in other forms have no DynamoDB type");
	return import_string_node(text.data, text.len);
}

/* a blob {{ base64 }} or clob {{ "text" }}: the base64 text of its bytes */
static JsonNode *
read_lob(IonReader *r)
{
	StringInfoData text;

	initStringInfo(&text);
	r->p += 2;
	skip_space(r);
	if (r->p < r->end && (*r->p == '"' || *r->p == '\''))
	{
		JsonNode   *clob = read_string(r);
		int			encoded_len = pg_b64_enc_len(clob->count);

		enlargeStringInfo(&text, encoded_len + 1);
		text.len = pg_b64_encode(clob->u.text, clob->count, text.data, encoded_len);
		text.data[text.len] = '\0';
		skip_space(r);
	}
	else
	{
		while (r->p < r->end && *r->p != '}')
		{
			char		c = *r->p++;

			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
				continue;
			if (!(is_identifier_char(c) || c == '+' || c == '/' || c == '=') || c == '_' || c == '$')
				ion_error("a blob holds a character that is not base64");
			appendStringInfoChar(&text, c);
		}
	}
	if (r->end - r->p < 2 || r->p[0] != '}' || r->p[1] != '}')
		ion_error("a blob is not closed with }}");
	r->p += 2;
	return import_string_node(text.data, text.len);
}

/* the next character, after space; error at the end */
static char
peek(IonReader *r)
{
	skip_space(r);
	if (r->p >= r->end)
		ion_error("the line ends inside a value");
	return *r->p;
}

/* a struct's fields as {"M": {...}} */
static JsonNode *
read_struct(IonReader *r)
{
	List	   *names = NIL;
	List	   *values = NIL;

	r->p++;
	for (;;)
	{
		JsonNode   *name;
		char		c = peek(r);

		if (c == '}')
		{
			r->p++;
			break;
		}
		if (c == '"' || (c == '\'' && r->end - r->p >= 3 && memcmp(r->p, "'''", 3) == 0))
			name = read_string(r);
		else if ((name = read_symbol(r)) == NULL)
			ion_error("a struct field has no name");
		if (peek(r) != ':')
			ion_error("a struct field name is not followed by ':'");
		r->p++;
		names = lappend(names, name);
		values = lappend(values, read_value(r));
		c = peek(r);
		if (c == ',')
			r->p++;
		else if (c != '}')
			ion_error("struct fields are not separated by ','");
	}
	return import_typed_node("M", import_object_node(names, values));
}

/* a list's values */
static List *
read_list(IonReader *r)
{
	List	   *values = NIL;

	r->p++;
	for (;;)
	{
		char		c = peek(r);

		if (c == ']')
		{
			r->p++;
			break;
		}
		values = lappend(values, read_value(r));
		c = peek(r);
		if (c == ',')
			r->p++;
		else if (c != ']')
			ion_error("list values are not separated by ','");
	}
	return values;
}

/* a set annotation's list: {"SS"|"NS"|"BS": [...]} of elements of type element_type */
static JsonNode *
make_set(const char *set_type, const char *element_type, List *values)
{
	List	   *elements = NIL;
	ListCell   *cell;

	foreach(cell, values)
	{
		JsonNode   *value = lfirst(cell);

		if (strcmp(value->u.members[0].name, element_type) != 0)
			ion_error(psprintf("a %s set holds a value that is not of type %s", set_type, element_type));
		elements = lappend(elements, &value->u.members[0].value);
	}
	return import_typed_node(set_type, import_array_node(elements));
}

/* one value, as a DynamoDB AttributeValue node */
static JsonNode *
read_value(IonReader *r)
{
	const char *set_type = NULL;
	char		c;

	if (++r->depth > ION_MAX_DEPTH)
		ion_error("values are nested too deeply");
	for (;;)
	{
		const char *start;
		JsonNode   *symbol;

		c = peek(r);
		start = r->p;
		symbol = (c == '\'' && r->end - r->p >= 3 && memcmp(r->p, "'''", 3) == 0) ? NULL : read_symbol(r);
		if (symbol == NULL)
			break;
		skip_space(r);
		if (r->end - r->p >= 2 && r->p[0] == ':' && r->p[1] == ':')
		{
			/* an annotation */
			r->p += 2;
			if (strcmp(symbol->u.text, "$dynamodb_SS") == 0)
				set_type = "SS";
			else if (strcmp(symbol->u.text, "$dynamodb_NS") == 0)
				set_type = "NS";
			else if (strcmp(symbol->u.text, "$dynamodb_BS") == 0)
				set_type = "BS";
			continue;
		}
		r->depth--;
		if (*start == '\'')
			return import_typed_node("S", symbol);
		if (strcmp(symbol->u.text, "true") == 0 || strcmp(symbol->u.text, "false") == 0)
		{
			JsonNode   *b = palloc0(sizeof(JsonNode));

			b->kind = JSON_BOOL;
			b->u.boolean = symbol->u.text[0] == 't';
			return import_typed_node("BOOL", b);
		}
		if (strcmp(symbol->u.text, "null") == 0)
		{
			JsonNode   *b = palloc0(sizeof(JsonNode));

			if (r->p < r->end && *r->p == '.')	/* null.string, null.struct, ... */
			{
				r->p++;
				if (read_symbol(r) == NULL)
					ion_error("a typed null has no type");
			}
			b->kind = JSON_BOOL;
			b->u.boolean = true;
			return import_typed_node("NULL", b);
		}
		if (strcmp(symbol->u.text, "nan") == 0)
			ion_error("nan is not a DynamoDB number");
		return import_typed_node("S", symbol);
	}
	r->depth--;
	if (c == '{' && r->p + 1 < r->end && r->p[1] == '{')
		return set_type ? (ion_error("a set annotation is on a blob"), NULL) : import_typed_node("B", read_lob(r));
	if (c == '{')
	{
		JsonNode   *node;

		r->depth++;
		node = read_struct(r);
		r->depth--;
		if (set_type)
			ion_error("a set annotation is on a struct");
		return node;
	}
	if (c == '[')
	{
		List	   *values;

		r->depth++;
		values = read_list(r);
		r->depth--;
		if (set_type)
			return make_set(set_type, set_type[0] == 'S' ? "S" : set_type[0] == 'N' ? "N" : "B", values);
		return import_typed_node("L", import_array_node(values));
	}
	if (set_type)
		ion_error("a set annotation is not on a list");
	if (c == '"' || c == '\'')
		return import_typed_node("S", read_string(r));
	if (c == '-' || (c >= '0' && c <= '9'))
		return import_typed_node("N", read_number(r));
	if (c == '+' && r->end - r->p >= 4 && memcmp(r->p, "+inf", 4) == 0)
		ion_error("+inf is not a DynamoDB number");
	if (c == '(')
		ion_error("s-expressions have no DynamoDB type");
	ion_error(psprintf("unexpected character '%c'", c));
	return NULL;
}

/*
 * The item of an ION line ($ion_1_0 {Item:{...}}), as the DynamoDB JSON
 * object of its attributes.
 */
JsonNode *
import_parse_ion_item(const char *line, int len)
{
	IonReader	reader = {line, line + len, 0};
	JsonNode   *root;
	JsonNode   *item = NULL;
	int			i;

	skip_space(&reader);
	if (reader.end - reader.p >= 5 && memcmp(reader.p, "$ion_", 5) == 0)
	{
		(void) read_symbol(&reader);	/* the version marker */
		skip_space(&reader);
	}
	root = read_value(&reader);
	skip_space(&reader);
	if (reader.p < reader.end)
		ion_error("the line holds more than one value");
	if (strcmp(root->u.members[0].name, "M") != 0)
		ion_error("the line is not a struct with an Item field");
	for (i = 0; i < root->u.members[0].value.count; i++)
		if (strcmp(root->u.members[0].value.u.members[i].name, "Item") == 0)
			item = &root->u.members[0].value.u.members[i].value;
	if (item == NULL || strcmp(item->u.members[0].name, "M") != 0)
		ion_error("the line has no Item struct");
	return &item->u.members[0].value;
}
