/*-------------------------------------------------------------------------
 *
 * value_format.c
 *	  Reading the binary encoding of values (see value.h): containers, map
 *	  lookup by binary search, and the validation of untrusted encodings.
 *
 * Readers trust their input: every encoding reaching them was built by
 * value_builder.c from validated JSON, or passed dynamo_validate_encoding()
 * (binary receive).  Nothing here allocates.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"

#include "errors.h"
#include "value/value.h"

static const char *const DynamoTypeNames[] = {
	NULL, "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"
};

/* DynamoDB's name of a type ("S", "NS", ...) */
const char *
dynamo_type_name(DynamoType type)
{
	if (type < DYNAMO_TYPE_FIRST || type > DYNAMO_TYPE_LAST)
		elog(ERROR, "invalid dynamo value type %d", (int) type);
	return DynamoTypeNames[type];
}

/* number of elements of an M, L or set */
uint32
dynamo_container_count(DynamoValue container)
{
	Assert(dynamo_type_is_container(dynamo_value_type(container)));
	return dynamo_read_u32(container.data + 1);
}

/* bytes of element index of a container: an M entry, L value or set payload */
void
dynamo_container_element(DynamoValue container, uint32 index,
						 const uint8 **data, uint32 *len)
{
	uint32		count = dynamo_read_u32(container.data + 1);
	const uint8 *offsets = container.data + 1 + 4;
	const uint8 *area = offsets + 4 * count;
	uint32		area_len = container.len - (uint32) (area - container.data);
	uint32		start = dynamo_read_u32(offsets + 4 * index);
	uint32		end = (index + 1 < count) ? dynamo_read_u32(offsets + 4 * (index + 1)) : area_len;

	Assert(index < count);
	*data = area + start;
	*len = end - start;
}

/* element index of a list */
DynamoValue
dynamo_list_element(DynamoValue list, uint32 index)
{
	DynamoValue v;

	Assert(dynamo_value_type(list) == DYNAMO_TYPE_L);
	dynamo_container_element(list, index, &v.data, &v.len);
	return v;
}

/* Write value as a LEB128 varint. */
void
dynamo_write_varint(StringInfo buf, uint32 value)
{
	while (value >= 0x80)
	{
		appendStringInfoChar(buf, (char) ((value & 0x7F) | 0x80));
		value >>= 7;
	}
	appendStringInfoChar(buf, (char) value);
}

/*
 * Read a LEB128 varint at *p, advancing *p.  Returns PG_UINT32_MAX when the
 * varint runs past end or is longer than five bytes.
 */
uint32
dynamo_read_varint(const uint8 **p, const uint8 *end)
{
	uint32		value = 0;
	int			shift = 0;

	while (*p < end && shift <= 28)
	{
		uint8		b = *(*p)++;

		value |= (uint32) (b & 0x7F) << shift;
		if ((b & 0x80) == 0)
			return value;
		shift += 7;
	}
	return PG_UINT32_MAX;
}

/* entry index of a map: its name and value */
void
dynamo_map_entry(DynamoValue map, uint32 index,
				 const char **name, uint32 *namelen, DynamoValue *value)
{
	const uint8 *entry;
	uint32		entry_len;
	const uint8 *p;

	Assert(dynamo_value_type(map) == DYNAMO_TYPE_M);
	dynamo_container_element(map, index, &entry, &entry_len);
	p = entry;
	*namelen = dynamo_read_varint(&p, entry + entry_len);
	*name = (const char *) p;
	value->data = p + *namelen;
	value->len = entry_len - (uint32) (value->data - entry);
}

