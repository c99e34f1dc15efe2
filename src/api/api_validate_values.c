/*-------------------------------------------------------------------------
 *
 * api_validate_values.c
 *	  The values of a request as DynamoDB's validator sees them: Java's
 *	  string length and String.hashCode, the model's patterns, JSON numbers
 *	  as Java integers, and values rendered as Java's toString() prints them
 *	  in "Value '...' at ..." messages.
 *
 * JAVA RENDERING
 *
 * DynamoDB is written in Java, and its messages print a value with the
 * value's toString(): a string as it is, a number in decimal, a list as
 * "[a, b]", a map as "{k=v, k2=v2}", and a structure of the model as
 * "com.amazonaws.dynamodb.v20120810.KeySchemaElement@ad28eb1d", its class
 * name and its hashCode() in hex.  That hashCode is
 *
 *	  Arrays.hashCode(31 + className.hashCode(), field_n, ..., field_1)
 *
 * over the fields' own hashCodes in reverse model order (null fields count
 * 0).  It reproduces the four KeySchemaElement hashes quoted from DynamoDB
 * (pk/HASH ad28eb1d, sk/RANGE 38b9654b, sk2/RANGE 38bb13cd, extra/RANGE
 * 3e80eb03); other classes are assumed to follow the same generated code.
 * Field hashCodes are Java's: String.hashCode over UTF-16 code units,
 * Integer, Long, Boolean (1231/1237), List (31 * h + e), Map (sum of
 * key ^ value), ByteBuffer (from the last byte back).  Maps print their
 * entries in request order.
 *
 * Strings carry a length and may hold U+0000; messages are C strings, so
 * U+0000 is printed as the six characters \u0000.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "api/api_shapes.h"
#include "api/api_validate_internal.h"

/* next code point of UTF-8 text, advancing *p; malformed bytes stand alone */
static uint32
next_code_point(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	uint32		c = *s;
	int			extra;
	int			i;

	if (c < 0x80)
		extra = 0;
	else if ((c & 0xE0) == 0xC0)
	{
		extra = 1;
		c &= 0x1F;
	}
	else if ((c & 0xF0) == 0xE0)
	{
		extra = 2;
		c &= 0x0F;
	}
	else if ((c & 0xF8) == 0xF0)
	{
		extra = 3;
		c &= 0x07;
	}
	else
	{
		*p = s + 1;
		return c;
	}
	if (end - s <= extra)
	{
		*p = s + 1;
		return *s;
	}
	for (i = 1; i <= extra; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
		{
			*p = s + 1;
			return *s;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p = s + extra + 1;
	return c;
}

/*
 * Java's String.length(): UTF-16 code units of UTF-8 text.  The reader
 * hands over valid UTF-8: every byte but a continuation byte starts a code
 * point, and a four-byte one needs a surrogate pair.
 */
int64
java_string_length(const char *text, uint32 len)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	int64		units = 0;

	for (; p < end; p++)
		units += ((*p & 0xC0) != 0x80) + (*p >= 0xF0);
	return units;
}

/* Java's String.hashCode() of UTF-8 text */
uint32
java_string_hash(const char *text, uint32 len)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	uint32		h = 0;

	while (p < end)
	{
		uint32		c = next_code_point(&p, end);

		if (c >= 0x10000)
		{
			c -= 0x10000;
			h = 31 * h + (0xD800 + (c >> 10));
			h = 31 * h + (0xDC00 + (c & 0x3FF));
		}
		else
			h = 31 * h + c;
	}
	return h;
}

static bool
is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* [a-zA-Z0-9_.-] */
static bool
is_name_char(unsigned char c)
{
	return is_alnum_ascii(c) || c == '_' || c == '.' || c == '-';
}

/*
 * Whether a string matches one of the model's patterns, as a whole (Java's
 * Matcher.matches()).  One matcher per pattern the model uses; the
 * generator refuses a model with any other.
 */
