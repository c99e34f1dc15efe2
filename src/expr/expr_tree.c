/*-------------------------------------------------------------------------
 *
 * expr_tree.c
 *	  The mutable value tree of expr_tree.h: lazy expansion, map and list
 *	  edits, and writing the tree back into the value encoding.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "expr/expr_tree.h"

/* a node standing for an existing encoding */
TreeNode *
tree_from_value(DynamoValue value)
{
	TreeNode   *node = palloc0(sizeof(TreeNode));

	node->type = dynamo_value_type(value);
	node->encoded = value;
	return node;
}

static void
ensure_capacity(TreeNode *node, int needed)
{
	if (needed <= node->capacity)
		return;
	node->capacity = Max(needed, node->capacity * 2);
	node->children = node->children ? repalloc(node->children, sizeof(TreeNode *) * node->capacity)
		: palloc(sizeof(TreeNode *) * node->capacity);
	if (node->type == DYNAMO_TYPE_M)
	{
		node->names = node->names ? repalloc(node->names, sizeof(char *) * node->capacity)
			: palloc(sizeof(char *) * node->capacity);
		node->namelens = node->namelens ? repalloc(node->namelens, sizeof(uint32) * node->capacity)
			: palloc(sizeof(uint32) * node->capacity);
	}
	else
		node->origins = node->origins ? repalloc(node->origins, sizeof(uint32) * node->capacity)
			: palloc(sizeof(uint32) * node->capacity);
}

/* a new, empty, expanded M or L */
TreeNode *
tree_new_container(DynamoType type)
{
	TreeNode   *node = palloc0(sizeof(TreeNode));

	Assert(type == DYNAMO_TYPE_M || type == DYNAMO_TYPE_L);
	node->type = type;
	node->expanded = true;
	ensure_capacity(node, 4);
	return node;
}

/* Turn an M or L that stands for an encoding into editable children. */
void
tree_expand(TreeNode *node)
{
	uint32		count;
	uint32		i;

	if (node->expanded)
		return;
	Assert(node->type == DYNAMO_TYPE_M || node->type == DYNAMO_TYPE_L);
	count = dynamo_container_count(node->encoded);
	node->expanded = true;
	ensure_capacity(node, Max(count, 4));
	for (i = 0; i < count; i++)
	{
		DynamoValue child;

		if (node->type == DYNAMO_TYPE_M)
		{
			const char *name;
			uint32		namelen;

			dynamo_map_entry(node->encoded, i, &name, &namelen, &child);
			node->names[i] = name;
			node->namelens[i] = namelen;
		}
		else
		{
			child = dynamo_list_element(node->encoded, i);
			node->origins[i] = i;
		}
		node->children[i] = tree_from_value(child);
	}
	node->count = count;
}

