/*-------------------------------------------------------------------------
 *
 * expr_parser.c
 *	  Recursive-descent parsers of DynamoDB's condition, update, projection
 *	  and key-condition expressions, into the AST of expr.h.
 *
 * GRAMMAR (keywords and function names are case-insensitive)
 *
 *	 condition	:= and_cond { OR and_cond }
 *	 and_cond	:= not_cond { AND not_cond }
 *	 not_cond	:= NOT not_cond | primary
 *	 primary	:= '(' condition ')'
 *				 | function '(' operand { ',' operand } ')'	-- boolean functions
 *				 | operand comparator operand
 *				 | operand BETWEEN operand AND operand
 *				 | operand IN '(' operand { ',' operand } ')'
 *	 operand	:= path | :value | size '(' path ')'
 *	 path		:= element { '.' element | '[' integer ']' }
 *	 element	:= identifier (not a reserved word) | #name
 *
 *	 update		:= clause { clause }, each of SET, REMOVE, ADD, DELETE at most once
 *	 SET		:= SET path '=' set_value { ',' path '=' set_value }
 *	 set_value	:= set_operand [ ('+' | '-') set_operand ]
 *	 set_operand:= path | :value | if_not_exists '(' path ',' set_value ')'
 *				 | list_append '(' set_value ',' set_value ')'
 *	 REMOVE		:= REMOVE path { ',' path }
 *	 ADD		:= ADD path :value { ',' path :value }		(DELETE alike)
 *
 *	 projection	:= path { ',' path }
 *
 * Precedence is DynamoDB's: comparisons, BETWEEN and IN bind tightest, then
 * NOT, AND, OR.
 *
 * NESTING
 *
 * Recursion is bounded by the 4 KB expression size: at most one level per
 * byte ("((((" or "NOT NOT"), and each level costs a few small frames, far
 * inside the stack that check_stack_depth guards.  So hostile nesting always
 * parses to DynamoDB's own answer: a syntax error, redundant parentheses, or
 * more than the 300 operators and functions DynamoDB allows in a request's
 * expressions (counted in ExprParams across them).  The trees that reach
 * evaluation therefore hold at most 300 operators.
 *
 * Validation that needs no item happens here: placeholders, reserved
 * words, function names and arity, operands that must be paths, the types of
 * literal operands, BETWEEN bounds, update clauses and path overlaps.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "nodes/pg_list.h"

#include "errors.h"
#include "expr/expr.h"
#include "expr/expr_lexer.h"

/* how DynamoDB names "any type" (a path's) in operand type errors */
#define ANY_TYPE_SYMBOLS "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"

/*
 * Classes of the errors that DynamoDB reports only after the whole
 * expression has parsed; a syntax error always wins over them.  Among them,
 * the class ranks (per expression kind, see error_rank) decide, and within a
 * rank the first error found.
 */
typedef enum ExprErrorClass
{
	ERROR_REDUNDANT_PARENS,
	ERROR_UNKNOWN_FUNCTION,
	ERROR_MISUSED_FUNCTION,
	ERROR_RESERVED_WORD,
	ERROR_SECTION_TWICE,
	ERROR_UNDEFINED_NAME,
	ERROR_UNDEFINED_VALUE,
	ERROR_OVERLAP,
	ERROR_CONFLICT,
	ERROR_ADD_DELETE_TYPE,
	ERROR_OPERAND				/* arity, operand types, distinct operands, BETWEEN */
} ExprErrorClass;

typedef struct Parser
{
	const char *text;
	int			length;
	int			position;		/* after the current token */
	ExprToken	token;			/* the current token */
	ExprToken	previous;		/* the token before it */
	ExprKind	kind;
	ExprParams *params;
	int			paren_depth;	/* open parentheses around the current point */
	int			error_rank;		/* rank of the pending error; PG_INT32_MAX for none */
	char	   *error;			/* the pending error message */
} Parser;

static ExprNode *parse_condition(Parser *p);
static ExprNode *parse_set_value(Parser *p);

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* Raise "Invalid <Kind>: <message>" as a ValidationException. */
static void
expr_fail(ExprKind kind, const char *message)
{
	dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid %s: %s", expr_kind_name(kind), message);
}

/* the rank of an error class in an expression kind: lower wins */
static int
error_rank(ExprKind kind, ExprErrorClass class)
{
	/* update expressions: DynamoDB checks reserved words first */
	static const int update_ranks[] = {
		[ERROR_REDUNDANT_PARENS] = 0,[ERROR_RESERVED_WORD] = 1,[ERROR_UNKNOWN_FUNCTION] = 2,
		[ERROR_MISUSED_FUNCTION] = 2,[ERROR_SECTION_TWICE] = 3,[ERROR_UNDEFINED_NAME] = 4,
		[ERROR_UNDEFINED_VALUE] = 5,[ERROR_OVERLAP] = 6,[ERROR_CONFLICT] = 7,
		[ERROR_ADD_DELETE_TYPE] = 8,[ERROR_OPERAND] = 9
	};
	/* conditions, key conditions and projections */
	static const int other_ranks[] = {
		[ERROR_REDUNDANT_PARENS] = 0,[ERROR_UNKNOWN_FUNCTION] = 1,[ERROR_MISUSED_FUNCTION] = 2,
		[ERROR_RESERVED_WORD] = 3,[ERROR_SECTION_TWICE] = 4,[ERROR_UNDEFINED_NAME] = 5,
		[ERROR_UNDEFINED_VALUE] = 5,[ERROR_OPERAND] = 5,[ERROR_OVERLAP] = 6,
		[ERROR_CONFLICT] = 7,[ERROR_ADD_DELETE_TYPE] = 8
	};

	return (kind == EXPR_KIND_UPDATE) ? update_ranks[class] : other_ranks[class];
}

