/*-------------------------------------------------------------------------
 *
 * value_json_in.c
 *	  DynamoDB JSON into the value encoding, with DynamoDB's rules and its
 *	  error messages.
 *
 * Input arrives as a JsonNode tree (json_node.h): the text input of the
 * types parses with json_parse straight into it, and jsonb (the casts, and
 * callers still holding jsonb) is turned into one with json_from_jsonb, so
 * there is one encoder.  Strings and names carry their lengths and may hold
 * U+0000; nothing here takes strlen of them.  Errors of shape (a member of
 * the wrong JSON type) are SerializationExceptions, as DynamoDB's protocol
 * layer raises them; errors of DynamoDB's value rules are
 * ValidationExceptions.
 *
 * Checks follow DynamoDB's order: the members of an AttributeValue first
 * (exactly one datatype), then the rules of that type; a container's rules
 * after its elements'.  Members and elements are checked in document order.
 * A name given twice in an object keeps its last value, as DynamoDB's parser
 * does; the earlier values are not looked at.
 *
 * SPEED
 *
 * A container encodes its children into a scratch buffer, then writes
 * itself (header, offsets, children) into its parent's buffer.  Scratch
 * buffers and element arrays are kept per nesting level in an Encoder for
 * the whole call, so a document costs a handful of allocations, not a few
 * per container.  Map entries and set elements are sorted with sort
 * routines specialised for their comparison (lib/sort_template.h); map
 * entries carry the first 8 bytes of their name as an integer, so most
 * comparisons of names are one integer comparison.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "errors.h"
#include "value/json_node.h"
#include "value/value.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/*
 * A member of an object being encoded as a map, sorted by name and then by
 * member index.  prefix holds the name's first 8 bytes, big-endian and
 * zero-padded, so most comparisons are one integer comparison.  Prefixes
 * that differ order their names as the format does: at the first byte where
 * they differ, either both bytes are the names' own, or one is padding (0)
 * against a nonzero byte of a longer name that has the shorter one as its
 * prefix, which sorts the shorter name first.  Equal prefixes compare the
 * names in full.
 */
typedef struct MapEntry
{
	uint64		prefix;
	const char *name;
	uint32		namelen;
	uint32		index;			/* of the member in the object */
} MapEntry;

/* the buffers of one nesting level: a container's children */
typedef struct EncodeLevel
{
	StringInfoData scratch;		/* the children's encodings */
	DynamoElement *elements;	/* where each child lies in scratch */
	MapEntry   *entries;		/* maps: the members, to sort by name */
	int32	   *slots;			/* maps: element of each member, or -1 */
	uint32		capacity;		/* of elements, entries and slots */
} EncodeLevel;

/* the state of one encoding call */
typedef struct Encoder
{
	uint64		ready;			/* bit d: levels[d] is initialised */
	EncodeLevel levels[DYNAMO_MAX_NESTING_DEPTH + 1];
} Encoder;

StaticAssertDecl(DYNAMO_MAX_NESTING_DEPTH + 1 <= 64, "Encoder.ready holds one bit per level");

static void encode_attribute_value(Encoder *encoder, StringInfo out,
								   const JsonNode *attribute_value, int depth);

/* An encoder with no level set up yet. */
static inline void
encoder_init(Encoder *encoder)
{
	encoder->ready = 0;
}

/*
 * The buffers of level depth, emptied, with room for count elements.
 */
static EncodeLevel *
encoder_level(Encoder *encoder, int depth, uint32 count)
{
	EncodeLevel *level = &encoder->levels[depth];

	Assert(depth >= 0 && depth <= DYNAMO_MAX_NESTING_DEPTH);
	if ((encoder->ready & (UINT64CONST(1) << depth)) == 0)
	{
		initStringInfo(&level->scratch);
		level->capacity = Max(count, 32);
		level->elements = MemoryContextAllocHuge(CurrentMemoryContext,
												 sizeof(DynamoElement) * level->capacity);
		level->entries = MemoryContextAllocHuge(CurrentMemoryContext,
												sizeof(MapEntry) * level->capacity);
		level->slots = MemoryContextAllocHuge(CurrentMemoryContext,
											  sizeof(int32) * level->capacity);
		encoder->ready |= UINT64CONST(1) << depth;
	}
	else
	{
		resetStringInfo(&level->scratch);
		if (count > level->capacity)
		{
			level->capacity = Max(count, level->capacity * 2);
			level->elements = repalloc_huge(level->elements, sizeof(DynamoElement) * level->capacity);
			level->entries = repalloc_huge(level->entries, sizeof(MapEntry) * level->capacity);
			level->slots = repalloc_huge(level->slots, sizeof(int32) * level->capacity);
		}
	}
	return level;
}

