/*-------------------------------------------------------------------------
 *
 * api_validate.c
 *	  DynamoDB's request validation, generated from its service model: every
 *	  request is checked against its action's input shape (api_shapes.c)
 *	  before any table is looked up, as DynamoDB does.
 *
 * TWO PASSES
 *
 * DynamoDB first deserializes the whole request, then validates it.  So a
 * JSON value of the wrong kind anywhere (a number where a string belongs, a
 * string where a list belongs) is a SerializationException that wins over
 * every constraint violation; it is found by the first pass, which walks the
 * request in document order as a parser would and stops at the first one.
 * The second pass collects the constraint violations of the whole request
 * (required members, enum value sets, string lengths and patterns, numeric
 * ranges, list and map sizes) in DynamoDB's order and raises them together
 * as one ValidationException: "2 validation errors detected: ...; ...",
 * listing at most API_MAX_VALIDATION_ERRORS of them.
 *
 * ORDER AND PATHS
 *
 * A structure's members are checked in the order of api_shapes.c (DynamoDB's
 * own, see scripts/gen_api_shapes.py), depth first: a member's own
 * constraints, then what is inside it.  Within one string member: length,
 * then pattern, then enum (DynamoDB's order between a length and a pattern
 * violation of one value varies between its answers).  Paths are the
 * lowerCamelCase member names joined by dots; a list element is
 * "<list>.<n>.member" (n from 1) and a map value "<map>.<key>.member".
 * Constraints on list elements and map keys and values are reported once,
 * on the collection, listing all the element shape's constraints:
 * "Member must satisfy constraint: [...]" (list elements), "Map keys must
 * satisfy constraint: [...]", "Map value must satisfy constraint: [...]".
 *
 * JSON null is an absent member, and of members of the same name the last
 * counts, as DynamoDB's parser keeps it (a map's size, though, counts its
 * JSON members).  Members the model does not know are ignored, as DynamoDB
 * ignores them.  AttributeValues are not descended into: the value encoder
 * checks them with its own messages (so a wrong JSON kind inside one comes
 * after this validation, where DynamoDB would report it first).
 *
 * COST
 *
 * The walk allocates nothing but the messages of the violations it finds
 * (the path to a value is a stack of pointers into the request, rendered
 * only for a violation); its depth is bounded by the model's (AttributeValues,
 * the only recursive shape, are not entered), and it stops early once the
 * message is full.  A typical PutItem costs less to validate than to parse.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "api/api_shapes.h"
#include "api/api_validate.h"
#include "api/api_validate_internal.h"
#include "errors.h"

/* the message of ParameterizedList/Map values that are not a collection */
#define PARAMETERIZED_CAST_MESSAGE \
	"class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')"

/* one step of the path to the value being checked */
typedef struct PathStep
{
	const char *name;			/* member name or map key */
	uint32		namelen;
	uint32		index;			/* list element, from 1 */
	bool		element;		/* a list element: "<index>.member" */
	bool		entry;			/* a map value: "<name>.member" */
} PathStep;

/* deeper than any shape of the model nests */
#define MAX_PATH_DEPTH 64

typedef struct Validation
{
	PathStep	path[MAX_PATH_DEPTH];	/* rendered only for a violation */
	int			depth;
	StringInfo	errors;			/* the violations so far, NULL before the
								 * first */
	int			count;			/* number of violations listed */
} Validation;

static void validate_member(Validation *v, int shape_index, const JsonNode *node, bool required);
static void validate_inside(Validation *v, int shape_index, const JsonNode *node);

/* the operation of an action name, or NULL */
static const ApiOperation *
find_operation(const char *action)
{
	int			low = 0;
	int			high = ApiOperationCount - 1;

	while (low <= high)
	{
		int			mid = (low + high) / 2;
		int			cmp = strcmp(ApiOperations[mid].name, action);

		if (cmp == 0)
			return &ApiOperations[mid];
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid - 1;
	}
	return NULL;
}

