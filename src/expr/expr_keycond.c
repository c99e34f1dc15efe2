/*-------------------------------------------------------------------------
 *
 * expr_keycond.c
 *	  Key-condition expressions: DynamoDB's restricted conditions on a key
 *	  schema, turned into the key range that a Query scans.
 *
 * A key condition is the partition key equal to a value, optionally AND one
 * condition on the sort key: =, <, <=, >, >=, BETWEEN or begins_with.  The
 * expression is parsed by the condition parser (so syntax, placeholder and
 * operand errors are the same) and its shape is then checked here with
 * DynamoDB's messages, which carry no "Invalid KeyConditionExpression:"
 * prefix.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "errors.h"
#include "expr/expr.h"

#define MAX_KEY_CONDITIONS 8		/* 2, except for multi-attribute keys */

/* the operator DynamoDB names when one is not allowed in a key condition */
static const char *
invalid_operator_name(const ExprNode *node)
{
	switch (node->type)
	{
		case EXPR_OR:
			return "OR";
		case EXPR_NOT:
			return "NOT";
		case EXPR_IN:
			return "IN";
		case EXPR_COMPARE:
			return "<>";
		case EXPR_ATTRIBUTE_EXISTS:
			return "attribute_exists";
		case EXPR_ATTRIBUTE_NOT_EXISTS:
			return "attribute_not_exists";
		case EXPR_ATTRIBUTE_TYPE:
			return "attribute_type";
		case EXPR_CONTAINS:
			return "contains";
		default:
			return "size";
	}
}

static bool
contains_size(const ExprNode *node)
{
	int			i;

	if (node->type == EXPR_SIZE)
		return true;
	for (i = 0; i < node->nargs; i++)
		if (contains_size(node->args[i]))
			return true;
	return false;
}

/* flatten the ANDs of a key condition into its conditions */
static void
collect_conditions(ExprNode *node, ExprNode **conditions, int *count, int max)
{
	if (node->type == EXPR_AND)
	{
		collect_conditions(node->args[0], conditions, count, max);
		collect_conditions(node->args[1], conditions, count, max);
		return;
	}
	if (!(node->type == EXPR_COMPARE && node->op != EXPR_CMP_NE) &&
		node->type != EXPR_BETWEEN && node->type != EXPR_BEGINS_WITH)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid operator used in KeyConditionExpression: %s",
					 invalid_operator_name(node));
	if (*count >= max)
		dynamo_error(DYNAMO_EXC_VALIDATION, max == 2 ? "Conditions can be of length 1 or 2 only" :
					 "Conditions can be of length 1 to %d only", max);	/* the second: inferred */
	conditions[(*count)++] = node;
}

/* does a one-element path name the attribute name? */
static bool
path_is(const ExprPath *path, const char *name)
{
	return name != NULL && path->elements[0].name != NULL &&
		strlen(name) == path->elements[0].namelen &&
		memcmp(name, path->elements[0].name, path->elements[0].namelen) == 0;
}

/*
 * Check the shape of one condition; put the key path's node first (flipping
 * ":v < k" into "k > :v") and return the path.
 */
static const ExprPath *
condition_path(ExprNode *node, ExprCompareOp *op)
{
	static const ExprCompareOp flipped[] = {EXPR_CMP_EQ, EXPR_CMP_NE, EXPR_CMP_GT,
	EXPR_CMP_GE, EXPR_CMP_LT, EXPR_CMP_LE};
	int			paths = 0;
	int			i;
	ExprNode   *target = node->args[0];

	for (i = 0; i < node->nargs; i++)
		if (node->args[i]->type == EXPR_PATH)
			paths++;
	if (paths > 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
	if (paths == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid condition in KeyConditionExpression: No key attribute specified");

	*op = node->op;
	if (node->type == EXPR_COMPARE && target->type != EXPR_PATH)
	{
		target = node->args[1];
		*op = flipped[node->op];
	}
	if (target->type != EXPR_PATH)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid condition in KeyConditionExpression: %s operator must have the key attribute as its first operand",
					 node->type == EXPR_BETWEEN ? "BETWEEN" : "begins_with");
	if (target->path.length != 1 || target->path.elements[0].name == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "KeyConditionExpressions cannot have conditions on nested attributes");
	return &target->path;
}

/* the value operands of a condition must have the key's declared type */
static void
check_value_types(const ExprNode *node, DynamoType key_type)
{
	int			i;

	if (key_type == 0)
		return;
	for (i = 0; i < node->nargs; i++)
		if (node->args[i]->type == EXPR_VALUE &&
			dynamo_value_type(node->args[i]->value) != key_type)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "One or more parameter values were invalid: Condition parameter type does not match schema type");
}

/* the value operand of a comparison or begins_with */
static DynamoValue
value_operand(const ExprNode *node)
{
	return node->args[0]->type == EXPR_VALUE ? node->args[0]->value : node->args[1]->value;
}

/*
 * Parse a key-condition expression and turn it into the key range it
 * selects: the partition key equal to a value, and at most one condition on
 * the sort key.
 */
void
expr_key_range(const char *text, ExprParams *params, const ExprKeySchema *schema,
			   ExprKeyRange *range)
{
	expr_key_range_of(expr_parse_condition(text, EXPR_KIND_KEY_CONDITION, params),
					  schema, range);
}

/* the value of a sort key condition into range */
static void
set_sort_condition(ExprNode *sort, ExprCompareOp sort_op, ExprKeyRange *range)
{
	range->has_sort_condition = true;
	switch (sort->type)
	{
		case EXPR_COMPARE:
			range->sort_op = sort_op;
			range->sort_low = value_operand(sort);
			break;
		case EXPR_BETWEEN:
			range->sort_between = true;
			range->sort_low = sort->args[1]->value;
			range->sort_high = sort->args[2]->value;
			break;
		default:
			range->sort_begins_with = true;
			range->sort_low = sort->args[1]->value;
			break;
	}
}

