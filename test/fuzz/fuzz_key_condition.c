/*-------------------------------------------------------------------------
 *
 * fuzz_key_condition.c
 *	  libFuzzer target: KeyConditionExpression parsing into a key range.
 *
 * The input (a NUL-terminated copy) goes to expr_key_range() twice: with
 * the key schema pk (S) + sk (N), and with pk alone and no declared key
 * types.  A ValidationException is a normal outcome.  When a range comes
 * back, it is checked: every value in it is a valid encoding (it points
 * into the request's values), the partition value has the schema's type,
 * the sort operator is one a range can scan (=, <, <=, >, >=, BETWEEN,
 * begins_with), BETWEEN bounds have one type and low <= high, and a schema
 * without a sort key yields no sort condition.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

typedef struct State
{
	const char *text;
	const ExprKeySchema *schema;
	ExprKeyRange range;
} State;

static void
range_body(void *arg)
{
	State	   *st = arg;

	expr_key_range(st->text, fuzz_params, st->schema, &st->range);
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(st->range.partition_value, false);
	if (st->range.has_sort_condition)
	{
		dynamo_validate_encoding(st->range.sort_low, false);
		if (st->range.sort_between)
			dynamo_validate_encoding(st->range.sort_high, false);
	}
}

static void
check_range(State *st)
{
	ExprKeyRange *r = &st->range;

	fuzz_check(r->partition_value.data != NULL && r->partition_value.len >= 1,
			   "no partition value");
	fuzz_must_run(validate_body, st, "validating the key range's values");
	if (st->schema->partition_key_type != 0)
		fuzz_check(dynamo_value_type(r->partition_value) == st->schema->partition_key_type,
				   "partition value of type %d, schema says %d",
				   dynamo_value_type(r->partition_value), st->schema->partition_key_type);
	if (st->schema->sort_key == NULL)
		fuzz_check(!r->has_sort_condition, "a sort condition without a sort key");
	if (!r->has_sort_condition)
		return;
	fuzz_check(!(r->sort_between && r->sort_begins_with), "BETWEEN and begins_with at once");
	if (!r->sort_between && !r->sort_begins_with)
		fuzz_check(r->sort_op != EXPR_CMP_NE, "<> in a key range");
	if (st->schema->sort_key_type != 0)
	{
		fuzz_check(dynamo_value_type(r->sort_low) == st->schema->sort_key_type,
				   "sort value of the wrong type");
		if (r->sort_between)
			fuzz_check(dynamo_value_type(r->sort_high) == st->schema->sort_key_type,
					   "BETWEEN upper bound of the wrong type");
	}
	if (r->sort_between)
	{
		fuzz_check(dynamo_value_type(r->sort_low) == dynamo_value_type(r->sort_high),
				   "BETWEEN bounds of different types");
		fuzz_check(dynamo_name_compare((const char *) r->sort_low.data + 1, r->sort_low.len - 1,
									   (const char *) r->sort_high.data + 1, r->sort_high.len - 1) <= 0,
				   "BETWEEN lower bound above the upper bound");
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_fixtures_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ExprKeySchema *schemas[] = {&fuzz_schema_pk_sk, &fuzz_schema_pk_only};
	int			i;

	for (i = 0; i < lengthof(schemas); i++)
	{
		State		st;

		memset(&st, 0, sizeof(st));
		fuzz_params_reset();
		st.text = fuzz_cstring(data, size);
		st.schema = schemas[i];
		if (!fuzz_run(range_body, &st))
		{
			fuzz_log("range (schema %d): %s\n", i, st.text);
			check_range(&st);
		}
		else
			fuzz_log("error (schema %d): %s -> %s\n", i, st.text, fuzz_last_error);
	}
	fuzz_arena_reset();
	return 0;
}