/* binary search of an expanded map: the index of name, or where it goes */
static int
map_position(TreeNode *map, const char *name, uint32 namelen, bool *found)
{
	int			low = 0;
	int			high = map->count;

	*found = false;
	while (low < high)
	{
		int			mid = low + (high - low) / 2;
		int			c = dynamo_name_compare(name, namelen, map->names[mid], map->namelens[mid]);

		if (c == 0)
		{
			*found = true;
			return mid;
		}
		if (c < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return low;
}

/* the child named name of a map, or NULL */
TreeNode *
tree_map_get(TreeNode *map, const char *name, uint32 namelen)
{
	bool		found;
	int			position;

	tree_expand(map);
	position = map_position(map, name, namelen, &found);
	return found ? map->children[position] : NULL;
}

/* set (add or replace) the child named name of a map */
void
tree_map_set(TreeNode *map, const char *name, uint32 namelen, TreeNode *child)
{
	bool		found;
	int			position;

	tree_expand(map);
	position = map_position(map, name, namelen, &found);
	if (found)
	{
		map->children[position] = child;
		return;
	}
	ensure_capacity(map, map->count + 1);
	memmove(&map->children[position + 1], &map->children[position],
			sizeof(TreeNode *) * (map->count - position));
	memmove(&map->names[position + 1], &map->names[position],
			sizeof(char *) * (map->count - position));
	memmove(&map->namelens[position + 1], &map->namelens[position],
			sizeof(uint32) * (map->count - position));
	map->children[position] = child;
	map->names[position] = name;
	map->namelens[position] = namelen;
	map->count++;
}

/* remove the child named name of a map; false when there is none */
bool
tree_map_remove(TreeNode *map, const char *name, uint32 namelen)
{
	bool		found;
	int			position;

	tree_expand(map);
	position = map_position(map, name, namelen, &found);
	if (!found)
		return false;
	memmove(&map->children[position], &map->children[position + 1],
			sizeof(TreeNode *) * (map->count - position - 1));
	memmove(&map->names[position], &map->names[position + 1],
			sizeof(char *) * (map->count - position - 1));
	memmove(&map->namelens[position], &map->namelens[position + 1],
			sizeof(uint32) * (map->count - position - 1));
	map->count--;
	return true;
}

/* element index of a list, or NULL beyond its end */
TreeNode *
tree_list_get(TreeNode *list, uint32 index)
{
	tree_expand(list);
	return index < (uint32) list->count ? list->children[index] : NULL;
}

/* replace element index of a list; beyond the end, append */
void
tree_list_set(TreeNode *list, uint32 index, TreeNode *child)
{
	tree_expand(list);
	if (index < (uint32) list->count)
	{
		list->children[index] = child;
		return;
	}
	ensure_capacity(list, list->count + 1);
	list->origins[list->count] = list->count;
	list->children[list->count++] = child;
}

/* remove element index of a list; false when there is none */
bool
tree_list_remove(TreeNode *list, uint32 index)
{
	tree_expand(list);
	if (index >= (uint32) list->count)
		return false;
	memmove(&list->children[index], &list->children[index + 1],
			sizeof(TreeNode *) * (list->count - index - 1));
	memmove(&list->origins[index], &list->origins[index + 1],
			sizeof(uint32) * (list->count - index - 1));
	list->count--;
	return true;
}

/* the element of a projected list that came from source index origin */
TreeNode *
tree_list_get_origin(TreeNode *list, uint32 origin)
{
	int			i;

	for (i = 0; i < list->count; i++)
		if (list->origins[i] == origin)
			return list->children[i];
	return NULL;
}

/* insert into a projected list, keeping the source order */
void
tree_list_insert_origin(TreeNode *list, uint32 origin, TreeNode *child)
{
	int			position = list->count;

	while (position > 0 && list->origins[position - 1] > origin)
		position--;
	ensure_capacity(list, list->count + 1);
	memmove(&list->children[position + 1], &list->children[position],
			sizeof(TreeNode *) * (list->count - position));
	memmove(&list->origins[position + 1], &list->origins[position],
			sizeof(uint32) * (list->count - position));
	list->children[position] = child;
	list->origins[position] = origin;
	list->count++;
}

/* Append the encoding of a tree. */
void
tree_write(StringInfo out, TreeNode *node)
{
	StringInfoData scratch;
	DynamoElement *elements;
	int			i;

	check_stack_depth();
	if (!node->expanded)
	{
		appendBinaryStringInfo(out, (const char *) node->encoded.data, node->encoded.len);
		return;
	}
	initStringInfo(&scratch);
	elements = palloc(sizeof(DynamoElement) * Max(node->count, 1));
	for (i = 0; i < node->count; i++)
	{
		elements[i].name = (node->type == DYNAMO_TYPE_M) ? node->names[i] : NULL;
		elements[i].namelen = (node->type == DYNAMO_TYPE_M) ? node->namelens[i] : 0;
		elements[i].start = scratch.len;
		tree_write(&scratch, node->children[i]);
		elements[i].len = scratch.len - elements[i].start;
	}
	dynamo_write_container(out, node->type, scratch.data, elements, node->count);
	pfree(scratch.data);
	pfree(elements);
}

/* A tree as a new dynamo.item / dynamo.value datum. */
struct varlena *
tree_to_varlena(TreeNode *node)
{
	StringInfoData buf;
	struct varlena *result;

	initStringInfo(&buf);
	tree_write(&buf, node);
	result = dynamo_value_to_varlena((const uint8 *) buf.data, buf.len);
	pfree(buf.data);
	return result;
}
