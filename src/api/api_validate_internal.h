/*-------------------------------------------------------------------------
 *
 * api_validate_internal.h
 *	  What the request validator's two files share: the values of a request
 *	  as DynamoDB's Java validator sees them (api_validate_values.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_VALIDATE_INTERNAL_H
#define DYNAMO_API_VALIDATE_INTERNAL_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "value/json_node.h"
#include "value/value.h"

/* api_validate_values.c */
extern int64 java_string_length(const char *text, uint32 len);
extern uint32 java_string_hash(const char *text, uint32 len);
extern bool api_pattern_matches(int pattern, const char *text, uint32 len);
extern int64 json_number_integer(const char *text, uint32 len);
extern int64 json_number_integer_checked(const char *text, uint32 len, bool *overflow);
extern bool json_boolean_value(const JsonNode *node, bool *value);
extern bool *shadowed_members(const JsonNode *object);
extern uint32 java_hash_code(int shape_index, const JsonNode *node);
extern void append_java_value(StringInfo buf, int shape_index, const JsonNode *node);

#endif							/* DYNAMO_API_VALIDATE_INTERNAL_H */
