/*-------------------------------------------------------------------------
 *
 * value.h
 *	  The DynamoDB value model: one binary encoding shared by dynamo.value
 *	  (one AttributeValue) and dynamo.item (a map of attribute name to value).
 *
 * ENCODING
 *
 * A value is a tag byte followed by a payload whose length is known from the
 * container that holds it (the varlena, or the container's offsets), so no
 * value carries a length of its own:
 *
 *	 S		UTF-8 bytes
 *	 B		raw bytes
 *	 N		the order-preserving number bytes of value_number.c
 *	 BOOL	one byte, 0 or 1
 *	 NULL	nothing
 *	 M		count:u32, offset:u32[count], entries;  entry = namelen:varint,
 *			name bytes, value (tag + payload).  Entries are sorted by name
 *			(unsigned bytes, shorter first on a common prefix), names unique.
 *	 L		count:u32, offset:u32[count], values (tag + payload)
 *	 SS/NS/BS	count:u32, offset:u32[count], element payloads without tags,
 *			sorted ascending in key order and unique
 *
 * Offsets are relative to the first byte after the offset array; element i
 * ends where element i+1 starts, the last one at the end of the container.
 * All integers are little-endian and unaligned: they are read with memcpy,
 * which compiles to a single load, so a datum never needs realigning.
 *
 * The encoding is canonical: equal values (by DynamoDB's rules) have equal
 * bytes, so equality is memcmp and the hash of a value is a hash of its bytes.
 * Reading one attribute of an item is a binary search over the offsets, with
 * no allocation and no decoding of the other attributes.
 *
 * A dynamo.item is the encoding of an M value (its first byte is the M tag),
 * so an item is also a valid dynamo.value.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_VALUE_H
#define DYNAMO_VALUE_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "port/pg_bswap.h"
#include "utils/jsonb.h"
#include "value/json_node.h"

/* DynamoDB's limits on values */
#define DYNAMO_NUMBER_MAX_DIGITS	38	/* significant digits */
#define DYNAMO_NUMBER_MAX_EXPONENT	126 /* 0.d x 10^126 is below 1E+126 */
#define DYNAMO_NUMBER_MIN_EXPONENT	(-129)	/* 0.1 x 10^-129 is 1E-130 */
#define DYNAMO_NUMBER_MAX_ENCODED	(2 + (DYNAMO_NUMBER_MAX_DIGITS + 1) / 2 + 1)
#define DYNAMO_MAX_NESTING_DEPTH	32
#define DYNAMO_MAX_ITEM_SIZE		(400 * 1024)
#define DYNAMO_MAX_NAME_LENGTH		65535	/* attribute names: under 64 KB */

/* the type tags; their numbers are part of the stored format */
typedef enum DynamoType
{
	DYNAMO_TYPE_S = 1,
	DYNAMO_TYPE_N = 2,
	DYNAMO_TYPE_B = 3,
	DYNAMO_TYPE_BOOL = 4,
	DYNAMO_TYPE_NULL = 5,
	DYNAMO_TYPE_M = 6,
	DYNAMO_TYPE_L = 7,
	DYNAMO_TYPE_SS = 8,
	DYNAMO_TYPE_NS = 9,
	DYNAMO_TYPE_BS = 10
} DynamoType;

#define DYNAMO_TYPE_FIRST	DYNAMO_TYPE_S
#define DYNAMO_TYPE_LAST	DYNAMO_TYPE_BS

/* A value: its encoding (tag + payload) somewhere in memory. */
typedef struct DynamoValue
{
	const uint8 *data;
	uint32		len;			/* tag + payload, at least 1 */
} DynamoValue;

/* A number decoded: value = (negative ? -1 : 1) * 0.d1d2...dn * 10^exponent */
typedef struct DynamoNumber
{
	bool		negative;
	int16		exponent;
	uint8		ndigits;		/* 0 for zero; else no leading/trailing zero */
	uint8		digits[DYNAMO_NUMBER_MAX_DIGITS];	/* 0..9 each */
} DynamoNumber;

/* little-endian to host and back */
#ifdef WORDS_BIGENDIAN
#define pg_leftoh32(x) pg_bswap32(x)
#else
#define pg_leftoh32(x) (x)
#endif

/* inline readers of the encoding */

static inline uint32
dynamo_read_u32(const uint8 *p)
{
	uint32		v;

	memcpy(&v, p, sizeof(v));
	return pg_leftoh32(v);
}

static inline DynamoType
dynamo_value_type(DynamoValue v)
{
	return (DynamoType) v.data[0];
}

static inline const uint8 *
dynamo_value_payload(DynamoValue v)
{
	return v.data + 1;
}

static inline uint32
dynamo_value_payload_len(DynamoValue v)
{
	return v.len - 1;
}

static inline bool
dynamo_type_is_set(DynamoType t)
{
	return t == DYNAMO_TYPE_SS || t == DYNAMO_TYPE_NS || t == DYNAMO_TYPE_BS;
}

static inline bool
dynamo_type_is_container(DynamoType t)
{
	return t == DYNAMO_TYPE_M || t == DYNAMO_TYPE_L || dynamo_type_is_set(t);
}

static inline bool
dynamo_type_is_key(DynamoType t)
{
	return t == DYNAMO_TYPE_S || t == DYNAMO_TYPE_N || t == DYNAMO_TYPE_B;
}

/* the value held by a dynamo.value or dynamo.item datum (detoasted, packed ok) */
static inline DynamoValue
dynamo_value_from_varlena(const struct varlena *datum)
{
	DynamoValue v;

	v.data = (const uint8 *) VARDATA_ANY(datum);
	v.len = VARSIZE_ANY_EXHDR(datum);
	return v;
}