/* Record an error to report once the expression has parsed. */
static void
defer_error(Parser *p, ExprErrorClass class, const char *fmt,...)
pg_attribute_printf(3, 4);

static void
defer_error(Parser *p, ExprErrorClass class, const char *fmt,...)
{
	int			rank = error_rank(p->kind, class);
	StringInfoData buf;

	if (rank >= p->error_rank)
		return;
	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	p->error_rank = rank;
	p->error = buf.data;
}

/* Report the pending error, if any: the expression has parsed. */
static void
raise_deferred_error(Parser *p)
{
	if (p->error != NULL)
		expr_fail(p->kind, p->error);
}

/*
 * DynamoDB's syntax error: the offending token, and the text near it, from
 * the token before it to the token after it.
 */
static void
syntax_error(Parser *p)
{
	ExprToken	next;
	int			position = p->position;
	int			near_start;
	int			near_end;
	char	   *message;

	if (p->token.type == TOKEN_EOF)
		message = psprintf("Syntax error; token: \"<EOF>\", near: \"%.*s\"",
						   p->previous.length, p->text + p->previous.start);
	else
	{
		expr_next_token(p->text, p->length, &position, &next);
		near_start = (p->previous.length > 0) ? p->previous.start : p->token.start;
		near_end = (next.type == TOKEN_EOF) ? p->token.start + p->token.length : next.start + next.length;
		message = psprintf("Syntax error; token: \"%.*s\", near: \"%.*s\"",
						   p->token.length, p->text + p->token.start,
						   near_end - near_start, p->text + near_start);
	}
	expr_fail(p->kind, message);
}

/* ------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------
 */

static void
advance(Parser *p)
{
	p->previous = p->token;
	expr_next_token(p->text, p->length, &p->position, &p->token);
}

static void
expect(Parser *p, ExprTokenType type)
{
	if (p->token.type != type)
		syntax_error(p);
	advance(p);
}

/* is the current token the keyword word (any case)? */
static bool
at_keyword(Parser *p, const char *word)
{
	int			len = strlen(word);

	return p->token.type == TOKEN_IDENTIFIER && p->token.length == len &&
		pg_strncasecmp(p->text + p->token.start, word, len) == 0;
}

/* does a '(' follow the current token (a function call)? */
static bool
next_is_lparen(Parser *p)
{
	int			position = p->position;
	ExprToken	next;

	expr_next_token(p->text, p->length, &position, &next);
	return next.type == TOKEN_LPAREN;
}

/* A new AST node with room for nargs arguments. */
ExprNode *
expr_make_node(ExprNodeType type, int nargs)
{
	ExprNode   *node = palloc0(sizeof(ExprNode));

	node->type = type;
	node->nargs = nargs;
	if (nargs > 0)
		node->args = palloc0(sizeof(ExprNode *) * nargs);
	return node;
}

/*
 * Count one operator or function (comparisons, BETWEEN, IN, AND, OR, NOT,
 * functions, + and -) against DynamoDB's limit of 300 in the expressions of
 * one request; counted once its operands have been read, as DynamoDB counts
 * them in its validation pass.
 */
static void
count_operator(Parser *p)
{
	if (++p->params->operators == EXPR_MAX_OPERATORS + 1)
		defer_error(p, ERROR_OPERAND,
					"The expression contains too many operators; operator count: %d",
					p->params->operators);
}

/* ------------------------------------------------------------------------
 * Paths and operands
 * ------------------------------------------------------------------------
 */

/* one name of a path: an identifier that is no reserved word, or #name */
static void
parse_path_name(Parser *p, ExprPathElement *element)
{
	if (p->token.type == TOKEN_NAME_PLACEHOLDER)
	{
		const ExprNameEntry *entry = expr_params_name(p->params, p->text + p->token.start,
													  p->token.length);

		if (entry == NULL)
		{
			defer_error(p, ERROR_UNDEFINED_NAME,
						"An expression attribute name used in the document path is not defined; attribute name: %.*s",
						p->token.length, p->text + p->token.start);
			element->name = p->text + p->token.start;
			element->namelen = p->token.length;
		}
		else
		{
			element->name = entry->name;
			element->namelen = entry->namelen;
		}
	}
	else if (p->token.type == TOKEN_IDENTIFIER)
	{
		/* in conditions a name starts with a letter: "_" is a token of its own */
		if (p->text[p->token.start] == '_' && p->kind != EXPR_KIND_UPDATE &&
			p->kind != EXPR_KIND_PROJECTION)
		{
			p->token.length = 1;
			p->position = p->token.start + 1;
			syntax_error(p);
		}
		if (expr_is_reserved_word(p->text + p->token.start, p->token.length))
			defer_error(p, ERROR_RESERVED_WORD, "Attribute name is a reserved keyword; reserved keyword: %.*s",
						p->token.length, p->text + p->token.start);
		element->name = p->text + p->token.start;
		element->namelen = p->token.length;
	}
	else
		syntax_error(p);
	advance(p);
}

