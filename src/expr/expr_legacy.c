/*-------------------------------------------------------------------------
 *
 * expr_legacy.c
 *	  DynamoDB's parameters from before expressions -- Expected,
 *	  QueryFilter, ScanFilter, KeyConditions, ConditionalOperator,
 *	  AttributeUpdates, AttributesToGet -- translated into the AST of the
 *	  expression engine, so that one evaluator serves both.
 *
 * Each legacy condition is an attribute name with a ComparisonOperator and
 * an AttributeValueList (Expected also has the older Value/Exists form);
 * the conditions of one parameter are joined by ConditionalOperator (AND by
 * default).  Checks and messages are DynamoDB's own for these parameters.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "errors.h"
#include "expr/expr.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

typedef enum LegacyOperator
{
	OP_EQ,
	OP_NE,
	OP_LE,
	OP_LT,
	OP_GE,
	OP_GT,
	OP_NOT_NULL,
	OP_NULL,
	OP_CONTAINS,
	OP_NOT_CONTAINS,
	OP_BEGINS_WITH,
	OP_IN,
	OP_BETWEEN
} LegacyOperator;

/*
 * The AttributeValue types each operator takes, as DynamoDB checks them: EQ
 * and NE compare any type (lists, maps, BOOL and NULL by value); the
 * orderings, IN and BETWEEN take S, N and B; CONTAINS also BOOL and NULL (an
 * element of a list); BEGINS_WITH S and B.
 */
#define TYPES_SNB		((1 << DYNAMO_TYPE_S) | (1 << DYNAMO_TYPE_N) | (1 << DYNAMO_TYPE_B))
#define TYPES_SB		((1 << DYNAMO_TYPE_S) | (1 << DYNAMO_TYPE_B))
#define TYPES_SCALAR	(TYPES_SNB | (1 << DYNAMO_TYPE_BOOL) | (1 << DYNAMO_TYPE_NULL))
#define TYPES_ALL		(((1 << (DYNAMO_TYPE_LAST + 1)) - 1) & ~((1 << DYNAMO_TYPE_FIRST) - 1))

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;		/* -1: no limit */
	int			types;			/* allowed AttributeValue types, a bit per type */
}			LegacyOperators[] = {
	[OP_EQ] = {"EQ", 1, 1, TYPES_ALL},
	[OP_NE] = {"NE", 1, 1, TYPES_ALL},
	[OP_LE] = {"LE", 1, 1, TYPES_SNB},
	[OP_LT] = {"LT", 1, 1, TYPES_SNB},
	[OP_GE] = {"GE", 1, 1, TYPES_SNB},
	[OP_GT] = {"GT", 1, 1, TYPES_SNB},
	[OP_NOT_NULL] = {"NOT_NULL", 0, 0, 0},
	[OP_NULL] = {"NULL", 0, 0, 0},
	[OP_CONTAINS] = {"CONTAINS", 1, 1, TYPES_SCALAR},
	[OP_NOT_CONTAINS] = {"NOT_CONTAINS", 1, 1, TYPES_SCALAR},
	[OP_BEGINS_WITH] = {"BEGINS_WITH", 1, 1, TYPES_SB},
	[OP_IN] = {"IN", 1, -1, TYPES_SNB},
	[OP_BETWEEN] = {"BETWEEN", 2, 2, TYPES_SNB},
};

/* a one-element path naming a top-level attribute */
static ExprNode *
attribute_node(const char *name, int namelen)
{
	ExprNode   *node = expr_make_node(EXPR_PATH, 0);

	node->path.length = 1;
	node->path.elements = palloc0(sizeof(ExprPathElement));
	node->path.elements[0].name = name;
	node->path.elements[0].namelen = namelen;
	return node;
}

