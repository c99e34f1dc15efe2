/*-------------------------------------------------------------------------
 *
 * expr_tmp_encode.h
 *	  TEMPORARY: dynamo_encode_attribute_value() from a JsonNode, until
 *	  value_json_in.c encodes from the JSON tree itself.  Remove this file
 *	  and expr_tmp_encode.c when it does.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_EXPR_TMP_ENCODE_H
#define DYNAMO_EXPR_TMP_ENCODE_H

#include "value/json_node.h"
#include "value/value.h"

extern void expr_tmp_encode_attribute_value(StringInfo out, const JsonNode *attribute_value,
											int depth);

#define dynamo_encode_attribute_value expr_tmp_encode_attribute_value

#endif							/* DYNAMO_EXPR_TMP_ENCODE_H */