/* position of a JSON member name among a structure's members, or -1 */
static int
find_member(const ApiShape *shape, const char *name, uint32 namelen)
{
	int			low = 0;
	int			high = shape->count - 1;

	while (low <= high)
	{
		int			mid = (low + high) / 2;
		int			index = ApiMemberLookup[shape->lookup + mid];
		const ApiMember *member = &ApiMembers[index];
		int			cmp = memcmp(member->name, name, Min(member->namelen, namelen));

		if (cmp == 0)
			cmp = (member->namelen > namelen) - (member->namelen < namelen);
		if (cmp == 0)
			return index - shape->first;
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid - 1;
	}
	return -1;
}

static void
serialization_error(const char *message)
{
	dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s", message);
}

/*
 * First pass: DynamoDB's SerializationException for a JSON value of the
 * wrong kind.  as_member says whether the value is a structure's member
 * (a "field") or a list element or map value: DynamoDB's parser words
 * some errors differently for the two.
 */
static void
check_kinds(int shape_index, const JsonNode *node, bool as_member)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	const char *java_name = NULL;
	uint32		i;

	check_stack_depth();
	if (node->kind == JSON_NULL)
		return;
	switch ((ApiShapeType) shape->type)
	{
		case API_STRING:
			if (node->kind == JSON_STRING)
				return;
			if (node->kind == JSON_BOOL)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to String",
							 json_token_name(node));
			if (node->kind == JSON_NUMBER)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to String",
							 json_token_name(node));
			if (node->kind == JSON_ARRAY)
				serialization_error("Unrecognized collection type class java.lang.String");
			serialization_error("Start of structure or map found where not expected");
			return;

		case API_INTEGER:
			java_name = "Integer";
			/* FALLTHROUGH */
		case API_LONG:
			if (java_name == NULL)
				java_name = "Long";
			/* FALLTHROUGH */
		case API_DOUBLE:
			if (java_name == NULL)
				java_name = "Double";
			if (node->kind == JSON_NUMBER)
			{
				bool		overflow = false;
				int64		value;

				if (shape->type == API_DOUBLE)
					return;
				value = json_number_integer_checked(node->u.text, node->count, &overflow);
				if (shape->type == API_INTEGER && (value < PG_INT32_MIN || value > PG_INT32_MAX))
					overflow = true;
				if (overflow)
					dynamo_error(DYNAMO_EXC_SERIALIZATION, "Numeric value (%s) out of range of %s",
								 node->u.text, shape->type == API_INTEGER ? "int" : "long");
				return;
			}
			if (node->kind == JSON_STRING)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "STRING_VALUE cannot be converted to %s",
							 java_name);
			if (node->kind == JSON_BOOL)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to %s",
							 json_token_name(node), java_name);
			if (node->kind == JSON_ARRAY)
				dynamo_error(DYNAMO_EXC_SERIALIZATION,
							 "Unrecognized collection type class java.lang.%s", java_name);
			serialization_error("Start of structure or map found where not expected");
			return;

		case API_BOOLEAN:
			{
				bool		value;

				if (json_boolean_value(node, &value))
					return;
				if (node->kind == JSON_NUMBER)
					dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to Boolean",
								 json_token_name(node));
				if (node->kind == JSON_ARRAY)
					serialization_error("Unrecognized collection type class java.lang.Boolean");
				if (node->kind == JSON_OBJECT)
					serialization_error("Start of structure or map found where not expected");
				serialization_error("Unexpected token received from parser");
				return;
			}

		case API_BLOB:
			if (node->kind == JSON_STRING)
				return;
			if (node->kind == JSON_ARRAY)
				serialization_error("Unrecognized collection type class java.nio.ByteBuffer");
			if (node->kind == JSON_OBJECT)
				serialization_error("Start of structure or map found where not expected");
			serialization_error("only base-64-encoded strings are convertible to bytes");
			return;

		case API_TIMESTAMP:
			if (node->kind == JSON_NUMBER || node->kind == JSON_STRING)
				return;
			if (node->kind == JSON_BOOL)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "%s cannot be converted to Date",
							 json_token_name(node));
			if (node->kind == JSON_ARRAY)
				serialization_error("Unrecognized collection type class java.util.Date");
			serialization_error("Start of structure or map found where not expected");
			return;

		case API_LIST:
			if (node->kind == JSON_OBJECT)
				serialization_error("Start of structure or map found where not expected");
			if (node->kind != JSON_ARRAY)
				serialization_error(as_member ? "Unexpected field type" : PARAMETERIZED_CAST_MESSAGE);
			for (i = 0; i < node->count; i++)
				check_kinds(shape->element, &node->u.elements[i], false);
			return;

		case API_MAP:
			if (node->kind == JSON_ARRAY)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unrecognized collection type %s",
							 shape->java_type);
			if (node->kind != JSON_OBJECT)
				serialization_error(as_member ? "Unexpected field type" : PARAMETERIZED_CAST_MESSAGE);
			for (i = 0; i < node->count; i++)
				check_kinds(shape->value, &node->u.members[i].value, false);
			return;

		case API_STRUCTURE:
		case API_ATTRIBUTE_VALUE:
			if (node->kind == JSON_ARRAY)
				dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unrecognized collection type class %s",
							 shape->java_type);
			if (node->kind != JSON_OBJECT)
				serialization_error(as_member ? "Unexpected field type" : "Unexpected value type in payload");
			if (shape->type == API_ATTRIBUTE_VALUE)
				return;
			for (i = 0; i < node->count; i++)
			{
				const JsonMember *m = &node->u.members[i];
				int			position = find_member(shape, m->name, m->namelen);

				if (position >= 0)
					check_kinds(ApiMembers[shape->first + position].shape, &m->value, true);
			}
			return;
	}
}

