/*-------------------------------------------------------------------------
 *
 * expr_eval.c
 *	  Evaluating condition and filter expressions against an item.
 *
 * Semantics are DynamoDB's: an operand that names a missing attribute has no
 * value; a comparison with a missing operand or between values of different
 * types is false (<> is true), never an error; <, <=, >, >= and BETWEEN order
 * only N, S and B.  Equality is byte equality of the canonical encodings, and
 * ordering compares payloads, so no value is decoded to be compared.
 *
 * Nothing is allocated: operands point into the item or the request's
 * values, and size() writes its number into a buffer on the stack.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "mb/pg_wchar.h"

#include "expr/expr.h"

/* room for the encoding of a number produced by size() */
typedef struct OperandBuffer
{
	uint8		bytes[1 + DYNAMO_NUMBER_MAX_ENCODED];
} OperandBuffer;

/* Follow path from root (an item); false when it leads nowhere. */
bool
expr_resolve_path(DynamoValue root, const ExprPath *path, DynamoValue *result)
{
	DynamoValue current = root;
	int			i;

	for (i = 0; i < path->length; i++)
	{
		const ExprPathElement *e = &path->elements[i];

		if (e->name != NULL)
		{
			if (dynamo_value_type(current) != DYNAMO_TYPE_M ||
				!dynamo_map_lookup(current, e->name, e->namelen, &current))
				return false;
		}
		else
		{
			if (dynamo_value_type(current) != DYNAMO_TYPE_L ||
				e->index >= dynamo_container_count(current))
				return false;
			current = dynamo_list_element(current, e->index);
		}
	}
	*result = current;
	return true;
}

/* the size() of a value, or -1 when size is not defined for its type */
static int64
value_size_function(DynamoValue value)
{
	switch (dynamo_value_type(value))
	{
		case DYNAMO_TYPE_S:
		case DYNAMO_TYPE_B:
			return dynamo_value_payload_len(value);
		case DYNAMO_TYPE_M:
		case DYNAMO_TYPE_L:
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			return dynamo_container_count(value);
		default:
			return -1;
	}
}

/* encode a non-negative integer as an N value into buffer */
static DynamoValue
integer_value(int64 n, OperandBuffer *buffer)
{
	char		text[32];
	DynamoNumber number;
	DynamoValue v;

	snprintf(text, sizeof(text), INT64_FORMAT, n);
	dynamo_number_parse(text, strlen(text), &number);
	buffer->bytes[0] = DYNAMO_TYPE_N;
	v.data = buffer->bytes;
	v.len = 1 + dynamo_number_encode(&number, buffer->bytes + 1);
	return v;
}

/* Evaluate an operand; false when it has no value (a missing attribute). */
static bool
eval_operand(ExprNode *node, DynamoValue item, DynamoValue *value, OperandBuffer *buffer)
{
	DynamoValue target;
	int64		size;

	switch (node->type)
	{
		case EXPR_VALUE:
			*value = node->value;
			return true;
		case EXPR_PATH:
			return expr_resolve_path(item, &node->path, value);
		case EXPR_SIZE:
			if (!eval_operand(node->args[0], item, &target, buffer))
				return false;
			size = value_size_function(target);
			if (size < 0)
				return false;
			*value = integer_value(size, buffer);
			return true;
		default:
			elog(ERROR, "unexpected operand node %d", (int) node->type);
	}
	return false;
}