bool
api_pattern_matches(int pattern, const char *text, uint32 len)
{
	const unsigned char *s = (const unsigned char *) text;
	const unsigned char *end = s + len;
	const unsigned char *p;
	uint32		i;

	switch ((ApiPattern) pattern)
	{
		case API_PATTERN_NONE:
			return true;
		case API_PATTERN_NAME:
			/* [a-zA-Z0-9_.-]+ */
			if (len == 0)
				return false;
			for (i = 0; i < len; i++)
				if (!is_name_char(s[i]))
					return false;
			return true;
		case API_PATTERN_PRINTABLE:
			/* \p{Print}+: Java's POSIX class, ASCII 0x20-0x7E */
			if (len == 0)
				return false;
			for (i = 0; i < len; i++)
				if (s[i] < 0x20 || s[i] > 0x7E)
					return false;
			return true;
		case API_PATTERN_XML_TEXT:
			/* [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]* */
			for (p = s; p < end;)
			{
				uint32		c = next_code_point(&p, end);

				if (!(c == '\t' || c == '\n' || c == '\r' ||
					  (c >= 0x20 && c <= 0xD7FF) ||
					  (c >= 0xE000 && c <= 0xFFFD) ||
					  (c >= 0x10000 && c <= 0x10FFFF)))
					return false;
			}
			return true;
		case API_PATTERN_NO_DOLLAR:
			/* ^[^\$]+$ */
			return len > 0 && memchr(text, '$', len) == NULL;
		case API_PATTERN_CSV_DELIMITER:
			/* [,;:|\t ] */
			return len == 1 && strchr(",;:|\t ", s[0]) != NULL && s[0] != '\0';
		case API_PATTERN_CSV_HEADER:
			/* [\x20-\x21\x23-\x2B\x2D-\x7E]* */
			for (i = 0; i < len; i++)
				if (s[i] < 0x20 || s[i] > 0x7E || s[i] == '"' || s[i] == ',')
					return false;
			return true;
		case API_PATTERN_HEX_BLOCKS:
			/* ([0-9a-f]{16})+ */
			if (len == 0 || len % 16 != 0)
				return false;
			for (i = 0; i < len; i++)
				if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
					return false;
			return true;
		case API_PATTERN_S3_BUCKET:
			/* ^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$ */
			if (len < 2 || !is_alnum_ascii(s[0]) || !is_alnum_ascii(s[len - 1]))
				return false;
			for (i = 0; i < len; i++)
				if (!is_name_char(s[i]))
					return false;
			return true;
		case API_PATTERN_ACCOUNT_ID:
			/* [0-9]{12} */
			if (len != 12)
				return false;
			for (i = 0; i < len; i++)
				if (s[i] < '0' || s[i] > '9')
					return false;
			return true;
	}
	return true;
}

/*
 * A JSON number as the Java integer DynamoDB's parser makes of it: the
 * fraction dropped (toward zero), beyond the int64 range saturated (and
 * *overflow set, when asked).
 */
int64
json_number_integer_checked(const char *text, uint32 len, bool *overflow)
{
	const char *p = text;
	const char *end = text + len;
	const char *int_start;
	const char *int_end;
	const char *frac_start = NULL;
	const char *frac_end = NULL;
	bool		negative = false;
	int64		exponent = 0;
	int64		point;
	int64		k;
	uint64		value = 0;
	uint64		limit;

	if (p < end && *p == '-')
	{
		negative = true;
		p++;
	}
	int_start = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	int_end = p;
	if (p < end && *p == '.')
	{
		frac_start = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		frac_end = p;
	}
	if (p < end && (*p == 'e' || *p == 'E'))
	{
		bool		exp_negative = false;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			exp_negative = (*p++ == '-');
		while (p < end && *p >= '0' && *p <= '9')
		{
			if (exponent < 1000000)
				exponent = exponent * 10 + (*p - '0');
			p++;
		}
		if (exp_negative)
			exponent = -exponent;
	}

	/* the digits before the decimal point, once the exponent is applied */
	point = (int_end - int_start) + exponent;
	limit = negative ? (uint64) PG_INT64_MAX + 1 : (uint64) PG_INT64_MAX;
	for (k = 0; k < point; k++)
	{
		int64		int_len = int_end - int_start;
		int64		frac_len = frac_start ? frac_end - frac_start : 0;
		int			digit;

		if (k < int_len)
			digit = int_start[k] - '0';
		else if (k - int_len < frac_len)
			digit = frac_start[k - int_len] - '0';
		else
			digit = 0;
		if (value > (limit - digit) / 10)
		{
			value = limit;
			if (overflow)
				*overflow = true;
			break;
		}
		value = value * 10 + digit;
	}
	if (negative)
		return value == (uint64) PG_INT64_MAX + 1 ? PG_INT64_MIN : -(int64) value;
	return (int64) value;
}

/* the same, saturated without a word */
int64
json_number_integer(const char *text, uint32 len)
{
	return json_number_integer_checked(text, len, NULL);
}