/* Free the buffers of an encoder. */
static void
encoder_free(Encoder *encoder)
{
	while (encoder->ready != 0)
	{
		int			depth = pg_rightmost_one_pos64(encoder->ready);
		EncodeLevel *level = &encoder->levels[depth];

		pfree(level->scratch.data);
		pfree(level->elements);
		pfree(level->entries);
		pfree(level->slots);
		encoder->ready &= ~(UINT64CONST(1) << depth);
	}
}

/* the type named by an AttributeValue member, or 0 for an unknown member */
static inline DynamoType
type_of_member(const char *name, uint32 len)
{
	switch (len)
	{
		case 1:
			switch (name[0])
			{
				case 'S':
					return DYNAMO_TYPE_S;
				case 'N':
					return DYNAMO_TYPE_N;
				case 'B':
					return DYNAMO_TYPE_B;
				case 'M':
					return DYNAMO_TYPE_M;
				case 'L':
					return DYNAMO_TYPE_L;
			}
			break;
		case 2:
			if (name[1] != 'S')
				break;
			switch (name[0])
			{
				case 'S':
					return DYNAMO_TYPE_SS;
				case 'N':
					return DYNAMO_TYPE_NS;
				case 'B':
					return DYNAMO_TYPE_BS;
			}
			break;
		case 4:
			if (memcmp(name, "BOOL", 4) == 0)
				return DYNAMO_TYPE_BOOL;
			if (memcmp(name, "NULL", 4) == 0)
				return DYNAMO_TYPE_NULL;
			break;
	}
	return (DynamoType) 0;
}

/* The Java class DynamoDB's parser names for a member type. */
typedef enum JsonTarget
{
	TARGET_STRING,				/* S, N, and the members of SS and NS */
	TARGET_BOOLEAN,				/* BOOL, NULL */
	TARGET_BLOB					/* B, and the members of BS */
} JsonTarget;

/*
 * Raise DynamoDB's SerializationException for a JSON value of the wrong type
 * where a member of the given target type was expected.
 */
static void
wrong_json_type(const JsonNode *v, JsonTarget target)
{
	static const char *const target_class[] = {"String", "Boolean", "Blob"};
	static const char *const collection_class[] = {
		"java.lang.String", "java.lang.Boolean", "java.nio.ByteBuffer"
	};

	if (v->kind == JSON_ARRAY)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Unrecognized collection type class %s", collection_class[target]);
	if (v->kind == JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Start of structure or map found where not expected");
	if (target == TARGET_BLOB)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "only base-64-encoded strings are convertible to bytes");
	if (v->kind == JSON_BOOL)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to %s",
					 json_token_name(v), target_class[target]);
	if (v->kind == JSON_NUMBER)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to %s",
					 json_token_name(v), target_class[target]);
	dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
}

/* Require a JSON string where a String or Blob member is expected. */
static inline void
expect_string(const JsonNode *v, JsonTarget target)
{
	if (v->kind != JSON_STRING)
		wrong_json_type(v, target);
}

/*
 * The boolean of a BOOL or NULL member.  DynamoDB's parser also takes the
 * strings "true" and "false".
 */
static bool
expect_boolean(const JsonNode *v)
{
	if (v->kind == JSON_BOOL)
		return v->u.boolean;
	if (v->kind == JSON_STRING)
	{
		if (v->count == 4 && pg_strncasecmp(v->u.text, "true", 4) == 0)
			return true;
		if (v->count == 5 && pg_strncasecmp(v->u.text, "false", 5) == 0)
			return false;
	}
	wrong_json_type(v, TARGET_BOOLEAN);
	return false;				/* not reached */
}