/* whether any more violation can be listed */
static inline bool
validation_full(const Validation *v)
{
	return v->count >= API_MAX_VALIDATION_ERRORS;
}

/* the path in DynamoDB's form: "keySchema.1.member.attributeName" */
static void
append_path(StringInfo buf, const Validation *v)
{
	int			i;

	for (i = 0; i < v->depth; i++)
	{
		const PathStep *step = &v->path[i];

		if (i > 0)
			appendStringInfoChar(buf, '.');
		if (step->element)
			appendStringInfo(buf, "%u.member", step->index);
		else
		{
			dynamo_append_message_text(buf, step->name, step->namelen);
			if (step->entry)
				appendStringInfoString(buf, ".member");
		}
	}
}

/*
 * Start a violation at the current path: "Value 'x' at 'path' failed to
 * satisfy constraint: "; the caller appends the constraint.
 */
static StringInfo
violation_begin(Validation *v, int shape_index, const JsonNode *node)
{
	StringInfo	buf;

	if (v->errors == NULL)
		v->errors = makeStringInfo();
	else
		appendStringInfoString(v->errors, "; ");
	v->count++;
	buf = v->errors;
	appendStringInfoString(buf, "Value ");
	if (node == NULL)
		appendStringInfoString(buf, "null");
	else
	{
		appendStringInfoChar(buf, '\'');
		append_java_value(buf, shape_index, node);
		appendStringInfoChar(buf, '\'');
	}
	appendStringInfoString(buf, " at '");
	append_path(buf, v);
	appendStringInfoString(buf, "' failed to satisfy constraint: ");
	return buf;
}

/* whether a shape's values have constraints of their own to check */
static bool
has_own_constraints(const ApiShape *shape)
{
	if (shape->bounds != 0 || shape->pattern != API_PATTERN_NONE)
		return true;
	return shape->type == API_STRING && shape->enum_message != NULL;
}

/* the checks of a value's own constraints, in the order they are made */
#define CHECK_MIN		0x01
#define CHECK_MAX		0x02
#define CHECK_PATTERN	0x04
#define CHECK_ENUM		0x08

static const int ConstraintChecks[] = {CHECK_MIN, CHECK_MAX, CHECK_PATTERN, CHECK_ENUM};

/* whether a string is one of an enum shape's values */
static bool
enum_contains(const ApiShape *shape, const JsonNode *node)
{
	uint32		i;

	for (i = 0; i < shape->count; i++)
	{
		const char *value = ApiEnumValues[shape->first + i];

		if (strlen(value) == node->count && memcmp(value, node->u.text, node->count) == 0)
			return true;
	}
	return false;
}

