/*-------------------------------------------------------------------------
 *
 * fuzz_value_encoding.c
 *	  libFuzzer target: the validator of untrusted binary values
 *	  (dynamo_validate_encoding, the check of binary receive) and the
 *	  readers that trust what it accepts.
 *
 * The input bytes are a value encoding (tag + payload).  A rejection
 * (invalid_binary_representation, or invalid UTF-8) is a normal outcome.
 * Everything the validator accepts must be safe for the readers, which do
 * no checks of their own, so for an accepted value:
 *	 - dynamo_append_json and dynamo_value_size must not fail or crash;
 *	 - a top-level N prints as text that parses back to the same bytes;
 *	 - validation is idempotent (accepting twice), and with top_is_item it
 *	   accepts exactly the maps;
 *	 - a map is also used as an item: dynamo_item_size and
 *	   dynamo_append_item_json, a fixed set of conditions evaluated on it
 *	   (no error allowed), fixed projections (result a valid item), and
 *	   fixed updates (runtime errors allowed; a result must be a valid item).
 *
 * FUZZ_DUMP_SEEDS=dir writes the fixture encodings to dir as seed files
 * and exits (how seeds/value_encoding was made).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static const char *const ConditionTexts[] = {
	"attribute_exists(a.b[2].c)",
	"size(a) > :a",
	"contains(b, :s)",
	"contains(b, :v)",
	"contains(ss, :s)",
	"contains(ns, :v)",
	"contains(bs, :x)",
	"begins_with(c, :s)",
	"begins_with(c, :x)",
	"a.b[1] BETWEEN :a AND :b",
	"c IN (:s, :p, :v, :x, :null, :bool, :l, :m)",
	"attribute_type(d, :t)",
	"#k = :v",
	"size(#x) = :one",
	"size(c) <= size(b)",
	"a < b",
	"a.b <> a.c",
	"NOT attribute_not_exists(x[0][1].y)",
};

static const char *const ProjectionTexts[] = {
	"a.b[2].c, d, b[0], b[3]",
	"pk, sk, #k, x[1], x[0].y",
	"a, b, c, d, ss, ns, bs, x",
};

static const char *const UpdateTexts[] = {
	"SET a = list_append(a, :l)",
	"SET a = list_append(:l, a)",
	"SET x = x + :one",
	"SET x = :b - x",
	"ADD ss :ss",
	"ADD ns :ns",
	"ADD bs :bs",
	"ADD x :one",
	"DELETE bs :bs",
	"DELETE ss :ss",
	"DELETE ns :ns",
	"REMOVE a[0], a[2]",
	"SET a.b[3] = :m, c = if_not_exists(c, :v)",
	"REMOVE a.b, #x",
	"SET a[9] = :v, b.c = :l",
	"SET a.b.c = :m",
};

static ExprNode *conditions[lengthof(ConditionTexts)];
static ExprProjection *projections[lengthof(ProjectionTexts)];
static ExprUpdate *updates[lengthof(UpdateTexts)];

typedef struct State
{
	DynamoValue value;
	int			index;
	struct varlena *result;
	ExprUpdateResult update_result;
} State;

static void
parse_fixed(void *arg)
{
	int			i;

	for (i = 0; i < lengthof(ConditionTexts); i++)
		conditions[i] = expr_parse_condition(ConditionTexts[i], EXPR_KIND_CONDITION, fuzz_params);
	for (i = 0; i < lengthof(ProjectionTexts); i++)
		projections[i] = expr_parse_projection(ProjectionTexts[i], fuzz_params);
	for (i = 0; i < lengthof(UpdateTexts); i++)
		updates[i] = expr_parse_update(UpdateTexts[i], fuzz_params);
}

static void
write_seed(const char *dir, const char *name, DynamoValue v)
{
	char		path[1024];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(v.data, 1, v.len, f) != v.len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

static void
dump_seeds(const char *dir)
{
	const char *const names[] = {"a"};
	DynamoValue list[] = {fz_n("-1.5"), fz_s("x"), fz_null(), fz_bool(true)};
	int			i;

	for (i = 0; i < FUZZ_NITEMS; i++)
	{
		char		name[32];

		snprintf(name, sizeof(name), "item%d", i);
		write_seed(dir, name, fuzz_items[i]);
	}
	write_seed(dir, "params", fuzz_params->values);
	write_seed(dir, "number", fz_n("-12.5E-3"));
	write_seed(dir, "string", fz_s("h\xc3\xa9llo"));
	write_seed(dir, "binary", fz_b("\x00\xff", 2));
	write_seed(dir, "list", fz_list(lengthof(list), list));
	write_seed(dir, "map", fz_map(1, names, list));
	write_seed(dir, "ns", fz_set(DYNAMO_TYPE_NS, 2, (DynamoValue[]) {fz_n("1"), fz_n("-1")}));
	write_seed(dir, "ss", fz_set(DYNAMO_TYPE_SS, 2, (DynamoValue[]) {fz_s(""), fz_s("b")}));
	exit(0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dump = getenv("FUZZ_DUMP_SEEDS");

	fuzz_fixtures_init();
	if (dump != NULL)
		dump_seeds(dump);
	fuzz_arena_permanent(true);
	fuzz_must_run(parse_fixed, NULL, "parsing the fixed expressions");
	fuzz_arena_permanent(false);
	return 0;
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(st->value, false);
}

static void
validate_item_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(st->value, true);
}

static void
readers_body(void *arg)
{
	State	   *st = arg;
	StringInfoData buf;
	int64		size;

	initStringInfo(&buf);
	dynamo_append_json(&buf, st->value);
	size = dynamo_value_size(st->value);
	fuzz_check(size >= 0, "negative size");
	if (dynamo_value_type(st->value) == DYNAMO_TYPE_M)
	{
		resetStringInfo(&buf);
		dynamo_append_item_json(&buf, st->value);
		size = dynamo_item_size(st->value);
		fuzz_check(size >= 0, "negative item size");
	}
	if (dynamo_value_type(st->value) == DYNAMO_TYPE_N)
	{
		StringInfoData text;
		StringInfoData again;

		initStringInfo(&text);
		dynamo_number_append_encoded_text(&text, st->value.data + 1, st->value.len - 1);
		initStringInfo(&again);
		dynamo_number_append_parsed(&again, text.data, text.len);
		fuzz_check((uint32) again.len == st->value.len - 1 &&
				   memcmp(again.data, st->value.data + 1, again.len) == 0,
				   "number text %s parses to other bytes", text.data);
	}
}

static void
conditions_body(void *arg)
{
	State	   *st = arg;
	int			i;

	for (i = 0; i < lengthof(conditions); i++)
		(void) expr_eval_condition(conditions[i], st->value);
}

static void
project_body(void *arg)
{
	State	   *st = arg;

	st->result = expr_project(projections[st->index], st->value);
}

static void
update_body(void *arg)
{
	State	   *st = arg;

	expr_apply_update(updates[st->index], st->value, NULL, true, &st->update_result);
}

static void
validate_result_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(dynamo_value_from_varlena(st->result), true);
}

static void
check_result(State *st, struct varlena *result, const char *what, int index)
{
	st->result = result;
	if (fuzz_run(validate_result_body, st) && !fuzz_ignored(fuzz_last_error))
		fuzz_fail(__FILE__, __LINE__, "valid result", "%s %d gives an invalid item: %s",
				  what, index, fuzz_last_error);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	State		st;
	bool		rejected;

	memset(&st, 0, sizeof(st));
	st.value.data = data;
	st.value.len = (uint32) size;
	rejected = fuzz_run(validate_body, &st);
	if (!rejected)
	{
		bool		is_map = dynamo_value_type(st.value) == DYNAMO_TYPE_M;

		fuzz_must_run(validate_body, &st, "validating again");
		fuzz_check(fuzz_run(validate_item_body, &st) == !is_map,
				   "top_is_item disagrees with the type");
		fuzz_must_run(readers_body, &st, "the readers");
		if (is_map)
		{
			fuzz_must_run(conditions_body, &st, "the fixed conditions");
			for (st.index = 0; st.index < lengthof(projections); st.index++)
			{
				fuzz_must_run(project_body, &st, "a fixed projection");
				check_result(&st, st.result, "projection", st.index);
			}
			for (st.index = 0; st.index < lengthof(updates); st.index++)
			{
				memset(&st.update_result, 0, sizeof(st.update_result));
				if (fuzz_run(update_body, &st))
					continue;
				check_result(&st, st.update_result.new_item, "update", st.index);
				check_result(&st, st.update_result.updated_old, "update (UPDATED_OLD)", st.index);
				check_result(&st, st.update_result.updated_new, "update (UPDATED_NEW)", st.index);
			}
		}
	}
	else
		fuzz_check(fuzz_last_errcode == ERRCODE_INVALID_BINARY_REPRESENTATION ||
				   fuzz_last_errcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE ||
				   fuzz_last_errcode == ERRCODE_STATEMENT_TOO_COMPLEX,
				   "the validator raised an unexpected error: %s", fuzz_last_error);
	fuzz_arena_reset();
	return 0;
}
