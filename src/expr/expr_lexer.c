/*-------------------------------------------------------------------------
 *
 * expr_lexer.c
 *	  The tokenizer shared by every expression language.
 *
 * Keywords (AND, BETWEEN, SET, ...) and function names are identifiers here;
 * the parser tells them apart, case-insensitively, by where they stand.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/expr_lexer.h"

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Read the token at *position into token and advance *position past it. */
void
expr_next_token(const char *text, int length, int *position, ExprToken *token)
{
	int			p = *position;
	char		c;

	while (p < length && is_space(text[p]))
		p++;
	token->start = p;
	token->length = 1;
	if (p >= length)
	{
		token->type = TOKEN_EOF;
		token->length = 0;
		*position = p;
		return;
	}

	c = text[p];
	switch (c)
	{
		case '(':
			token->type = TOKEN_LPAREN;
			break;
		case ')':
			token->type = TOKEN_RPAREN;
			break;
		case '[':
			token->type = TOKEN_LBRACKET;
			break;
		case ']':
			token->type = TOKEN_RBRACKET;
			break;
		case ',':
			token->type = TOKEN_COMMA;
			break;
		case '.':
			token->type = TOKEN_DOT;
			break;
		case '=':
			token->type = TOKEN_EQ;
			break;
		case '+':
			token->type = TOKEN_PLUS;
			break;
		case '-':
			token->type = TOKEN_MINUS;
			break;
		case '<':
			token->type = TOKEN_LT;
			if (p + 1 < length && text[p + 1] == '=')
			{
				token->type = TOKEN_LE;
				token->length = 2;
			}
			else if (p + 1 < length && text[p + 1] == '>')
			{
				token->type = TOKEN_NE;
				token->length = 2;
			}
			break;
		case '>':
			token->type = TOKEN_GT;
			if (p + 1 < length && text[p + 1] == '=')
			{
				token->type = TOKEN_GE;
				token->length = 2;
			}
			break;
		case '#':
		case ':':
			{
				int			end = p + 1;

				while (end < length && is_word_char(text[end]))
					end++;
				token->type = (end == p + 1) ? TOKEN_INVALID :
					(c == '#') ? TOKEN_NAME_PLACEHOLDER : TOKEN_VALUE_PLACEHOLDER;
				token->length = end - p;
				break;
			}
		default:
			if (c >= '0' && c <= '9')
			{
				int			end = p;

				while (end < length && text[end] >= '0' && text[end] <= '9')
					end++;
				/* digits run into letters: "1a" is one bad token */
				if (end < length && is_word_char(text[end]))
				{
					while (end < length && is_word_char(text[end]))
						end++;
					token->type = TOKEN_INVALID;
				}
				else
					token->type = TOKEN_INTEGER;
				token->length = end - p;
			}
			else if (is_word_char(c))
			{
				int			end = p;

				while (end < length && is_word_char(text[end]))
					end++;
				token->type = TOKEN_IDENTIFIER;
				token->length = end - p;
			}
			else
			{
				/* one whole UTF-8 character, for the error message */
				int			end = p + 1;

				while (end < length && (text[end] & 0xC0) == 0x80)
					end++;
				token->type = TOKEN_INVALID;
				token->length = end - p;
			}
	}
	*position = p + token->length;
}
