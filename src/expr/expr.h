/*-------------------------------------------------------------------------
 *
 * expr.h
 *	  DynamoDB's expression languages: condition and filter, key-condition,
 *	  update and projection expressions, parsed once per request into an AST
 *	  and evaluated per item.
 *
 * PIPELINE
 *
 *	 ExprParams		a request's ExpressionAttributeNames and -Values, decoded
 *					once (expr_params.c); every expression of the request
 *					resolves its placeholders here and marks them used, and
 *					expr_params_check_unused() reports leftovers, as DynamoDB
 *					does across all the expressions of one request.
 *	 lexer/parser	text -> AST (expr_lexer.c, expr_parser.c), with
 *					DynamoDB's syntax and reserved-word errors.
 *	 validation		while parsing: placeholders, function arity, operand
 *					types that are known before any item is seen, update
 *					path overlaps, key-condition shape.
 *	 evaluation		expr_eval.c (conditions), expr_update.c (update actions),
 *					expr_project.c (projections), over the value encoding;
 *					no allocation per item except the result.
 *
 * MEMORY
 *
 * The AST and ExprParams live in the memory context current at parse time;
 * values in the AST point into the encoded ExpressionAttributeValues map,
 * which lives there too.  Evaluation results (DynamoValue) point into the
 * item, into the values map, or into a caller-provided scratch buffer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_EXPR_H
#define DYNAMO_EXPR_H

#include "postgres.h"

#include "value/json_node.h"
#include "value/value.h"

#define EXPR_MAX_LENGTH			4096	/* bytes per expression */
#define EXPR_MAX_IN_OPERANDS	100
#define EXPR_MAX_OPERATORS		300 /* operators and functions per request */
#define EXPR_MAX_PATH_DEPTH		DYNAMO_MAX_NESTING_DEPTH

/* which parameter an expression came in: it names the expression in errors */
typedef enum ExprKind
{
	EXPR_KIND_CONDITION,		/* ConditionExpression */
	EXPR_KIND_FILTER,			/* FilterExpression */
	EXPR_KIND_KEY_CONDITION,	/* KeyConditionExpression */
	EXPR_KIND_UPDATE,			/* UpdateExpression */
	EXPR_KIND_PROJECTION		/* ProjectionExpression */
} ExprKind;

/* one step of a document path: an attribute/map-key name or a list index */
typedef struct ExprPathElement
{
	const char *name;			/* NULL for a list index */
	uint32		namelen;
	uint32		index;
} ExprPathElement;

typedef struct ExprPath
{
	int			length;
	ExprPathElement *elements;
} ExprPath;

typedef enum ExprNodeType
{
	/* operands: evaluate to a value, or to nothing (a missing attribute) */
	EXPR_PATH,
	EXPR_VALUE,
	EXPR_SIZE,					/* size(path) */
	EXPR_PLUS,					/* update SET only */
	EXPR_MINUS,
	EXPR_IF_NOT_EXISTS,
	EXPR_LIST_APPEND,
	/* conditions: evaluate to true or false */
	EXPR_AND,
	EXPR_OR,
	EXPR_NOT,
	EXPR_COMPARE,
	EXPR_BETWEEN,
	EXPR_IN,
	EXPR_ATTRIBUTE_EXISTS,
	EXPR_ATTRIBUTE_NOT_EXISTS,
	EXPR_ATTRIBUTE_TYPE,
	EXPR_BEGINS_WITH,
	EXPR_CONTAINS
} ExprNodeType;

typedef enum ExprCompareOp
{
	EXPR_CMP_EQ,
	EXPR_CMP_NE,
	EXPR_CMP_LT,
	EXPR_CMP_LE,
	EXPR_CMP_GT,
	EXPR_CMP_GE
} ExprCompareOp;

typedef struct ExprNode
{
	ExprNodeType type;
	bool		parenthesized;	/* written in parentheses (parser only) */
	ExprCompareOp op;			/* EXPR_COMPARE */
	int			nargs;
	struct ExprNode **args;
	ExprPath	path;			/* EXPR_PATH */
	DynamoValue value;			/* EXPR_VALUE */
} ExprNode;

typedef enum ExprUpdateActionType
{
	EXPR_UPDATE_SET,
	EXPR_UPDATE_REMOVE,
	EXPR_UPDATE_ADD,
	EXPR_UPDATE_DELETE
} ExprUpdateActionType;

typedef struct ExprUpdateAction
{
	ExprUpdateActionType type;
	ExprPath	path;
	ExprNode   *operand;		/* SET: the value; ADD/DELETE: a value; REMOVE: NULL */
} ExprUpdateAction;

typedef struct ExprUpdate
{
	int			nactions;
	ExprUpdateAction *actions;
	bool		legacy;			/* from AttributeUpdates: its ADD appends lists,
								 * and its runtime errors have their own words */
} ExprUpdate;

typedef struct ExprProjection
{
	int			npaths;
	ExprPath   *paths;
} ExprProjection;

/* a request's placeholders */
typedef struct ExprNameEntry
{
	const char *placeholder;	/* "#a" */
	uint32		placeholder_len;
	const char *name;			/* what it stands for */
	uint32		namelen;
	bool		used;
} ExprNameEntry;

