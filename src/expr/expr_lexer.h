/*-------------------------------------------------------------------------
 *
 * expr_lexer.h
 *	  Tokens of DynamoDB's expression languages (private to src/expr/).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_EXPR_LEXER_H
#define DYNAMO_EXPR_LEXER_H

typedef enum ExprTokenType
{
	TOKEN_EOF,
	TOKEN_IDENTIFIER,			/* a name, a keyword or a function name */
	TOKEN_NAME_PLACEHOLDER,		/* #name */
	TOKEN_VALUE_PLACEHOLDER,	/* :value */
	TOKEN_INTEGER,				/* a list index */
	TOKEN_LPAREN,
	TOKEN_RPAREN,
	TOKEN_LBRACKET,
	TOKEN_RBRACKET,
	TOKEN_COMMA,
	TOKEN_DOT,
	TOKEN_EQ,
	TOKEN_NE,
	TOKEN_LT,
	TOKEN_LE,
	TOKEN_GT,
	TOKEN_GE,
	TOKEN_PLUS,
	TOKEN_MINUS,
	TOKEN_INVALID				/* a character no token starts with */
} ExprTokenType;

typedef struct ExprToken
{
	ExprTokenType type;
	int			start;			/* byte offset in the expression */
	int			length;
} ExprToken;

/* expr_lexer.c */
extern void expr_next_token(const char *text, int length, int *position, ExprToken *token);

#endif							/* DYNAMO_EXPR_LEXER_H */