/* Require a JSON object (an AttributeValue or the value of M). */
static inline void
expect_object(const JsonNode *v)
{
	if (v->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
}

/* Require a JSON array (the value of L, SS, NS or BS). */
static inline void
expect_array(const JsonNode *v)
{
	if (v->kind != JSON_ARRAY)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
}

/* value of a base64 digit, or -1 */
static int
base64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Append the bytes of base64 text to out, strictly as DynamoDB's decoder
 * reads it: length a multiple of 4, padding only at the end, no spare bits.
 */
static void
append_base64_decoded(StringInfo out, const char *text, uint32 textlen)
{
	int			len = (int) textlen;
	int			i;
	int			padding = 0;
	char	   *dst;

	if (len % 4 != 0)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Base64 encoded length is expected a multiple of 4 bytes but found: %d", len);
	if (len > 0 && text[len - 1] == '=')
		padding = (len > 1 && text[len - 2] == '=') ? 2 : 1;

	enlargeStringInfo(out, len / 4 * 3);
	dst = out->data + out->len;
	for (i = 0; i < len; i += 4)
	{
		uint32		bits = 0;
		int			j;
		int			digits = (i + 4 == len) ? 4 - padding : 4;

		for (j = 0; j < digits; j++)
		{
			int			d = base64_digit(text[i + j]);

			if (d < 0)
			{
				/* the whole character, not the first byte of its UTF-8 */
				int			charlen = Min(pg_utf_mblen((const unsigned char *) &text[i + j]),
										  len - (i + j));

				dynamo_error(DYNAMO_EXC_SERIALIZATION,
							 "Invalid Base64 character: '%.*s'", charlen, &text[i + j]);
			}
			bits |= (uint32) d << (18 - 6 * j);
		}
		if (digits < 2 || (digits == 2 && (bits & 0xFFFF)) || (digits == 3 && (bits & 0xFF)))
			dynamo_error(DYNAMO_EXC_SERIALIZATION,
						 "Invalid last non-pad Base64 character dectected");
		*dst++ = (char) (bits >> 16);
		if (digits > 2)
			*dst++ = (char) ((bits >> 8) & 0xFF);
		if (digits > 3)
			*dst++ = (char) (bits & 0xFF);
	}
	out->len = dst - out->data;
	out->data[out->len] = '\0';
}

/* Append the bytes of a string to out. */
static inline void
append_bytes(StringInfo out, const char *data, uint32 len)
{
	enlargeStringInfo(out, (int) len);
	memcpy(out->data + out->len, data, len);
	out->len += len;
	out->data[out->len] = '\0';
}

/* Append a type tag and the bytes of a string to out. */
static inline void
append_tagged_bytes(StringInfo out, DynamoType type, const char *data, uint32 len)
{
	char	   *p;

	enlargeStringInfo(out, (int) len + 1);
	p = out->data + out->len;
	*p++ = (char) type;
	memcpy(p, data, len);
	out->len += len + 1;
	out->data[out->len] = '\0';
}

/* Append the N tag and the encoding of number text to out. */
static inline void
append_tagged_number(StringInfo out, const char *text, uint32 len)
{
	DynamoNumber number;
	int			encoded_len;

	dynamo_number_parse(text, (int) len, &number);
	enlargeStringInfo(out, 1 + DYNAMO_NUMBER_MAX_ENCODED);
	out->data[out->len] = (char) DYNAMO_TYPE_N;
	encoded_len = dynamo_number_encode(&number, (uint8 *) out->data + out->len + 1);
	out->len += 1 + encoded_len;
	out->data[out->len] = '\0';
}

/* the first 8 bytes of a name as a big-endian integer, zero-padded */
static inline uint64
name_prefix(const char *name, uint32 namelen)
{
	uint64		prefix = 0;
	uint32		n = Min(namelen, 8);
	uint32		i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		prefix = (prefix << 8) | (uint8) name[i];
	return prefix << (8 * (8 - n));
}

static inline int
compare_map_entries(const MapEntry *a, const MapEntry *b)
{
	int			c;

	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	c = dynamo_name_compare(a->name, a->namelen, b->name, b->namelen);
	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

#define ST_SORT sort_map_entries
#define ST_ELEMENT_TYPE MapEntry
#define ST_COMPARE(a, b) compare_map_entries(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* set elements (payloads in the scratch buffer) in key order */
static inline int compare_set_elements(const DynamoElement *a, const DynamoElement *b,
									   const char *scratch);

#define ST_SORT sort_set_elements
#define ST_ELEMENT_TYPE DynamoElement
#define ST_COMPARE(a, b, scratch) \
	compare_set_elements(a, b, scratch)
#define ST_COMPARE_ARG_TYPE const char
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

static inline int
compare_set_elements(const DynamoElement *a, const DynamoElement *b, const char *scratch)
{
	return dynamo_name_compare(scratch + a->start, a->len, scratch + b->start, b->len);
}

/*
 * Encode the members of a JSON object (an item, or the value of "M") as a map.
 * Attribute names are the object's keys; each value is an AttributeValue.
 * Values are encoded in document order; a name given twice keeps its last
 * value.
 */
static void
encode_map(Encoder *encoder, StringInfo out, const JsonNode *object, int depth)
{
	uint32		count = object->count;
	EncodeLevel *level = encoder_level(encoder, depth, count);
	MapEntry   *entries = level->entries;
	DynamoElement *elements = level->elements;
	int32	   *slots = level->slots;
	uint32		n = 0;
	uint32		i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	/* names, sorted; the last of equal names wins */
	for (i = 0; i < count; i++)
	{
		const JsonMember *member = &object->u.members[i];

		entries[i].prefix = name_prefix(member->name, member->namelen);
		entries[i].name = member->name;
		entries[i].namelen = member->namelen;
		entries[i].index = i;
	}
	if (count > 1)
		sort_map_entries(entries, count);
	for (i = 0; i < count; i++)
	{
		if (i + 1 < count && entries[i].prefix == entries[i + 1].prefix &&
			dynamo_name_compare(entries[i].name, entries[i].namelen,
								entries[i + 1].name, entries[i + 1].namelen) == 0)
		{
			slots[entries[i].index] = -1;
			continue;
		}
		slots[entries[i].index] = (int32) n;
		elements[n].name = entries[i].name;
		elements[n].namelen = entries[i].namelen;
		n++;
	}

	/* names' length and values, in document order */
	for (i = 0; i < count; i++)
	{
		DynamoElement *element;

		if (slots[i] < 0)
			continue;
		if (object->u.members[i].namelen > DYNAMO_MAX_NAME_LENGTH)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Attribute name exceeds maximum length of %d bytes",
						 DYNAMO_MAX_NAME_LENGTH);
		element = &elements[slots[i]];
		element->start = level->scratch.len;
		encode_attribute_value(encoder, &level->scratch, &object->u.members[i].value, depth + 1);
		element->len = level->scratch.len - element->start;
	}
	dynamo_write_container(out, DYNAMO_TYPE_M, level->scratch.data, elements, n);
}

/* Encode the elements of a JSON array (the value of "L") as a list. */
static void
encode_list(Encoder *encoder, StringInfo out, const JsonNode *array, int depth)
{
	uint32		count = array->count;
	EncodeLevel *level = encoder_level(encoder, depth, count);
	DynamoElement *elements = level->elements;
	uint32		i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < count; i++)
	{
		elements[i].name = NULL;
		elements[i].namelen = 0;
		elements[i].start = level->scratch.len;
		encode_attribute_value(encoder, &level->scratch, &array->u.elements[i], depth + 1);
		elements[i].len = level->scratch.len - elements[i].start;
	}
	dynamo_write_container(out, DYNAMO_TYPE_L, level->scratch.data, elements, count);
}

