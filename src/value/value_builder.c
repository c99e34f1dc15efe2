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

#include "utils/memutils.h"

#include "value/value.h"

/* Store a u32, little-endian, at p. */
static inline void
store_u32(char *p, uint32 value)
{
	value = pg_leftoh32(value);
	memcpy(p, &value, sizeof(value));
}

/* the bytes of the varint of value */
static inline uint32
varint_size(uint32 value)
{
	uint32		size = 1;

	while (value >= 0x80)
	{
		value >>= 7;
		size++;
	}
	return size;
}

/* Store the varint of value at p; return the byte after it. */
static inline char *
store_varint(char *p, uint32 value)
{
	while (value >= 0x80)
	{
		*p++ = (char) ((value & 0x7F) | 0x80);
		value >>= 7;
	}
	*p++ = (char) value;
	return p;
}

/*
 * Append a container of the given type whose elements lie in scratch, in
 * the order given.  For M, each element is a name and an encoded value; for L
 * an encoded value; for sets, an element payload without tag.  The caller has
 * sorted map entries by name and set elements in key order.  The room is
 * made once, and every byte is copied once.
 */
void
dynamo_write_container(StringInfo out, DynamoType type,
					   const char *scratch, DynamoElement *elements, uint32 count)
{
	uint64		size = 1 + 4 + 4 * (uint64) count;
	char	   *start;
	char	   *offsets;
	char	   *area;
	char	   *p;
	uint32		i;

	for (i = 0; i < count; i++)
	{
		size += elements[i].len;
		if (type == DYNAMO_TYPE_M)
			size += varint_size(elements[i].namelen) + elements[i].namelen;
	}
	if (size >= MaxAllocSize - (uint64) out->len)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("out of memory"),
				 errdetail("Cannot enlarge string buffer containing %d bytes by " UINT64_FORMAT " more bytes.",
						   out->len, size)));
	enlargeStringInfo(out, (int) size);

	start = out->data + out->len;
	start[0] = (char) type;
	store_u32(start + 1, count);
	offsets = start + 5;
	area = offsets + 4 * count;
	p = area;
	for (i = 0; i < count; i++)
	{
		store_u32(offsets + 4 * i, (uint32) (p - area));
		if (type == DYNAMO_TYPE_M)
		{
			p = store_varint(p, elements[i].namelen);
			memcpy(p, elements[i].name, elements[i].namelen);
			p += elements[i].namelen;
		}
		memcpy(p, scratch + elements[i].start, elements[i].len);
		p += elements[i].len;
	}
	Assert(p == start + size);
	out->len += (int) size;
	out->data[out->len] = '\0';
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

/*
 * A map of the top-level attributes of a map that have one of these names
 * (each name once, however often it is listed; names the map lacks are
 * left out): the key of an item, an index's projection of it.
 */
struct varlena *
dynamo_map_select(DynamoValue map, const char *const *names, int count)
{
	DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(count, 1));
	StringInfoData scratch;
	StringInfoData out;
	int			n = 0;
	int			i,
				j;

	initStringInfo(&scratch);
	for (i = 0; i < count; i++)
	{
		uint32		namelen = strlen(names[i]);
		DynamoValue value;
		bool		seen = false;

		for (j = 0; j < n && !seen; j++)
			seen = elements[j].namelen == namelen && memcmp(elements[j].name, names[i], namelen) == 0;
		if (seen || !dynamo_map_lookup(map, names[i], namelen, &value))
			continue;
		elements[n].name = names[i];
		elements[n].namelen = namelen;
		elements[n].start = scratch.len;
		elements[n].len = value.len;
		appendBinaryStringInfo(&scratch, (const char *) value.data, value.len);
		n++;
	}
	dynamo_sort_map_elements(elements, n);
	initStringInfo(&out);
	dynamo_write_container(&out, DYNAMO_TYPE_M, scratch.data, elements, n);
	pfree(scratch.data);
	pfree(elements);
	return dynamo_value_to_varlena((const uint8 *) out.data, out.len);
}