#define PG_GETARG_DYNAMO_VARLENA(n)	((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))

/* value_format.c: containers */
extern uint32 dynamo_container_count(DynamoValue container);
extern void dynamo_container_element(DynamoValue container, uint32 index,
									 const uint8 **data, uint32 *len);
extern DynamoValue dynamo_list_element(DynamoValue list, uint32 index);
extern void dynamo_map_entry(DynamoValue map, uint32 index,
							 const char **name, uint32 *namelen, DynamoValue *value);
extern bool dynamo_map_lookup(DynamoValue map, const char *name, uint32 namelen,
							  DynamoValue *value);
extern int	dynamo_map_find(DynamoValue map, const char *name, uint32 namelen,
							DynamoValue *value);
extern int	dynamo_name_compare(const char *a, uint32 alen, const char *b, uint32 blen);
extern void dynamo_write_varint(StringInfo buf, uint32 value);
extern uint32 dynamo_read_varint(const uint8 **p, const uint8 *end);
extern struct varlena *dynamo_value_to_varlena(const uint8 *data, uint32 len);
extern void dynamo_validate_encoding(DynamoValue value, bool top_is_item);
extern int	dynamo_value_nesting(DynamoValue value);
extern const char *dynamo_type_name(DynamoType type);

/* value_builder.c: writing containers */
typedef struct DynamoElement
{
	const char *name;			/* map entries only */
	uint32		namelen;
	uint32		start;			/* offset of the encoding in the scratch buffer */
	uint32		len;
} DynamoElement;

extern void dynamo_write_container(StringInfo out, DynamoType type,
								   const char *scratch, DynamoElement *elements,
								   uint32 count);
extern void dynamo_sort_map_elements(DynamoElement *elements, uint32 count);
extern struct varlena *dynamo_map_select(DynamoValue map, const char *const *names, int count);

/* value_number.c */
typedef enum DynamoNumberError
{
	DYNAMO_NUMBER_EMPTY,
	DYNAMO_NUMBER_INVALID,
	DYNAMO_NUMBER_OVERFLOW,
	DYNAMO_NUMBER_UNDERFLOW,
	DYNAMO_NUMBER_PRECISION
} DynamoNumberError;

extern void dynamo_number_parse(const char *text, int len, DynamoNumber *number);
extern bool dynamo_number_try_parse(const char *text, int len, DynamoNumber *number,
									DynamoNumberError *error);
extern void dynamo_number_raise_error(DynamoNumberError error, const char *text, int len)
			pg_attribute_noreturn();
extern int	dynamo_number_encode(const DynamoNumber *number, uint8 *out);
extern void dynamo_number_append_parsed(StringInfo out, const char *text, int len);
extern void dynamo_number_decode(const uint8 *data, uint32 len, DynamoNumber *number);
extern void dynamo_number_append_text(StringInfo out, const DynamoNumber *number);
extern void dynamo_number_append_encoded_text(StringInfo out, const uint8 *data, uint32 len);
extern bool dynamo_number_encoding_is_valid(const uint8 *data, uint32 len);
extern int	dynamo_number_size(const DynamoNumber *number);
extern bool dynamo_number_add(const DynamoNumber *a, const DynamoNumber *b, bool subtract,
							  DynamoNumber *result, DynamoNumberError *error);

/* value_json_in.c: DynamoDB JSON (a JsonNode tree, json_node.h) into the encoding */
extern void dynamo_encode_attribute_value(StringInfo out, const JsonNode *attribute_value, int depth);
extern void dynamo_encode_item(StringInfo out, const JsonNode *item);
extern struct varlena *dynamo_item_from_node(const JsonNode *node);
extern struct varlena *dynamo_value_from_node(const JsonNode *node);
extern struct varlena *dynamo_item_from_jsonb(Jsonb *jsonb);
extern struct varlena *dynamo_value_from_jsonb(Jsonb *jsonb);

/* value_json_out.c: the encoding into DynamoDB JSON */
extern void dynamo_append_json(StringInfo out, DynamoValue value);
extern void dynamo_append_item_json(StringInfo out, DynamoValue item);
extern void dynamo_append_json_compact(StringInfo out, DynamoValue value);
extern void dynamo_append_item_json_compact(StringInfo out, DynamoValue item);
extern void dynamo_append_json_string(StringInfo out, const char *str, uint32 len);
extern void dynamo_append_base64(StringInfo out, const uint8 *data, uint32 len);
extern void dynamo_check_no_nul(const char *str, uint32 len);
extern void dynamo_append_message_text(StringInfo out, const char *str, uint32 len);
extern void dynamo_push_jsonb_string(JsonbParseState **state, JsonbIteratorToken token,
									 const char *str, uint32 len);
extern JsonbValue *dynamo_push_jsonb(JsonbParseState **state, DynamoValue value,
									 bool item_form);
extern Jsonb *dynamo_value_to_jsonb(DynamoValue value, bool item_form);

/* value_plain.c: plain JSON of the document clients */
extern Jsonb *dynamo_value_to_plain(DynamoValue value);
extern struct varlena *dynamo_value_from_plain(Jsonb *jsonb, bool want_item);

/* value_size.c */
extern int64 dynamo_value_size(DynamoValue value);
extern int64 dynamo_item_size(DynamoValue item);

/* value_key.c */
extern uint64 dynamo_value_hash64(DynamoValue value, uint64 seed);

/* value_path.c */
extern bool dynamo_value_at_path(DynamoValue root, const char *path, DynamoValue *result);

#endif							/* DYNAMO_VALUE_H */