/*
 * "[a, b, a]": the elements of a set as DynamoDB prints them in its duplicate
 * error, in the order given (binary elements as their base64 text).
 */
static char *
describe_collection(const JsonNode *array)
{
	StringInfoData buf;
	uint32		i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < array->count; i++)
	{
		const JsonNode *v = &array->u.elements[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		dynamo_append_message_text(&buf, v->u.text, v->count);
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/* Raise DynamoDB's error for a set with duplicate elements. */
static void
duplicates_error(DynamoType type, const JsonNode *array)
{
	if (type == DYNAMO_TYPE_NS)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Input collection contains duplicates");
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 INVALID_PREFIX "Input collection %s%s contains duplicates.",
				 describe_collection(array),
				 type == DYNAMO_TYPE_BS ? "of type BS" : "");
}

/* Encode an SS, NS or BS: elements sorted in key order, no duplicates. */
static void
encode_set(Encoder *encoder, StringInfo out, DynamoType type, const JsonNode *array, int depth)
{
	uint32		count = array->count;
	EncodeLevel *level;
	DynamoElement *elements;
	JsonTarget	target = (type == DYNAMO_TYPE_BS) ? TARGET_BLOB : TARGET_STRING;
	uint32		i;

	if (count == 0)
	{
		if (type == DYNAMO_TYPE_BS)
			dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "Binary sets should not be empty");
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "An %s set  may not be empty",
					 type == DYNAMO_TYPE_SS ? "string" : "number");
	}

	level = encoder_level(encoder, depth, count);
	elements = level->elements;
	for (i = 0; i < count; i++)
	{
		const JsonNode *v = &array->u.elements[i];

		expect_string(v, target);
		elements[i].name = NULL;
		elements[i].namelen = 0;
		elements[i].start = level->scratch.len;
		if (type == DYNAMO_TYPE_SS)
			append_bytes(&level->scratch, v->u.text, v->count);
		else if (type == DYNAMO_TYPE_NS)
			dynamo_number_append_parsed(&level->scratch, v->u.text, (int) v->count);
		else
			append_base64_decoded(&level->scratch, v->u.text, v->count);
		elements[i].len = level->scratch.len - elements[i].start;
	}

	if (count > 1)
		sort_set_elements(elements, count, level->scratch.data);
	for (i = 1; i < count; i++)
	{
		if (compare_set_elements(&elements[i - 1], &elements[i], level->scratch.data) == 0)
			duplicates_error(type, array);
	}
	dynamo_write_container(out, type, level->scratch.data, elements, count);
}