/* The order of names in a map: unsigned bytes, then length. */
int
dynamo_name_compare(const char *a, uint32 alen, const char *b, uint32 blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* Find name in map by binary search; false when it is absent. */
bool
dynamo_map_lookup(DynamoValue map, const char *name, uint32 namelen,
				  DynamoValue *value)
{
	return dynamo_map_find(map, name, namelen, value) >= 0;
}

/* Find name in map by binary search: its entry index, or -1 when absent. */
int
dynamo_map_find(DynamoValue map, const char *name, uint32 namelen,
				DynamoValue *value)
{
	uint32		low = 0;
	uint32		high = dynamo_container_count(map);

	while (low < high)
	{
		uint32		mid = low + (high - low) / 2;
		const char *entry_name;
		uint32		entry_namelen;
		DynamoValue entry_value;
		int			c;

		dynamo_map_entry(map, mid, &entry_name, &entry_namelen, &entry_value);
		c = dynamo_name_compare(name, namelen, entry_name, entry_namelen);
		if (c == 0)
		{
			*value = entry_value;
			return (int) mid;
		}
		if (c < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return -1;
}

/*
 * How many levels below a value its deepest element lies: 0 for a scalar
 * or an empty container, 1 for a container of scalars, and so on.
 */
int
dynamo_value_nesting(DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	uint32		count;
	uint32		i;
	int			deepest = 0;

	if (type != DYNAMO_TYPE_M && type != DYNAMO_TYPE_L)
		return 0;				/* scalars and sets: no nested values */
	check_stack_depth();
	count = dynamo_container_count(value);
	for (i = 0; i < count; i++)
	{
		DynamoValue child;
		const char *name;
		uint32		namelen;
		int			below;

		if (type == DYNAMO_TYPE_M)
			dynamo_map_entry(value, i, &name, &namelen, &child);
		else
			child = dynamo_list_element(value, i);
		below = 1 + dynamo_value_nesting(child);
		deepest = Max(deepest, below);
	}
	return deepest;
}

/* Copy an encoding into a new varlena datum. */
struct varlena *
dynamo_value_to_varlena(const uint8 *data, uint32 len)
{
	struct varlena *result = (struct varlena *) palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), data, len);
	return result;
}

/* ------------------------------------------------------------------------
 * Validation of untrusted encodings (binary receive, fuzzing)
 * ------------------------------------------------------------------------
 */

static void
invalid_encoding(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid dynamo value encoding: %s", what)));
}

/* Check the container header and offsets; return the element count. */
static uint32
validate_container_layout(DynamoValue v)
{
	uint32		count;
	uint32		area_len;
	uint32		prev = 0;
	uint32		i;

	if (v.len < 1 + 4)
		invalid_encoding("truncated container");
	count = dynamo_read_u32(v.data + 1);
	if (count > (v.len - 5) / 4)
		invalid_encoding("container count exceeds its size");
	area_len = v.len - 5 - 4 * count;
	for (i = 0; i < count; i++)
	{
		uint32		off = dynamo_read_u32(v.data + 5 + 4 * i);

		if ((i == 0 && off != 0) || off < prev || off > area_len)
			invalid_encoding("container offsets out of order");
		prev = off;
	}
	if (count == 0 && area_len != 0)
		invalid_encoding("trailing bytes in empty container");
	return count;
}

/*
 * Raise an error unless len bytes are UTF-8.  U+0000 is a character like
 * any other (pg_verify_mbstr stops at it, so the text is checked between
 * them).
 */
static void
verify_utf8(const char *str, uint32 len)
{
	const char *end = str + len;

	for (;;)
	{
		const char *nul = memchr(str, '\0', end - str);

		if (nul == NULL)
		{
			(void) pg_verify_mbstr(PG_UTF8, str, (int) (end - str), false);
			return;
		}
		(void) pg_verify_mbstr(PG_UTF8, str, (int) (nul - str), false);
		str = nul + 1;
	}
}

static void
validate_value(DynamoValue v, int depth)
{
	DynamoType type;
	uint32		count;
	uint32		i;
	const char *prev_name = NULL;
	uint32		prev_namelen = 0;

	check_stack_depth();
	if (v.len < 1)
		invalid_encoding("empty value");
	type = dynamo_value_type(v);
	switch (type)
	{
		case DYNAMO_TYPE_S:
		case DYNAMO_TYPE_B:
			if (type == DYNAMO_TYPE_S)
				verify_utf8((const char *) v.data + 1, v.len - 1);
			break;
		case DYNAMO_TYPE_N:
			if (!dynamo_number_encoding_is_valid(v.data + 1, v.len - 1))
				invalid_encoding("bad number");
			break;
		case DYNAMO_TYPE_BOOL:
			if (v.len != 2 || v.data[1] > 1)
				invalid_encoding("bad boolean");
			break;
		case DYNAMO_TYPE_NULL:
			if (v.len != 1)
				invalid_encoding("bad null");
			break;
		case DYNAMO_TYPE_M:
		case DYNAMO_TYPE_L:
			if (depth >= DYNAMO_MAX_NESTING_DEPTH)
				invalid_encoding("nesting too deep");
			count = validate_container_layout(v);
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;
				DynamoValue child;

				dynamo_container_element(v, i, &elem, &elem_len);
				if (type == DYNAMO_TYPE_M)
				{
					const uint8 *p = elem;
					uint32		namelen = dynamo_read_varint(&p, elem + elem_len);

					if (namelen == PG_UINT32_MAX || namelen > (uint32) (elem + elem_len - p))
						invalid_encoding("bad attribute name");
					verify_utf8((const char *) p, namelen);
					if (i > 0 && dynamo_name_compare(prev_name, prev_namelen,
													 (const char *) p, namelen) >= 0)
						invalid_encoding("map names not sorted");
					prev_name = (const char *) p;
					prev_namelen = namelen;
					child.data = p + namelen;
					child.len = elem_len - (uint32) (child.data - elem);
				}
				else
				{
					child.data = elem;
					child.len = elem_len;
				}
				validate_value(child, depth + 1);
			}
			break;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			count = validate_container_layout(v);
			if (count == 0)
				invalid_encoding("empty set");
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(v, i, &elem, &elem_len);
				if (type == DYNAMO_TYPE_NS && !dynamo_number_encoding_is_valid(elem, elem_len))
					invalid_encoding("bad number in set");
				if (type == DYNAMO_TYPE_SS)
					verify_utf8((const char *) elem, elem_len);
				if (i > 0)
				{
					const uint8 *prev;
					uint32		prev_len;

					dynamo_container_element(v, i - 1, &prev, &prev_len);
					if (dynamo_name_compare((const char *) prev, prev_len,
											(const char *) elem, elem_len) >= 0)
						invalid_encoding("set elements not sorted");
				}
			}
			break;
		default:
			invalid_encoding("unknown type tag");
	}
}

/*
 * Check that an encoding from outside (binary receive) is one this module
 * could have built: every check the readers rely on.  With top_is_item, the
 * value must be a map (an item).
 */
void
dynamo_validate_encoding(DynamoValue value, bool top_is_item)
{
	validate_value(value, 0);
	if (top_is_item && dynamo_value_type(value) != DYNAMO_TYPE_M)
		invalid_encoding("an item must be a map");
}
