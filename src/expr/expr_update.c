/*-------------------------------------------------------------------------
 *
 * expr_update.c
 *	  Applying an update expression to an item: the new item, and the old and
 *	  new values of the attributes it touched (ReturnValues UPDATED_OLD and
 *	  UPDATED_NEW).
 *
 * DynamoDB's semantics: every operand is read from the item as it was
 * before the update, so all values are computed first and the item is
 * changed after.  The paths of one update never overlap (the parser checks),
 * so the only order that matters is among list indexes of one list: SETs
 * beyond the end append in index order, and REMOVEs of list elements refer
 * to the original indexes, so they run from the highest index down.
 *
 * Errors found here are DynamoDB's runtime errors, without the
 * "Invalid UpdateExpression:" prefix of the parser's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "errors.h"
#include "expr/expr.h"
#include "expr/expr_tree.h"

static void
incorrect_data_type(void)
{
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "An operand in the update expression has an incorrect data type");
}

/* a value of the wrong type for ADD or DELETE, in the words of each form */
static void
type_mismatch(bool legacy)
{
	if (legacy)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Type mismatch for attribute to update");
	incorrect_data_type();
}

static void
invalid_path_for_update(void)
{
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "The document path provided in the update expression is invalid for update");
}

/* a new value holding an encoding built in buf */
static DynamoValue
value_from_buffer(StringInfo buf)
{
	DynamoValue v;

	v.data = (const uint8 *) buf->data;
	v.len = buf->len;
	return v;
}

static void
decode_number(DynamoValue v, DynamoNumber *number)
{
	dynamo_number_decode(v.data + 1, v.len - 1, number);
}

/* a + b or a - b of two N values */
static DynamoValue
add_numbers(DynamoValue a, DynamoValue b, bool subtract)
{
	DynamoNumber na,
				nb,
				sum;
	DynamoNumberError error;
	StringInfoData buf;
	uint8		encoded[DYNAMO_NUMBER_MAX_ENCODED];
	int			len;

	decode_number(a, &na);
	decode_number(b, &nb);
	if (!dynamo_number_add(&na, &nb, subtract, &sum, &error))
		dynamo_number_raise_error(error, NULL, 0);
	len = dynamo_number_encode(&sum, encoded);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, (char) DYNAMO_TYPE_N);
	appendBinaryStringInfo(&buf, (const char *) encoded, len);
	return value_from_buffer(&buf);
}

/* list_append(a, b): the elements of a, then those of b */
static DynamoValue
append_lists(DynamoValue a, DynamoValue b)
{
	uint32		na = dynamo_container_count(a);
	uint32		nb = dynamo_container_count(b);
	DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(na + nb, 1));
	StringInfoData scratch;
	StringInfoData out;
	uint32		i;

	initStringInfo(&scratch);
	for (i = 0; i < na + nb; i++)
	{
		DynamoValue element = (i < na) ? dynamo_list_element(a, i) : dynamo_list_element(b, i - na);

		elements[i].name = NULL;
		elements[i].namelen = 0;
		elements[i].start = scratch.len;
		elements[i].len = element.len;
		appendBinaryStringInfo(&scratch, (const char *) element.data, element.len);
	}
	initStringInfo(&out);
	dynamo_write_container(&out, DYNAMO_TYPE_L, scratch.data, elements, na + nb);
	return value_from_buffer(&out);
}

