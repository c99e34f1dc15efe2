/*-------------------------------------------------------------------------
 *
 * fuzz_condition.c
 *	  libFuzzer target: ConditionExpression parsing and evaluation.
 *
 * The input (a NUL-terminated copy; bytes after a NUL are ignored, as in a
 * C string) is parsed by expr_parse_condition() as a ConditionExpression
 * with the fixture parameters.  A ValidationException is a normal outcome.
 * When it parses, the condition is evaluated against every sample item;
 * evaluation must never raise an error (DynamoDB's semantics: a missing
 * operand or a type mismatch is false, never an error) and must give the
 * same answer twice.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

typedef struct State
{
	const char *text;
	ExprNode   *node;
	bool		results[FUZZ_NITEMS];
} State;

static void
parse_body(void *arg)
{
	State	   *st = arg;

	st->node = expr_parse_condition(st->text, EXPR_KIND_CONDITION, fuzz_params);
}

static void
eval_body(void *arg)
{
	State	   *st = arg;
	int			i;

	for (i = 0; i < FUZZ_NITEMS; i++)
		st->results[i] = expr_eval_condition(st->node, fuzz_items[i]);
	for (i = 0; i < FUZZ_NITEMS; i++)
		fuzz_check(expr_eval_condition(st->node, fuzz_items[i]) == st->results[i],
				   "evaluation is not deterministic on item %d", i);
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
	if (!fuzz_run(parse_body, &st))
	{
		fuzz_check(st.node != NULL, "expr_parse_condition returned NULL");
		fuzz_must_run(eval_body, &st, "expr_eval_condition");
		fuzz_log("parsed: %s -> %d %d %d %d\n", st.text, st.results[0], st.results[1],
				 st.results[2], st.results[3]);
	}
	else
		fuzz_log("error: %s -> %s\n", st.text, fuzz_last_error);
	fuzz_arena_reset();
	return 0;
}
