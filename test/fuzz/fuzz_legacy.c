/*-------------------------------------------------------------------------
 *
 * fuzz_legacy.c
 *	  libFuzzer target: a request's ExpressionAttributeNames and -Values and
 *	  its legacy parameters, read from JSON text with the extension's reader.
 *
 * The input is JSON text (json_parse refuses what is not JSON: a normal
 * outcome).  When it is an object, its members go where a request's would:
 *
 *	 ExpressionAttributeNames/-Values	expr_params_create, then
 *	 ConditionExpression, UpdateExpression, ProjectionExpression (strings)
 *										parsed with those parameters, and the
 *										unused-placeholder check
 *	 Expected + ConditionalOperator		expr_legacy_expected
 *	 ScanFilter + ConditionalOperator	expr_legacy_filter
 *	 KeyConditions						expr_legacy_key_range (pk S, sk N)
 *	 AttributeUpdates					expr_legacy_attribute_updates
 *	 AttributesToGet					expr_legacy_attributes_to_get
 *
 * Each may raise DynamoDB's errors.  What is accepted must then work: a
 * condition evaluates on every sample item without an error and the same
 * way twice; an update applied to every item (its runtime errors allowed)
 * gives valid items; a projection of every item is a valid item.  Names and
 * values may hold U+0000 (strings carry lengths), and names given twice keep
 * their last value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"
#include "value/json_node.h"

typedef struct State
{
	const char *text;
	size_t		size;
	JsonNode   *request;
	ExprParams *params;
	ExprNode   *condition;
	ExprUpdate *update;
	ExprProjection *projection;
	ExprKeyRange range;
	int			item;
	struct varlena *check;
} State;

/* a string member as a C string; NULL when absent, not a string, or with U+0000 */
static const char *
string_member(const JsonNode *request, const char *name)
{
	const JsonNode *v = json_member_present(request, name);

	if (v == NULL || v->kind != JSON_STRING || strlen(v->u.text) != v->count)
		return NULL;
	return v->u.text;
}

static void
read_body(void *arg)
{
	State	   *st = arg;

	st->request = json_parse(st->text, st->size);
}

static void
params_body(void *arg)
{
	State	   *st = arg;
	const char *condition = string_member(st->request, "ConditionExpression");
	const char *update = string_member(st->request, "UpdateExpression");
	const char *projection = string_member(st->request, "ProjectionExpression");

	st->params = expr_params_create(json_member_present(st->request, "ExpressionAttributeNames"),
									json_member_present(st->request, "ExpressionAttributeValues"));
	if (update != NULL)
		st->update = expr_parse_update(update, st->params);
	if (condition != NULL)
		st->condition = expr_parse_condition(condition, EXPR_KIND_CONDITION, st->params);
	if (projection != NULL)
		st->projection = expr_parse_projection(projection, st->params);
	expr_params_check_unused(st->params);
}

static void
expected_body(void *arg)
{
	State	   *st = arg;

	st->condition = expr_legacy_expected(json_member_present(st->request, "Expected"),
										 string_member(st->request, "ConditionalOperator"));
}

static void
filter_body(void *arg)
{
	State	   *st = arg;

	st->condition = expr_legacy_filter(json_member_present(st->request, "ScanFilter"),
									   string_member(st->request, "ConditionalOperator"),
									   "scanFilter");
}

static void
key_range_body(void *arg)
{
	State	   *st = arg;

	expr_legacy_key_range(json_member_present(st->request, "KeyConditions"),
						  &fuzz_schema_pk_sk, &st->range);
}

static void
updates_body(void *arg)
{
	State	   *st = arg;

	st->update = expr_legacy_attribute_updates(json_member_present(st->request, "AttributeUpdates"));
}

static void
attributes_body(void *arg)
{
	State	   *st = arg;

	st->projection = expr_legacy_attributes_to_get(json_member_present(st->request, "AttributesToGet"));
}

static void
eval_body(void *arg)
{
	State	   *st = arg;
	int			i;

	for (i = 0; i < FUZZ_NITEMS; i++)
	{
		bool		first = expr_eval_condition(st->condition, fuzz_items[i]);

		fuzz_check(expr_eval_condition(st->condition, fuzz_items[i]) == first,
				   "evaluation is not deterministic on item %d", i);
	}
}

static void
apply_body(void *arg)
{
	State	   *st = arg;
	ExprUpdateResult result;

	memset(&result, 0, sizeof(result));
	expr_apply_update(st->update, fuzz_items[st->item], NULL, true, &result);
	st->check = result.new_item;
}

static void
project_body(void *arg)
{
	State	   *st = arg;

	st->check = expr_project(st->projection, fuzz_items[st->item]);
}

static void
validate_body(void *arg)
{
	State	   *st = arg;

	dynamo_validate_encoding(dynamo_value_from_varlena(st->check), true);
}

/* the result in st->check must be a valid item */
static void
check_valid(State *st, const char *what)
{
	fuzz_check(st->check != NULL, "%s is missing", what);
	if (fuzz_run(validate_body, st) && !fuzz_ignored(fuzz_last_error))
		fuzz_fail(__FILE__, __LINE__, "valid encoding", "%s of item %d is not a valid item: %s",
				  what, st->item, fuzz_last_error);
}

/* evaluate, apply and project what was accepted; then forget it */
static void
use_results(State *st)
{
	if (st->condition != NULL)
		fuzz_must_run(eval_body, st, "expr_eval_condition");
	for (st->item = 0; st->item < FUZZ_NITEMS; st->item++)
	{
		if (st->update != NULL && !fuzz_run(apply_body, st))
			check_valid(st, "the updated item");
		if (st->projection != NULL)
		{
			fuzz_must_run(project_body, st, "expr_project");
			check_valid(st, "the projection");
		}
	}
	st->condition = NULL;
	st->update = NULL;
	st->projection = NULL;
}

/* run one entry point; use what it gave when it did not raise */
static void
try_part(State *st, void (*body) (void *), const char *what)
{
	if (fuzz_run(body, st))
	{
		fuzz_log("  %s: %s\n", what, fuzz_last_error);
		st->condition = NULL;
		st->update = NULL;
		st->projection = NULL;
		return;
	}
	fuzz_log("  %s: accepted\n", what);
	use_results(st);
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
	st.text = (const char *) data;
	st.size = size;
	if (fuzz_run(read_body, &st))
	{
		fuzz_log("not JSON: %s\n", fuzz_last_error);
		fuzz_arena_reset();
		return 0;
	}
	if (st.request->kind == JSON_OBJECT)
	{
		try_part(&st, params_body, "expression parameters");
		if (json_member_present(st.request, "Expected"))
			try_part(&st, expected_body, "Expected");
		if (json_member_present(st.request, "ScanFilter"))
			try_part(&st, filter_body, "ScanFilter");
		if (json_member_present(st.request, "KeyConditions"))
			try_part(&st, key_range_body, "KeyConditions");
		if (json_member_present(st.request, "AttributeUpdates"))
			try_part(&st, updates_body, "AttributeUpdates");
		if (json_member_present(st.request, "AttributesToGet"))
			try_part(&st, attributes_body, "AttributesToGet");
	}
	fuzz_arena_reset();
	return 0;
}