/* a value node holding the encoding of a JSON AttributeValue */
static ExprNode *
value_node(const JsonNode *attribute_value)
{
	ExprNode   *node = expr_make_node(EXPR_VALUE, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	dynamo_encode_attribute_value(&buf, attribute_value, 1);
	node->value.data = (const uint8 *) buf.data;
	node->value.len = buf.len;
	return node;
}

/* a member of a JSON object, or NULL when absent or JSON null */
static const JsonNode *
member(const JsonNode *object, const char *name)
{
	return json_member_present(object, name);
}

static bool
is_object(const JsonNode *v)
{
	return v != NULL && v->kind == JSON_OBJECT;
}

static bool
is_array(const JsonNode *v)
{
	return v != NULL && v->kind == JSON_ARRAY;
}

/* is v the JSON string word? */
static bool
is_string(const JsonNode *v, const char *word)
{
	return v->kind == JSON_STRING && v->count == strlen(word) &&
		memcmp(v->u.text, word, v->count) == 0;
}

/* the ComparisonOperator named by a JSON string */
static LegacyOperator
legacy_operator(const JsonNode *v, const char *parameter, const char *attribute, int attrlen)
{
	int			i;

	for (i = 0; i < lengthof(LegacyOperators); i++)
		if (is_string(v, LegacyOperators[i].name))
			return (LegacyOperator) i;
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "1 validation error detected: Value '%.*s' at '%s.%.*s.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
				 v->kind == JSON_STRING ? (int) v->count : 0,
				 v->kind == JSON_STRING ? v->u.text : "",
				 parameter, attrlen, attribute);
	return OP_EQ;				/* not reached */
}

/* the expression node for "attribute <operator> arguments" */
static ExprNode *
operator_node(LegacyOperator op, ExprNode *attribute, ExprNode **args, int nargs)
{
	static const ExprCompareOp compare_ops[] = {
		[OP_EQ] = EXPR_CMP_EQ,[OP_NE] = EXPR_CMP_NE,[OP_LE] = EXPR_CMP_LE,
		[OP_LT] = EXPR_CMP_LT,[OP_GE] = EXPR_CMP_GE,[OP_GT] = EXPR_CMP_GT
	};
	ExprNode   *node;
	int			i;

	switch (op)
	{
		case OP_EQ:
		case OP_NE:
		case OP_LE:
		case OP_LT:
		case OP_GE:
		case OP_GT:
			node = expr_make_node(EXPR_COMPARE, 2);
			node->op = compare_ops[op];
			node->args[0] = attribute;
			node->args[1] = args[0];
			return node;
		case OP_NOT_NULL:
		case OP_NULL:
			node = expr_make_node(op == OP_NULL ? EXPR_ATTRIBUTE_NOT_EXISTS : EXPR_ATTRIBUTE_EXISTS, 1);
			node->args[0] = attribute;
			return node;
		case OP_CONTAINS:
		case OP_NOT_CONTAINS:
		case OP_BEGINS_WITH:
			node = expr_make_node(op == OP_BEGINS_WITH ? EXPR_BEGINS_WITH : EXPR_CONTAINS, 2);
			node->args[0] = attribute;
			node->args[1] = args[0];
			if (op == OP_NOT_CONTAINS)
			{
				/* false on a missing attribute, as CONTAINS is */
				ExprNode   *not = expr_make_node(EXPR_NOT, 1);
				ExprNode   *exists = expr_make_node(EXPR_ATTRIBUTE_EXISTS, 1);
				ExprNode   *and = expr_make_node(EXPR_AND, 2);

				not->args[0] = node;
				exists->args[0] = attribute;
				and->args[0] = exists;
				and->args[1] = not;
				return and;
			}
			return node;
		case OP_IN:
		case OP_BETWEEN:
			node = expr_make_node(op == OP_IN ? EXPR_IN : EXPR_BETWEEN, nargs + 1);
			node->args[0] = attribute;
			for (i = 0; i < nargs; i++)
				node->args[i + 1] = args[i];
			return node;
	}
	return NULL;
}