static bool
values_equal(DynamoValue a, DynamoValue b)
{
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/*
 * Order two values of one orderable type (N, S, B): sets *cmp and returns
 * true; false when they cannot be ordered.
 */
static bool
values_order(DynamoValue a, DynamoValue b, int *cmp)
{
	DynamoType t = dynamo_value_type(a);

	if (t != dynamo_value_type(b) || !dynamo_type_is_key(t))
		return false;
	*cmp = dynamo_name_compare((const char *) a.data + 1, a.len - 1,
							   (const char *) b.data + 1, b.len - 1);
	return true;
}

static bool
eval_compare(ExprNode *node, DynamoValue item)
{
	OperandBuffer left_buffer,
				right_buffer;
	DynamoValue left,
				right;
	bool		have_left = eval_operand(node->args[0], item, &left, &left_buffer);
	bool		have_right = eval_operand(node->args[1], item, &right, &right_buffer);
	int			cmp;

	if (node->op == EXPR_CMP_NE)
		return !(have_left && have_right && values_equal(left, right));
	if (!have_left || !have_right)
		return false;
	if (node->op == EXPR_CMP_EQ)
		return values_equal(left, right);
	if (!values_order(left, right, &cmp))
		return false;
	switch (node->op)
	{
		case EXPR_CMP_LT:
			return cmp < 0;
		case EXPR_CMP_LE:
			return cmp <= 0;
		case EXPR_CMP_GT:
			return cmp > 0;
		case EXPR_CMP_GE:
			return cmp >= 0;
		default:
			return false;
	}
}

static bool
eval_between(ExprNode *node, DynamoValue item)
{
	OperandBuffer buffers[3];
	DynamoValue v[3];
	int			low_cmp,
				high_cmp;
	int			i;

	for (i = 0; i < 3; i++)
		if (!eval_operand(node->args[i], item, &v[i], &buffers[i]))
			return false;
	if (!values_order(v[0], v[1], &low_cmp) || !values_order(v[0], v[2], &high_cmp))
		return false;
	return low_cmp >= 0 && high_cmp <= 0;
}

static bool
eval_in(ExprNode *node, DynamoValue item)
{
	OperandBuffer buffer,
				candidate_buffer;
	DynamoValue value;
	int			i;

	if (!eval_operand(node->args[0], item, &value, &buffer))
		return false;
	for (i = 1; i < node->nargs; i++)
	{
		DynamoValue candidate;

		if (eval_operand(node->args[i], item, &candidate, &candidate_buffer) &&
			values_equal(value, candidate))
			return true;
	}
	return false;
}

/* begins_with(path, prefix): S and B only, of one type */
static bool
eval_begins_with(ExprNode *node, DynamoValue item)
{
	OperandBuffer b0,
				b1;
	DynamoValue value,
				prefix;
	DynamoType	t;

	if (!eval_operand(node->args[0], item, &value, &b0) ||
		!eval_operand(node->args[1], item, &prefix, &b1))
		return false;
	t = dynamo_value_type(value);
	if ((t != DYNAMO_TYPE_S && t != DYNAMO_TYPE_B) || t != dynamo_value_type(prefix))
		return false;
	return prefix.len <= value.len &&
		memcmp(prefix.data + 1, value.data + 1, prefix.len - 1) == 0;
}

/* does haystack (len bytes) contain needle (needle_len bytes)? */
static bool
bytes_contain(const uint8 *haystack, uint32 len, const uint8 *needle, uint32 needle_len)
{
	uint32		i;

	if (needle_len == 0)
		return true;
	if (needle_len > len)
		return false;
	for (i = 0; i + needle_len <= len; i++)
		if (haystack[i] == needle[0] && memcmp(haystack + i, needle, needle_len) == 0)
			return true;
	return false;
}

/*
 * contains(path, operand): a substring of an S, a byte subsequence of a B,
 * an element of a set (of the matching scalar type), or an element of a list
 * (any type, equal value).
 */
static bool
eval_contains(ExprNode *node, DynamoValue item)
{
	OperandBuffer b0,
				b1;
	DynamoValue container,
				needle;
	DynamoType	t,
				nt;
	uint32		count,
				i;

	if (!eval_operand(node->args[0], item, &container, &b0) ||
		!eval_operand(node->args[1], item, &needle, &b1))
		return false;
	t = dynamo_value_type(container);
	nt = dynamo_value_type(needle);
	switch (t)
	{
		case DYNAMO_TYPE_S:
		case DYNAMO_TYPE_B:
			/* a substring of a string, a subsequence of a binary */
			return nt == t &&
				bytes_contain(container.data + 1, container.len - 1, needle.data + 1, needle.len - 1);
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			if ((t == DYNAMO_TYPE_SS && nt != DYNAMO_TYPE_S) ||
				(t == DYNAMO_TYPE_NS && nt != DYNAMO_TYPE_N) ||
				(t == DYNAMO_TYPE_BS && nt != DYNAMO_TYPE_B))
				return false;
			count = dynamo_container_count(container);
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(container, i, &elem, &elem_len);
				if (elem_len == needle.len - 1 && memcmp(elem, needle.data + 1, elem_len) == 0)
					return true;
			}
			return false;
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(container);
			for (i = 0; i < count; i++)
				if (values_equal(dynamo_list_element(container, i), needle))
					return true;
			return false;
		default:
			return false;
	}
}

/* attribute_type(path, :type) */
static bool
eval_attribute_type(ExprNode *node, DynamoValue item)
{
	DynamoValue value;
	DynamoValue type_value = node->args[1]->value;
	const char *name;

	if (!expr_resolve_path(item, &node->args[0]->path, &value))
		return false;
	if (node->args[1]->type != EXPR_VALUE || dynamo_value_type(type_value) != DYNAMO_TYPE_S)
		return false;
	name = dynamo_type_name(dynamo_value_type(value));
	return strlen(name) == type_value.len - 1 &&
		memcmp(name, type_value.data + 1, type_value.len - 1) == 0;
}

/*
 * Evaluate a condition against an item (an M value).  The right operand of
 * AND and OR is evaluated in the loop, not by recursion.
 */
bool
expr_eval_condition(ExprNode *node, DynamoValue item)
{
	DynamoValue ignored;

	check_stack_depth();
	while (node->type == EXPR_AND || node->type == EXPR_OR)
	{
		bool		left = expr_eval_condition(node->args[0], item);

		if (left == (node->type == EXPR_OR))
			return left;
		node = node->args[1];
	}
	switch (node->type)
	{
		case EXPR_NOT:
			return !expr_eval_condition(node->args[0], item);
		case EXPR_COMPARE:
			return eval_compare(node, item);
		case EXPR_BETWEEN:
			return eval_between(node, item);
		case EXPR_IN:
			return eval_in(node, item);
		case EXPR_ATTRIBUTE_EXISTS:
			return expr_resolve_path(item, &node->args[0]->path, &ignored);
		case EXPR_ATTRIBUTE_NOT_EXISTS:
			return !expr_resolve_path(item, &node->args[0]->path, &ignored);
		case EXPR_ATTRIBUTE_TYPE:
			return eval_attribute_type(node, item);
		case EXPR_BEGINS_WITH:
			return eval_begins_with(node, item);
		case EXPR_CONTAINS:
			return eval_contains(node, item);
		default:
			elog(ERROR, "unexpected condition node %d", (int) node->type);
	}
	return false;
}
