/*-------------------------------------------------------------------------
 *
 * value_json_in.c
 *	  DynamoDB JSON into the value encoding, with DynamoDB's rules and its
 *	  error messages.
 *
 * Input arrives as jsonb (the text I/O of the types parses through jsonb_in,
 * and dynamo.execute receives jsonb), and is walked with a non-recursing
 * jsonb iterator per container.  Errors of shape (a member of the wrong JSON
 * type) are SerializationExceptions, as DynamoDB's protocol layer raises them;
 * errors of DynamoDB's value rules are ValidationExceptions.
 *
 * Checks follow DynamoDB's order: the members of an AttributeValue first
 * (exactly one datatype), then the rules of that type; a container's rules
 * after its elements'.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "errors.h"
#include "value/value.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

typedef struct TypeMember
{
	const char *name;
	DynamoType	type;
} TypeMember;

static const TypeMember TypeMembers[] = {
	{"S", DYNAMO_TYPE_S},
	{"N", DYNAMO_TYPE_N},
	{"B", DYNAMO_TYPE_B},
	{"BOOL", DYNAMO_TYPE_BOOL},
	{"NULL", DYNAMO_TYPE_NULL},
	{"M", DYNAMO_TYPE_M},
	{"L", DYNAMO_TYPE_L},
	{"SS", DYNAMO_TYPE_SS},
	{"NS", DYNAMO_TYPE_NS},
	{"BS", DYNAMO_TYPE_BS},
};

/* the type named by an AttributeValue member, or 0 for an unknown member */
static DynamoType
type_of_member(const char *name, int len)
{
	int			i;

	for (i = 0; i < lengthof(TypeMembers); i++)
	{
		if ((int) strlen(TypeMembers[i].name) == len &&
			memcmp(TypeMembers[i].name, name, len) == 0)
			return TypeMembers[i].type;
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

/* "NUMBER_VALUE" or "DECIMAL_VALUE": how DynamoDB's parser names a JSON number */
static const char *
json_number_token(const JsonbValue *v)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
														   NumericGetDatum(v->val.numeric)));

	return strpbrk(text, ".eE") ? "DECIMAL_VALUE" : "NUMBER_VALUE";
}

/*
 * Raise DynamoDB's SerializationException for a JSON value of the wrong type
 * where a member of the given target type was expected.
 */
static void
wrong_json_type(const JsonbValue *v, JsonTarget target)
{
	static const char *const target_class[] = {"String", "Boolean", "Blob"};
	static const char *const collection_class[] = {
		"java.lang.String", "java.lang.Boolean", "java.nio.ByteBuffer"
	};

	if (v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data))
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Unrecognized collection type class %s", collection_class[target]);
	if (v->type == jbvBinary)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Start of structure or map found where not expected");
	if (target == TARGET_BLOB)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "only base-64-encoded strings are convertible to bytes");
	if (v->type == jbvBool)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to %s",
					 v->val.boolean ? "TRUE_VALUE" : "FALSE_VALUE", target_class[target]);
	if (v->type == jbvNumeric)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to %s",
					 json_number_token(v), target_class[target]);
	dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
}

/* Require a JSON string where a String or Blob member is expected. */
static void
expect_string(const JsonbValue *v, JsonTarget target)
{
	if (v->type != jbvString)
		wrong_json_type(v, target);
}

/*
 * The boolean of a BOOL or NULL member.  DynamoDB's parser also takes the
 * strings "true" and "false".
 */
static bool
expect_boolean(const JsonbValue *v)
{
	if (v->type == jbvBool)
		return v->val.boolean;
	if (v->type == jbvString)
	{
		if (v->val.string.len == 4 && pg_strncasecmp(v->val.string.val, "true", 4) == 0)
			return true;
		if (v->val.string.len == 5 && pg_strncasecmp(v->val.string.val, "false", 5) == 0)
			return false;
	}
	wrong_json_type(v, TARGET_BOOLEAN);
	return false;				/* not reached */
}

/* Require a JSON object (an AttributeValue or the value of M). */
static void
expect_object(const JsonbValue *v)
{
	if (!(v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data)))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
}

/* Require a JSON array (the value of L, SS, NS or BS). */
static void
expect_array(const JsonbValue *v)
{
	if (!(v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data)))
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
append_base64_decoded(StringInfo out, const char *text, int len)
{
	int			i;
	int			padding = 0;

	if (len % 4 != 0)
		dynamo_error(DYNAMO_EXC_SERIALIZATION,
					 "Base64 encoded length is expected a multiple of 4 bytes but found: %d", len);
	if (len > 0 && text[len - 1] == '=')
		padding = (len > 1 && text[len - 2] == '=') ? 2 : 1;

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
		appendStringInfoChar(out, (char) (bits >> 16));
		if (digits > 2)
			appendStringInfoChar(out, (char) ((bits >> 8) & 0xFF));
		if (digits > 3)
			appendStringInfoChar(out, (char) (bits & 0xFF));
	}
}