/*
 * One condition of ComparisonOperator and AttributeValueList (with Value
 * standing for a one-element list, as Expected allows), checked.
 */
static ExprNode *
comparison_condition(const char *attribute, int attrlen, LegacyOperator op,
					 const JsonNode *list, const JsonNode *value)
{
	ExprNode   *args[64];
	ExprNode  **argv = args;
	int			nargs = 0;
	int			i;

	if (list != NULL)
	{
		if (!is_array(list))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		nargs = list->count;
		if (nargs > lengthof(args))
			argv = palloc(sizeof(ExprNode *) * nargs);
		for (i = 0; i < nargs; i++)
			argv[i] = value_node(&list->u.elements[i]);
	}
	else if (value != NULL)
	{
		argv[0] = value_node(value);
		nargs = 1;
	}

	if (nargs < LegacyOperators[op].min_args ||
		(LegacyOperators[op].max_args >= 0 && nargs > LegacyOperators[op].max_args))
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Invalid number of argument(s) for the %s ComparisonOperator",
					 LegacyOperators[op].name);
	for (i = 1; i < nargs; i++)
		if (dynamo_value_type(argv[i]->value) != dynamo_value_type(argv[0]->value))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "AttributeValues inside AttributeValueList must be of same type");
	for (i = 0; i < nargs; i++)
	{
		DynamoType	t = dynamo_value_type(argv[i]->value);

		if ((LegacyOperators[op].types & (1 << t)) == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "ComparisonOperator %s is not valid for %s AttributeValue type",
						 LegacyOperators[op].name, dynamo_type_name(t));
	}
	if (op == OP_BETWEEN)
	{
		DynamoValue low = argv[0]->value;
		DynamoValue high = argv[1]->value;

		if (dynamo_name_compare((const char *) low.data + 1, low.len - 1,
								(const char *) high.data + 1, high.len - 1) > 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
	}
	return operator_node(op, attribute_node(attribute, attrlen), argv, nargs);
}

/* one entry of Expected: the Value/Exists form or the ComparisonOperator form */
static ExprNode *
expected_condition(const char *attribute, int attrlen, const JsonNode *entry)
{
	const JsonNode *value;
	const JsonNode *exists;
	const JsonNode *comparison;
	const JsonNode *list;

	if (!is_object(entry))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	value = member(entry, "Value");
	exists = member(entry, "Exists");
	comparison = member(entry, "ComparisonOperator");
	list = member(entry, "AttributeValueList");

	if (exists != NULL && exists->kind != JSON_BOOL)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
	if (value != NULL && list != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Value and AttributeValueList cannot be used together for Attribute: %.*s",
					 attrlen, attribute);
	if (exists != NULL && comparison != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Exists and ComparisonOperator cannot be used together for Attribute: %.*s",
					 attrlen, attribute);
	if (list != NULL && comparison == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "AttributeValueList can only be used with a ComparisonOperator for Attribute: %.*s",
					 attrlen, attribute);

	if (comparison != NULL)
	{
		LegacyOperator op = legacy_operator(comparison, "expected", attribute, attrlen);

		if (value == NULL && list == NULL && LegacyOperators[op].min_args > 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Value or AttributeValueList must be used with ComparisonOperator: %s for Attribute: %.*s",
						 LegacyOperators[op].name, attrlen, attribute);
		return comparison_condition(attribute, attrlen, op, list, value);
	}

	if (exists != NULL && !exists->u.boolean)
	{
		ExprNode   *node;

		if (value != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Value cannot be used when Exists is false for Attribute: %.*s",
						 attrlen, attribute);
		node = expr_make_node(EXPR_ATTRIBUTE_NOT_EXISTS, 1);
		node->args[0] = attribute_node(attribute, attrlen);
		return node;
	}
	if (value == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Value must be provided when Exists is %s for Attribute: %.*s",
					 exists != NULL ? "true" : "null", attrlen, attribute);
	return comparison_condition(attribute, attrlen, OP_EQ, NULL, value);
}

