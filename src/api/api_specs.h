/*-------------------------------------------------------------------------
 *
 * api_specs.h
 *	  Parsing single-item requests into the operations' specs, for the
 *	  actions that batch them (BatchGetItem, BatchWriteItem, the
 *	  transactions; private to src/api/).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_SPECS_H
#define DYNAMO_API_SPECS_H

#include "ops/ops.h"
#include "value/json_node.h"

/* api_items.c */
extern void api_key_from_map(const TableInfo *table, DynamoValue map, ItemKey *key);
extern void api_parse_put_item(const JsonNode *request, PutItemSpec *spec);
extern void api_parse_get_item(const JsonNode *request, GetItemSpec *spec);
extern void api_parse_delete_item(const JsonNode *request, DeleteItemSpec *spec);
extern void api_parse_update_item(const JsonNode *request, UpdateItemSpec *spec);

#endif							/* DYNAMO_API_SPECS_H */