/* Append the encoding of the member of an AttributeValue that names its type. */
static void
encode_member(Encoder *encoder, StringInfo out, DynamoType type,
			  const JsonNode *member, int depth)
{
	switch (type)
	{
		case DYNAMO_TYPE_S:
			expect_string(member, TARGET_STRING);
			append_tagged_bytes(out, type, member->u.text, member->count);
			break;
		case DYNAMO_TYPE_N:
			expect_string(member, TARGET_STRING);
			append_tagged_number(out, member->u.text, member->count);
			break;
		case DYNAMO_TYPE_B:
			expect_string(member, TARGET_BLOB);
			appendStringInfoChar(out, (char) type);
			append_base64_decoded(out, member->u.text, member->count);
			break;
		case DYNAMO_TYPE_BOOL:
			{
				bool		value = expect_boolean(member);

				appendStringInfoChar(out, (char) type);
				appendStringInfoChar(out, value ? 1 : 0);
				break;
			}
		case DYNAMO_TYPE_NULL:
			if (!expect_boolean(member))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Null attribute value types must have the value of true");
			appendStringInfoChar(out, (char) type);
			break;
		case DYNAMO_TYPE_M:
			expect_object(member);
			encode_map(encoder, out, member, depth);
			break;
		case DYNAMO_TYPE_L:
			expect_array(member);
			encode_list(encoder, out, member, depth);
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			expect_array(member);
			encode_set(encoder, out, type, member, depth);
			break;
	}
}

/*
 * Append the encoding of one AttributeValue ({"S": "x"}, {"M": {...}}, ...).
 * depth is the nesting level of the value: 1 for an item's attributes; a
 * value deeper than 32 levels is rejected, as DynamoDB does.
 *
 * Like DynamoDB, each datatype member is checked by its own rules first and
 * "more than one datatype" is reported after them; unknown members and
 * members whose value is JSON null are ignored, and a member given twice
 * counts once, with its last value.
 */