/* ConditionalOperator: true for OR, false for AND (the default) */
static bool
conditional_is_or(const char *conditional_operator)
{
	if (conditional_operator == NULL || strcmp(conditional_operator, "AND") == 0)
		return false;
	if (strcmp(conditional_operator, "OR") == 0)
		return true;
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "1 validation error detected: Value '%s' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]",
				 conditional_operator);
	return false;
}

/*
 * n conditions joined by AND or OR as a balanced tree, evaluated left to
 * right: a map parameter may hold any number of conditions, and no walk of
 * the tree may recurse once per condition.
 */
static ExprNode *
join_balanced(ExprNode **nodes, int n, ExprNodeType type)
{
	ExprNode   *join;

	if (n == 1)
		return nodes[0];
	join = expr_make_node(type, 2);
	join->args[0] = join_balanced(nodes, n / 2, type);
	join->args[1] = join_balanced(nodes + n / 2, n - n / 2, type);
	return join;
}

/* join the conditions of a legacy map parameter with AND or OR */
static ExprNode *
join_conditions(const JsonNode *map, bool is_or,
				ExprNode *(*condition) (const char *attribute, int attrlen, const JsonNode *entry,
										const char *parameter),
				const char *parameter)
{
	const JsonMember **members;
	int			nmembers;
	ExprNode  **nodes;
	int			i;

	if (!is_object(map))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	members = expr_json_members(map, &nmembers);
	if (nmembers == 0)
		return NULL;
	nodes = palloc(sizeof(ExprNode *) * nmembers);
	for (i = 0; i < nmembers; i++)
		nodes[i] = condition(members[i]->name, members[i]->namelen,
							 &members[i]->value, parameter);
	return join_balanced(nodes, nmembers, is_or ? EXPR_OR : EXPR_AND);
}

static ExprNode *
expected_entry(const char *attribute, int attrlen, const JsonNode *entry, const char *parameter)
{
	return expected_condition(attribute, attrlen, entry);
}

/* one entry of QueryFilter, ScanFilter or KeyConditions: a Condition */
static ExprNode *
filter_entry(const char *attribute, int attrlen, const JsonNode *entry, const char *parameter)
{
	const JsonNode *comparison;

	if (!is_object(entry))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	comparison = member(entry, "ComparisonOperator");
	if (comparison == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value null at '%s.%.*s.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
					 parameter, attrlen, attribute);
	return comparison_condition(attribute, attrlen,
								legacy_operator(comparison, parameter, attribute, attrlen),
								member(entry, "AttributeValueList"), NULL);
}

/*
 * DynamoDB's rules on ConditionalOperator (given, or NULL) with the map of
 * conditions it joins (Expected, QueryFilter or ScanFilter; NULL when the
 * request has none): its value is AND or OR, and it needs two conditions or
 * more to join.
 */
void
expr_legacy_check_conditional_operator(const char *conditional_operator,
									   const JsonNode *conditions)
{
	int			count = 0;

	if (conditional_operator == NULL)
		return;
	(void) conditional_is_or(conditional_operator);
	if (is_object(conditions))
		pfree(expr_json_members(conditions, &count));
	if (count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "ConditionalOperator cannot be used without Filter or Expected");
	if (count == 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "ConditionalOperator can only be used when Filter or Expected has two or more elements");
}

/*
 * Expected (with ConditionalOperator) as a condition; NULL when empty (an
 * empty Expected is no condition, as in DynamoDB).
 */
ExprNode *
expr_legacy_expected(const JsonNode *expected, const char *conditional_operator)
{
	if (!is_object(expected))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	expr_legacy_check_conditional_operator(conditional_operator, expected);
	return join_conditions(expected, conditional_is_or(conditional_operator),
						   expected_entry, "expected");
}

