/*-------------------------------------------------------------------------
 *
 * value_size.c
 *	  The size of items and values by DynamoDB's rules: the basis of the
 *	  400 KB item limit and of capacity units.
 *
 * The rules (DynamoDB developer guide, "Item sizes and formats", made exact
 * by the item-size boundary tests that DynamoDB reimplementations run
 * against the real service):
 *
 *	 item		sum over attributes of (UTF-8 bytes of the name + value size)
 *	 S			UTF-8 bytes;  B: raw bytes;  BOOL, NULL: 1
 *	 N			1 (exponent) + base-100 digit pairs, aligned on the decimal
 *				point, + 1 if negative; zero is 1; at most 21
 *	 SS/NS/BS	sum of the element sizes, no overhead
 *	 L			3 + sum of (1 + element size)
 *	 M			3 + sum of (1 + UTF-8 bytes of the name + value size)
 *
 * Numbers: with the significant digits d1..dn and d1 at decimal exponent e
 * (value = d1.d2...dn x 10^e), the pairs spanned are
 * floor(e/2) - floor((e-n+1)/2) + 1.  So 12 is 2 bytes (one pair), 1.5 is 3
 * (pairs 01 and 50), -1 is 3.  DynamoDB stores numbers like Oracle NUMBER,
 * whose mantissa is at most 20 bytes and which drops the negative terminator
 * at 20 bytes, hence the cap of 21.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "value/value.h"

#define NUMBER_MAX_SIZE 21

/* floor division, rounding toward negative infinity */
static int
floor_div2(int x)
{
	return (x >= 0) ? x / 2 : -((-x + 1) / 2);
}

/* the size of a number by DynamoDB's rules */
int
dynamo_number_size(const DynamoNumber *number)
{
	int			e;
	int			pairs;
	int			size;

	if (number->ndigits == 0)
		return 1;
	e = number->exponent - 1;	/* exponent of the leading digit */
	pairs = floor_div2(e) - floor_div2(e - number->ndigits + 1) + 1;
	size = 1 + pairs + (number->negative ? 1 : 0);
	return Min(size, NUMBER_MAX_SIZE);
}

/* the size of an encoded number */
static int
encoded_number_size(const uint8 *data, uint32 len)
{
	DynamoNumber number;

	dynamo_number_decode(data, len, &number);
	return dynamo_number_size(&number);
}

/* the size of a value by DynamoDB's rules (without any attribute name) */
int64
dynamo_value_size(DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	int64		size = 0;
	uint32		count;
	uint32		i;

	check_stack_depth();
	switch (type)
	{
		case DYNAMO_TYPE_S:
		case DYNAMO_TYPE_B:
			return dynamo_value_payload_len(value);
		case DYNAMO_TYPE_N:
			return encoded_number_size(dynamo_value_payload(value),
									   dynamo_value_payload_len(value));
		case DYNAMO_TYPE_BOOL:
		case DYNAMO_TYPE_NULL:
			return 1;
		case DYNAMO_TYPE_M:
			count = dynamo_container_count(value);
			size = 3;
			for (i = 0; i < count; i++)
			{
				const char *name;
				uint32		namelen;
				DynamoValue child;

				dynamo_map_entry(value, i, &name, &namelen, &child);
				size += 1 + namelen + dynamo_value_size(child);
			}
			return size;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			size = 3;
			for (i = 0; i < count; i++)
				size += 1 + dynamo_value_size(dynamo_list_element(value, i));
			return size;
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			count = dynamo_container_count(value);
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(value, i, &elem, &elem_len);
				size += (type == DYNAMO_TYPE_NS) ? encoded_number_size(elem, elem_len) : elem_len;
			}
			return size;
	}
	elog(ERROR, "invalid dynamo value type %d", (int) type);
	return 0;
}

/* the size of an item: its attributes' names and values, no map overhead */
int64
dynamo_item_size(DynamoValue item)
{
	uint32		count = dynamo_container_count(item);
	int64		size = 0;
	uint32		i;

	for (i = 0; i < count; i++)
	{
		const char *name;
		uint32		namelen;
		DynamoValue child;

		dynamo_map_entry(item, i, &name, &namelen, &child);
		size += namelen + dynamo_value_size(child);
	}
	return size;
}