/* qsort_arg comparator of set elements (payloads in the scratch buffer) */
static int
compare_set_elements(const void *a, const void *b, void *arg)
{
	const DynamoElement *ea = (const DynamoElement *) a;
	const DynamoElement *eb = (const DynamoElement *) b;
	const char *scratch = (const char *) arg;

	return dynamo_name_compare(scratch + ea->start, ea->len, scratch + eb->start, eb->len);
}

/*
 * Encode the members of a JSON object (an item, or the value of "M") as a map.
 * Attribute names are the object's keys; each value is an AttributeValue.
 */
static void
encode_map(StringInfo out, JsonbContainer *object, int depth)
{
	uint32		count = JsonContainerSize(object);
	DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(count, 1));
	StringInfoData scratch;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	uint32		n = 0;

	initStringInfo(&scratch);
	it = JsonbIteratorInit(object);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_KEY)
			continue;
		Assert(n < count);
		elements[n].name = v.val.string.val;
		elements[n].namelen = v.val.string.len;
		if (v.val.string.len > DYNAMO_MAX_NAME_LENGTH)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Attribute name exceeds maximum length of %d bytes",
						 DYNAMO_MAX_NAME_LENGTH);
		token = JsonbIteratorNext(&it, &v, true);
		Assert(token == WJB_VALUE);
		elements[n].start = scratch.len;
		dynamo_encode_attribute_value(&scratch, &v, depth + 1);
		elements[n].len = scratch.len - elements[n].start;
		n++;
	}
	dynamo_sort_map_elements(elements, n);
	dynamo_write_container(out, DYNAMO_TYPE_M, scratch.data, elements, n);
	pfree(scratch.data);
	pfree(elements);
}

/* Encode the elements of a JSON array (the value of "L") as a list. */
static void
encode_list(StringInfo out, JsonbContainer *array, int depth)
{
	uint32		count = JsonContainerSize(array);
	DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(count, 1));
	StringInfoData scratch;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	uint32		n = 0;

	initStringInfo(&scratch);
	it = JsonbIteratorInit(array);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		elements[n].name = NULL;
		elements[n].namelen = 0;
		elements[n].start = scratch.len;
		dynamo_encode_attribute_value(&scratch, &v, depth + 1);
		elements[n].len = scratch.len - elements[n].start;
		n++;
	}
	dynamo_write_container(out, DYNAMO_TYPE_L, scratch.data, elements, n);
	pfree(scratch.data);
	pfree(elements);
}

/*
 * "[a, b, a]": the elements of a set as DynamoDB prints them in its duplicate
 * error, in the order given (binary elements as their base64 text).
 */
static char *
describe_collection(JsonbContainer *array)
{
	StringInfoData buf;
	JsonbIterator *it = JsonbIteratorInit(array);
	JsonbValue	v;
	JsonbIteratorToken token;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (!first)
			appendStringInfoString(&buf, ", ");
		appendBinaryStringInfo(&buf, v.val.string.val, v.val.string.len);
		first = false;
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/* Raise DynamoDB's error for a set with duplicate elements. */
static void
duplicates_error(DynamoType type, JsonbContainer *array)
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
encode_set(StringInfo out, DynamoType type, JsonbContainer *array)
{
	uint32		count = JsonContainerSize(array);
	DynamoElement *elements;
	StringInfoData scratch;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	uint32		n = 0;
	uint32		i;

	if (count == 0)
	{
		if (type == DYNAMO_TYPE_BS)
			dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "Binary sets should not be empty");
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "An %s set  may not be empty",
					 type == DYNAMO_TYPE_SS ? "string" : "number");
	}

	elements = palloc(sizeof(DynamoElement) * count);
	initStringInfo(&scratch);
	it = JsonbIteratorInit(array);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		expect_string(&v, type == DYNAMO_TYPE_BS ? TARGET_BLOB : TARGET_STRING);
		elements[n].name = NULL;
		elements[n].namelen = 0;
		elements[n].start = scratch.len;
		if (type == DYNAMO_TYPE_SS)
			appendBinaryStringInfo(&scratch, v.val.string.val, v.val.string.len);
		else if (type == DYNAMO_TYPE_NS)
			dynamo_number_append_parsed(&scratch, v.val.string.val, v.val.string.len);
		else
			append_base64_decoded(&scratch, v.val.string.val, v.val.string.len);
		elements[n].len = scratch.len - elements[n].start;
		n++;
	}

	qsort_arg(elements, n, sizeof(DynamoElement), compare_set_elements, scratch.data);
	for (i = 1; i < n; i++)
	{
		if (compare_set_elements(&elements[i - 1], &elements[i], scratch.data) == 0)
			duplicates_error(type, array);
	}
	dynamo_write_container(out, type, scratch.data, elements, n);
	pfree(scratch.data);
	pfree(elements);
}

