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

#define TYPES_SNB		((1 << DYNAMO_TYPE_S) | (1 << DYNAMO_TYPE_N) | (1 << DYNAMO_TYPE_B))
#define TYPES_SB		((1 << DYNAMO_TYPE_S) | (1 << DYNAMO_TYPE_B))
#define TYPES_SNB_SETS	(TYPES_SNB | (1 << DYNAMO_TYPE_SS) | (1 << DYNAMO_TYPE_NS) | (1 << DYNAMO_TYPE_BS))

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;		/* -1: no limit */
	int			types;			/* allowed AttributeValue types, a bit per type */
}			LegacyOperators[] = {
	[OP_EQ] = {"EQ", 1, 1, TYPES_SNB_SETS},
	[OP_NE] = {"NE", 1, 1, TYPES_SNB_SETS},
	[OP_LE] = {"LE", 1, 1, TYPES_SNB},
	[OP_LT] = {"LT", 1, 1, TYPES_SNB},
	[OP_GE] = {"GE", 1, 1, TYPES_SNB},
	[OP_GT] = {"GT", 1, 1, TYPES_SNB},
	[OP_NOT_NULL] = {"NOT_NULL", 0, 0, 0},
	[OP_NULL] = {"NULL", 0, 0, 0},
	[OP_CONTAINS] = {"CONTAINS", 1, 1, TYPES_SNB},
	[OP_NOT_CONTAINS] = {"NOT_CONTAINS", 1, 1, TYPES_SNB},
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
value_node(JsonbValue *attribute_value)
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
static JsonbValue *
member(JsonbContainer *object, const char *name)
{
	JsonbValue *v = getKeyJsonValueFromContainer(object, name, strlen(name), NULL);

	return (v == NULL || v->type == jbvNull) ? NULL : v;
}

static bool
is_object(const JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

static bool
is_array(const JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* the ComparisonOperator named by a JSON string */
static LegacyOperator
legacy_operator(JsonbValue *v, const char *parameter, const char *attribute, int attrlen)
{
	int			i;

	if (v->type == jbvString)
		for (i = 0; i < lengthof(LegacyOperators); i++)
			if ((int) strlen(LegacyOperators[i].name) == v->val.string.len &&
				memcmp(LegacyOperators[i].name, v->val.string.val, v->val.string.len) == 0)
				return (LegacyOperator) i;
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "1 validation error detected: Value '%.*s' at '%s.%.*s.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]",
				 v->type == jbvString ? v->val.string.len : 0,
				 v->type == jbvString ? v->val.string.val : "",
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
				ExprNode   *not = expr_make_node(EXPR_NOT, 1);

				not->args[0] = node;
				return not;
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
					 JsonbValue *list, JsonbValue *value)
{
	ExprNode   *args[64];
	ExprNode  **argv = args;
	int			nargs = 0;
	int			i;

	if (list != NULL)
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken token;

		if (!is_array(list))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
		nargs = JsonContainerSize(list->val.binary.data);
		if (nargs > lengthof(args))
			argv = palloc(sizeof(ExprNode *) * nargs);
		i = 0;
		it = JsonbIteratorInit(list->val.binary.data);
		while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (token == WJB_ELEM)
				argv[i++] = value_node(&v);
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
	for (i = 0; i < nargs; i++)
	{
		DynamoType	t = dynamo_value_type(argv[i]->value);

		if (i > 0 && t != dynamo_value_type(argv[0]->value))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "AttributeValues inside AttributeValueList must be of same type");
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
expected_condition(const char *attribute, int attrlen, JsonbValue *entry)
{
	JsonbValue *value;
	JsonbValue *exists;
	JsonbValue *comparison;
	JsonbValue *list;

	if (!is_object(entry))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	value = member(entry->val.binary.data, "Value");
	exists = member(entry->val.binary.data, "Exists");
	comparison = member(entry->val.binary.data, "ComparisonOperator");
	list = member(entry->val.binary.data, "AttributeValueList");

	if (exists != NULL && exists->type != jbvBool)
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

	if (exists != NULL && !exists->val.boolean)
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

/* join the conditions of a legacy map parameter with AND or OR */
static ExprNode *
join_conditions(Jsonb *map, bool is_or,
				ExprNode *(*condition) (const char *attribute, int attrlen, JsonbValue *entry,
										const char *parameter),
				const char *parameter)
{
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	entry;
	JsonbIteratorToken token;
	ExprNode   *result = NULL;

	if (!JB_ROOT_IS_OBJECT(map))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	it = JsonbIteratorInit(&map->root);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		ExprNode   *node;

		if (token != WJB_KEY)
			continue;
		token = JsonbIteratorNext(&it, &entry, true);
		node = condition(key.val.string.val, key.val.string.len, &entry, parameter);
		if (result == NULL)
			result = node;
		else
		{
			ExprNode   *join = expr_make_node(is_or ? EXPR_OR : EXPR_AND, 2);

			join->args[0] = result;
			join->args[1] = node;
			result = join;
		}
	}
	return result;
}

static ExprNode *
expected_entry(const char *attribute, int attrlen, JsonbValue *entry, const char *parameter)
{
	return expected_condition(attribute, attrlen, entry);
}

/* one entry of QueryFilter, ScanFilter or KeyConditions: a Condition */
static ExprNode *
filter_entry(const char *attribute, int attrlen, JsonbValue *entry, const char *parameter)
{
	JsonbValue *comparison;

	if (!is_object(entry))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	comparison = member(entry->val.binary.data, "ComparisonOperator");
	if (comparison == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value null at '%s.%.*s.member.comparisonOperator' failed to satisfy constraint: Member must not be null",
					 parameter, attrlen, attribute);
	return comparison_condition(attribute, attrlen,
								legacy_operator(comparison, parameter, attribute, attrlen),
								member(entry->val.binary.data, "AttributeValueList"), NULL);
}

/* Expected (with ConditionalOperator) as a condition; NULL when empty. */
ExprNode *
expr_legacy_expected(Jsonb *expected, const char *conditional_operator)
{
	return join_conditions(expected, conditional_is_or(conditional_operator),
						   expected_entry, "expected");
}

/*
 * QueryFilter or ScanFilter (parameter "queryFilter" or "scanFilter", as
 * DynamoDB names them in messages) as a condition; NULL when empty.
 */
ExprNode *
expr_legacy_filter(Jsonb *conditions, const char *conditional_operator, const char *parameter)
{
	return join_conditions(conditions, conditional_is_or(conditional_operator),
						   filter_entry, parameter);
}

/* KeyConditions as a key range. */
void
expr_legacy_key_range(Jsonb *key_conditions, const ExprKeySchema *schema, ExprKeyRange *range)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;

	/* only the indexable operators */
	if (!JB_ROOT_IS_OBJECT(key_conditions))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	it = JsonbIteratorInit(&key_conditions->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *comparison;
		LegacyOperator op;

		if (token != WJB_VALUE || !is_object(&v))
			continue;
		comparison = member(v.val.binary.data, "ComparisonOperator");
		if (comparison == NULL)
			continue;
		op = legacy_operator(comparison, "keyConditions", "", 0);
		if (op == OP_NE || op == OP_NOT_NULL || op == OP_NULL || op == OP_CONTAINS ||
			op == OP_NOT_CONTAINS || op == OP_IN)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Attempted conditional constraint is not an indexable operation");
	}
	/* one condition on the partition key, at most one on the sort key */
	if (JsonContainerSize(&key_conditions->root) < 1 || JsonContainerSize(&key_conditions->root) > 2)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Conditions can be of length 1 or 2 only");
	expr_key_range_of(join_conditions(key_conditions, false, filter_entry, "keyConditions"),
					  schema, range);
}

/* AttributeUpdates as an update: PUT is SET, DELETE without a value REMOVE */
ExprUpdate *
expr_legacy_attribute_updates(Jsonb *attribute_updates)
{
	ExprUpdate *update = palloc0(sizeof(ExprUpdate));
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	entry;
	JsonbIteratorToken token;

	if (!JB_ROOT_IS_OBJECT(attribute_updates))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	update->legacy = true;
	update->actions = palloc0(sizeof(ExprUpdateAction) * Max(JB_ROOT_COUNT(attribute_updates), 1));
	it = JsonbIteratorInit(&attribute_updates->root);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		ExprUpdateAction *action;
		JsonbValue *action_name;
		JsonbValue *value;
		const char *verb = "PUT";
		ExprNode   *attribute;

		if (token != WJB_KEY)
			continue;
		attribute = attribute_node(key.val.string.val, key.val.string.len);
		token = JsonbIteratorNext(&it, &entry, true);
		if (!is_object(&entry))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		action_name = member(entry.val.binary.data, "Action");
		value = member(entry.val.binary.data, "Value");
		if (action_name != NULL)
		{
			if (action_name->type == jbvString && action_name->val.string.len == 3 &&
				memcmp(action_name->val.string.val, "ADD", 3) == 0)
				verb = "ADD";
			else if (action_name->type == jbvString && action_name->val.string.len == 6 &&
					 memcmp(action_name->val.string.val, "DELETE", 6) == 0)
				verb = "DELETE";
			else if (!(action_name->type == jbvString && action_name->val.string.len == 3 &&
					   memcmp(action_name->val.string.val, "PUT", 3) == 0))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "1 validation error detected: Value '%.*s' at 'attributeUpdates.%.*s.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
							 action_name->type == jbvString ? action_name->val.string.len : 0,
							 action_name->type == jbvString ? action_name->val.string.val : "",
							 key.val.string.len, key.val.string.val);
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

/* AttributesToGet as a projection of top-level attributes */
ExprProjection *
expr_legacy_attributes_to_get(Jsonb *attributes_to_get)
{
	ExprProjection *projection = palloc0(sizeof(ExprProjection));
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	int			i;

	if (!JB_ROOT_IS_ARRAY(attributes_to_get) || JB_ROOT_IS_SCALAR(attributes_to_get))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (JB_ROOT_COUNT(attributes_to_get) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1");
	projection->paths = palloc0(sizeof(ExprPath) * JB_ROOT_COUNT(attributes_to_get));
	it = JsonbIteratorInit(&attributes_to_get->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (v.type != jbvString)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		for (i = 0; i < projection->npaths; i++)
			if (projection->paths[i].elements[0].namelen == (uint32) v.val.string.len &&
				memcmp(projection->paths[i].elements[0].name, v.val.string.val, v.val.string.len) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Duplicate value in attribute name: %.*s",
							 v.val.string.len, v.val.string.val);
		projection->paths[projection->npaths++] = attribute_node(v.val.string.val, v.val.string.len)->path;
	}
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