/* a document path: a.b[2].#c */
static void
parse_path(Parser *p, ExprPath *path)
{
	int			capacity = 4;

	path->length = 0;
	path->elements = palloc(sizeof(ExprPathElement) * capacity);
	for (;;)
	{
		ExprPathElement *element;

		if (path->length == capacity)
		{
			capacity *= 2;
			path->elements = repalloc(path->elements, sizeof(ExprPathElement) * capacity);
		}
		element = &path->elements[path->length];
		memset(element, 0, sizeof(*element));

		if (path->length == 0 || p->previous.type == TOKEN_DOT)
			parse_path_name(p, element);
		else
		{
			/* '[' integer ']' */
			int64		index = 0;
			int			i;

			advance(p);			/* '[' */
			if (p->token.type != TOKEN_INTEGER)
				syntax_error(p);
			for (i = 0; i < p->token.length; i++)
			{
				index = index * 10 + (p->text[p->token.start + i] - '0');
				if (index > PG_INT32_MAX)
					syntax_error(p);
			}
			element->index = (uint32) index;
			advance(p);
			expect(p, TOKEN_RBRACKET);
		}
		path->length++;

		if (p->token.type == TOKEN_DOT)
			advance(p);
		else if (p->token.type != TOKEN_LBRACKET)
			break;
	}
	if (path->length > EXPR_MAX_PATH_DEPTH)
		defer_error(p, ERROR_OPERAND, "The document path has too many nesting levels; nesting levels: %d",
					path->length);
}

/* the function the current identifier names (case-sensitive), or NULL */
static const char *
function_name(Parser *p, ExprNodeType *type)
{
	static const struct
	{
		const char *name;
		ExprNodeType type;
	}			functions[] = {
		{"attribute_exists", EXPR_ATTRIBUTE_EXISTS},
		{"attribute_not_exists", EXPR_ATTRIBUTE_NOT_EXISTS},
		{"attribute_type", EXPR_ATTRIBUTE_TYPE},
		{"begins_with", EXPR_BEGINS_WITH},
		{"contains", EXPR_CONTAINS},
		{"size", EXPR_SIZE},
		{"if_not_exists", EXPR_IF_NOT_EXISTS},
		{"list_append", EXPR_LIST_APPEND},
	};
	int			i;

	for (i = 0; i < lengthof(functions); i++)
	{
		if ((int) strlen(functions[i].name) == p->token.length &&
			strncmp(functions[i].name, p->text + p->token.start, p->token.length) == 0)
		{
			*type = functions[i].type;
			return functions[i].name;
		}
	}
	return NULL;
}

/* is a function of this type allowed in this expression kind? */
static bool
function_allowed(ExprKind kind, ExprNodeType type)
{
	bool		update_function = (type == EXPR_IF_NOT_EXISTS || type == EXPR_LIST_APPEND);

	return (kind == EXPR_KIND_UPDATE) == update_function;
}

/* the static type of an operand: a value's type, N for size(), 0 for a path */
static DynamoType
operand_type(const ExprNode *node)
{
	if (node->type == EXPR_VALUE)
		return dynamo_value_type(node->value);
	if (node->type == EXPR_SIZE || node->type == EXPR_PLUS || node->type == EXPR_MINUS)
		return DYNAMO_TYPE_N;
	if (node->type == EXPR_LIST_APPEND)
		return DYNAMO_TYPE_L;
	return (DynamoType) 0;
}

static bool
paths_equal(const ExprPath *a, const ExprPath *b);