/* the length bounds a string of len UTF-8 bytes fails (Java counts UTF-16 units) */
static int
string_length_violations(const ApiShape *shape, const JsonNode *node)
{
	int64		bytes = node->count;
	int64		length;

	/* UTF-16 units number between a third of the bytes and all of them */
	if ((!(shape->bounds & API_HAS_MIN) || (bytes + 2) / 3 >= shape->min) &&
		(!(shape->bounds & API_HAS_MAX) || bytes <= shape->max))
		return 0;
	length = java_string_length(node->u.text, node->count);
	return (((shape->bounds & API_HAS_MIN) && length < shape->min) ? CHECK_MIN : 0) |
		(((shape->bounds & API_HAS_MAX) && length > shape->max) ? CHECK_MAX : 0);
}

/* which of its shape's own constraints a value fails (CHECK_* bits) */
static int
own_violations(const ApiShape *shape, const JsonNode *node)
{
	int64		value;
	int			failed = 0;

	switch ((ApiShapeType) shape->type)
	{
		case API_STRING:
			if (node->kind != JSON_STRING)
				return 0;
			if (shape->bounds)
				failed |= string_length_violations(shape, node);
			if (shape->pattern != API_PATTERN_NONE &&
				!api_pattern_matches(shape->pattern, node->u.text, node->count))
				failed |= CHECK_PATTERN;
			if (shape->enum_message != NULL && !enum_contains(shape, node))
				failed |= CHECK_ENUM;
			return failed;
		case API_INTEGER:
		case API_LONG:
			if (node->kind != JSON_NUMBER || !shape->bounds)
				return 0;
			value = json_number_integer(node->u.text, node->count);
			break;
		case API_LIST:
		case API_MAP:
			value = node->count;
			break;
		default:
			return 0;
	}
	if ((shape->bounds & API_HAS_MIN) && value < shape->min)
		failed |= CHECK_MIN;
	if ((shape->bounds & API_HAS_MAX) && value > shape->max)
		failed |= CHECK_MAX;
	return failed;
}

/* DynamoDB's wording of one constraint of a shape */
static void
append_constraint(StringInfo buf, const ApiShape *shape, int which)
{
	const char *what = (shape->type == API_INTEGER || shape->type == API_LONG) ? "value" : "length";

	switch (which)
	{
		case CHECK_MIN:
			appendStringInfo(buf, "Member must have %s greater than or equal to " INT64_FORMAT,
							 what, shape->min);
			break;
		case CHECK_MAX:
			appendStringInfo(buf, "Member must have %s less than or equal to " INT64_FORMAT,
							 what, shape->max);
			break;
		case CHECK_PATTERN:
			appendStringInfo(buf, "Member must satisfy regular expression pattern: %s",
							 shape->pattern_text);
			break;
		case CHECK_ENUM:
			appendStringInfo(buf, "Member must satisfy enum value set: %s", shape->enum_message);
			break;
	}
}

/*
 * All the constraints of an element shape, as DynamoDB lists them in
 * "Member must satisfy constraint: [...]": maximum, minimum, pattern, enum.
 */
static void
append_constraint_list(StringInfo buf, const ApiShape *shape)
{
	static const int listed[] = {CHECK_MAX, CHECK_MIN, CHECK_PATTERN, CHECK_ENUM};
	bool		first = true;
	int			i;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < lengthof(listed); i++)
	{
		bool		has;

		switch (listed[i])
		{
			case CHECK_MIN:
				has = (shape->bounds & API_HAS_MIN) != 0;
				break;
			case CHECK_MAX:
				has = (shape->bounds & API_HAS_MAX) != 0;
				break;
			case CHECK_PATTERN:
				has = shape->pattern != API_PATTERN_NONE;
				break;
			default:
				has = shape->type == API_STRING && shape->enum_message != NULL;
				break;
		}
		if (!has)
			continue;
		if (!first)
			appendStringInfoString(buf, ", ");
		first = false;
		append_constraint(buf, shape, listed[i]);
	}
	appendStringInfoChar(buf, ']');
}

