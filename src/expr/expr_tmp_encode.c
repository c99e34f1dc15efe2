/*-------------------------------------------------------------------------
 *
 * expr_tmp_encode.c
 *	  TEMPORARY: encode a JsonNode AttributeValue through the jsonb encoder
 *	  of value_json_in.c, until that file encodes from the JSON tree itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "value/json_node.h"
#include "value/value.h"

extern void expr_tmp_encode_attribute_value(StringInfo out, const JsonNode *attribute_value,
											int depth);

/* a scalar node as a JsonbValue */
static void
scalar_value(const JsonNode *node, JsonbValue *v)
{
	switch (node->kind)
	{
		case JSON_NULL:
			v->type = jbvNull;
			break;
		case JSON_BOOL:
			v->type = jbvBool;
			v->val.boolean = node->u.boolean;
			break;
		case JSON_NUMBER:
			v->type = jbvNumeric;
			v->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																 CStringGetDatum(node->u.text),
																 ObjectIdGetDatum(InvalidOid),
																 Int32GetDatum(-1)));
			break;
		case JSON_STRING:
			v->type = jbvString;
			v->val.string.val = (char *) node->u.text;
			v->val.string.len = node->count;
			break;
		default:
			elog(ERROR, "not a scalar");
	}
}

/* push a node into a jsonb being built */
static JsonbValue *
push_node(JsonbParseState **state, JsonbIteratorToken token, const JsonNode *node)
{
	JsonbValue	v;
	JsonbValue *result = NULL;
	uint32		i;

	check_stack_depth();
	if (node->kind == JSON_ARRAY)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < node->count; i++)
			push_node(state, WJB_ELEM, &node->u.elements[i]);
		return pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	if (node->kind == JSON_OBJECT)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		for (i = 0; i < node->count; i++)
		{
			JsonbValue	key;

			key.type = jbvString;
			key.val.string.val = (char *) node->u.members[i].name;
			key.val.string.len = node->u.members[i].namelen;
			pushJsonbValue(state, WJB_KEY, &key);
			push_node(state, WJB_VALUE, &node->u.members[i].value);
		}
		return pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	scalar_value(node, &v);
	result = pushJsonbValue(state, token, &v);
	return result;
}

/* dynamo_encode_attribute_value() of a JsonNode, through jsonb */
void
expr_tmp_encode_attribute_value(StringInfo out, const JsonNode *attribute_value, int depth)
{
	JsonbValue	v;

	if (attribute_value->kind == JSON_ARRAY || attribute_value->kind == JSON_OBJECT)
	{
		JsonbParseState *state = NULL;
		Jsonb	   *jsonb = JsonbValueToJsonb(push_node(&state, WJB_VALUE, attribute_value));

		v.type = jbvBinary;
		v.val.binary.data = &jsonb->root;
		v.val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	}
	else
		scalar_value(attribute_value, &v);
	dynamo_encode_attribute_value(out, &v, depth);
}
