/*-------------------------------------------------------------------------
 *
 * api_validate.h
 *	  DynamoDB's request validation against its service model, before any
 *	  table is looked up (api_validate.c, tables in api_shapes.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_VALIDATE_H
#define DYNAMO_API_VALIDATE_H

#include "postgres.h"

#include "value/json_node.h"

/* DynamoDB lists at most this many violations in one ValidationException */
#define API_MAX_VALIDATION_ERRORS 10

/* api_validate.c */
extern void api_validate_request(const char *action, const JsonNode *request);

#endif							/* DYNAMO_API_VALIDATE_H */