/*
 * The key range of a key condition on a multi-attribute key: every
 * partition key attribute equal to a value, and conditions on the sort key
 * attributes from the first on, without a gap, each but the last an
 * equality.  (DynamoDB's wording for these errors is inferred from the
 * single-attribute ones.)
 */
static void
multi_attribute_range(ExprNode **conditions, int count, const ExprKeySchema *schema,
					  ExprKeyRange *range)
{
	ExprNode   *partition[4] = {NULL, NULL, NULL, NULL};
	ExprNode   *sort[4] = {NULL, NULL, NULL, NULL};
	ExprCompareOp sort_ops[4];
	int			i,
				k;
	int			last = -1;

	for (i = 0; i < count; i++)
	{
		ExprCompareOp op;
		const ExprPath *path = condition_path(conditions[i], &op);
		bool		found = false;

		for (k = 0; k < schema->npartition_keys && !found; k++)
			if (path_is(path, schema->partition_keys[k]))
			{
				if (partition[k] != NULL)
					dynamo_error(DYNAMO_EXC_VALIDATION,
								 "KeyConditionExpressions must only contain one condition per key");
				if (conditions[i]->type != EXPR_COMPARE || op != EXPR_CMP_EQ)
					dynamo_error(DYNAMO_EXC_VALIDATION, "Query key condition not supported");
				partition[k] = conditions[i];
				found = true;
			}
		for (k = 0; k < schema->nsort_keys && !found; k++)
			if (path_is(path, schema->sort_keys[k]))
			{
				if (sort[k] != NULL)
					dynamo_error(DYNAMO_EXC_VALIDATION,
								 "KeyConditionExpressions must only contain one condition per key");
				sort[k] = conditions[i];
				sort_ops[k] = op;
				last = Max(last, k);
				found = true;
			}
		if (!found)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Query key condition not supported");
	}
	for (k = 0; k < schema->npartition_keys; k++)
	{
		if (partition[k] == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Query condition missed key schema element: %s",
						 schema->partition_keys[k]);
		check_value_types(partition[k], schema->partition_key_types[k]);
		range->partition_values[k] = value_operand(partition[k]);
	}
	range->npartition_values = schema->npartition_keys;
	range->partition_value = range->partition_values[0];
	for (k = 0; k <= last; k++)
	{
		if (sort[k] == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Query condition missed key schema element: %s",
						 schema->sort_keys[k]);
		check_value_types(sort[k], schema->sort_key_types[k]);
		if (k < last)
		{
			if (sort[k]->type != EXPR_COMPARE || sort_ops[k] != EXPR_CMP_EQ)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Query key condition not supported");
			range->sort_equal[k] = value_operand(sort[k]);
		}
	}
	if (last >= 0)
	{
		range->sort_key_index = last;
		set_sort_condition(sort[last], sort_ops[last], range);
	}
}

/*
 * The key range of a parsed key condition (from KeyConditionExpression or
 * from the legacy KeyConditions).
 */
void
expr_key_range_of(ExprNode *root, const ExprKeySchema *schema, ExprKeyRange *range)
{
	ExprNode   *conditions[MAX_KEY_CONDITIONS];
	ExprNode   *partition = NULL;
	ExprNode   *sort = NULL;
	ExprCompareOp partition_op = EXPR_CMP_EQ;
	ExprCompareOp sort_op = EXPR_CMP_EQ;
	bool		other = false;
	bool		multi = schema->npartition_keys > 1 || schema->nsort_keys > 1;
	int			count = 0;
	int			i;

	memset(range, 0, sizeof(*range));
	/* root is NULL for an empty KeyConditions */
	if (root == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Conditions can be of length 1 or 2 only");
	if (contains_size(root))
		dynamo_error(DYNAMO_EXC_VALIDATION, "KeyConditionExpressions cannot contain nested operations");
	collect_conditions(root, conditions, &count,
					   multi ? schema->npartition_keys + schema->nsort_keys : 2);
	if (multi)
	{
		multi_attribute_range(conditions, count, schema, range);
		return;
	}

	for (i = 0; i < count; i++)
	{
		ExprCompareOp op;
		const ExprPath *path = condition_path(conditions[i], &op);

		if (path_is(path, schema->partition_key))
		{
			if (partition != NULL)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "KeyConditionExpressions must only contain one condition per key");
			partition = conditions[i];
			partition_op = op;
		}
		else if (path_is(path, schema->sort_key))
		{
			if (sort != NULL)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "KeyConditionExpressions must only contain one condition per key");
			sort = conditions[i];
			sort_op = op;
		}
		else
			other = true;
	}

	if (partition == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Query condition missed key schema element: %s",
					 schema->partition_key);
	if (other)
	{
		if (schema->sort_key != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Query condition missed key schema element: %s",
						 schema->sort_key);
		dynamo_error(DYNAMO_EXC_VALIDATION, "Query key condition not supported");
	}
	if (partition->type != EXPR_COMPARE || partition_op != EXPR_CMP_EQ)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Query key condition not supported");

	check_value_types(partition, schema->partition_key_type);
	range->partition_value = value_operand(partition);
	range->partition_values[0] = range->partition_value;
	range->npartition_values = 1;

	if (sort != NULL)
	{
		check_value_types(sort, schema->sort_key_type);
		set_sort_condition(sort, sort_op, range);
	}
}