/* the path grows by a step; false when it is too deep to follow */
static bool
path_push(Validation *v, const char *name, uint32 namelen, uint32 index, bool element, bool entry)
{
	PathStep   *step;

	if (v->depth >= MAX_PATH_DEPTH)
		return false;
	step = &v->path[v->depth++];
	step->name = name;
	step->namelen = namelen;
	step->index = index;
	step->element = element;
	step->entry = entry;
	return true;
}

static void
path_pop(Validation *v)
{
	v->depth--;
}

/*
 * Whether a shape has anything inside it to check: members of a structure,
 * or constrained elements, keys or values of a collection, at any depth.
 */
static bool
needs_inside(int shape_index)
{
	static int8 known[API_SHAPE_COUNT];	/* 0 unknown, 1 no, 2 yes */
	const ApiShape *shape = &ApiShapes[shape_index];
	bool		result = false;

	if (known[shape_index] != 0)
		return known[shape_index] == 2;
	known[shape_index] = 1;		/* a cycle adds nothing */
	switch ((ApiShapeType) shape->type)
	{
		case API_STRUCTURE:
			result = true;
			break;
		case API_LIST:
			result = has_own_constraints(&ApiShapes[shape->element]) || needs_inside(shape->element);
			break;
		case API_MAP:
			result = has_own_constraints(&ApiShapes[shape->key]) ||
				has_own_constraints(&ApiShapes[shape->value]) || needs_inside(shape->value);
			break;
		default:
			break;
	}
	known[shape_index] = result ? 2 : 1;
	return result;
}

/* the constraints of a value itself, at the current path */
static void
validate_own(Validation *v, int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	int			failed;
	int			i;

	if (!has_own_constraints(shape))
		return;
	failed = own_violations(shape, node);
	for (i = 0; i < lengthof(ConstraintChecks) && failed != 0 && !validation_full(v); i++)
	{
		if (failed & ConstraintChecks[i])
			append_constraint(violation_begin(v, shape_index, node), shape, ConstraintChecks[i]);
	}
}

/* a structure's members, in DynamoDB's order */
static void
validate_structure(Validation *v, int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	const JsonNode *present[API_MAX_MEMBERS];
	uint32		i;

	memset(present, 0, sizeof(const JsonNode *) * shape->count);
	for (i = 0; i < node->count; i++)
	{
		const JsonMember *m = &node->u.members[i];
		int			position = find_member(shape, m->name, m->namelen);

		if (position >= 0)
			present[position] = (m->value.kind == JSON_NULL) ? NULL : &m->value;
	}
	for (i = 0; i < shape->count && !validation_full(v); i++)
	{
		const ApiMember *member = &ApiMembers[shape->first + i];

		if (!path_push(v, member->path_name, member->namelen, 0, false, false))
			return;
		validate_member(v, member->shape, present[i], member->required);
		path_pop(v);
	}
}

/* a list's elements: their own constraints together, then inside each */
static void
validate_list(Validation *v, int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	const ApiShape *element = &ApiShapes[shape->element];
	uint32		i;

	if (has_own_constraints(element) && !validation_full(v))
	{
		for (i = 0; i < node->count; i++)
		{
			const JsonNode *e = &node->u.elements[i];

			if (e->kind != JSON_NULL && own_violations(element, e) != 0)
			{
				StringInfo	buf = violation_begin(v, shape_index, node);

				appendStringInfoString(buf, "Member must satisfy constraint: ");
				append_constraint_list(buf, element);
				break;
			}
		}
	}
	if (!needs_inside(shape->element))
		return;
	for (i = 0; i < node->count && !validation_full(v); i++)
	{
		const JsonNode *e = &node->u.elements[i];

		if (e->kind == JSON_NULL)
			continue;
		if (!path_push(v, NULL, 0, i + 1, true, false))
			return;
		validate_inside(v, shape->element, e);
		path_pop(v);
	}
}

