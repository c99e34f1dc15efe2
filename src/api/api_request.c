/*-------------------------------------------------------------------------
 *
 * api_request.c
 *	  Reading the members of a DynamoDB JSON request, with DynamoDB's errors
 *	  for missing members and members of the wrong JSON type.
 *
 * A member set to JSON null counts as absent, as DynamoDB's parser treats
 * it.  Parameter names in messages are DynamoDB's lowerCamelCase paths
 * ('tableName', 'keySchema.1.member.attributeName').
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "api/api.h"
#include "errors.h"

/* a member of an object, or NULL when absent or JSON null */
JsonbValue *
request_object_member(JsonbContainer *object, const char *name)
{
	JsonbValue *v = getKeyJsonValueFromContainer(object, name, strlen(name), NULL);

	return (v == NULL || v->type == jbvNull) ? NULL : v;
}

/* a member of the request object */
JsonbValue *
request_member(Jsonb *request, const char *name)
{
	if (!JB_ROOT_IS_OBJECT(request))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	return request_object_member(&request->root, name);
}

bool
request_value_is_object(const JsonbValue *value)
{
	return value != NULL && value->type == jbvBinary && JsonContainerIsObject(value->val.binary.data);
}

bool
request_value_is_array(const JsonbValue *value)
{
	return value != NULL && value->type == jbvBinary && JsonContainerIsArray(value->val.binary.data);
}

/* DynamoDB's error for a required parameter that is missing */
void
request_missing(const char *parameter)
{
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
				 parameter);
}

/* the string a JSON value holds; SerializationException for other types */
char *
request_string_in(JsonbValue *value)
{
	if (value->type == jbvString)
		return pnstrdup(value->val.string.val, value->val.string.len);
	if (value->type == jbvNumeric)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "NUMBER_VALUE cannot be converted to String");
	if (value->type == jbvBool)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to String",
					 value->val.boolean ? "TRUE_VALUE" : "FALSE_VALUE");
	if (request_value_is_array(value))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unrecognized collection type class java.lang.String");
	dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	return NULL;
}

/* a string member; NULL when absent and not required */
char *
request_string(Jsonb *request, const char *name, const char *parameter, bool required)
{
	JsonbValue *v = request_member(request, name);

	if (v == NULL)
	{
		if (required)
			request_missing(parameter);
		return NULL;
	}
	return request_string_in(v);
}

/* a boolean member */
bool
request_bool(Jsonb *request, const char *name, bool default_value)
{
	JsonbValue *v = request_member(request, name);

	if (v == NULL)
		return default_value;
	if (v->type != jbvBool)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
	return v->val.boolean;
}

/* an integer JSON number */
int64
request_integer(JsonbValue *value)
{
	if (value->type != jbvNumeric)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(value->val.numeric)));
}

/* a container member as a jsonb datum of its own */
Jsonb *
request_sub_jsonb(JsonbValue *value)
{
	return JsonbValueToJsonb(value);
}

/* DynamoDB's checks on a table name parameter */
void
request_table_name_check(const char *table_name, const char *parameter)
{
	int			len = strlen(table_name);
	const char *c;

	for (c = table_name; *c; c++)
	{
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			  *c == '_' || *c == '.' || *c == '-'))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
						 table_name, parameter);
	}
	if (len < 3)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 3",
					 table_name, parameter);
	if (len > 255)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 255",
					 table_name, parameter);
}

/* The table of a TableName: DynamoDB's name checks, then the lookup. */
TableInfo *
request_table_named(const char *table_name)
{
	request_table_name_check(table_name, "tableName");
	return catalog_lookup_table(table_name, false);
}

/* The table a request's TableName member names. */
TableInfo *
request_table(Jsonb *request)
{
	return request_table_named(request_string(request, "TableName", "tableName", true));
}