/* Parse a function call's arguments; p->token is at the name. */
static ExprNode *
parse_function(Parser *p, ExprNodeType type, const char *name,
			   ExprNode *(*parse_argument) (Parser *))
{
	ExprNode   *args[3];		/* beyond 2, only the count matters */
	int			nargs = 0;
	int			expected;
	ExprNode   *node;
	int			i;

	advance(p);					/* the name */
	expect(p, TOKEN_LPAREN);
	for (;;)
	{
		ExprNode   *arg = parse_argument(p);

		if (nargs < lengthof(args))
			args[nargs] = arg;
		nargs++;
		if (p->token.type != TOKEN_COMMA)
			break;
		advance(p);
	}
	expect(p, TOKEN_RPAREN);
	count_operator(p);

	expected = (type == EXPR_ATTRIBUTE_EXISTS || type == EXPR_ATTRIBUTE_NOT_EXISTS ||
				type == EXPR_SIZE) ? 1 : 2;
	node = expr_make_node(type, expected);
	if (nargs != expected)
	{
		defer_error(p, ERROR_OPERAND,
					"Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d",
					name, nargs);
		/* keep a well-formed node: missing arguments repeat the first */
		for (i = 0; i < expected; i++)
			node->args[i] = args[Min(i, Min(nargs, lengthof(args)) - 1)];
		return node;
	}
	for (i = 0; i < expected; i++)
		node->args[i] = args[i];

	/* operands that must be document paths */
	if ((type == EXPR_ATTRIBUTE_EXISTS || type == EXPR_ATTRIBUTE_NOT_EXISTS ||
		 type == EXPR_ATTRIBUTE_TYPE || type == EXPR_IF_NOT_EXISTS) &&
		node->args[0]->type != EXPR_PATH)
		defer_error(p, ERROR_OPERAND,
					"Operator or function requires a document path; operator or function: %s", name);

	/* two operands naming the same path */
	if ((type == EXPR_BEGINS_WITH || type == EXPR_CONTAINS) &&
		node->args[0]->type == EXPR_PATH && node->args[1]->type == EXPR_PATH &&
		paths_equal(&node->args[0]->path, &node->args[1]->path))
	{
		StringInfoData path;

		initStringInfo(&path);
		expr_append_path_text(&path, &node->args[0]->path);
		defer_error(p, ERROR_OPERAND,
					"The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s",
					name, path.data);
	}

	/* operand types known before any item is seen */
	for (i = 0; i < expected; i++)
	{
		DynamoType	t = operand_type(node->args[i]);
		bool		bad = false;

		if (t == 0)
			continue;
		switch (type)
		{
			case EXPR_SIZE:
				bad = (t == DYNAMO_TYPE_N || t == DYNAMO_TYPE_BOOL || t == DYNAMO_TYPE_NULL);
				break;
			case EXPR_BEGINS_WITH:
				bad = (t != DYNAMO_TYPE_S && t != DYNAMO_TYPE_B);
				break;
			case EXPR_ATTRIBUTE_TYPE:
				bad = (i == 1 && t != DYNAMO_TYPE_S);
				break;
			case EXPR_LIST_APPEND:
				bad = (t != DYNAMO_TYPE_L);
				break;
			default:
				break;
		}
		if (bad)
			defer_error(p, ERROR_OPERAND,
						"Incorrect operand type for operator or function; operator or function: %s, operand type: %s",
						name, dynamo_type_name(t));
	}
	/* attribute_type's type must be a value: a path could be of any type */
	if (type == EXPR_ATTRIBUTE_TYPE && node->args[1]->type != EXPR_VALUE &&
		operand_type(node->args[1]) == 0)
		defer_error(p, ERROR_OPERAND,
					"Incorrect operand type for operator or function; operator or function: %s, operand type: %s",
					name, ANY_TYPE_SYMBOLS);
	if (type == EXPR_ATTRIBUTE_TYPE && node->args[1]->type == EXPR_VALUE &&
		dynamo_value_type(node->args[1]->value) == DYNAMO_TYPE_S)
	{
		DynamoValue v = node->args[1]->value;
		const char *t = (const char *) dynamo_value_payload(v);
		int			tlen = dynamo_value_payload_len(v);
		int			k;
		bool		valid = false;

		for (k = DYNAMO_TYPE_FIRST; k <= DYNAMO_TYPE_LAST; k++)
			if ((int) strlen(dynamo_type_name(k)) == tlen &&
				memcmp(dynamo_type_name(k), t, tlen) == 0)
				valid = true;
		if (!valid)
			defer_error(p, ERROR_OPERAND,
						"Invalid attribute type name found; type: %.*s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
						tlen, t);
	}
	return node;
}

/* a :value operand */
static ExprNode *
parse_value_placeholder(Parser *p)
{
	ExprNode   *node = expr_make_node(EXPR_VALUE, 0);

	if (!expr_params_value(p->params, p->text + p->token.start, p->token.length, &node->value))
	{
		static const uint8 null_value[] = {DYNAMO_TYPE_NULL};

		defer_error(p, ERROR_UNDEFINED_VALUE,
					"An expression attribute value used in expression is not defined; attribute value: %.*s",
					p->token.length, p->text + p->token.start);
		node->value.data = null_value;
		node->value.len = 1;
	}
	advance(p);
	return node;
}

/*
 * A function call in an operand position.  Only size() yields a value in
 * conditions; only if_not_exists() and list_append() in updates.
 */
static ExprNode *
parse_operand_function(Parser *p, ExprNode *(*parse_argument) (Parser *))
{
	ExprNodeType type;
	const char *name = function_name(p, &type);

	if (name == NULL || !function_allowed(p->kind, type))
	{
		defer_error(p, ERROR_UNKNOWN_FUNCTION, "Invalid function name; function: %.*s",
					p->token.length, p->text + p->token.start);
		if (name == NULL)
			type = EXPR_SIZE;
		name = name ? name : "size";
	}
	else if (p->kind != EXPR_KIND_UPDATE && type != EXPR_SIZE)
		defer_error(p, ERROR_MISUSED_FUNCTION,
					"The function is not allowed to be used this way in an expression; function: %s", name);
	return parse_function(p, type, name, parse_argument);
}