/*
 * QueryFilter or ScanFilter (parameter "queryFilter" or "scanFilter", as
 * DynamoDB names them in messages) as a condition; NULL when empty.
 */
ExprNode *
expr_legacy_filter(const JsonNode *conditions, const char *conditional_operator,
				   const char *parameter)
{
	if (!is_object(conditions))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	expr_legacy_check_conditional_operator(conditional_operator, conditions);
	return join_conditions(conditions, conditional_is_or(conditional_operator),
						   filter_entry, parameter);
}

/* KeyConditions as a key range. */
void
expr_legacy_key_range(const JsonNode *key_conditions, const ExprKeySchema *schema,
					  ExprKeyRange *range)
{
	uint32		i;

	/* only the indexable operators */
	if (!is_object(key_conditions))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	for (i = 0; i < key_conditions->count; i++)
	{
		const JsonNode *entry = &key_conditions->u.members[i].value;
		const JsonNode *comparison;
		LegacyOperator op;

		if (!is_object(entry))
			continue;
		comparison = member(entry, "ComparisonOperator");
		if (comparison == NULL)
			continue;
		op = legacy_operator(comparison, "keyConditions", "", 0);
		if (op == OP_NE || op == OP_NOT_NULL || op == OP_NULL || op == OP_CONTAINS ||
			op == OP_NOT_CONTAINS || op == OP_IN)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Attempted conditional constraint is not an indexable operation");
	}
	/* one condition on the partition key, at most one on the sort key */
	if (key_conditions->count < 1 || key_conditions->count > 2)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Conditions can be of length 1 or 2 only");
	expr_key_range_of(join_conditions(key_conditions, false, filter_entry, "keyConditions"),
					  schema, range);
}

/* AttributeUpdates as an update: PUT is SET, DELETE without a value REMOVE */
ExprUpdate *
expr_legacy_attribute_updates(const JsonNode *attribute_updates)
{
	ExprUpdate *update = palloc0(sizeof(ExprUpdate));
	const JsonMember **members;
	int			nmembers;
	int			i;

	if (!is_object(attribute_updates))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	members = expr_json_members(attribute_updates, &nmembers);
	update->legacy = true;
	update->actions = palloc0(sizeof(ExprUpdateAction) * Max(nmembers, 1));
	for (i = 0; i < nmembers; i++)
	{
		const JsonNode *entry = &members[i]->value;
		ExprUpdateAction *action;
		const JsonNode *action_name;
		const JsonNode *value;
		const char *verb = "PUT";
		ExprNode   *attribute;

		attribute = attribute_node(members[i]->name, members[i]->namelen);
		if (!is_object(entry))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		action_name = member(entry, "Action");
		value = member(entry, "Value");
		if (action_name != NULL)
		{
			if (is_string(action_name, "ADD"))
				verb = "ADD";
			else if (is_string(action_name, "DELETE"))
				verb = "DELETE";
			else if (!is_string(action_name, "PUT"))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "1 validation error detected: Value '%.*s' at 'attributeUpdates.%.*s.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, DELETE, PUT]",
							 action_name->kind == JSON_STRING ? (int) action_name->count : 0,
							 action_name->kind == JSON_STRING ? action_name->u.text : "",
							 (int) members[i]->namelen, members[i]->name);
		}

		action = &update->actions[update->nactions++];
		action->path = attribute->path;
		if (value == NULL)
		{
			if (strcmp(verb, "DELETE") != 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Only DELETE action is allowed when no attribute value is specified");
			action->type = EXPR_UPDATE_REMOVE;
			continue;
		}
		action->operand = value_node(value);
		if (strcmp(verb, "PUT") == 0)
			action->type = EXPR_UPDATE_SET;
		else
		{
			DynamoType	t = dynamo_value_type(action->operand->value);

			if (strcmp(verb, "DELETE") == 0)
			{
				if (!dynamo_type_is_set(t))
					dynamo_error(DYNAMO_EXC_VALIDATION,
								 INVALID_PREFIX "DELETE action with value is not supported for the type %s",
								 dynamo_type_name(t));
				action->type = EXPR_UPDATE_DELETE;
			}
			else
			{
				if (!(t == DYNAMO_TYPE_N || t == DYNAMO_TYPE_L || dynamo_type_is_set(t)))
					dynamo_error(DYNAMO_EXC_VALIDATION,
								 INVALID_PREFIX "ADD action is not supported for the type %s",
								 dynamo_type_name(t));
				action->type = EXPR_UPDATE_ADD;
			}
		}
	}
	return update;
}

