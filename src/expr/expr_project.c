/*-------------------------------------------------------------------------
 *
 * expr_project.c
 *	  Projection expressions: the parts of an item that a list of document
 *	  paths selects, with the nesting kept as DynamoDB returns it.
 *
 * A path into a map keeps the map around the selected entries; a path into a
 * list keeps a list of only the selected elements, compacted and in their
 * original order ("c[2], c[1]" gives c as [c[1], c[2]]).  Paths that lead
 * nowhere are left out.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/expr.h"
#include "expr/expr_tree.h"

/* add the value at path (already resolved in the item) to the result tree */
static void
add_projected_path(TreeNode *result, DynamoValue item, const ExprPath *path)
{
	TreeNode   *node = result;
	DynamoValue current = item;
	int			i;

	for (i = 0; i < path->length; i++)
	{
		const ExprPathElement *e = &path->elements[i];
		bool		last = (i == path->length - 1);
		DynamoType	next_type = last ? 0 :
			(path->elements[i + 1].name != NULL ? DYNAMO_TYPE_M : DYNAMO_TYPE_L);
		TreeNode   *child;

		if (e->name != NULL)
		{
			dynamo_map_lookup(current, e->name, e->namelen, &current);
			child = tree_map_get(node, e->name, e->namelen);
			if (last)
				tree_map_set(node, e->name, e->namelen, tree_from_value(current));
			else if (child == NULL)
			{
				child = tree_new_container(next_type);
				tree_map_set(node, e->name, e->namelen, child);
			}
		}
		else
		{
			current = dynamo_list_element(current, e->index);
			child = tree_list_get_origin(node, e->index);
			if (last)
				tree_list_insert_origin(node, e->index, tree_from_value(current));
			else if (child == NULL)
			{
				child = tree_new_container(next_type);
				tree_list_insert_origin(node, e->index, child);
			}
		}
		node = child;
	}
}

/* The projection of an item: a new item with only the selected parts. */
struct varlena *
expr_project(ExprProjection *projection, DynamoValue item)
{
	TreeNode   *result = tree_new_container(DYNAMO_TYPE_M);
	int			i;

	for (i = 0; i < projection->npaths; i++)
	{
		DynamoValue found;

		if (expr_resolve_path(item, &projection->paths[i], &found))
			add_projected_path(result, item, &projection->paths[i]);
	}
	return tree_to_varlena(result);
}