/* true/false of a BOOL-like JSON value: true, false, or DynamoDB's string forms */
bool
json_boolean_value(const JsonNode *node, bool *value)
{
	static const char *const true_words[] = {"true", "1", "yes"};
	static const char *const false_words[] = {"false", "0", "no"};
	int			i;

	if (node->kind == JSON_BOOL)
	{
		*value = node->u.boolean;
		return true;
	}
	if (node->kind != JSON_STRING)
		return false;
	for (i = 0; i < lengthof(true_words); i++)
	{
		if (node->count == strlen(true_words[i]) &&
			pg_strncasecmp(node->u.text, true_words[i], node->count) == 0)
		{
			*value = true;
			return true;
		}
		if (node->count == strlen(false_words[i]) &&
			pg_strncasecmp(node->u.text, false_words[i], node->count) == 0)
		{
			*value = false;
			return true;
		}
	}
	return false;
}

/* the bytes of base64 text, leniently (the value encoder checks it) */
static uint32
base64_decode_lenient(const char *text, uint32 len, unsigned char *out)
{
	uint32		bits = 0;
	int			nbits = 0;
	uint32		n = 0;
	uint32		i;

	for (i = 0; i < len; i++)
	{
		char		c = text[i];
		int			v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			continue;
		bits = (bits << 6) | v;
		nbits += 6;
		if (nbits >= 8)
		{
			nbits -= 8;
			out[n++] = (bits >> nbits) & 0xFF;
		}
	}
	return n;
}

/*
 * Which members of a JSON object a later member of the same name shadows
 * (DynamoDB's parser keeps the last), or NULL when none does.  Allocated
 * per map, never per member.
 */
bool *
shadowed_members(const JsonNode *object)
{
	bool	   *shadowed = NULL;
	uint32		i;
	uint32		j;

	/* a map's entries usually number a handful; big ones are hashed */
	if (object->count > 64)
	{
		uint32		size = 128;
		uint32	   *slots;

		while (size < object->count * 2)
			size *= 2;
		slots = palloc(sizeof(uint32) * size);
		memset(slots, 0xFF, sizeof(uint32) * size);
		for (i = object->count; i > 0; i--)
		{
			const JsonMember *m = &object->u.members[i - 1];
			uint32		slot = java_string_hash(m->name, m->namelen) & (size - 1);

			for (;;)
			{
				const JsonMember *other;

				if (slots[slot] == PG_UINT32_MAX)
				{
					slots[slot] = i - 1;
					break;
				}
				other = &object->u.members[slots[slot]];
				if (other->namelen == m->namelen && memcmp(other->name, m->name, m->namelen) == 0)
				{
					if (shadowed == NULL)
						shadowed = palloc0(sizeof(bool) * object->count);
					shadowed[i - 1] = true;
					break;
				}
				slot = (slot + 1) & (size - 1);
			}
		}
		pfree(slots);
		return shadowed;
	}
	for (i = 0; i < object->count; i++)
	{
		const JsonMember *m = &object->u.members[i];

		for (j = i + 1; j < object->count; j++)
		{
			const JsonMember *later = &object->u.members[j];

			if (later->namelen == m->namelen && memcmp(later->name, m->name, m->namelen) == 0)
			{
				if (shadowed == NULL)
					shadowed = palloc0(sizeof(bool) * object->count);
				shadowed[i] = true;
				break;
			}
		}
	}
	return shadowed;
}