/* qsort_arg comparator of AttributesToGet indexes: by name, then position */
static int
compare_element_indexes(const void *a, const void *b, void *arg)
{
	const JsonNode *elements = (const JsonNode *) arg;
	int			ia = *(const int *) a;
	int			ib = *(const int *) b;
	int			c = dynamo_name_compare(elements[ia].u.text, elements[ia].count,
										elements[ib].u.text, elements[ib].count);

	if (c != 0)
		return c;
	return (ia > ib) - (ia < ib);
}

/*
 * AttributesToGet as a projection of top-level attributes.  The names are
 * checked as one pass in order would find their errors (a non-string, or
 * the first name seen before), in O(n log n): the list has no size limit.
 */
ExprProjection *
expr_legacy_attributes_to_get(const JsonNode *attributes_to_get)
{
	ExprProjection *projection = palloc0(sizeof(ExprProjection));
	const JsonNode *elements;
	int			count;
	int			first_bad;
	int			duplicate;
	int		   *order;
	int			i;

	if (attributes_to_get->kind != JSON_ARRAY)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (attributes_to_get->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1");
	elements = attributes_to_get->u.elements;
	count = (int) attributes_to_get->count;

	for (first_bad = 0; first_bad < count; first_bad++)
		if (elements[first_bad].kind != JSON_STRING)
			break;
	order = palloc(sizeof(int) * Max(first_bad, 1));
	for (i = 0; i < first_bad; i++)
		order[i] = i;
	qsort_arg(order, first_bad, sizeof(int), compare_element_indexes, (void *) elements);
	duplicate = first_bad;
	for (i = 1; i < first_bad; i++)
		if (dynamo_name_compare(elements[order[i - 1]].u.text, elements[order[i - 1]].count,
								elements[order[i]].u.text, elements[order[i]].count) == 0 &&
			order[i] < duplicate)
			duplicate = order[i];
	pfree(order);
	if (duplicate < first_bad)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Duplicate value in attribute name: %.*s",
					 (int) elements[duplicate].count, elements[duplicate].u.text);
	if (first_bad < count)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");

	projection->paths = palloc0(sizeof(ExprPath) * count);
	for (i = 0; i < count; i++)
		projection->paths[projection->npaths++] =
			attribute_node(elements[i].u.text, elements[i].count)->path;
	return projection;
}

/*
 * DynamoDB's rule that a request uses either the legacy parameters or
 * expressions: given the names of those present (in DynamoDB's fixed order
 * for the operation), reject a request that has both.
 */
void
expr_check_not_mixed(const char *const *legacy_present, int nlegacy,
					 const char *const *expression_present, int nexpression)
{
	StringInfoData legacy;
	StringInfoData expression;
	int			i;

	if (nlegacy == 0 || nexpression == 0)
		return;
	initStringInfo(&legacy);
	initStringInfo(&expression);
	for (i = 0; i < nlegacy; i++)
		appendStringInfo(&legacy, "%s%s", i > 0 ? ", " : "", legacy_present[i]);
	for (i = 0; i < nexpression; i++)
		appendStringInfo(&expression, "%s%s", i > 0 ? ", " : "", expression_present[i]);
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
				 legacy.data, expression.data);
}