/* the value of a SET operand, computed against the original item */
static DynamoValue
eval_set_operand(ExprNode *node, DynamoValue item)
{
	DynamoValue value,
				a,
				b;

	switch (node->type)
	{
		case EXPR_VALUE:
			return node->value;
		case EXPR_PATH:
			if (!expr_resolve_path(item, &node->path, &value))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "The provided expression refers to an attribute that does not exist in the item");
			return value;
		case EXPR_IF_NOT_EXISTS:
			if (expr_resolve_path(item, &node->args[0]->path, &value))
				return value;
			return eval_set_operand(node->args[1], item);
		case EXPR_LIST_APPEND:
			a = eval_set_operand(node->args[0], item);
			b = eval_set_operand(node->args[1], item);
			if (dynamo_value_type(a) != DYNAMO_TYPE_L || dynamo_value_type(b) != DYNAMO_TYPE_L)
				incorrect_data_type();
			return append_lists(a, b);
		case EXPR_PLUS:
		case EXPR_MINUS:
			a = eval_set_operand(node->args[0], item);
			b = eval_set_operand(node->args[1], item);
			if (dynamo_value_type(a) != DYNAMO_TYPE_N || dynamo_value_type(b) != DYNAMO_TYPE_N)
				incorrect_data_type();
			return add_numbers(a, b, node->type == EXPR_MINUS);
		default:
			elog(ERROR, "unexpected update operand node %d", (int) node->type);
	}
	return value;				/* not reached */
}

/*
 * The union (ADD) or difference (DELETE) of two sets of one type.  Both are
 * sorted, so this is a merge.  A difference may be empty: *empty says so.
 */