typedef struct ExprParams
{
	int			nnames;
	ExprNameEntry *names;		/* sorted by placeholder */
	bool		has_names;		/* the request gave ExpressionAttributeNames */
	DynamoValue values;			/* an M of ":v" -> value; len 0 when none */
	bool		has_values;
	bool	   *values_used;	/* by entry index of values */
	int			operators;		/* operators and functions parsed so far in
								 * the request's expressions */
} ExprParams;

/* a key schema, for key conditions and for updates that must not touch keys */
typedef struct ExprKeySchema
{
	const char *partition_key;
	const char *sort_key;		/* NULL when the table has none */
	DynamoType	partition_key_type; /* S, N or B; 0 when not to be checked */
	DynamoType	sort_key_type;

	/*
	 * A multi-attribute key (a GSI's: up to four HASH and four RANGE
	 * attributes) sets these instead; npartition_keys 0: the above.
	 */
	int			npartition_keys;
	const char *partition_keys[4];
	DynamoType	partition_key_types[4];
	int			nsort_keys;
	const char *sort_keys[4];
	DynamoType	sort_key_types[4];
} ExprKeySchema;

/* a key condition as a range that storage can scan */
typedef struct ExprKeyRange
{
	DynamoValue partition_value;	/* the first partition key attribute's */
	DynamoValue partition_values[4];	/* every partition key attribute's */
	int			npartition_values;
	int			sort_key_index; /* the sort key attribute the condition is on */
	DynamoValue sort_equal[4];	/* the values of the attributes before it (multi-attribute keys) */
	bool		has_sort_condition;
	ExprCompareOp sort_op;		/* EQ, LT, LE, GT, GE */
	bool		sort_between;
	bool		sort_begins_with;
	DynamoValue sort_low;		/* the operand; BETWEEN's lower bound */
	DynamoValue sort_high;		/* BETWEEN's upper bound */
} ExprKeyRange;

/* expr_params.c */
extern ExprParams *expr_params_create(const JsonNode *names, const JsonNode *values);
extern const JsonMember **expr_json_members(const JsonNode *object, int *count);
extern const ExprNameEntry *expr_params_name(ExprParams *params,
											 const char *placeholder, uint32 len);
extern bool expr_params_value(ExprParams *params, const char *placeholder, uint32 len,
							  DynamoValue *value);
extern void expr_params_check_unused(ExprParams *params);
extern void expr_params_check_supplied(bool has_names, bool has_values, int expressions,
									   int value_expressions, const char *value_null_list);
extern const char *expr_kind_name(ExprKind kind);

/* expr_parser.c */
extern ExprNode *expr_make_node(ExprNodeType type, int nargs);
extern ExprNode *expr_parse_condition(const char *text, ExprKind kind, ExprParams *params);
extern ExprUpdate *expr_parse_update(const char *text, ExprParams *params);
extern ExprProjection *expr_parse_projection(const char *text, ExprParams *params);

/* expr_keycond.c */
extern void expr_key_range(const char *text, ExprParams *params, const ExprKeySchema *schema,
						   ExprKeyRange *range);
extern void expr_key_range_of(ExprNode *root, const ExprKeySchema *schema, ExprKeyRange *range);

/* expr_reserved.c */
extern bool expr_is_reserved_word(const char *word, int len);

/* expr_legacy.c: the parameters from before expressions, into the same AST */
extern ExprNode *expr_legacy_expected(const JsonNode *expected, const char *conditional_operator);
extern ExprNode *expr_legacy_filter(const JsonNode *conditions, const char *conditional_operator,
									const char *parameter);
extern void expr_legacy_check_conditional_operator(const char *conditional_operator,
												   const JsonNode *conditions);
extern ExprUpdate *expr_legacy_attribute_updates(const JsonNode *attribute_updates);
extern ExprProjection *expr_legacy_attributes_to_get(const JsonNode *attributes_to_get);
extern void expr_legacy_key_range(const JsonNode *key_conditions, const ExprKeySchema *schema,
								  ExprKeyRange *range);
extern void expr_check_not_mixed(const char *const *legacy_present, int nlegacy,
								 const char *const *expression_present, int nexpression);

/* expr_eval.c */
extern bool expr_eval_condition(ExprNode *node, DynamoValue item);
extern bool expr_resolve_path(DynamoValue root, const ExprPath *path, DynamoValue *result);
extern void expr_append_path_text(StringInfo out, const ExprPath *path);

/* expr_sql.c: caching parsed expressions per call site */
extern bool expr_same_datum(const void *a, const void *b);
extern void *expr_copy_datum(const void *datum);

/* expr_update.c */
typedef struct ExprUpdateResult
{
	struct varlena *new_item;
	struct varlena *updated_old;	/* the touched attributes before: an item */
	struct varlena *updated_new;	/* the touched attributes after */
} ExprUpdateResult;

extern void expr_apply_update(ExprUpdate *update, DynamoValue item,
							  const ExprKeySchema *schema, bool want_updated,
							  ExprUpdateResult *result);
extern bool expr_update_only_removes(const ExprUpdate *update);

/* expr_project.c */
extern struct varlena *expr_project(ExprProjection *projection, DynamoValue item);

#endif							/* DYNAMO_EXPR_H */
