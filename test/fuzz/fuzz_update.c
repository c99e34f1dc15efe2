/*-------------------------------------------------------------------------
 *
 * fuzz_update.c
 *	  libFuzzer target: UpdateExpression parsing and application.
 *
 * The input (a NUL-terminated copy) is parsed by expr_parse_update(); a
 * ValidationException is a normal outcome.  When it parses, the update is
 * applied with expr_apply_update() to every sample item, with the key
 * schema pk/sk and with none, asking for UPDATED_OLD/UPDATED_NEW.  Runtime
 * errors (a missing operand, a wrong type, a bad path, a number out of
 * range) are DynamoDB's and normal.  When it succeeds:
 *	 - the new item, and the updated-old and updated-new projections, are
 *	   valid item encodings (dynamo_validate_encoding: canonical order,
 *	   non-empty sets, the 32-level nesting limit, ...);
 *	 - with the key schema, the key attributes are unchanged;
 *	 - dynamo_item_size of the new item does not fail.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

typedef struct State
{
	const char *text;
	ExprUpdate *update;
	int			item;
	const ExprKeySchema *schema;
	ExprUpdateResult result;
	struct varlena *check;
} State;

static void
parse_body(void *arg)
{
	State	   *st = arg;

	st->update = expr_parse_update(st->text, fuzz_params);
}

static void
apply_body(void *arg)
{
	State	   *st = arg;

	expr_apply_update(st->update, fuzz_items[st->item], st->schema, true, &st->result);
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(dynamo_value_from_varlena(st->check), true);
}

static void
size_body(void *arg)
{
	State	   *st = arg;

	(void) dynamo_item_size(dynamo_value_from_varlena(st->result.new_item));
}

static void
check_valid(State *st, struct varlena *v, const char *what)
{
	fuzz_check(v != NULL, "%s is missing", what);
	st->check = v;
	if (fuzz_run(validate_body, st) && !fuzz_ignored(fuzz_last_error))
		fuzz_fail(__FILE__, __LINE__, "valid encoding",
				  "%s is not a valid item (item %d, schema %s): %s", what, st->item,
				  st->schema ? "pk/sk" : "none", fuzz_last_error);
}

static void
check_key_unchanged(State *st, const char *key)
{
	DynamoValue before,
				after;
	bool		had = dynamo_map_lookup(fuzz_items[st->item], key, strlen(key), &before);
	bool		has = dynamo_map_lookup(dynamo_value_from_varlena(st->result.new_item),
										key, strlen(key), &after);

	fuzz_check(had == has, "key attribute %s %s by the update (item %d)", key,
			   had ? "removed" : "added", st->item);
	if (had)
		fuzz_check(before.len == after.len && memcmp(before.data, after.data, before.len) == 0,
				   "key attribute %s changed by the update (item %d)", key, st->item);
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
	const ExprKeySchema *schemas[] = {&fuzz_schema_pk_sk, NULL};
	State		st;
	int			s;

	memset(&st, 0, sizeof(st));
	fuzz_params_reset();
	st.text = fuzz_cstring(data, size);
	if (fuzz_run(parse_body, &st))
		fuzz_log("error: %s -> %s\n", st.text, fuzz_last_error);
	else
	{
		fuzz_log("parsed: %s\n", st.text);
		fuzz_check(st.update != NULL, "expr_parse_update returned NULL");
		/* FUZZ_IGNORE="empty update" fuzzes past this one */
		if (st.update->nactions == 0 && !fuzz_ignored("an empty update"))
			fuzz_fail(__FILE__, __LINE__, "nactions >= 1", "an empty update was accepted");
		for (st.item = 0; st.item < FUZZ_NITEMS; st.item++)
		{
			for (s = 0; s < lengthof(schemas); s++)
			{
				st.schema = schemas[s];
				memset(&st.result, 0, sizeof(st.result));
				if (fuzz_run(apply_body, &st))
				{
					fuzz_log("  item %d schema %d: %s\n", st.item, s, fuzz_last_error);
					continue;	/* DynamoDB's runtime errors */
				}
				fuzz_log("  item %d schema %d: applied\n", st.item, s);
				check_valid(&st, st.result.new_item, "the new item");
				check_valid(&st, st.result.updated_old, "UPDATED_OLD");
				check_valid(&st, st.result.updated_new, "UPDATED_NEW");
				if (st.schema != NULL)
				{
					check_key_unchanged(&st, "pk");
					check_key_unchanged(&st, "sk");
				}
				fuzz_must_run(size_body, &st, "dynamo_item_size");
			}
		}
	}
	fuzz_arena_reset();
	return 0;
}