/* Java's hashCode() of a value of the given shape */
uint32
java_hash_code(int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	uint32		h;
	uint32		i;
	bool		flag;

	check_stack_depth();
	if (node == NULL || node->kind == JSON_NULL)
		return 0;
	switch ((ApiShapeType) shape->type)
	{
		case API_STRING:
			if (node->kind == JSON_STRING || node->kind == JSON_NUMBER)
				return java_string_hash(node->u.text, node->count);
			return 0;
		case API_INTEGER:
			if (node->kind != JSON_NUMBER)
				return 0;
			return (uint32) (int32) json_number_integer(node->u.text, node->count);
		case API_LONG:
		case API_TIMESTAMP:
			{
				uint64		v;

				if (node->kind != JSON_NUMBER)
					return 0;
				v = (uint64) json_number_integer(node->u.text, node->count);
				if (shape->type == API_TIMESTAMP)
					v *= 1000;	/* Date: milliseconds */
				return (uint32) (v ^ (v >> 32));
			}
		case API_DOUBLE:
			{
				double		d;
				uint64		bits;

				if (node->kind != JSON_NUMBER)
					return 0;
				d = strtod(node->u.text, NULL);
				if (d == 0)
					d = 0;		/* Java's doubleToLongBits keeps -0.0; rare */
				memcpy(&bits, &d, sizeof(bits));
				return (uint32) (bits ^ (bits >> 32));
			}
		case API_BOOLEAN:
			if (!json_boolean_value(node, &flag))
				return 0;
			return flag ? 1231 : 1237;
		case API_BLOB:
			{
				unsigned char *bytes;
				uint32		n;
				int			k;

				if (node->kind != JSON_STRING)
					return 0;
				bytes = palloc(node->count + 1);
				n = base64_decode_lenient(node->u.text, node->count, bytes);
				h = 1;
				for (k = (int) n - 1; k >= 0; k--)
					h = 31 * h + (uint32) (int32) (signed char) bytes[k];
				pfree(bytes);
				return h;
			}
		case API_LIST:
			if (node->kind != JSON_ARRAY)
				return 0;
			h = 1;
			for (i = 0; i < node->count; i++)
				h = 31 * h + java_hash_code(shape->element, &node->u.elements[i]);
			return h;
		case API_MAP:
			{
				bool	   *shadowed;

				if (node->kind != JSON_OBJECT)
					return 0;
				shadowed = shadowed_members(node);
				h = 0;
				for (i = 0; i < node->count; i++)
				{
					const JsonMember *m = &node->u.members[i];

					if (shadowed && shadowed[i])
						continue;
					h += java_string_hash(m->name, m->namelen) ^
						java_hash_code(shape->value, &m->value);
				}
				if (shadowed)
					pfree(shadowed);
				return h;
			}
		case API_STRUCTURE:
		case API_ATTRIBUTE_VALUE:
			{
				int			position;

				if (node->kind != JSON_OBJECT)
					return 0;
				h = 31 + (31 + java_string_hash(shape->java_type, strlen(shape->java_type)));
				for (position = shape->count - 1; position >= 0; position--)
				{
					const ApiMember *member = NULL;

					for (i = 0; i < shape->count; i++)
						if (ApiMembers[shape->first + i].model_index == position)
							member = &ApiMembers[shape->first + i];
					Assert(member != NULL);
					h = 31 * h + java_hash_code(member->shape,
												json_member_n(node, member->name, member->namelen));
				}
				return h;
			}
	}
	return 0;
}

/* A value as Java's toString() prints it in DynamoDB's messages. */
void
append_java_value(StringInfo buf, int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	uint32		i;
	bool		flag;

	check_stack_depth();
	if (node == NULL || node->kind == JSON_NULL)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	switch ((ApiShapeType) shape->type)
	{
		case API_INTEGER:
		case API_LONG:
			if (node->kind == JSON_NUMBER)
			{
				int64		v = json_number_integer(node->u.text, node->count);

				if (shape->type == API_INTEGER)
					v = (int32) v;
				appendStringInfo(buf, INT64_FORMAT, v);
				return;
			}
			break;
		case API_BOOLEAN:
			if (json_boolean_value(node, &flag))
			{
				appendStringInfoString(buf, flag ? "true" : "false");
				return;
			}
			break;
		case API_LIST:
			if (node->kind == JSON_ARRAY)
			{
				appendStringInfoChar(buf, '[');
				for (i = 0; i < node->count; i++)
				{
					if (i > 0)
						appendStringInfoString(buf, ", ");
					append_java_value(buf, shape->element, &node->u.elements[i]);
				}
				appendStringInfoChar(buf, ']');
				return;
			}
			break;
		case API_MAP:
			if (node->kind == JSON_OBJECT)
			{
				bool		first = true;
				bool	   *shadowed = shadowed_members(node);

				appendStringInfoChar(buf, '{');
				for (i = 0; i < node->count; i++)
				{
					const JsonMember *m = &node->u.members[i];

					if (shadowed && shadowed[i])
						continue;
					if (!first)
						appendStringInfoString(buf, ", ");
					first = false;
					dynamo_append_message_text(buf, m->name, m->namelen);
					appendStringInfoChar(buf, '=');
					append_java_value(buf, shape->value, &m->value);
				}
				appendStringInfoChar(buf, '}');
				if (shadowed)
					pfree(shadowed);
				return;
			}
			break;
		case API_STRUCTURE:
		case API_ATTRIBUTE_VALUE:
			appendStringInfo(buf, "%s@%x", shape->java_type, java_hash_code(shape_index, node));
			return;
		case API_STRING:
		case API_DOUBLE:
		case API_BLOB:
		case API_TIMESTAMP:
			break;
	}
	/* strings, and numbers as written */
	if (node->kind == JSON_STRING || node->kind == JSON_NUMBER)
		dynamo_append_message_text(buf, node->u.text, node->count);
	else if (node->kind == JSON_BOOL)
		appendStringInfoString(buf, node->u.boolean ? "true" : "false");
}
