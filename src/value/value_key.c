/*-------------------------------------------------------------------------
 *
 * value_key.c
 *	  Ordering, equality and hashing of values: the btree and hash operator
 *	  classes that tables partition and index their keys on.
 *
 * ORDER.  Values of one key type order exactly as DynamoDB orders keys:
 * S by UTF-8 bytes, B by unsigned bytes, N numerically.  The encoding does
 * the work: S and B payloads are their bytes and N payloads are
 * order-preserving (value_number.c), so every comparison is one memcmp of
 * the payloads, shorter first on a common prefix.  Values of different types
 * order by type tag, and maps, lists and sets by their canonical bytes: not
 * an order DynamoDB defines, but a total one consistent with equality, so
 * any value can be sorted, grouped and indexed.
 *
 * HASH.  XXH3 64-bit with DYNAMO_HASH_SEED over the value's canonical bytes
 * (tag and payload), so numerically equal numbers hash equally.  The hash
 * decides which partition a key lives in: neither the seed nor the bytes
 * hashed may ever change.  The 32-bit hash is the low half of the 64-bit
 * one; the extended hash folds Postgres' seed into ours, and equals the
 * plain hash for seed 0, as hash opclasses require.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "value/value.h"

/* fixed forever: "dynamo" in ASCII, then a format number */
#define DYNAMO_HASH_SEED UINT64CONST(0x64796E616D6F0001)

/* The canonical comparison of two values (see ORDER above). */
static int
value_compare(DynamoValue a, DynamoValue b)
{
	if (a.data[0] != b.data[0])
		return (a.data[0] > b.data[0]) ? 1 : -1;
	return dynamo_name_compare((const char *) a.data + 1, a.len - 1,
							   (const char *) b.data + 1, b.len - 1);
}

static bool
value_equal(DynamoValue a, DynamoValue b)
{
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/* XXH3 of a value's bytes with our seed, offset by a caller's seed */
uint64
dynamo_value_hash64(DynamoValue v, uint64 seed)
{
	return XXH3_64bits_withSeed(v.data, v.len, DYNAMO_HASH_SEED + seed);
}

#define value_hash(v, seed) dynamo_value_hash64(v, seed)

#define ARG_VALUE(n) dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(n))

PG_FUNCTION_INFO_V1(dynamo_value_cmp);
PG_FUNCTION_INFO_V1(dynamo_value_eq);
PG_FUNCTION_INFO_V1(dynamo_value_ne);
PG_FUNCTION_INFO_V1(dynamo_value_lt);
PG_FUNCTION_INFO_V1(dynamo_value_le);
PG_FUNCTION_INFO_V1(dynamo_value_gt);
PG_FUNCTION_INFO_V1(dynamo_value_ge);
PG_FUNCTION_INFO_V1(dynamo_value_hash);
PG_FUNCTION_INFO_V1(dynamo_value_hash_extended);
PG_FUNCTION_INFO_V1(dynamo_key_bytes);
PG_FUNCTION_INFO_V1(dynamo_key_hash);

/* btree support 1 (also used for dynamo.item) */
Datum
dynamo_value_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(value_compare(ARG_VALUE(0), ARG_VALUE(1)));
}

Datum
dynamo_value_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(value_equal(ARG_VALUE(0), ARG_VALUE(1)));
}

Datum
dynamo_value_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!value_equal(ARG_VALUE(0), ARG_VALUE(1)));
}

Datum
dynamo_value_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(value_compare(ARG_VALUE(0), ARG_VALUE(1)) < 0);
}

Datum
dynamo_value_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(value_compare(ARG_VALUE(0), ARG_VALUE(1)) <= 0);
}

Datum
dynamo_value_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(value_compare(ARG_VALUE(0), ARG_VALUE(1)) > 0);
}

Datum
dynamo_value_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(value_compare(ARG_VALUE(0), ARG_VALUE(1)) >= 0);
}

/* hash support 1: the low 32 bits of the 64-bit hash */
Datum
dynamo_value_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) (uint32) value_hash(ARG_VALUE(0), 0));
}

/* hash support 2: the seeded 64-bit hash (partition routing uses this) */
Datum
dynamo_value_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) value_hash(ARG_VALUE(0), (uint64) PG_GETARG_INT64(1)));
}

/* a key value, or an error naming why it cannot be a key */
static DynamoValue
key_value(FunctionCallInfo fcinfo)
{
	DynamoValue v = ARG_VALUE(0);

	if (!dynamo_type_is_key(dynamo_value_type(v)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a key value must be of type S, N or B, not %s",
						dynamo_type_name(dynamo_value_type(v)))));
	return v;
}

/*
 * dynamo.key_bytes(value): the canonical, order-preserving bytes of a key
 * value: its type tag then its payload.  Among keys of one type, bytea order
 * is DynamoDB's key order.
 */
Datum
dynamo_key_bytes(PG_FUNCTION_ARGS)
{
	DynamoValue v = key_value(fcinfo);

	PG_RETURN_BYTEA_P(dynamo_value_to_varlena(v.data, v.len));
}

/* dynamo.key_hash(value): the 64-bit hash that places a key */
Datum
dynamo_key_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) value_hash(key_value(fcinfo), 0));
}
