/*-------------------------------------------------------------------------
 *
 * api_request.c
 *	  Reading the members of a DynamoDB JSON request (a JsonNode tree of the
 *	  extension's own reader), with DynamoDB's errors for missing members and
 *	  members of the wrong JSON type.
 *
 * A member set to JSON null counts as absent, as DynamoDB's parser treats
 * it.  Parameter names in messages are DynamoDB's lowerCamelCase paths
 * ('tableName', 'keySchema.1.member.attributeName').  Nothing here assumes
 * a member exists: every reader returns NULL (or the default) for an absent
 * one, and callers check.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "api/api.h"
#include "api/api_validate_internal.h"
#include "errors.h"

/* a member of the request object: present and not null, or NULL */
const JsonNode *
request_member(const JsonNode *request, const char *name)
{
	return json_member_present(request, name);
}

bool
request_is_object(const JsonNode *value)
{
	return value != NULL && value->kind == JSON_OBJECT;
}

bool
request_is_array(const JsonNode *value)
{
	return value != NULL && value->kind == JSON_ARRAY;
}

/* DynamoDB's error for a required parameter that is missing */
void
request_missing(const char *parameter)
{
	dynamo_error(DYNAMO_EXC_VALIDATION,
				 "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
				 parameter);
}

/* the string a JSON value holds; SerializationException for other kinds */
const char *
request_string_in(const JsonNode *value)
{
	switch (value->kind)
	{
		case JSON_STRING:
			return value->u.text;
		case JSON_NUMBER:
		case JSON_BOOL:
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to String",
						 json_token_name(value));
			break;
		case JSON_ARRAY:
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unrecognized collection type class java.lang.String");
			break;
		default:
			break;
	}
	dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	return NULL;
}

/* a string member; NULL when absent and not required */
const char *
request_string(const JsonNode *request, const char *name, const char *parameter, bool required)
{
	const JsonNode *v = request_member(request, name);

	if (v == NULL)
	{
		if (required)
			request_missing(parameter);
		return NULL;
	}
	return request_string_in(v);
}

/*
 * An expression member: a string that is handed to the expression parsers as
 * a C string, so a U+0000 inside it is the syntax error it would be in
 * DynamoDB's lexer rather than a silent end of the text.
 */
const char *
request_expression(const JsonNode *request, const char *name)
{
	const JsonNode *v = request_member(request, name);
	const char *text;

	if (v == NULL)
		return NULL;
	text = request_string_in(v);
	if (strlen(text) != v->count)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid %s: Syntax error; token: \"\\u0000\", near: \"%s\"", name, text);
	return text;
}

/*
 * A boolean member.  DynamoDB's parser also takes the strings true/false,
 * yes/no and 1/0; the validator has refused anything else already.
 */
bool
request_bool(const JsonNode *request, const char *name, bool default_value)
{
	const JsonNode *v = request_member(request, name);
	bool		value;

	if (v == NULL)
		return default_value;
	if (!json_boolean_value(v, &value))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
	return value;
}

/*
 * An integer JSON number, its fraction dropped as DynamoDB's parser drops
 * it; one beyond a Java long is DynamoDB's SerializationException.
 */
int64
request_integer(const JsonNode *value)
{
	bool		overflow = false;
	int64		result;

	if (value->kind != JSON_NUMBER)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected token received from parser");
	result = json_number_integer_checked(value->u.text, value->count, &overflow);
	if (overflow)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Numeric value (%s) out of range of long",
					 value->u.text);
	return result;
}

/* an optional object member; SerializationException for another kind */
const JsonNode *
request_object(const JsonNode *request, const char *name)
{
	const JsonNode *v = request_member(request, name);

	if (v != NULL && v->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	return v;
}

/* an optional array member; SerializationException for another kind */
const JsonNode *
request_array(const JsonNode *request, const char *name)
{
	const JsonNode *v = request_member(request, name);

	if (v != NULL && v->kind != JSON_ARRAY)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	return v;
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

/*
 * The table of a TableName: DynamoDB's name checks, then the lookup.  A
 * table still CREATING (a restore or an import filling it) is not there
 * for the data plane yet, as in DynamoDB.
 */
TableInfo *
request_table_named(const char *table_name)
{
	TableInfo  *table;

	request_table_name_check(table_name, "tableName");
	table = catalog_lookup_table(table_name, false);
	if (table->creating)
		catalog_raise_not_found(table_name, false);
	return table;
}

/* The table a request's TableName member names. */
TableInfo *
request_table(const JsonNode *request)
{
	return request_table_named(request_string(request, "TableName", "tableName", true));
}

/* A request object made of the given members (batches build their parts). */
JsonNode *
request_build(JsonMember *members, uint32 count)
{
	JsonNode   *node = palloc(sizeof(JsonNode));

	node->kind = JSON_OBJECT;
	node->count = count;
	node->u.members = members;
	return node;
}

/* a member of a request being built */
void
request_build_member(JsonMember *member, const char *name, const JsonNode *value)
{
	member->name = name;
	member->namelen = strlen(name);
	member->value = *value;
}

/* a string node (for requests being built) */
JsonNode
request_string_node(const char *text, uint32 len)
{
	JsonNode	node;

	node.kind = JSON_STRING;
	node.count = len;
	node.u.text = text;
	return node;
}
