/*-------------------------------------------------------------------------
 *
 * api.h
 *	  dynamo.execute(action, request): DynamoDB's JSON requests parsed into
 *	  the spec structs of the layers below, dispatched, and answered with
 *	  DynamoDB's JSON responses.
 *
 * Parsing of a request is complete before anything executes: every field
 * is type-checked (SerializationException) and validated
 * (ValidationException, DynamoDB's messages) first.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_H
#define DYNAMO_API_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "catalog/catalog.h"

/* execute.c */
typedef Jsonb *(*ActionHandler) (Jsonb *request);
extern ActionHandler api_find_action(const char *action);

/* api_request.c: reading request members */
extern JsonbValue *request_member(Jsonb *request, const char *name);
extern JsonbValue *request_object_member(JsonbContainer *object, const char *name);
extern char *request_string(Jsonb *request, const char *name, const char *parameter, bool required);
extern char *request_string_in(JsonbValue *value);
extern bool request_bool(Jsonb *request, const char *name, bool default_value);
extern int64 request_integer(JsonbValue *value);
extern Jsonb *request_sub_jsonb(JsonbValue *value);
extern bool request_value_is_object(const JsonbValue *value);
extern bool request_value_is_array(const JsonbValue *value);
extern void request_missing(const char *parameter) pg_attribute_noreturn();
extern void request_table_name_check(const char *table_name, const char *parameter);
extern TableInfo *request_table_named(const char *table_name);
extern TableInfo *request_table(Jsonb *request);

/* api_tables.c: the control plane */
extern Jsonb *api_create_table(Jsonb *request);
extern Jsonb *api_describe_table(Jsonb *request);
extern Jsonb *api_list_tables(Jsonb *request);
extern Jsonb *api_update_table(Jsonb *request);
extern Jsonb *api_delete_table(Jsonb *request);

/* api_items.c: the single-item operations */
extern Jsonb *api_put_item(Jsonb *request);
extern Jsonb *api_get_item(Jsonb *request);
extern Jsonb *api_delete_item(Jsonb *request);
extern Jsonb *api_update_item(Jsonb *request);

/* api_batch.c */
extern Jsonb *api_batch_get_item(Jsonb *request);
extern Jsonb *api_batch_write_item(Jsonb *request);

/* api_read.c: Query and Scan */
extern Jsonb *api_query(Jsonb *request);
extern Jsonb *api_scan(Jsonb *request);

#endif							/* DYNAMO_API_H */
