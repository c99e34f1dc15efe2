/*-------------------------------------------------------------------------
 *
 * fuzz_projection.c
 *	  libFuzzer target: ProjectionExpression parsing and projection.
 *
 * The input (a NUL-terminated copy) is parsed by expr_parse_projection();
 * a ValidationException is a normal outcome.  When it parses, every sample
 * item is projected with expr_project(), which must not raise, and the
 * result must be a valid item encoding (dynamo_validate_encoding).  For
 * each path made of names only (no list index, so no compaction), a path
 * that resolves in the item resolves in the projection to the same bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

typedef struct State
{
	const char *text;
	ExprProjection *projection;
	int			item;
	struct varlena *result;
} State;

static void
parse_body(void *arg)
{
	State	   *st = arg;

	st->projection = expr_parse_projection(st->text, fuzz_params);
}

static void
project_body(void *arg)
{
	State	   *st = arg;

	st->result = expr_project(st->projection, fuzz_items[st->item]);
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(dynamo_value_from_varlena(st->result), true);
}

static bool
names_only(const ExprPath *path)
{
	int			i;

	for (i = 0; i < path->length; i++)
		if (path->elements[i].name == NULL)
			return false;
	return true;
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
	State		st;

	memset(&st, 0, sizeof(st));
	fuzz_params_reset();
	st.text = fuzz_cstring(data, size);
	if (fuzz_run(parse_body, &st))
		fuzz_log("error: %s -> %s\n", st.text, fuzz_last_error);
	else
	{
		fuzz_log("parsed: %s\n", st.text);
		fuzz_check(st.projection != NULL && st.projection->npaths >= 1, "an empty projection");
		for (st.item = 0; st.item < FUZZ_NITEMS; st.item++)
		{
			DynamoValue projected;
			int			i;

			fuzz_must_run(project_body, &st, "expr_project");
			if (fuzz_run(validate_body, &st) && !fuzz_ignored(fuzz_last_error))
				fuzz_fail(__FILE__, __LINE__, "valid projection",
						  "the projection of item %d is not a valid item: %s", st.item, fuzz_last_error);
			projected = dynamo_value_from_varlena(st.result);
			for (i = 0; i < st.projection->npaths; i++)
			{
				const ExprPath *path = &st.projection->paths[i];
				DynamoValue in_item,
							in_projection;

				if (!names_only(path) || !expr_resolve_path(fuzz_items[st.item], path, &in_item))
					continue;
				fuzz_check(expr_resolve_path(projected, path, &in_projection),
						   "path %d of the projection is missing from the result (item %d)", i, st.item);
				fuzz_check(in_item.len == in_projection.len &&
						   memcmp(in_item.data, in_projection.data, in_item.len) == 0,
						   "path %d has other bytes in the projection (item %d)", i, st.item);
			}
		}
	}
	fuzz_arena_reset();
	return 0;
}
