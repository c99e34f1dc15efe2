/*-------------------------------------------------------------------------
 *
 * value_plain.c
 *	  Plain JSON, the form the SDK document clients use, to and from values.
 *
 * To plain:   S -> string;  N -> number (exact: jsonb numbers are numeric);
 *             B -> base64 string;  BOOL -> boolean;  NULL -> null;
 *             M -> object;  L -> array;  SS -> array of strings;
 *             NS -> array of numbers;  BS -> array of base64 strings.
 * From plain: string -> S;  number -> N (DynamoDB's number rules apply);
 *             boolean -> BOOL;  null -> NULL;  object -> M;  array -> L.
 *
 * So sets and binaries do not survive a round trip: sets come back as lists
 * and binaries as strings.  This is the document clients' default too, which
 * marshal only their own set and binary objects into SS/NS/BS and B.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "errors.h"
#include "value/value.h"

/* push a JSON number holding the DynamoDB number text in buf */
static void
push_number(JsonbParseState **state, JsonbIteratorToken token, const uint8 *data, uint32 len)
{
	StringInfoData buf;
	JsonbValue	v;

	initStringInfo(&buf);
	dynamo_number_append_encoded_text(&buf, data, len);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
														CStringGetDatum(buf.data),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
	(void) pushJsonbValue(state, token, &v);
	pfree(buf.data);
}

static void
push_base64(JsonbParseState **state, JsonbIteratorToken token, const uint8 *data, uint32 len)
{
	StringInfoData buf;

	initStringInfo(&buf);
	dynamo_append_base64(&buf, data, len);
	dynamo_push_jsonb_string(state, token, buf.data, buf.len);
}