static DynamoValue
combine_sets(DynamoValue set, DynamoValue other, bool add, bool *empty)
{
	uint32		n1 = dynamo_container_count(set);
	uint32		n2 = dynamo_container_count(other);
	DynamoElement *elements = palloc(sizeof(DynamoElement) * (n1 + n2));
	StringInfoData scratch;
	StringInfoData out;
	uint32		i = 0,
				j = 0,
				n = 0;

	initStringInfo(&scratch);
	while (i < n1 || j < n2)
	{
		const uint8 *e1 = NULL,
				   *e2 = NULL;
		uint32		l1 = 0,
					l2 = 0;
		int			c;

		if (i < n1)
			dynamo_container_element(set, i, &e1, &l1);
		if (j < n2)
			dynamo_container_element(other, j, &e2, &l2);
		if (e1 == NULL)
			c = 1;
		else if (e2 == NULL)
			c = -1;
		else
			c = dynamo_name_compare((const char *) e1, l1, (const char *) e2, l2);

		if (c < 0 || (c > 0 && add))
		{
			const uint8 *e = (c < 0) ? e1 : e2;
			uint32		l = (c < 0) ? l1 : l2;

			elements[n].name = NULL;
			elements[n].namelen = 0;
			elements[n].start = scratch.len;
			elements[n].len = l;
			appendBinaryStringInfo(&scratch, (const char *) e, l);
			n++;
		}
		else if (c == 0 && add)
		{
			elements[n].name = NULL;
			elements[n].namelen = 0;
			elements[n].start = scratch.len;
			elements[n].len = l1;
			appendBinaryStringInfo(&scratch, (const char *) e1, l1);
			n++;
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	*empty = (n == 0);
	initStringInfo(&out);
	dynamo_write_container(&out, dynamo_value_type(set), scratch.data, elements, n);
	return value_from_buffer(&out);
}

/* walk to the container that holds the last element of path */
static TreeNode *
parent_for_update(TreeNode *root, const ExprPath *path)
{
	TreeNode   *node = root;
	int			i;

	for (i = 0; i < path->length - 1; i++)
	{
		const ExprPathElement *e = &path->elements[i];

		if (e->name != NULL)
		{
			if (node->type != DYNAMO_TYPE_M)
				invalid_path_for_update();
			node = tree_map_get(node, e->name, e->namelen);
		}
		else
		{
			if (node->type != DYNAMO_TYPE_L)
				invalid_path_for_update();
			node = tree_list_get(node, e->index);
		}
		if (node == NULL)
			invalid_path_for_update();
	}
	/* the container must be of the kind the last element addresses */
	if ((path->elements[path->length - 1].name != NULL) != (node->type == DYNAMO_TYPE_M) ||
		(node->type != DYNAMO_TYPE_M && node->type != DYNAMO_TYPE_L))
		invalid_path_for_update();
	return node;
}

static TreeNode *
child_get(TreeNode *parent, const ExprPathElement *e)
{
	return e->name ? tree_map_get(parent, e->name, e->namelen) : tree_list_get(parent, e->index);
}

static void
child_set(TreeNode *parent, const ExprPathElement *e, DynamoValue value)
{
	if (e->name)
		tree_map_set(parent, e->name, e->namelen, tree_from_value(value));
	else
		tree_list_set(parent, e->index, tree_from_value(value));
}

static void
child_remove(TreeNode *parent, const ExprPathElement *e)
{
	if (e->name)
		tree_map_remove(parent, e->name, e->namelen);
	else
		tree_list_remove(parent, e->index);
}

/* the value a tree node stands for (re-encoding it when it was edited) */
static DynamoValue
node_value(TreeNode *node)
{
	StringInfoData buf;

	if (!node->expanded)
		return node->encoded;
	initStringInfo(&buf);
	tree_write(&buf, node);
	return value_from_buffer(&buf);
}

/* ADD path :value (AttributeUpdates' ADD also appends to lists) */
static void
apply_add(TreeNode *root, const ExprPath *path, DynamoValue operand, bool legacy)
{
	TreeNode   *parent = parent_for_update(root, path);
	const ExprPathElement *last = &path->elements[path->length - 1];
	TreeNode   *existing = child_get(parent, last);
	DynamoValue current;
	bool		empty;

	if (existing == NULL)
	{
		child_set(parent, last, operand);
		return;
	}
	current = node_value(existing);
	if (dynamo_value_type(current) != dynamo_value_type(operand))
		type_mismatch(legacy);
	if (dynamo_value_type(current) == DYNAMO_TYPE_N)
		child_set(parent, last, add_numbers(current, operand, false));
	else if (dynamo_value_type(current) == DYNAMO_TYPE_L)
		child_set(parent, last, append_lists(current, operand));
	else
		child_set(parent, last, combine_sets(current, operand, true, &empty));
}

/* DELETE path :set */
static void
apply_delete(TreeNode *root, const ExprPath *path, DynamoValue operand, bool legacy)
{
	TreeNode   *parent = parent_for_update(root, path);
	const ExprPathElement *last = &path->elements[path->length - 1];
	TreeNode   *existing = child_get(parent, last);
	DynamoValue current;
	DynamoValue remaining;
	bool		empty;

	if (existing == NULL)
		return;
	current = node_value(existing);
	if (dynamo_value_type(current) != dynamo_value_type(operand))
		type_mismatch(legacy);
	remaining = combine_sets(current, operand, false, &empty);
	if (empty)
		child_remove(parent, last);
	else
		child_set(parent, last, remaining);
}

/* the index a path ends with, for ordering list edits; -1 for a name */
static int64
final_index(const ExprUpdateAction *action)
{
	const ExprPathElement *last = &action->path.elements[action->path.length - 1];

	return last->name ? -1 : (int64) last->index;
}

static int
compare_set_order(const void *a, const void *b)
{
	int64		ia = final_index(*(ExprUpdateAction *const *) a);
	int64		ib = final_index(*(ExprUpdateAction *const *) b);

	return (ia > ib) - (ia < ib);
}

static int
compare_remove_order(const void *a, const void *b)
{
	return -compare_set_order(a, b);
}

static bool
path_is_key(const ExprPath *path, const char *key)
{
	return key != NULL && path->elements[0].name != NULL &&
		strlen(key) == path->elements[0].namelen &&
		memcmp(key, path->elements[0].name, path->elements[0].namelen) == 0;
}

/*
 * Whether every action of update only takes data away (REMOVE, DELETE from a
 * set; in AttributeUpdates, DELETE with or without a Value).  DynamoDB does
 * not create a missing item for such an update, since it would write
 * nothing; an update without any action does create it (the key alone).
 */
bool
expr_update_only_removes(const ExprUpdate *update)
{
	int			i;

	if (update == NULL || update->nactions == 0)
		return false;
	for (i = 0; i < update->nactions; i++)
		if (update->actions[i].type != EXPR_UPDATE_REMOVE &&
			update->actions[i].type != EXPR_UPDATE_DELETE)
			return false;
	return true;
}

/*
 * Apply update to item (an M; the key attributes alone for an item that does
 * not exist yet).  With want_updated, also project the touched paths of the
 * old and new items.
 */
void
expr_apply_update(ExprUpdate *update, DynamoValue item, const ExprKeySchema *schema,
				  bool want_updated, ExprUpdateResult *result)
{
	DynamoValue *values = palloc0(sizeof(DynamoValue) * Max(update->nactions, 1));
	ExprUpdateAction **writes = palloc(sizeof(ExprUpdateAction *) * Max(update->nactions, 1));
	ExprUpdateAction **removes = palloc(sizeof(ExprUpdateAction *) * Max(update->nactions, 1));
	int			nwrites = 0,
				nremoves = 0;
	TreeNode   *root;
	int			i;

	memset(result, 0, sizeof(*result));
	for (i = 0; i < update->nactions; i++)
	{
		ExprUpdateAction *action = &update->actions[i];

		if (schema != NULL && (path_is_key(&action->path, schema->partition_key) ||
							   path_is_key(&action->path, schema->sort_key)))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "One or more parameter values were invalid: Cannot update attribute %.*s. This attribute is part of the key",
						 (int) action->path.elements[0].namelen, action->path.elements[0].name);
	}

	/* every value first, from the item as it was */
	for (i = 0; i < update->nactions; i++)
	{
		ExprUpdateAction *action = &update->actions[i];

		if (action->type == EXPR_UPDATE_REMOVE)
			removes[nremoves++] = action;
		else
		{
			values[i] = (action->type == EXPR_UPDATE_SET) ?
				eval_set_operand(action->operand, item) : action->operand->value;
			/* the value's deepest part lands at its path's level plus its own nesting */
			if (action->path.length + dynamo_value_nesting(values[i]) > DYNAMO_MAX_NESTING_DEPTH)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
			writes[nwrites++] = action;
		}
	}

	/*
	 * SET, ADD and DELETE in the order of the list index each ends with, so
	 * that elements appended beyond a list's end land in index order
	 */
	root = tree_from_value(item);
	qsort(writes, nwrites, sizeof(ExprUpdateAction *), compare_set_order);
	for (i = 0; i < nwrites; i++)
	{
		ExprUpdateAction *action = writes[i];
		DynamoValue value = values[action - update->actions];

		if (action->type == EXPR_UPDATE_SET)
			child_set(parent_for_update(root, &action->path),
					  &action->path.elements[action->path.length - 1], value);
		else if (action->type == EXPR_UPDATE_ADD)
			apply_add(root, &action->path, value, update->legacy);
		else
			apply_delete(root, &action->path, value, update->legacy);
	}
	qsort(removes, nremoves, sizeof(ExprUpdateAction *), compare_remove_order);
	for (i = 0; i < nremoves; i++)
	{
		TreeNode   *parent = parent_for_update(root, &removes[i]->path);

		child_remove(parent, &removes[i]->path.elements[removes[i]->path.length - 1]);
	}

	result->new_item = tree_to_varlena(root);

	if (want_updated)
	{
		ExprProjection touched;

		touched.npaths = update->nactions;
		touched.paths = palloc(sizeof(ExprPath) * Max(update->nactions, 1));
		for (i = 0; i < update->nactions; i++)
			touched.paths[i] = update->actions[i].path;
		result->updated_old = expr_project(&touched, item);
		result->updated_new = expr_project(&touched, dynamo_value_from_varlena(result->new_item));
	}
}