/* an operand of a condition: path, :value or size(...), maybe in parentheses */
static ExprNode *
parse_operand(Parser *p)
{
	ExprNode   *node;

	check_stack_depth();
	if (p->token.type == TOKEN_LPAREN)
	{
		advance(p);
		node = parse_operand(p);
		expect(p, TOKEN_RPAREN);
		if (node->parenthesized)
			defer_error(p, ERROR_REDUNDANT_PARENS, "The expression has redundant parentheses;");
		node->parenthesized = true;
		return node;
	}
	if (p->token.type == TOKEN_VALUE_PLACEHOLDER)
		return parse_value_placeholder(p);
	if (p->token.type == TOKEN_IDENTIFIER && next_is_lparen(p))
		return parse_operand_function(p, parse_operand);
	node = expr_make_node(EXPR_PATH, 0);
	parse_path(p, &node->path);
	return node;
}

/* ------------------------------------------------------------------------
 * Conditions
 * ------------------------------------------------------------------------
 */

static bool
comparator(Parser *p, ExprCompareOp *op)
{
	switch (p->token.type)
	{
		case TOKEN_EQ:
			*op = EXPR_CMP_EQ;
			return true;
		case TOKEN_NE:
			*op = EXPR_CMP_NE;
			return true;
		case TOKEN_LT:
			*op = EXPR_CMP_LT;
			return true;
		case TOKEN_LE:
			*op = EXPR_CMP_LE;
			return true;
		case TOKEN_GT:
			*op = EXPR_CMP_GT;
			return true;
		case TOKEN_GE:
			*op = EXPR_CMP_GE;
			return true;
		default:
			return false;
	}
}

static const char *const ComparatorText[] = {"=", "<>", "<", "<=", ">", ">="};