/* a map's keys and values: their own constraints together, then inside each */
static void
validate_map(Validation *v, int shape_index, const JsonNode *node)
{
	const ApiShape *shape = &ApiShapes[shape_index];
	const ApiShape *key = &ApiShapes[shape->key];
	const ApiShape *value = &ApiShapes[shape->value];
	bool	   *shadowed = NULL;
	uint32		i;

	if (has_own_constraints(key) && !validation_full(v))
	{
		for (i = 0; i < node->count; i++)
		{
			JsonNode	name;

			name.kind = JSON_STRING;
			name.count = node->u.members[i].namelen;
			name.u.text = node->u.members[i].name;
			if (own_violations(key, &name) != 0)
			{
				StringInfo	buf = violation_begin(v, shape_index, node);

				appendStringInfoString(buf, "Map keys must satisfy constraint: ");
				append_constraint_list(buf, key);
				break;
			}
		}
	}
	if (has_own_constraints(value) && !validation_full(v))
	{
		for (i = 0; i < node->count; i++)
		{
			const JsonNode *e = &node->u.members[i].value;

			if (e->kind != JSON_NULL && own_violations(value, e) != 0)
			{
				StringInfo	buf = violation_begin(v, shape_index, node);

				appendStringInfoString(buf, "Map value must satisfy constraint: ");
				append_constraint_list(buf, value);
				break;
			}
		}
	}
	if (!needs_inside(shape->value) || validation_full(v))
		return;
	shadowed = shadowed_members(node);
	for (i = 0; i < node->count && !validation_full(v); i++)
	{
		const JsonMember *m = &node->u.members[i];

		if ((shadowed && shadowed[i]) || m->value.kind == JSON_NULL)
			continue;
		if (!path_push(v, m->name, m->namelen, 0, false, true))
			break;
		validate_inside(v, shape->value, &m->value);
		path_pop(v);
	}
	if (shadowed)
		pfree(shadowed);
}

/* what is inside a value: a structure's members, a collection's elements */
static void
validate_inside(Validation *v, int shape_index, const JsonNode *node)
{
	check_stack_depth();
	switch ((ApiShapeType) ApiShapes[shape_index].type)
	{
		case API_STRUCTURE:
			if (node->kind == JSON_OBJECT)
				validate_structure(v, shape_index, node);
			break;
		case API_LIST:
			if (node->kind == JSON_ARRAY)
				validate_list(v, shape_index, node);
			break;
		case API_MAP:
			if (node->kind == JSON_OBJECT)
				validate_map(v, shape_index, node);
			break;
		default:
			break;
	}
}

/* a member: present when required, its own constraints, then inside it */
static void
validate_member(Validation *v, int shape_index, const JsonNode *node, bool required)
{
	if (node == NULL)
	{
		if (required)
			appendStringInfoString(violation_begin(v, shape_index, NULL), "Member must not be null");
		return;
	}
	validate_own(v, shape_index, node);
	if (!validation_full(v))
		validate_inside(v, shape_index, node);
}

/*
 * Check a request against its action's input shape: DynamoDB's
 * SerializationException for a value of the wrong JSON kind, else one
 * ValidationException listing the constraint violations.  An action the
 * model does not know is left to the dispatcher.
 */
void
api_validate_request(const char *action, const JsonNode *request)
{
	const ApiOperation *operation = find_operation(action);
	Validation	v;

	if (operation == NULL || request == NULL)
		return;
	check_kinds(operation->input, request, true);

	v.depth = 0;
	v.errors = NULL;
	v.count = 0;
	validate_inside(&v, operation->input, request);
	if (v.count > 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "%d validation error%s detected: %s",
					 v.count, v.count > 1 ? "s" : "", v.errors->data);
}

PG_FUNCTION_INFO_V1(dynamo_validate_request);

/* dynamo.validate_request(action, request text): the validation alone */
Datum
dynamo_validate_request(PG_FUNCTION_ARGS)
{
	char	   *action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *request = PG_GETARG_TEXT_PP(1);
	JsonNode   *node = json_parse(VARDATA_ANY(request), VARSIZE_ANY_EXHDR(request));

	if (node->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	if (find_operation(action) == NULL)
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: %s", action);
	api_validate_request(action, node);
	PG_RETURN_VOID();
}