/* push value in plain form as a value (token WJB_VALUE or WJB_ELEM) */
static JsonbValue *
push_plain(JsonbParseState **state, JsonbIteratorToken token, DynamoValue value)
{
	DynamoType	type = dynamo_value_type(value);
	const uint8 *payload = dynamo_value_payload(value);
	uint32		payload_len = dynamo_value_payload_len(value);
	JsonbValue	scalar;
	uint32		count;
	uint32		i;

	check_stack_depth();
	switch (type)
	{
		case DYNAMO_TYPE_S:
			dynamo_push_jsonb_string(state, token, (const char *) payload, payload_len);
			break;
		case DYNAMO_TYPE_N:
			push_number(state, token, payload, payload_len);
			break;
		case DYNAMO_TYPE_B:
			push_base64(state, token, payload, payload_len);
			break;
		case DYNAMO_TYPE_BOOL:
			scalar.type = jbvBool;
			scalar.val.boolean = payload[0] != 0;
			(void) pushJsonbValue(state, token, &scalar);
			break;
		case DYNAMO_TYPE_NULL:
			scalar.type = jbvNull;
			(void) pushJsonbValue(state, token, &scalar);
			break;
		case DYNAMO_TYPE_M:
			count = dynamo_container_count(value);
			(void) pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
			for (i = 0; i < count; i++)
			{
				const char *name;
				uint32		namelen;
				DynamoValue child;

				dynamo_map_entry(value, i, &name, &namelen, &child);
				dynamo_push_jsonb_string(state, WJB_KEY, name, namelen);
				(void) push_plain(state, WJB_VALUE, child);
			}
			return pushJsonbValue(state, WJB_END_OBJECT, NULL);
		case DYNAMO_TYPE_L:
			count = dynamo_container_count(value);
			(void) pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			for (i = 0; i < count; i++)
				(void) push_plain(state, WJB_ELEM, dynamo_list_element(value, i));
			return pushJsonbValue(state, WJB_END_ARRAY, NULL);
		case DYNAMO_TYPE_SS:
		case DYNAMO_TYPE_NS:
		case DYNAMO_TYPE_BS:
			count = dynamo_container_count(value);
			(void) pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			for (i = 0; i < count; i++)
			{
				const uint8 *elem;
				uint32		elem_len;

				dynamo_container_element(value, i, &elem, &elem_len);
				if (type == DYNAMO_TYPE_SS)
					dynamo_push_jsonb_string(state, WJB_ELEM, (const char *) elem, elem_len);
				else if (type == DYNAMO_TYPE_NS)
					push_number(state, WJB_ELEM, elem, elem_len);
				else
					push_base64(state, WJB_ELEM, elem, elem_len);
			}
			return pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	return NULL;
}

/* A value (an item is a map) in plain JSON. */
Jsonb *
dynamo_value_to_plain(DynamoValue value)
{
	JsonbParseState *state = NULL;
	JsonbValue *root;

	if (dynamo_type_is_container(dynamo_value_type(value)))
		root = push_plain(&state, WJB_VALUE, value);
	else
	{
		/* a scalar document is a one-element raw-scalar array in jsonb */
		JsonbValue	array;

		array.type = jbvArray;
		array.val.array.rawScalar = true;
		array.val.array.nElems = 1;
		(void) pushJsonbValue(&state, WJB_BEGIN_ARRAY, &array);
		(void) push_plain(&state, WJB_ELEM, value);
		root = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	return JsonbValueToJsonb(root);
}

/* append the encoding of a plain JSON value */
static void
encode_plain(StringInfo out, JsonbValue *v, int depth)
{
	check_stack_depth();
	if (depth > DYNAMO_MAX_NESTING_DEPTH)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
	switch (v->type)
	{
		case jbvString:
			appendStringInfoChar(out, (char) DYNAMO_TYPE_S);
			appendBinaryStringInfo(out, v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric)));

				appendStringInfoChar(out, (char) DYNAMO_TYPE_N);
				dynamo_number_append_parsed(out, text, strlen(text));
				break;
			}
		case jbvBool:
			appendStringInfoChar(out, (char) DYNAMO_TYPE_BOOL);
			appendStringInfoChar(out, v->val.boolean ? 1 : 0);
			break;
		case jbvNull:
			appendStringInfoChar(out, (char) DYNAMO_TYPE_NULL);
			break;
		case jbvBinary:
			{
				JsonbContainer *container = v->val.binary.data;
				bool		is_map = JsonContainerIsObject(container);
				uint32		count = JsonContainerSize(container);
				DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(count, 1));
				StringInfoData scratch;
				JsonbIterator *it = JsonbIteratorInit(container);
				JsonbValue	child;
				JsonbIteratorToken token;
				uint32		n = 0;
				const char *name = NULL;
				uint32		namelen = 0;

				initStringInfo(&scratch);
				while ((token = JsonbIteratorNext(&it, &child, true)) != WJB_DONE)
				{
					if (token == WJB_KEY)
					{
						name = child.val.string.val;
						namelen = child.val.string.len;
						continue;
					}
					if (token != WJB_VALUE && token != WJB_ELEM)
						continue;
					elements[n].name = name;
					elements[n].namelen = namelen;
					elements[n].start = scratch.len;
					encode_plain(&scratch, &child, depth + 1);
					elements[n].len = scratch.len - elements[n].start;
					n++;
				}
				if (is_map)
					dynamo_sort_map_elements(elements, n);	/* jsonb sorts by length first */
				dynamo_write_container(out, is_map ? DYNAMO_TYPE_M : DYNAMO_TYPE_L,
									   scratch.data, elements, n);
				pfree(scratch.data);
				pfree(elements);
				break;
			}
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
}

/*
 * A dynamo.item (want_item) or dynamo.value datum from plain JSON.  An item
 * must be a JSON object.
 */
struct varlena *
dynamo_value_from_plain(Jsonb *jsonb, bool want_item)
{
	StringInfoData buf;
	JsonbValue	root;
	struct varlena *result;

	if (want_item && !JB_ROOT_IS_OBJECT(jsonb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an item in plain JSON must be a JSON object")));
	if (JB_ROOT_IS_SCALAR(jsonb))
	{
		if (!JsonbExtractScalar(&jsonb->root, &root))
			elog(ERROR, "could not extract jsonb scalar");
	}
	else
	{
		root.type = jbvBinary;
		root.val.binary.data = &jsonb->root;
		root.val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	}
	initStringInfo(&buf);
	encode_plain(&buf, &root, want_item ? 0 : 1);
	result = dynamo_value_to_varlena((const uint8 *) buf.data, buf.len);
	pfree(buf.data);
	return result;
}