static void
encode_attribute_value(Encoder *encoder, StringInfo out,
					   const JsonNode *attribute_value, int depth)
{
	const JsonMember *members;
	uint32		count;
	int			types_set = 0;
	uint32		i;

	if (depth > DYNAMO_MAX_NESTING_DEPTH)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
	expect_object(attribute_value);

	members = attribute_value->u.members;
	count = attribute_value->count;

	/* the usual case: one member */
	if (count == 1)
	{
		DynamoType	type = type_of_member(members[0].name, members[0].namelen);

		if (type != 0 && members[0].value.kind != JSON_NULL)
		{
			encode_member(encoder, out, type, &members[0].value, depth);
			return;
		}
	}
	else if (count > 1)
	{
		int32		last[DYNAMO_TYPE_LAST + 1];
		StringInfoData extra;

		for (i = 0; i <= DYNAMO_TYPE_LAST; i++)
			last[i] = -1;
		for (i = 0; i < count; i++)
			last[type_of_member(members[i].name, members[i].namelen)] = (int32) i;

		extra.data = NULL;
		for (i = 0; i < count; i++)
		{
			DynamoType	type = type_of_member(members[i].name, members[i].namelen);

			if (type == 0 || last[type] != (int32) i || members[i].value.kind == JSON_NULL)
				continue;
			if (types_set == 0)
				encode_member(encoder, out, type, &members[i].value, depth);
			else
			{
				/* checked for its own errors first, then rejected below */
				if (extra.data == NULL)
					initStringInfo(&extra);
				resetStringInfo(&extra);
				encode_member(encoder, &extra, type, &members[i].value, depth);
			}
			types_set++;
		}
		if (extra.data != NULL)
			pfree(extra.data);
	}
	if (types_set == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
	if (types_set > 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
}

/*
 * Append the encoding of one AttributeValue at nesting level depth (1 for
 * an item's attributes).
 */
void
dynamo_encode_attribute_value(StringInfo out, const JsonNode *attribute_value, int depth)
{
	Encoder		encoder;

	encoder_init(&encoder);
	encode_attribute_value(&encoder, out, attribute_value, depth);
	encoder_free(&encoder);
}

/*
 * Append the encoding of an item: a JSON object of attribute name to value.
 * The caller has checked that item is an object.
 */
void
dynamo_encode_item(StringInfo out, const JsonNode *item)
{
	Encoder		encoder;

	Assert(item->kind == JSON_OBJECT);
	encoder_init(&encoder);
	encode_map(&encoder, out, item, 0);
	encoder_free(&encoder);
}

/*
 * A buffer for a new datum: the varlena header is reserved up front, so the
 * encoding is written in place and never copied.
 */
static void
init_datum_buffer(StringInfo buf)
{
	initStringInfo(buf);
	buf->len = VARHDRSZ;
}

/* the datum of a buffer made by init_datum_buffer */
static struct varlena *
datum_of_buffer(StringInfo buf)
{
	struct varlena *result = (struct varlena *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

/* A new dynamo.item datum from DynamoDB JSON of an item. */
struct varlena *
dynamo_item_from_node(const JsonNode *node)
{
	StringInfoData buf;

	if (node->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	init_datum_buffer(&buf);
	dynamo_encode_item(&buf, node);
	return datum_of_buffer(&buf);
}

/* A new dynamo.value datum from one DynamoDB JSON AttributeValue. */
struct varlena *
dynamo_value_from_node(const JsonNode *node)
{
	StringInfoData buf;

	init_datum_buffer(&buf);
	dynamo_encode_attribute_value(&buf, node, 1);
	return datum_of_buffer(&buf);
}

/* A new dynamo.item datum from DynamoDB JSON held as jsonb. */
struct varlena *
dynamo_item_from_jsonb(Jsonb *jsonb)
{
	return dynamo_item_from_node(json_from_jsonb(jsonb));
}

/* A new dynamo.value datum from one AttributeValue held as jsonb. */
struct varlena *
dynamo_value_from_jsonb(Jsonb *jsonb)
{
	return dynamo_value_from_node(json_from_jsonb(jsonb));
}
