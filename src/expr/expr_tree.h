/*-------------------------------------------------------------------------
 *
 * expr_tree.h
 *	  A mutable view of an encoded value, for building new items: updates and
 *	  projections (private to src/expr/).
 *
 * A tree node starts as a reference to an encoding and is expanded into
 * children only when something below it changes, so an update touches and
 * re-encodes only the containers on the paths it writes; everything else is
 * copied as it was, byte for byte.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_EXPR_TREE_H
#define DYNAMO_EXPR_TREE_H

#include "value/value.h"

typedef struct TreeNode
{
	DynamoType	type;
	bool		expanded;
	DynamoValue encoded;		/* the value, while not expanded */
	int			count;			/* expanded M or L: children */
	int			capacity;
	const char **names;			/* M: sorted names */
	uint32	   *namelens;
	uint32	   *origins;		/* L built by a projection: source indexes */
	struct TreeNode **children;
} TreeNode;

/* expr_tree.c */
extern TreeNode *tree_from_value(DynamoValue value);
extern TreeNode *tree_new_container(DynamoType type);
extern void tree_expand(TreeNode *node);
extern TreeNode *tree_map_get(TreeNode *map, const char *name, uint32 namelen);
extern void tree_map_set(TreeNode *map, const char *name, uint32 namelen, TreeNode *child);
extern bool tree_map_remove(TreeNode *map, const char *name, uint32 namelen);
extern TreeNode *tree_list_get(TreeNode *list, uint32 index);
extern void tree_list_set(TreeNode *list, uint32 index, TreeNode *child);
extern bool tree_list_remove(TreeNode *list, uint32 index);
extern TreeNode *tree_list_get_origin(TreeNode *list, uint32 origin);
extern void tree_list_insert_origin(TreeNode *list, uint32 origin, TreeNode *child);
extern void tree_write(StringInfo out, TreeNode *node);
extern struct varlena *tree_to_varlena(TreeNode *node);

#endif							/* DYNAMO_EXPR_TREE_H */