/* a value as DynamoDB prints it in messages: {N:5}, {S:abc} */
static char *
value_for_message(DynamoValue value)
{
	StringInfoData buf;
	DynamoType	t = dynamo_value_type(value);

	initStringInfo(&buf);
	appendStringInfo(&buf, "{%s:", dynamo_type_name(t));
	if (t == DYNAMO_TYPE_S)
		appendBinaryStringInfo(&buf, (const char *) value.data + 1, value.len - 1);
	else if (t == DYNAMO_TYPE_N)
		dynamo_number_append_encoded_text(&buf, value.data + 1, value.len - 1);
	else if (t == DYNAMO_TYPE_B)
		dynamo_append_base64(&buf, value.data + 1, value.len - 1);
	else
		dynamo_append_json(&buf, value);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

static bool
is_operand(const ExprNode *node)
{
	return node->type <= EXPR_LIST_APPEND;
}

/* DynamoDB's rule that the first operand differ from the others */
static void
check_distinct_operands(Parser *p, ExprNode *node, const char *operator_text)
{
	int			i;

	if (node->args[0]->type != EXPR_PATH)
		return;
	for (i = 1; i < node->nargs; i++)
	{
		if (node->args[i]->type == EXPR_PATH &&
			paths_equal(&node->args[0]->path, &node->args[i]->path))
		{
			StringInfoData path;

			initStringInfo(&path);
			expr_append_path_text(&path, &node->args[0]->path);
			defer_error(p, ERROR_OPERAND,
						"The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s",
						operator_text, path.data);
			return;
		}
	}
}

/*
 * DynamoDB's rule that <, <=, >, >= and BETWEEN order only N, S and B: an
 * operand whose type is known before any item is read (a value, size())
 * must be one of them.  A path may hold anything: on an item, a path of
 * another type makes the comparison false.
 */
static void
check_ordered_operands(Parser *p, ExprNode *node, const char *operator_text)
{
	int			i;

	for (i = 0; i < node->nargs; i++)
	{
		DynamoType	t = operand_type(node->args[i]);

		if (t != 0 && !dynamo_type_is_key(t))
		{
			defer_error(p, ERROR_OPERAND,
						"Incorrect operand type for operator or function; operator or function: %s, operand type: %s",
						operator_text, dynamo_type_name(t));
			return;
		}
	}
}

/* what follows an operand in a condition: a comparator, BETWEEN or IN */
static ExprNode *
parse_predicate(Parser *p, ExprNode *left)
{
	ExprNode   *node;
	ExprCompareOp op;

	if (comparator(p, &op))
	{
		advance(p);
		node = expr_make_node(EXPR_COMPARE, 2);
		node->op = op;
		node->args[0] = left;
		node->args[1] = parse_operand(p);
		count_operator(p);
		if (op != EXPR_CMP_EQ && op != EXPR_CMP_NE)
			check_ordered_operands(p, node, ComparatorText[op]);
		check_distinct_operands(p, node, ComparatorText[op]);
		return node;
	}
	if (at_keyword(p, "BETWEEN"))
	{
		advance(p);
		node = expr_make_node(EXPR_BETWEEN, 3);
		node->args[0] = left;
		node->args[1] = parse_operand(p);
		if (!at_keyword(p, "AND"))
			syntax_error(p);
		advance(p);
		node->args[2] = parse_operand(p);
		count_operator(p);
		check_ordered_operands(p, node, "BETWEEN");
		check_distinct_operands(p, node, "BETWEEN");
		if (node->args[1]->type == EXPR_VALUE && node->args[2]->type == EXPR_VALUE)
		{
			DynamoValue low = node->args[1]->value;
			DynamoValue high = node->args[2]->value;

			if (dynamo_value_type(low) != dynamo_value_type(high))
				defer_error(p, ERROR_OPERAND,
							"The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s",
							value_for_message(low), value_for_message(high));
			else if (dynamo_name_compare((const char *) low.data + 1, low.len - 1,
										 (const char *) high.data + 1, high.len - 1) > 0)
				defer_error(p, ERROR_OPERAND,
							"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s",
							value_for_message(low), value_for_message(high));
		}
		return node;
	}
	if (at_keyword(p, "IN"))
	{
		List	   *args = NIL;
		ListCell   *cell;
		int			i = 1;

		advance(p);
		expect(p, TOKEN_LPAREN);
		for (;;)
		{
			args = lappend(args, parse_operand(p));
			if (p->token.type != TOKEN_COMMA)
				break;
			advance(p);
		}
		expect(p, TOKEN_RPAREN);
		count_operator(p);
		if (list_length(args) > EXPR_MAX_IN_OPERANDS)
			defer_error(p, ERROR_OPERAND,
						"The IN operator is provided with too many operands; number of operands: %d",
						list_length(args));
		node = expr_make_node(EXPR_IN, 1 + list_length(args));
		node->args[0] = left;
		foreach(cell, args)
			node->args[i++] = (ExprNode *) lfirst(cell);
		check_distinct_operands(p, node, "IN");
		return node;
	}
	return NULL;
}

/*
 * A condition that is no AND, OR or NOT.  Inside parentheses it may turn
 * out to be a bare operand, "(a) = :v": the caller then reads the predicate.
 */
static ExprNode *
parse_primary(Parser *p)
{
	ExprNode   *left;
	ExprNode   *node;

	check_stack_depth();
	if (p->token.type == TOKEN_LPAREN)
	{
		advance(p);
		p->paren_depth++;
		node = parse_condition(p);
		p->paren_depth--;
		expect(p, TOKEN_RPAREN);
		if (node->parenthesized)
			defer_error(p, ERROR_REDUNDANT_PARENS, "The expression has redundant parentheses;");
		node->parenthesized = true;
		if (!is_operand(node))
			return node;
		left = node;
	}
	else if (p->token.type == TOKEN_IDENTIFIER && next_is_lparen(p))
	{
		/*
		 * A function: a condition by itself (attribute_exists(a)), or an
		 * operand when a comparison follows (size(a) > :v).  Which one it may
		 * be is checked once we know how it is used.
		 */
		ExprNodeType type;
		const char *name = function_name(p, &type);
		ExprCompareOp op;

		if (name == NULL || !function_allowed(p->kind, type))
		{
			defer_error(p, ERROR_UNKNOWN_FUNCTION, "Invalid function name; function: %.*s",
						p->token.length, p->text + p->token.start);
			type = EXPR_ATTRIBUTE_EXISTS;
			name = "attribute_exists";
		}
		left = parse_function(p, type, name, parse_operand);
		if (comparator(p, &op) || at_keyword(p, "BETWEEN") || at_keyword(p, "IN"))
		{
			if (type != EXPR_SIZE)
				defer_error(p, ERROR_MISUSED_FUNCTION,
							"The function is not allowed to be used this way in an expression; function: %s",
							name);
		}
		else if (type != EXPR_SIZE)
			return left;
	}
	else
		left = parse_operand(p);

	node = parse_predicate(p, left);
	if (node != NULL)
		return node;

	/* a bare operand is a condition only as the inside of "(a) = ..." */
	if (p->paren_depth > 0 && p->token.type == TOKEN_RPAREN)
		return left;
	if (left->type == EXPR_SIZE && (p->token.type == TOKEN_EOF || p->token.type == TOKEN_RPAREN ||
									at_keyword(p, "AND") || at_keyword(p, "OR")))
	{
		defer_error(p, ERROR_MISUSED_FUNCTION,
					"The function is not allowed to be used this way in an expression; function: size");
		return left;
	}
	syntax_error(p);
	return NULL;				/* not reached */
}

/* require a condition where an operand stood alone */
static ExprNode *
require_condition(Parser *p, ExprNode *node)
{
	if (is_operand(node) && node->type != EXPR_SIZE)
		syntax_error(p);
	return node;
}

static ExprNode *
parse_not(Parser *p)
{
	check_stack_depth();
	if (at_keyword(p, "NOT"))
	{
		ExprNode   *node = expr_make_node(EXPR_NOT, 1);

		advance(p);
		node->args[0] = require_condition(p, parse_not(p));
		count_operator(p);
		return node;
	}
	return parse_primary(p);
}

static ExprNode *
parse_and(Parser *p)
{
	ExprNode   *left = parse_not(p);

	while (at_keyword(p, "AND"))
	{
		ExprNode   *node = expr_make_node(EXPR_AND, 2);

		node->args[0] = require_condition(p, left);
		advance(p);
		node->args[1] = require_condition(p, parse_not(p));
		count_operator(p);
		left = node;
	}
	return left;
}

static ExprNode *
parse_condition(Parser *p)
{
	ExprNode   *left;

	check_stack_depth();
	left = parse_and(p);
	while (at_keyword(p, "OR"))
	{
		ExprNode   *node = expr_make_node(EXPR_OR, 2);

		node->args[0] = require_condition(p, left);
		advance(p);
		node->args[1] = require_condition(p, parse_and(p));
		count_operator(p);
		left = node;
	}
	return left;
}

/* Start parsing text; the checks every expression kind shares. */
static void
parser_init(Parser *p, const char *text, ExprKind kind, ExprParams *params)
{
	memset(p, 0, sizeof(*p));
	p->text = text;
	p->length = strlen(text);
	p->kind = kind;
	p->params = params;
	p->error_rank = PG_INT32_MAX;

	advance(p);
	p->previous.length = 0;
	/* nothing but the lexer's white space */
	if (p->token.type == TOKEN_EOF)
		expr_fail(kind, "The expression can not be empty;");
	if (p->length > EXPR_MAX_LENGTH)
		expr_fail(kind, psprintf("Expression size has exceeded the maximum allowed size; expression size: %d",
								 p->length));
}

/* Parse a condition, filter or key-condition expression. */
ExprNode *
expr_parse_condition(const char *text, ExprKind kind, ExprParams *params)
{
	Parser		p;
	ExprNode   *node;

	parser_init(&p, text, kind, params);
	node = parse_condition(&p);
	if (p.token.type != TOKEN_EOF)
		syntax_error(&p);
	if (is_operand(node) && node->type != EXPR_SIZE)
		syntax_error(&p);
	raise_deferred_error(&p);
	return node;
}

/* ------------------------------------------------------------------------
 * Paths compared: projections and updates
 * ------------------------------------------------------------------------
 */

/* Append a path as DynamoDB prints it in messages: [a, b, [2]] */
void
expr_append_path_text(StringInfo out, const ExprPath *path)
{
	int			i;

	appendStringInfoChar(out, '[');
	for (i = 0; i < path->length; i++)
	{
		if (i > 0)
			appendStringInfoString(out, ", ");
		if (path->elements[i].name != NULL)
			appendBinaryStringInfo(out, path->elements[i].name, path->elements[i].namelen);
		else
			appendStringInfo(out, "[%u]", path->elements[i].index);
	}
	appendStringInfoChar(out, ']');
}

static bool
path_elements_equal(const ExprPathElement *a, const ExprPathElement *b)
{
	if ((a->name == NULL) != (b->name == NULL))
		return false;
	if (a->name == NULL)
		return a->index == b->index;
	return a->namelen == b->namelen && memcmp(a->name, b->name, a->namelen) == 0;
}

static bool
paths_equal(const ExprPath *a, const ExprPath *b)
{
	int			i;

	if (a->length != b->length)
		return false;
	for (i = 0; i < a->length; i++)
		if (!path_elements_equal(&a->elements[i], &b->elements[i]))
			return false;
	return true;
}

/*
 * DynamoDB's rule for two paths of one projection or update: one may not be
 * a prefix of the other (overlap), and they may not go through the same
 * attribute as a map in one and as a list in the other (conflict).
 */
static void
check_paths_disjoint(Parser *p, const ExprPath *a, const ExprPath *b)
{
	int			common = Min(a->length, b->length);
	int			i;
	StringInfoData one;
	StringInfoData two;

	for (i = 0; i < common; i++)
	{
		if (!path_elements_equal(&a->elements[i], &b->elements[i]))
		{
			if ((a->elements[i].name == NULL) != (b->elements[i].name == NULL))
				break;			/* a conflict */
			return;				/* the paths part: fine */
		}
	}
	initStringInfo(&one);
	initStringInfo(&two);
	expr_append_path_text(&one, a);
	expr_append_path_text(&two, b);
	if (i == common)
		defer_error(p, ERROR_OVERLAP,
					"Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s",
					one.data, two.data);
	else
		defer_error(p, ERROR_CONFLICT,
					"Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s",
					one.data, two.data);
}

/* Parse a projection expression: paths separated by commas. */
ExprProjection *
expr_parse_projection(const char *text, ExprParams *params)
{
	Parser		p;
	ExprProjection *projection = palloc0(sizeof(ExprProjection));
	int			capacity = 8;
	int			i,
				j;

	parser_init(&p, text, EXPR_KIND_PROJECTION, params);
	projection->paths = palloc(sizeof(ExprPath) * capacity);
	for (;;)
	{
		if (projection->npaths == capacity)
		{
			capacity *= 2;
			projection->paths = repalloc(projection->paths, sizeof(ExprPath) * capacity);
		}
		parse_path(&p, &projection->paths[projection->npaths++]);
		if (p.token.type != TOKEN_COMMA)
			break;
		advance(&p);
	}
	if (p.token.type != TOKEN_EOF)
		syntax_error(&p);

	for (i = 0; i < projection->npaths; i++)
		for (j = 0; j < i; j++)
			check_paths_disjoint(&p, &projection->paths[j], &projection->paths[i]);
	raise_deferred_error(&p);
	return projection;
}

/* ------------------------------------------------------------------------
 * Updates
 * ------------------------------------------------------------------------
 */

/*
 * an operand of SET: path, :value, if_not_exists(...), list_append(...), or
 * a SET value in parentheses
 */
static ExprNode *
parse_set_operand(Parser *p)
{
	ExprNode   *node;

	check_stack_depth();
	if (p->token.type == TOKEN_LPAREN)
	{
		advance(p);
		node = parse_set_value(p);
		expect(p, TOKEN_RPAREN);
		return node;
	}
	if (p->token.type == TOKEN_VALUE_PLACEHOLDER)
		return parse_value_placeholder(p);
	if (p->token.type == TOKEN_IDENTIFIER && next_is_lparen(p))
		return parse_operand_function(p, parse_set_value);
	node = expr_make_node(EXPR_PATH, 0);
	parse_path(p, &node->path);
	return node;
}

/* the right-hand side of a SET action: operand [ (+|-) operand ] */
static ExprNode *
parse_set_value(Parser *p)
{
	ExprNode   *left;

	check_stack_depth();
	left = parse_set_operand(p);
	if (p->token.type == TOKEN_PLUS || p->token.type == TOKEN_MINUS)
	{
		ExprNode   *node = expr_make_node(p->token.type == TOKEN_PLUS ? EXPR_PLUS : EXPR_MINUS, 2);
		const char *operator_text = (p->token.type == TOKEN_PLUS) ? "+" : "-";
		int			i;

		advance(p);
		node->args[0] = left;
		node->args[1] = parse_set_operand(p);
		count_operator(p);
		for (i = 0; i < 2; i++)
		{
			DynamoType	t = operand_type(node->args[i]);

			if (t != 0 && t != DYNAMO_TYPE_N)
				defer_error(p, ERROR_OPERAND,
							"Incorrect operand type for operator or function; operator or function: %s, operand type: %s",
							operator_text, dynamo_type_name(t));
		}
		return node;
	}
	return left;
}

/* DynamoDB's long type names, used in ADD and DELETE type errors */
static const char *
long_type_name(DynamoType type)
{
	switch (type)
	{
		case DYNAMO_TYPE_S:
			return "STRING";
		case DYNAMO_TYPE_N:
			return "NUMBER";
		case DYNAMO_TYPE_B:
			return "BINARY";
		case DYNAMO_TYPE_BOOL:
			return "BOOLEAN";
		case DYNAMO_TYPE_NULL:
			return "NULL";
		case DYNAMO_TYPE_M:
			return "MAP";
		case DYNAMO_TYPE_L:
			return "LIST";
		case DYNAMO_TYPE_SS:
			return "STRING_SET";
		case DYNAMO_TYPE_NS:
			return "NUMBER_SET";
		case DYNAMO_TYPE_BS:
			return "BINARY_SET";
	}
	return "UNKNOWN";
}

static const char *const ClauseNames[] = {"SET", "REMOVE", "ADD", "DELETE"};

/* Parse an update expression. */
ExprUpdate *
expr_parse_update(const char *text, ExprParams *params)
{
	Parser		p;
	ExprUpdate *update = palloc0(sizeof(ExprUpdate));
	int			capacity = 8;
	bool		seen[4] = {false, false, false, false};
	int			i,
				j;

	parser_init(&p, text, EXPR_KIND_UPDATE, params);
	update->actions = palloc(sizeof(ExprUpdateAction) * capacity);

	while (p.token.type != TOKEN_EOF)
	{
		int			clause;

		for (clause = EXPR_UPDATE_SET; clause <= EXPR_UPDATE_DELETE; clause++)
			if (at_keyword(&p, ClauseNames[clause]))
				break;
		if (clause > EXPR_UPDATE_DELETE)
			syntax_error(&p);
		if (seen[clause])
			defer_error(&p, ERROR_SECTION_TWICE,
						"The \"%s\" section can only be used once in an update expression;",
						ClauseNames[clause]);
		seen[clause] = true;
		advance(&p);

		for (;;)
		{
			ExprUpdateAction *action;
			DynamoType	t;

			if (update->nactions == capacity)
			{
				capacity *= 2;
				update->actions = repalloc(update->actions, sizeof(ExprUpdateAction) * capacity);
			}
			action = &update->actions[update->nactions++];
			memset(action, 0, sizeof(*action));
			action->type = (ExprUpdateActionType) clause;
			parse_path(&p, &action->path);
			switch (clause)
			{
				case EXPR_UPDATE_SET:
					expect(&p, TOKEN_EQ);
					action->operand = parse_set_value(&p);
					break;
				case EXPR_UPDATE_REMOVE:
					break;
				case EXPR_UPDATE_ADD:
				case EXPR_UPDATE_DELETE:
					if (p.token.type != TOKEN_VALUE_PLACEHOLDER)
						syntax_error(&p);
					action->operand = parse_value_placeholder(&p);
					t = dynamo_value_type(action->operand->value);
					if (clause == EXPR_UPDATE_ADD ? !(t == DYNAMO_TYPE_N || dynamo_type_is_set(t))
						: !dynamo_type_is_set(t))
						defer_error(&p, ERROR_ADD_DELETE_TYPE,
									"Incorrect operand type for operator or function; operator: %s, operand type: %s",
									ClauseNames[clause], long_type_name(t));
					break;
			}
			if (p.token.type != TOKEN_COMMA)
				break;
			advance(&p);
		}
	}

	for (i = 0; i < update->nactions; i++)
		for (j = 0; j < i; j++)
			check_paths_disjoint(&p, &update->actions[j].path, &update->actions[i].path);
	raise_deferred_error(&p);
	return update;
}
