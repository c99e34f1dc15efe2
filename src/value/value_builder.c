/*-------------------------------------------------------------------------
 *
 * value_builder.c
 *	  Writing container values (M, L, sets) in the encoding of value.h.
 *
 * Builders encode the children of a container into a scratch buffer first,
 * recording where each one lies (DynamoElement), order them as the format
 * requires, and then write the container in one pass: header, offsets,
 * elements.  Each byte is copied once per nesting level.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "value/value.h"

/* Append a u32, little-endian, at the end of out. */
static void
append_u32(StringInfo out, uint32 value)
{
	value = pg_leftoh32(value);
	appendBinaryStringInfo(out, (const char *) &value, sizeof(value));
}

/*
 * Append a container of the given type whose elements lie in scratch, in
 * the order given.  For M, each element is a name and an encoded value; for L
 * an encoded value; for sets, an element payload without tag.  The caller has
 * sorted map entries by name and set elements in key order.
 */
void
dynamo_write_container(StringInfo out, DynamoType type,
					   const char *scratch, DynamoElement *elements, uint32 count)
{
	int			offsets_at;
	int			area_at;
	uint32		i;

	appendStringInfoChar(out, (char) type);
	append_u32(out, count);
	offsets_at = out->len;
	enlargeStringInfo(out, 4 * count);
	out->len += 4 * count;
	area_at = out->len;

	for (i = 0; i < count; i++)
	{
		uint32		offset = pg_leftoh32((uint32) (out->len - area_at));

		memcpy(out->data + offsets_at + 4 * i, &offset, sizeof(offset));
		if (type == DYNAMO_TYPE_M)
		{
			dynamo_write_varint(out, elements[i].namelen);
			appendBinaryStringInfo(out, elements[i].name, elements[i].namelen);
		}
		appendBinaryStringInfo(out, scratch + elements[i].start, elements[i].len);
	}
}

/* qsort comparator of map entries by name */
static int
compare_entry_names(const void *a, const void *b)
{
	const DynamoElement *ea = (const DynamoElement *) a;
	const DynamoElement *eb = (const DynamoElement *) b;

	return dynamo_name_compare(ea->name, ea->namelen, eb->name, eb->namelen);
}

/* Sort map entries by name, the order the format requires. */
void
dynamo_sort_map_elements(DynamoElement *elements, uint32 count)
{
	if (count > 1)
		qsort(elements, count, sizeof(DynamoElement), compare_entry_names);
}