/* Append the encoding of the member of an AttributeValue that names its type. */
static void
encode_member(StringInfo out, DynamoType type, JsonbValue *member, int depth)
{
	appendStringInfoChar(out, (char) type);
	switch (type)
	{
		case DYNAMO_TYPE_S:
			expect_string(member, TARGET_STRING);
			appendBinaryStringInfo(out, member->val.string.val, member->val.string.len);
			break;
		case DYNAMO_TYPE_N:
			expect_string(member, TARGET_STRING);
			dynamo_number_append_parsed(out, member->val.string.val, member->val.string.len);
			break;
		case DYNAMO_TYPE_B:
			expect_string(member, TARGET_BLOB);
			append_base64_decoded(out, member->val.string.val, member->val.string.len);
			break;
		case DYNAMO_TYPE_BOOL:
			appendStringInfoChar(out, expect_boolean(member) ? 1 : 0);
			break;
		case DYNAMO_TYPE_NULL:
			if (!expect_boolean(member))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Null attribute value types must have the value of true");
			break;
		case DYNAMO_TYPE_M:
			expect_object(member);
			out->len--;			/* encode_map writes the tag itself */
			encode_map(out, member->val.binary.data, depth);
			break;
		case DYNAMO_TYPE_L:
			expect_array(member);
			out->len--;
			encode_list(out, member->val.binary.data, depth);
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			expect_array(member);
			out->len--;
			encode_set(out, type, member->val.binary.data);
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
 * members whose value is JSON null are ignored.
 */
void
dynamo_encode_attribute_value(StringInfo out, JsonbValue *attribute_value, int depth)
{
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	member;
	JsonbIteratorToken token;
	int			types_set = 0;
	StringInfoData extra;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (depth > DYNAMO_MAX_NESTING_DEPTH)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
	expect_object(attribute_value);

	extra.data = NULL;
	it = JsonbIteratorInit(attribute_value->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		DynamoType	member_type;

		if (token != WJB_KEY)
			continue;
		member_type = type_of_member(key.val.string.val, key.val.string.len);
		token = JsonbIteratorNext(&it, &member, true);
		Assert(token == WJB_VALUE);
		if (member_type == 0 || member.type == jbvNull)
			continue;
		if (types_set == 0)
			encode_member(out, member_type, &member, depth);
		else
		{
			/* checked for its own errors first, then rejected below */
			if (extra.data == NULL)
				initStringInfo(&extra);
			resetStringInfo(&extra);
			encode_member(&extra, member_type, &member, depth);
		}
		types_set++;
	}
	if (types_set == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
	if (types_set > 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
}

/* Append the encoding of an item: a JSON object of attribute name to value. */
void
dynamo_encode_item(StringInfo out, JsonbContainer *item)
{
	encode_map(out, item, 0);
}

/* A new dynamo.item datum from DynamoDB JSON. */
struct varlena *
dynamo_item_from_jsonb(Jsonb *jsonb)
{
	StringInfoData buf;
	struct varlena *result;

	if (!JB_ROOT_IS_OBJECT(jsonb))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	initStringInfo(&buf);
	dynamo_encode_item(&buf, &jsonb->root);
	result = dynamo_value_to_varlena((const uint8 *) buf.data, buf.len);
	pfree(buf.data);
	return result;
}

/* A new dynamo.value datum from one DynamoDB JSON AttributeValue. */
struct varlena *
dynamo_value_from_jsonb(Jsonb *jsonb)
{
	StringInfoData buf;
	JsonbValue	root;
	struct varlena *result;

	root.type = jbvBinary;
	root.val.binary.data = &jsonb->root;
	root.val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	initStringInfo(&buf);
	dynamo_encode_attribute_value(&buf, &root, 1);
	result = dynamo_value_to_varlena((const uint8 *) buf.data, buf.len);
	pfree(buf.data);
	return result;
}
