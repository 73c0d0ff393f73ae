/*
 * policy_parse.c
 *		Policy condition language: lexer, parser, type checker and compiler.
 *
 * A recursive descent parser reads the condition, checks every name and type
 * against the schema as it goes (so errors come in source order, each naming
 * its 1-based character offset) and builds a small tree, which is then laid
 * out as a flat PolicyProgram (policy_lang.h): nodes in post-order followed
 * by a constant pool.  Nothing here touches catalogs or holds resources, so
 * PolicyValidate can catch the errors it raises itself without a
 * subtransaction.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "datamesh.h"
#include "policy_lang.h"
#include "util.h"

PG_FUNCTION_INFO_V1(compile_condition);
PG_FUNCTION_INFO_V1(validate_condition);
PG_FUNCTION_INFO_V1(explain_condition);
PG_FUNCTION_INFO_V1(policy_default_schema);

const char *const PolicyFuncNames[POLICY_NUM_FUNCS] = {
	"size", "lower", "upper", "startsWith", "endsWith", "contains", "matches"
};
const int	PolicyFuncArity[POLICY_NUM_FUNCS] = {1, 1, 1, 2, 2, 2, 2};

static const char *const PolicyRootNames[POLICY_NUM_ROOTS] = {
	"user", "resource", "column", "contract", "action", "context", "row"
};

/*
 * The built-in schema: the attributes the policy engine provides for each
 * root (docs/policy-language.md lists them).  "*" admits any other attribute.
 */
static const char *const PolicyDefaultSchemaText =
"{"
"\"user\": {\"name\": \"string\", \"role\": \"string\", \"roles\": \"list<string>\","
" \"region\": \"string\", \"team\": \"string\", \"department\": \"string\","
" \"domain\": \"string\", \"clearance\": \"string\", \"email\": \"string\","
" \"completed_pii_training\": \"bool\", \"is_admin\": \"bool\","
" \"attributes\": {\"*\": \"any\"}},"
"\"resource\": {\"id\": \"string\", \"name\": \"string\", \"domain\": \"string\","
" \"version\": \"string\", \"tags\": \"list<string>\", \"classification\": \"string\","
" \"owner\": \"string\", \"type\": \"string\", \"status\": \"string\","
" \"description\": \"string\", \"retention_days\": \"number\","
" \"sla\": {\"availability\": \"number\", \"freshness_minutes\": \"number\","
" \"latency_ms\": \"number\", \"*\": \"any\"},"
" \"quality\": {\"completeness\": \"number\", \"accuracy\": \"number\","
" \"consistency\": \"number\", \"*\": \"any\"},"
" \"columns\": \"list<string>\", \"pii_columns\": \"list<string>\","
" \"attributes\": {\"*\": \"any\"}},"
"\"column\": {\"name\": \"string\", \"type\": \"string\", \"tags\": \"list<string>\","
" \"classification\": \"string\", \"pii\": \"bool\", \"description\": \"string\"},"
"\"contract\": {\"id\": \"string\", \"product_id\": \"string\", \"version\": \"string\","
" \"consumer\": \"string\", \"status\": \"string\", \"purpose\": \"string\","
" \"breaking\": \"bool\", \"attributes\": {\"*\": \"any\"}},"
"\"action\": \"string\","
"\"context\": {\"time\": \"string\", \"date\": \"string\", \"hour\": \"number\","
" \"weekday\": \"number\", \"purpose\": \"string\", \"client_addr\": \"string\","
" \"application\": \"string\", \"*\": \"any\"},"
"\"row\": {\"*\": \"any\"}"
"}";

/* Tokens */
typedef enum TokKind
{
	TK_EOF,
	TK_IDENT,
	TK_STRING,
	TK_NUMBER,
	TK_LPAREN,
	TK_RPAREN,
	TK_LBRACKET,
	TK_RBRACKET,
	TK_COMMA,
	TK_DOT,
	TK_EQ,
	TK_NE,
	TK_LT,
	TK_LE,
	TK_GT,
	TK_GE,
	TK_AND,
	TK_OR,
	TK_NOT,
	TK_IN,
	TK_MINUS,
	TK_TRUE,
	TK_FALSE,
	TK_NULL
} TokKind;

typedef struct Token
{
	TokKind		kind;
	int			start;			/* byte offset */
	int			len;			/* bytes of source text */
	char	   *str;			/* decoded string literal */
	int			slen;
} Token;

/* A static type */
typedef struct PType
{
	uint8		kind;			/* PolicyTypeKind */
	uint8		elem;			/* element kind of a list */
	JsonbContainer *obj;		/* attributes of an object, NULL = any */
} PType;

/* A node of the syntax tree */
typedef struct PNode
{
	uint8		op;				/* PolicyOp */
	uint8		fn;				/* PolicyFunc */
	PType		type;
	int			bpos;			/* byte offset in the source */
	int			depth;
	struct PNode *a;
	struct PNode *b;
	struct PNode **items;		/* AND, OR, LIST */
	int			nitems;
	int			root;			/* PATH, HAS */
	char	  **keys;
	int		   *keylens;
	int			nkeys;
	bool		bval;
	Numeric		num;
	bool		has_int;
	int64		ival;
	char	   *str;
	int			slen;
} PNode;

/* Parser state */
typedef struct PCtx
{
	const char *src;
	int			len;
	int			cur;			/* byte offset of the next unread character */
	Token		tok;			/* lookahead */
	JsonbContainer *schema;
	int			nnodes;
	int			nesting;
	PolicyError *err;
} PCtx;

/* Emitter state */
typedef struct Emit
{
	PolicyNode *nodes;
	int			nnodes;
	int			maxnodes;
	StringInfoData pool;
	uint32		roots;
	int		   *depths;			/* depth of each emitted node */
	PCtx	   *c;
} Emit;

static PNode *ParseOr(PCtx *c);

/* Name of a root */
const char *
PolicyRootName(PolicyRoot root)
{
	if ((int) root < 0 || root >= POLICY_NUM_ROOTS)
		return "?";
	return PolicyRootNames[root];
}

/* Root for a name, -1 if it is not one */
int
PolicyRootByName(const char *name, int len)
{
	for (int i = 0; i < POLICY_NUM_ROOTS; i++)
		if ((int) strlen(PolicyRootNames[i]) == len &&
			memcmp(PolicyRootNames[i], name, len) == 0)
			return i;
	return -1;
}

/* Name of a static type, e.g. "list<string>" */
const char *
PolicyTypeName(uint8 type)
{
	static const char *const names[POLICY_NUM_TYPES] = {
		"any", "null", "bool", "number", "string", "list", "object"
	};
	static const char *const lists[POLICY_NUM_TYPES] = {
		"list<any>", "list<null>", "list<bool>", "list<number>",
		"list<string>", "list<list>", "list<object>"
	};
	uint8		kind = type & 0x0F;
	uint8		elem = type >> 4;

	if (kind >= POLICY_NUM_TYPES || elem >= POLICY_NUM_TYPES)
		return "?";
	if (kind == POLICY_T_LIST)
		return lists[elem];
	return names[kind];
}

/* Static type of a node packed into one byte */
static uint8
PackType(PType t)
{
	return (uint8) (t.kind | (t.kind == POLICY_T_LIST ? t.elem << 4 : 0));
}

/* Type name of a PType */
static const char *
TypeName(PType t)
{
	return PolicyTypeName(PackType(t));
}

/* Make a simple PType */
static PType
MakeType(uint8 kind)
{
	PType		t;

	t.kind = kind;
	t.elem = POLICY_T_ANY;
	t.obj = NULL;
	return t;
}

/* 1-based character offset of a byte offset in the source */
static int
CharOffset(PCtx *c, int bpos)
{
	if (bpos < 0)
		return 0;
	if (bpos > c->len)
		bpos = c->len;
	return pg_mbstrlen_with_len(c->src, bpos) + 1;
}

/*
 * Record a problem in c->err and raise it.  what is the start of the message
 * ("syntax error", "unknown root \"usr\""); the message gets " at offset N in
 * policy condition" appended, or " in policy condition" when bpos < 0.
 */
static void
pg_attribute_noreturn()
pg_attribute_printf(5, 6)
Fail(PCtx *c, int sqlerrcode, int bpos, const char *expected,
	 const char *detailfmt,...)
{
	va_list		args;
	PolicyError *err = c->err;

	va_start(args, detailfmt);
	err->detail = FormatV(detailfmt, args);
	va_end(args);
	err->offset = CharOffset(c, bpos);
	err->expected = expected ? pstrdup(expected) : NULL;
	err->sqlerrcode = sqlerrcode;
	/* err->message was set by the caller through FailMsg */
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg_internal("%s", err->message),
			 errdetail_internal("%s", err->detail),
			 err->offset > 0 ? internalerrquery(pnstrdup(c->src, c->len)) : 0,
			 err->offset > 0 ? internalerrposition(err->offset) : 0));
}

/* Set the message of the next Fail: what + where */
static void
FailMsg(PCtx *c, int bpos, const char *what)
{
	if (bpos < 0)
		c->err->message = psprintf("%s in policy condition", what);
	else
		c->err->message = psprintf("%s at offset %d in policy condition",
								   what, CharOffset(c, bpos));
}

/* Quote a piece of source text for a message, clipped to 40 bytes */
static char *
QuoteText(const char *s, int len)
{
	int			clip = pg_mbcliplen(s, len, 40);

	return psprintf("\"%.*s%s\"", clip, s, clip < len ? "..." : "");
}

/* Describe the lookahead token for "but found ..." */
static char *
FoundText(PCtx *c)
{
	if (c->tok.kind == TK_EOF)
		return pstrdup("end of input");
	return QuoteText(c->src + c->tok.start, c->tok.len);
}

/* Syntax error at the lookahead: expected X but found Y */
static void
pg_attribute_noreturn()
SyntaxError(PCtx *c, const char *expected)
{
	FailMsg(c, c->tok.start, "syntax error");
	Fail(c, ERRCODE_SYNTAX_ERROR, c->tok.start, expected,
		 "Expected %s but found %s.", expected, FoundText(c));
}

/*
 * Lexer
 */

/* Is this byte part of an identifier? */
static inline bool
IsIdentChar(char ch, bool first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
		(!first && ch >= '0' && ch <= '9');
}

/* Value of a hex digit, -1 if not one */
static int
HexValue(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Read a quoted string starting at c->cur (the quote) into tok */
static void
LexString(PCtx *c, Token *tok)
{
	char		quote = c->src[c->cur];
	int			start = c->cur;
	int			i = c->cur + 1;
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		char		ch;

		if (i >= c->len)
		{
			char		exp[32];

			snprintf(exp, sizeof(exp), "closing %c", quote);
			FailMsg(c, start, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, start, exp,
				 "Expected closing %c of the string starting here but found end of input.",
				 quote);
		}
		ch = c->src[i];
		if (ch == quote)
		{
			i++;
			break;
		}
		if (ch != '\\')
		{
			appendStringInfoChar(&buf, ch);
			i++;
			continue;
		}
		/* escape */
		if (i + 1 >= c->len)
		{
			FailMsg(c, i, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, i, "an escape character",
				 "Expected an escape character after \"\\\" but found end of input.");
		}
		ch = c->src[i + 1];
		switch (ch)
		{
			case '\\':
			case '\'':
			case '"':
			case '/':
				appendStringInfoChar(&buf, ch);
				i += 2;
				break;
			case 'n':
				appendStringInfoChar(&buf, '\n');
				i += 2;
				break;
			case 't':
				appendStringInfoChar(&buf, '\t');
				i += 2;
				break;
			case 'r':
				appendStringInfoChar(&buf, '\r');
				i += 2;
				break;
			case 'b':
				appendStringInfoChar(&buf, '\b');
				i += 2;
				break;
			case 'f':
				appendStringInfoChar(&buf, '\f');
				i += 2;
				break;
			case 'u':
				{
					pg_wchar	cp = 0;
					unsigned char utf8[8];

					for (int k = 0; k < 4; k++)
					{
						int			h = (i + 2 + k < c->len) ? HexValue(c->src[i + 2 + k]) : -1;

						if (h < 0)
						{
							FailMsg(c, i, "syntax error");
							Fail(c, ERRCODE_SYNTAX_ERROR, i, "four hexadecimal digits",
								 "Expected four hexadecimal digits after \"\\u\".");
						}
						cp = cp * 16 + h;
					}
					if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
					{
						FailMsg(c, i, "syntax error");
						Fail(c, ERRCODE_SYNTAX_ERROR, i, "a character code",
							 "The escape \"\\u%04X\" is not a character that text can hold.",
							 (unsigned) cp);
					}
					if (cp < 0x80)
						appendStringInfoChar(&buf, (char) cp);
					else if (GetDatabaseEncoding() == PG_UTF8)
					{
						unicode_to_utf8(cp, utf8);
						appendBinaryStringInfo(&buf, (char *) utf8, pg_utf_mblen(utf8));
					}
					else
					{
						FailMsg(c, i, "syntax error");
						Fail(c, ERRCODE_SYNTAX_ERROR, i, NULL,
							 "The escape \"\\u%04X\" needs a UTF8 database; write the character itself.",
							 (unsigned) cp);
					}
					i += 6;
				}
				break;
			default:
				FailMsg(c, i, "syntax error");
				Fail(c, ERRCODE_SYNTAX_ERROR, i,
					 "one of \\\\ \\' \\\" \\/ \\n \\t \\r \\b \\f \\uXXXX",
					 "Unknown escape %s in a string.",
					 QuoteText(c->src + i, pg_mblen(c->src + i + 1) + 1));
		}
	}
	tok->kind = TK_STRING;
	tok->start = start;
	tok->len = i - start;
	tok->str = buf.data;
	tok->slen = buf.len;
	c->cur = i;
}

/* Read the next token into c->tok */
static void
Lex(PCtx *c)
{
	Token	   *tok = &c->tok;
	const char *s = c->src;
	int			i = c->cur;
	char		ch;

	while (i < c->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
						  s[i] == '\r' || s[i] == '\f'))
		i++;
	c->cur = i;
	tok->start = i;
	tok->str = NULL;
	tok->slen = 0;
	if (i >= c->len)
	{
		tok->kind = TK_EOF;
		tok->len = 0;
		return;
	}
	ch = s[i];
	if (IsIdentChar(ch, true))
	{
		int			j = i + 1;
		int			n;

		while (j < c->len && IsIdentChar(s[j], false))
			j++;
		n = j - i;
		tok->kind = TK_IDENT;
		if (n == 3 && memcmp(s + i, "and", 3) == 0)
			tok->kind = TK_AND;
		else if (n == 2 && memcmp(s + i, "or", 2) == 0)
			tok->kind = TK_OR;
		else if (n == 3 && memcmp(s + i, "not", 3) == 0)
			tok->kind = TK_NOT;
		else if (n == 2 && memcmp(s + i, "in", 2) == 0)
			tok->kind = TK_IN;
		else if (n == 4 && memcmp(s + i, "true", 4) == 0)
			tok->kind = TK_TRUE;
		else if (n == 5 && memcmp(s + i, "false", 5) == 0)
			tok->kind = TK_FALSE;
		else if (n == 4 && memcmp(s + i, "null", 4) == 0)
			tok->kind = TK_NULL;
		tok->len = n;
		c->cur = j;
		return;
	}
	if (ch >= '0' && ch <= '9')
	{
		int			j = i;

		while (j < c->len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j + 1 < c->len && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9')
		{
			j++;
			while (j < c->len && s[j] >= '0' && s[j] <= '9')
				j++;
		}
		if (j < c->len && (s[j] == 'e' || s[j] == 'E'))
		{
			int			k = j + 1;
			int			digits = 0;

			if (k < c->len && (s[k] == '+' || s[k] == '-'))
				k++;
			while (k < c->len && s[k] >= '0' && s[k] <= '9')
				k++, digits++;
			if (digits == 0 || digits > 3)
			{
				FailMsg(c, i, "syntax error");
				Fail(c, ERRCODE_SYNTAX_ERROR, i, "an exponent of 1 to 3 digits",
					 "Expected an exponent of 1 to 3 digits in the number %s.",
					 QuoteText(s + i, k - i));
			}
			j = k;
		}
		if (j < c->len && IsIdentChar(s[j], true))
		{
			FailMsg(c, j, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, j, "an operator",
				 "Expected an operator after the number %s but found %s.",
				 QuoteText(s + i, j - i), QuoteText(s + j, pg_mblen(s + j)));
		}
		if (j - i > 100)
		{
			FailMsg(c, i, "number literal too long");
			Fail(c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, i, NULL,
				 "A number literal has at most 100 characters.");
		}
		tok->kind = TK_NUMBER;
		tok->len = j - i;
		c->cur = j;
		return;
	}
	if (ch == '\'' || ch == '"')
	{
		LexString(c, tok);
		return;
	}

	tok->len = 1;
	c->cur = i + 1;
#define TWO(ch2) (i + 1 < c->len && s[i + 1] == (ch2))
	switch (ch)
	{
		case '(':
			tok->kind = TK_LPAREN;
			return;
		case ')':
			tok->kind = TK_RPAREN;
			return;
		case '[':
			tok->kind = TK_LBRACKET;
			return;
		case ']':
			tok->kind = TK_RBRACKET;
			return;
		case ',':
			tok->kind = TK_COMMA;
			return;
		case '.':
			tok->kind = TK_DOT;
			return;
		case '-':
			tok->kind = TK_MINUS;
			return;
		case '<':
			tok->kind = TK_LT;
			if (TWO('='))
				tok->kind = TK_LE, tok->len = 2;
			break;
		case '>':
			tok->kind = TK_GT;
			if (TWO('='))
				tok->kind = TK_GE, tok->len = 2;
			break;
		case '=':
			if (TWO('='))
			{
				tok->kind = TK_EQ, tok->len = 2;
				break;
			}
			FailMsg(c, i, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, i, "\"==\"",
				 "Expected \"==\" but found \"=\"; comparison is written \"==\".");
			break;
		case '!':
			tok->kind = TK_NOT;
			if (TWO('='))
				tok->kind = TK_NE, tok->len = 2;
			break;
		case '&':
			if (TWO('&'))
			{
				tok->kind = TK_AND, tok->len = 2;
				break;
			}
			FailMsg(c, i, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, i, "\"&&\"",
				 "Expected \"&&\" but found \"&\".");
			break;
		case '|':
			if (TWO('|'))
			{
				tok->kind = TK_OR, tok->len = 2;
				break;
			}
			FailMsg(c, i, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, i, "\"||\"",
				 "Expected \"||\" but found \"|\".");
			break;
		default:
			FailMsg(c, i, "syntax error");
			Fail(c, ERRCODE_SYNTAX_ERROR, i, "an expression or operator",
				 "Unexpected character %s.", QuoteText(s + i, pg_mblen(s + i)));
	}
	c->cur = i + tok->len;
#undef TWO
}

/* Kind of the token after the lookahead, without consuming anything */
static TokKind
PeekNext(PCtx *c)
{
	Token		save = c->tok;
	int			savecur = c->cur;
	TokKind		k;

	Lex(c);
	k = c->tok.kind;
	c->tok = save;
	c->cur = savecur;
	return k;
}

/* Consume the lookahead if it is of this kind, else a syntax error */
static void
Expect(PCtx *c, TokKind kind, const char *what)
{
	if (c->tok.kind != kind)
		SyntaxError(c, what);
	Lex(c);
}

/*
 * Schema
 */

/* Parse a type name of the schema ("string", "list<number>"), false if not one */
static bool
ParseTypeName(const char *s, int len, PType *t)
{
	static const struct
	{
		const char *name;
		uint8		kind;
	}			scalars[] = {
		{"any", POLICY_T_ANY}, {"null", POLICY_T_NULL}, {"bool", POLICY_T_BOOL},
		{"boolean", POLICY_T_BOOL}, {"number", POLICY_T_NUMBER},
		{"string", POLICY_T_STRING}, {"object", POLICY_T_OBJECT},
		{"list", POLICY_T_LIST}
	};

	*t = MakeType(POLICY_T_ANY);
	for (int i = 0; i < (int) lengthof(scalars); i++)
		if ((int) strlen(scalars[i].name) == len && memcmp(scalars[i].name, s, len) == 0)
		{
			t->kind = scalars[i].kind;
			return true;
		}
	if (len > 6 && memcmp(s, "list<", 5) == 0 && s[len - 1] == '>')
	{
		PType		e;

		if (!ParseTypeName(s + 5, len - 6, &e) ||
			e.kind == POLICY_T_LIST || e.kind == POLICY_T_OBJECT)
			return false;
		t->kind = POLICY_T_LIST;
		t->elem = e.kind;
		return true;
	}
	return false;
}

/* Type described by one schema value (a type name or a nested object), false if invalid */
static bool
SchemaValueType(JsonbValue *v, PType *t)
{
	if (v->type == jbvString)
		return ParseTypeName(v->val.string.val, v->val.string.len, t);
	if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
	{
		*t = MakeType(POLICY_T_OBJECT);
		t->obj = v->val.binary.data;
		return true;
	}
	return false;
}

/* Check every type of a schema object; path names it in errors */
static void
CheckSchemaObject(PCtx *c, JsonbContainer *obj, const char *path)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken r;
	char	   *key = NULL;

	check_stack_depth();
	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (r == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			if (path == NULL && PolicyRootByName(key, strlen(key)) < 0)
			{
				c->err->message = pstrdup("invalid policy schema");
				Fail(c, ERRCODE_INVALID_PARAMETER_VALUE, -1, NULL,
					 "The schema names \"%s\", which is not a root; the roots are user, resource, column, contract, action, context and row.",
					 key);
			}
		}
		else if (r == WJB_VALUE)
		{
			PType		t;
			char	   *sub = path ? psprintf("%s.%s", path, key) : key;

			if (!SchemaValueType(&v, &t))
			{
				c->err->message = pstrdup("invalid policy schema");
				Fail(c, ERRCODE_INVALID_PARAMETER_VALUE, -1, NULL,
					 "The type of \"%s\" must be a nested object or one of \"string\", \"number\", \"bool\", \"null\", \"any\", \"object\", \"list\" or \"list<T>\".",
					 sub);
			}
			if (t.obj)
				CheckSchemaObject(c, t.obj, sub);
		}
	}
}

/* The built-in schema, parsed once per backend */
Jsonb *
PolicyDefaultSchema(void)
{
	static Jsonb *schema = NULL;

	if (schema == NULL)
	{
		Jsonb	   *parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																CStringGetDatum(PolicyDefaultSchemaText)));
		Jsonb	   *copy = MemoryContextAlloc(TopMemoryContext, VARSIZE(parsed));

		memcpy(copy, parsed, VARSIZE(parsed));
		schema = copy;
	}
	return schema;
}

/* qsort comparator for C strings */
static int
CompareCStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Comma-separated keys of a schema object, sorted (for "known attributes" details) */
static char *
SchemaKeys(JsonbContainer *obj)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken r;
	StringInfoData buf;
	char	  **names = palloc(sizeof(char *) * (JsonContainerSize(obj) + 1));
	int			n = 0;

	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (r != WJB_KEY)
			continue;
		if (v.val.string.len == 1 && v.val.string.val[0] == '*')
			continue;
		names[n++] = pnstrdup(v.val.string.val, v.val.string.len);
	}
	qsort(names, n, sizeof(char *), CompareCStrings);
	initStringInfo(&buf);
	for (int i = 0; i < n && i < 50; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", names[i]);
	if (n > 50)
		appendStringInfo(&buf, " and %d more", n - 50);
	if (n == 0)
		appendStringInfoString(&buf, "(none)");
	return buf.data;
}

/*
 * Tree building
 */

/* A new node at a byte offset, counted against the node limit */
static PNode *
NewNode(PCtx *c, uint8 op, int bpos)
{
	PNode	   *n = palloc0(sizeof(PNode));

	if (++c->nnodes > POLICY_MAX_NODES)
	{
		FailMsg(c, bpos, "expression too large");
		Fail(c, ERRCODE_PROGRAM_LIMIT_EXCEEDED, bpos, NULL,
			 "A condition compiles to at most %d nodes.", POLICY_MAX_NODES);
	}
	n->op = op;
	n->bpos = bpos;
	n->depth = 1;
	n->type = MakeType(POLICY_T_ANY);
	return n;
}

/* Set a node's depth from its children and enforce the depth limit */
static void
SetDepth(PCtx *c, PNode *n)
{
	int			d = 0;

	if (n->a)
		d = Max(d, n->a->depth);
	if (n->b)
		d = Max(d, n->b->depth);
	for (int i = 0; i < n->nitems; i++)
		d = Max(d, n->items[i]->depth);
	n->depth = d + 1;
	if (n->depth > POLICY_MAX_DEPTH)
	{
		FailMsg(c, n->bpos, "expression nested too deeply");
		Fail(c, ERRCODE_PROGRAM_LIMIT_EXCEEDED, n->bpos, NULL,
			 "Conditions nest at most %d levels deep.", POLICY_MAX_DEPTH);
	}
}

/* Enter one level of parser recursion */
static void
Nest(PCtx *c, int bpos)
{
	if (++c->nesting > POLICY_MAX_DEPTH)
	{
		FailMsg(c, bpos, "expression nested too deeply");
		Fail(c, ERRCODE_PROGRAM_LIMIT_EXCEEDED, bpos, NULL,
			 "Conditions nest at most %d levels deep.", POLICY_MAX_DEPTH);
	}
	check_stack_depth();
}

/* Display name of a path node: user.sla.availability */
static char *
PathName(PNode *n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, PolicyRootNames[n->root]);
	for (int i = 0; i < n->nkeys; i++)
	{
		appendStringInfoChar(&buf, '.');
		appendBinaryStringInfo(&buf, n->keys[i], n->keylens[i]);
	}
	return buf.data;
}

/* Describe a node for type errors: "user.region (string)" or "a number" */
static char *
Describe(PNode *n)
{
	if (n->op == POLICY_OP_PATH)
		return psprintf("\"%s\" (%s)", PathName(n), TypeName(n->type));
	return psprintf("%s", TypeName(n->type));
}

/* Type error at a node */
static void
pg_attribute_noreturn()
pg_attribute_printf(4, 5)
TypeError(PCtx *c, PNode *at, const char *expected, const char *fmt,...)
{
	va_list		args;
	char	   *detail;

	va_start(args, fmt);
	detail = FormatV(fmt, args);
	va_end(args);
	FailMsg(c, at->bpos, "type mismatch");
	Fail(c, ERRCODE_DATATYPE_MISMATCH, at->bpos, expected, "%s", detail);
}

/* Require a boolean operand (any is checked at run time) */
static void
RequireBool(PCtx *c, PNode *n, const char *opname)
{
	if (n->type.kind != POLICY_T_BOOL && n->type.kind != POLICY_T_ANY)
		TypeError(c, n, "bool", "Operand of \"%s\" must be bool but is %s.",
				  opname, Describe(n));
}

/* Is this type a scalar (or any)? */
static bool
IsScalarType(uint8 kind)
{
	return kind != POLICY_T_LIST && kind != POLICY_T_OBJECT;
}

/* Read one more attribute of a path node: check it against the schema */
static void
PathMember(PCtx *c, PNode *n, const char *key, int keylen, int keypos)
{
	PType		t = n->type;
	PType		nt;

	if (t.kind == POLICY_T_OBJECT && t.obj != NULL)
	{
		JsonbValue	v;

		if (getKeyJsonValueFromContainer(t.obj, key, keylen, &v) == NULL &&
			getKeyJsonValueFromContainer(t.obj, "*", 1, &v) == NULL)
		{
			char	   *what = psprintf("unknown attribute %s of \"%s\"",
										QuoteText(key, keylen), PathName(n));
			char	   *known = SchemaKeys(t.obj);

			FailMsg(c, keypos, what);
			Fail(c, ERRCODE_UNDEFINED_COLUMN, keypos, known,
				 "Known attributes of \"%s\": %s.", PathName(n), known);
		}
		if (!SchemaValueType(&v, &nt))
			elog(ERROR, "policy schema type not checked");
	}
	else if (t.kind == POLICY_T_OBJECT || t.kind == POLICY_T_ANY)
		nt = MakeType(POLICY_T_ANY);
	else
	{
		FailMsg(c, keypos, "type mismatch");
		Fail(c, ERRCODE_DATATYPE_MISMATCH, keypos, "an object",
			 "Cannot read attribute %s of \"%s\", which is %s, not an object.",
			 QuoteText(key, keylen), PathName(n), TypeName(t));
	}
	n->keys = n->nkeys ? repalloc(n->keys, sizeof(char *) * (n->nkeys + 1))
		: palloc(sizeof(char *));
	n->keylens = n->nkeys ? repalloc(n->keylens, sizeof(int) * (n->nkeys + 1))
		: palloc(sizeof(int));
	n->keys[n->nkeys] = pnstrdup(key, keylen);
	n->keylens[n->nkeys] = keylen;
	n->nkeys++;
	n->type = nt;
}

/* Check the arguments of a function call and give it its type */
static void
CheckCall(PCtx *c, PNode *n, PNode **args, int nargs, int namepos)
{
	PolicyFunc	fn = n->fn;
	const char *name = PolicyFuncNames[fn];

	if (nargs != PolicyFuncArity[fn])
	{
		char	   *what = psprintf("wrong number of arguments for \"%s\"", name);

		FailMsg(c, namepos, what);
		Fail(c, ERRCODE_UNDEFINED_FUNCTION, namepos,
			 PolicyFuncArity[fn] == 1 ? "1 argument" : "2 arguments",
			 "Function \"%s\" takes %d argument%s but was given %d.",
			 name, PolicyFuncArity[fn], PolicyFuncArity[fn] == 1 ? "" : "s", nargs);
	}
	n->a = args[0];
	n->b = nargs > 1 ? args[1] : NULL;
	switch (fn)
	{
		case POLICY_FN_SIZE:
			if (args[0]->type.kind != POLICY_T_STRING && args[0]->type.kind != POLICY_T_LIST &&
				args[0]->type.kind != POLICY_T_OBJECT && args[0]->type.kind != POLICY_T_ANY)
				TypeError(c, args[0], "string, list or object",
						  "Function \"size\" needs a string, list or object but was given %s.",
						  Describe(args[0]));
			n->type = MakeType(POLICY_T_NUMBER);
			/* size of a literal: computed now */
			if (args[0]->op == POLICY_OP_STR || args[0]->op == POLICY_OP_LIST)
			{
				int64		size = args[0]->op == POLICY_OP_STR
					? pg_mbstrlen_with_len(args[0]->str, args[0]->slen)
					: args[0]->nitems;

				n->op = POLICY_OP_NUM;
				n->num = int64_to_numeric(size);
				n->has_int = true;
				n->ival = size;
				n->a = n->b = NULL;
				return;
			}
			break;
		case POLICY_FN_LOWER:
		case POLICY_FN_UPPER:
			if (args[0]->type.kind != POLICY_T_STRING && args[0]->type.kind != POLICY_T_ANY)
				TypeError(c, args[0], "string",
						  "Function \"%s\" needs a string but was given %s.",
						  name, Describe(args[0]));
			n->type = MakeType(POLICY_T_STRING);
			/* lower/upper of a literal: the constant is mapped now */
			if (args[0]->op == POLICY_OP_STR)
			{
				n->op = POLICY_OP_STR;
				n->str = PolicyChangeCase(args[0]->str, args[0]->slen,
										  fn == POLICY_FN_UPPER, &n->slen);
				n->a = n->b = NULL;
				return;
			}
			break;
		default:
			for (int i = 0; i < 2; i++)
				if (args[i]->type.kind != POLICY_T_STRING && args[i]->type.kind != POLICY_T_ANY)
					TypeError(c, args[i], "string",
							  "Function \"%s\" needs strings but argument %d is %s.",
							  name, i + 1, Describe(args[i]));
			if (fn == POLICY_FN_MATCHES)
			{
				char		errbuf[256];

				if (args[1]->op != POLICY_OP_STR)
					TypeError(c, args[1], "a string literal",
							  "The pattern of \"matches\" must be a string literal.");
				if (PolicyRegexMatch(args[1]->str, args[1]->slen, NULL, 0,
									 errbuf, sizeof(errbuf)) < 0)
				{
					FailMsg(c, args[1]->bpos, "invalid regular expression");
					Fail(c, ERRCODE_INVALID_REGULAR_EXPRESSION, args[1]->bpos,
						 "a valid regular expression",
						 "The pattern %s is not valid: %s.",
						 QuoteText(args[1]->str, args[1]->slen), errbuf);
				}
			}
			n->type = MakeType(POLICY_T_BOOL);
			break;
	}
	SetDepth(c, n);
}

/* Function for a name, -1 if none */
static int
FuncByName(const char *name, int len)
{
	for (int i = 0; i < POLICY_NUM_FUNCS; i++)
		if ((int) strlen(PolicyFuncNames[i]) == len && memcmp(PolicyFuncNames[i], name, len) == 0)
			return i;
	return -1;
}

/* Unknown function error */
static void
pg_attribute_noreturn()
UnknownFunction(PCtx *c, const char *name, int len, int bpos)
{
	FailMsg(c, bpos, psprintf("unknown function %s", QuoteText(name, len)));
	Fail(c, ERRCODE_UNDEFINED_FUNCTION, bpos,
		 "has, size, lower, upper, startsWith, endsWith, contains or matches",
		 "The functions are has, size, lower, upper, startsWith, endsWith, contains and matches.");
}

/* Parse "(" args ")" after a function name; the lookahead is "(" */
static int
ParseArgs(PCtx *c, PNode **args, int first)
{
	int			n = first;

	Nest(c, c->tok.start);
	Lex(c);
	if (c->tok.kind != TK_RPAREN)
	{
		for (;;)
		{
			PNode	   *arg = ParseOr(c);

			if (n < 2)
				args[n] = arg;
			n++;
			if (c->tok.kind == TK_COMMA)
			{
				Lex(c);
				continue;
			}
			break;
		}
	}
	Expect(c, TK_RPAREN, n >= 2 ? "\")\"" : "\",\" or \")\"");
	c->nesting--;
	return n;
}

/* A root name: its path node */
static PNode *
MakeRoot(PCtx *c, const char *name, int len, int bpos)
{
	int			root = PolicyRootByName(name, len);
	JsonbValue	v;
	PNode	   *n;

	if (root < 0 || getKeyJsonValueFromContainer(c->schema, name, len, &v) == NULL)
	{
		char	   *known = SchemaKeys(c->schema);

		FailMsg(c, bpos, psprintf("unknown root %s", QuoteText(name, len)));
		Fail(c, ERRCODE_UNDEFINED_TABLE, bpos, known,
			 "Known roots: %s.", known);
	}
	n = NewNode(c, POLICY_OP_PATH, bpos);
	n->root = root;
	if (!SchemaValueType(&v, &n->type))
		elog(ERROR, "policy schema type not checked");
	return n;
}

/* A number literal (text s, len bytes), negated if neg */
static PNode *
MakeNumber(PCtx *c, const char *s, int len, bool neg, int bpos)
{
	PNode	   *n = NewNode(c, POLICY_OP_NUM, bpos);
	char	   *txt = psprintf("%s%.*s", neg ? "-" : "", len, s);

	n->type = MakeType(POLICY_T_NUMBER);
	n->num = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(txt),
												 ObjectIdGetDatum(InvalidOid),
												 Int32GetDatum(-1)));
	if (len <= 18 && strpbrk(txt, ".eE") == NULL)
	{
		n->has_int = true;
		n->ival = strtoi64(txt, NULL, 10);
	}
	return n;
}

/* primary: literal, list, parenthesized expression, call, root */
static PNode *
ParsePrimary(PCtx *c)
{
	Token		t = c->tok;
	PNode	   *n;

	switch (t.kind)
	{
		case TK_STRING:
			n = NewNode(c, POLICY_OP_STR, t.start);
			n->type = MakeType(POLICY_T_STRING);
			n->str = t.str;
			n->slen = t.slen;
			Lex(c);
			return n;
		case TK_NUMBER:
			Lex(c);
			return MakeNumber(c, c->src + t.start, t.len, false, t.start);
		case TK_MINUS:
			Lex(c);
			if (c->tok.kind != TK_NUMBER)
				SyntaxError(c, "a number after \"-\"");
			n = MakeNumber(c, c->src + c->tok.start, c->tok.len, true, t.start);
			Lex(c);
			return n;
		case TK_TRUE:
		case TK_FALSE:
			n = NewNode(c, POLICY_OP_BOOL, t.start);
			n->type = MakeType(POLICY_T_BOOL);
			n->bval = (t.kind == TK_TRUE);
			Lex(c);
			return n;
		case TK_NULL:
			n = NewNode(c, POLICY_OP_NULL, t.start);
			n->type = MakeType(POLICY_T_NULL);
			Lex(c);
			return n;
		case TK_LBRACKET:
			{
				int			cap = 8;
				uint8		elem = POLICY_NUM_TYPES;

				n = NewNode(c, POLICY_OP_LIST, t.start);
				n->items = palloc(sizeof(PNode *) * cap);
				Nest(c, t.start);
				Lex(c);
				while (c->tok.kind != TK_RBRACKET)
				{
					PNode	   *item = ParseOr(c);

					if (!IsScalarType(item->type.kind))
						TypeError(c, item, "string, number, bool or null",
								  "List elements must be strings, numbers, booleans or null, not %s.",
								  Describe(item));
					if (n->nitems == cap)
					{
						cap *= 2;
						n->items = repalloc(n->items, sizeof(PNode *) * cap);
					}
					n->items[n->nitems++] = item;
					if (elem == POLICY_NUM_TYPES)
						elem = item->type.kind;
					else if (elem != item->type.kind)
						elem = POLICY_T_ANY;
					if (c->tok.kind != TK_COMMA)
						break;
					Lex(c);
				}
				Expect(c, TK_RBRACKET, n->nitems > 0 ? "\",\" or \"]\"" : "an expression or \"]\"");
				c->nesting--;
				n->type = MakeType(POLICY_T_LIST);
				n->type.elem = elem == POLICY_NUM_TYPES ? POLICY_T_ANY : elem;
				SetDepth(c, n);
				return n;
			}
		case TK_LPAREN:
			Nest(c, t.start);
			Lex(c);
			n = ParseOr(c);
			Expect(c, TK_RPAREN, "\")\"");
			c->nesting--;
			return n;
		case TK_IDENT:
			Lex(c);
			if (c->tok.kind == TK_LPAREN)
			{
				PNode	   *args[2] = {NULL, NULL};
				int			nargs;

				if (t.len == 3 && memcmp(c->src + t.start, "has", 3) == 0)
				{
					nargs = ParseArgs(c, args, 0);
					if (nargs != 1 || args[0]->op != POLICY_OP_PATH || args[0]->nkeys == 0)
					{
						FailMsg(c, t.start, "syntax error");
						Fail(c, ERRCODE_SYNTAX_ERROR, t.start, "an attribute path",
							 "Function \"has\" takes one attribute path, such as has(resource.sla).");
					}
					args[0]->op = POLICY_OP_HAS;
					args[0]->bpos = t.start;
					args[0]->type = MakeType(POLICY_T_BOOL);
					return args[0];
				}
				n = NewNode(c, POLICY_OP_CALL, t.start);
				{
					int			fn = FuncByName(c->src + t.start, t.len);

					if (fn < 0)
						UnknownFunction(c, c->src + t.start, t.len, t.start);
					n->fn = fn;
				}
				nargs = ParseArgs(c, args, 0);
				CheckCall(c, n, args, nargs, t.start);
				return n;
			}
			return MakeRoot(c, c->src + t.start, t.len, t.start);
		default:
			SyntaxError(c, "an expression");
	}
}

/* postfix: primary { "." name [ "(" args ")" ] | "[" string "]" } */
static PNode *
ParsePostfix(PCtx *c)
{
	PNode	   *n = ParsePrimary(c);

	for (;;)
	{
		if (c->tok.kind == TK_DOT)
		{
			Token		name;

			Lex(c);
			name = c->tok;
			if (name.kind == TK_EOF || name.kind == TK_STRING || name.kind == TK_NUMBER ||
				!IsIdentChar(c->src[name.start], true))
				SyntaxError(c, "an attribute name");
			Lex(c);
			if (c->tok.kind == TK_LPAREN)
			{
				PNode	   *args[2] = {n, NULL};
				PNode	   *call;
				int			fn = FuncByName(c->src + name.start, name.len);
				int			nargs;

				if (fn < 0)
					UnknownFunction(c, c->src + name.start, name.len, name.start);
				call = NewNode(c, POLICY_OP_CALL, name.start);
				call->fn = fn;
				nargs = ParseArgs(c, args, 1);
				CheckCall(c, call, args, nargs, name.start);
				n = call;
				continue;
			}
			if (n->op != POLICY_OP_PATH)
				TypeError(c, n, "an object",
						  "Cannot read attribute %s of %s, which is not an object.",
						  QuoteText(c->src + name.start, name.len), TypeName(n->type));
			PathMember(c, n, c->src + name.start, name.len, name.start);
		}
		else if (c->tok.kind == TK_LBRACKET)
		{
			Token		key;

			Lex(c);
			key = c->tok;
			if (key.kind != TK_STRING)
				SyntaxError(c, "a string literal (attribute name)");
			Lex(c);
			Expect(c, TK_RBRACKET, "\"]\"");
			if (n->op != POLICY_OP_PATH)
				TypeError(c, n, "an object",
						  "Cannot read attribute %s of %s, which is not an object.",
						  QuoteText(key.str, key.slen), TypeName(n->type));
			PathMember(c, n, key.str, key.slen, key.start);
		}
		else
			return n;
	}
}

/* Name of a comparison operator */
static const char *
OpName(uint8 op)
{
	switch (op)
	{
		case POLICY_OP_EQ:
			return "==";
		case POLICY_OP_NE:
			return "!=";
		case POLICY_OP_LT:
			return "<";
		case POLICY_OP_LE:
			return "<=";
		case POLICY_OP_GT:
			return ">";
		case POLICY_OP_GE:
			return ">=";
		case POLICY_OP_IN:
			return "in";
	}
	return "?";
}

/* Type check a comparison or membership test */
static void
CheckCompare(PCtx *c, PNode *n)
{
	PType		l = n->a->type;
	PType		r = n->b->type;
	const char *op = OpName(n->op);

	switch (n->op)
	{
		case POLICY_OP_EQ:
		case POLICY_OP_NE:
			if (l.kind == POLICY_T_NULL || r.kind == POLICY_T_NULL)
				break;
			if (!IsScalarType(l.kind) || !IsScalarType(r.kind))
				TypeError(c, IsScalarType(l.kind) ? n->b : n->a, "a scalar",
						  "Operator \"%s\" cannot compare %s with %s; compare lists with \"in\" or size().",
						  op, Describe(n->a), Describe(n->b));
			if (l.kind != r.kind && l.kind != POLICY_T_ANY && r.kind != POLICY_T_ANY)
				TypeError(c, n->b, TypeName(l),
						  "Operator \"%s\" cannot compare %s with %s.",
						  op, Describe(n->a), Describe(n->b));
			break;
		case POLICY_OP_IN:
			if (r.kind == POLICY_T_LIST)
			{
				if (!IsScalarType(l.kind))
					TypeError(c, n->a, "a scalar",
							  "The left operand of \"in\" must be a scalar, not %s.",
							  Describe(n->a));
				if (l.kind != r.elem && l.kind != POLICY_T_ANY && r.elem != POLICY_T_ANY &&
					l.kind != POLICY_T_NULL && r.elem != POLICY_T_NULL)
					TypeError(c, n->a, PolicyTypeName(r.elem),
							  "Operator \"in\" cannot look for %s in %s.",
							  Describe(n->a), Describe(n->b));
			}
			else if (r.kind == POLICY_T_OBJECT)
			{
				if (l.kind != POLICY_T_STRING && l.kind != POLICY_T_ANY)
					TypeError(c, n->a, "string",
							  "Operator \"in\" looks for an attribute name (a string) in %s, not %s.",
							  Describe(n->b), Describe(n->a));
			}
			else if (r.kind != POLICY_T_ANY)
				TypeError(c, n->b, "a list",
						  "Operator \"in\" needs a list on its right but found %s.",
						  Describe(n->b));
			break;
		default:
			if (l.kind != POLICY_T_NUMBER && l.kind != POLICY_T_STRING && l.kind != POLICY_T_ANY)
				TypeError(c, n->a, "number or string",
						  "Operator \"%s\" compares numbers or strings, not %s.",
						  op, Describe(n->a));
			if (r.kind != POLICY_T_NUMBER && r.kind != POLICY_T_STRING && r.kind != POLICY_T_ANY)
				TypeError(c, n->b, "number or string",
						  "Operator \"%s\" compares numbers or strings, not %s.",
						  op, Describe(n->b));
			if (l.kind != r.kind && l.kind != POLICY_T_ANY && r.kind != POLICY_T_ANY)
				TypeError(c, n->b, TypeName(l),
						  "Operator \"%s\" cannot compare %s with %s.",
						  op, Describe(n->a), Describe(n->b));
			break;
	}
	n->type = MakeType(POLICY_T_BOOL);
}

/* Comparison operator for a token, -1 if it is not one */
static int
RelOp(TokKind k)
{
	switch (k)
	{
		case TK_EQ:
			return POLICY_OP_EQ;
		case TK_NE:
			return POLICY_OP_NE;
		case TK_LT:
			return POLICY_OP_LT;
		case TK_LE:
			return POLICY_OP_LE;
		case TK_GT:
			return POLICY_OP_GT;
		case TK_GE:
			return POLICY_OP_GE;
		case TK_IN:
			return POLICY_OP_IN;
		default:
			return -1;
	}
}

/* relation: postfix [ relop postfix ] (comparisons do not chain) */
static PNode *
ParseRel(PCtx *c)
{
	PNode	   *left = ParsePostfix(c);
	int			op = RelOp(c->tok.kind);
	bool		negate = false;
	int			oppos = c->tok.start;
	PNode	   *n;

	if (op < 0 && c->tok.kind == TK_NOT && PeekNext(c) == TK_IN)
	{
		Lex(c);
		op = POLICY_OP_IN;
		negate = true;
	}
	if (op < 0)
		return left;
	Lex(c);
	n = NewNode(c, op, oppos);
	n->a = left;
	n->b = ParsePostfix(c);
	CheckCompare(c, n);
	SetDepth(c, n);
	if (RelOp(c->tok.kind) >= 0)
	{
		FailMsg(c, c->tok.start, "syntax error");
		Fail(c, ERRCODE_SYNTAX_ERROR, c->tok.start, "\"and\" or \"or\"",
			 "Expected \"and\" or \"or\" but found %s; comparisons do not chain.",
			 FoundText(c));
	}
	if (negate)
	{
		PNode	   *not = NewNode(c, POLICY_OP_NOT, oppos);

		not->a = n;
		not->type = MakeType(POLICY_T_BOOL);
		SetDepth(c, not);
		n = not;
	}
	return n;
}

/* negation: ("not" | "!") negation | relation */
static PNode *
ParseNot(PCtx *c)
{
	if (c->tok.kind == TK_NOT)
	{
		int			pos = c->tok.start;
		PNode	   *n;

		Nest(c, pos);
		Lex(c);
		n = NewNode(c, POLICY_OP_NOT, pos);
		n->a = ParseNot(c);
		c->nesting--;
		RequireBool(c, n->a, "not");
		n->type = MakeType(POLICY_T_BOOL);
		SetDepth(c, n);
		return n;
	}
	return ParseRel(c);
}

/* A chain of operands joined by "and" (or "or"), flattened into one node */
static PNode *
ParseChain(PCtx *c, TokKind joiner)
{
	uint8		op = joiner == TK_AND ? POLICY_OP_AND : POLICY_OP_OR;
	const char *opname = joiner == TK_AND ? "and" : "or";
	PNode	   *first = joiner == TK_AND ? ParseNot(c) : ParseChain(c, TK_AND);
	PNode	   *n;
	int			cap = 4;

	if (c->tok.kind != joiner)
		return first;
	n = NewNode(c, op, c->tok.start);
	n->items = palloc(sizeof(PNode *) * cap);
	n->items[n->nitems++] = first;
	while (c->tok.kind == joiner)
	{
		PNode	   *next;

		Lex(c);
		next = joiner == TK_AND ? ParseNot(c) : ParseChain(c, TK_AND);
		if (n->nitems == cap)
		{
			cap *= 2;
			n->items = repalloc(n->items, sizeof(PNode *) * cap);
		}
		n->items[n->nitems++] = next;
	}
	/* operand types are checked once the chain parsed: syntax errors first */
	for (int i = 0; i < n->nitems; i++)
		RequireBool(c, n->items[i], opname);
	n->type = MakeType(POLICY_T_BOOL);
	SetDepth(c, n);
	return n;
}

/* expression: or-chain */
static PNode *
ParseOr(PCtx *c)
{
	return ParseChain(c, TK_OR);
}

/*
 * Emission: the tree as a flat program
 */

/* Append bytes to the pool at a 4-aligned offset; returns the offset */
static int32
PoolAppend(Emit *e, const void *data, int len)
{
	int32		off;

	while (e->pool.len % 4 != 0)
		appendStringInfoChar(&e->pool, '\0');
	off = e->pool.len;
	appendBinaryStringInfo(&e->pool, data, len);
	while (e->pool.len % 4 != 0)
		appendStringInfoChar(&e->pool, '\0');
	return off;
}

/* Append a text (4-byte varlena header + bytes) to the pool */
static int32
PoolText(Emit *e, const char *s, int len)
{
	text	   *t = palloc(VARHDRSZ + len);
	int32		off;

	SET_VARSIZE(t, VARHDRSZ + len);
	memcpy(VARDATA(t), s, len);
	off = PoolAppend(e, t, VARHDRSZ + len);
	pfree(t);
	return off;
}

/* Emit a node (children first); returns its index */
static int32
EmitNode(Emit *e, PNode *n)
{
	PolicyNode	pn;
	int32	   *idx = NULL;

	memset(&pn, 0, sizeof(pn));
	switch (n->op)
	{
		case POLICY_OP_NOT:
			pn.a = EmitNode(e, n->a);
			break;
		case POLICY_OP_AND:
		case POLICY_OP_OR:
		case POLICY_OP_LIST:
			if (n->nitems > 0)
				idx = palloc(sizeof(int32) * n->nitems);
			for (int i = 0; i < n->nitems; i++)
				idx[i] = EmitNode(e, n->items[i]);
			pn.a = idx ? PoolAppend(e, idx, sizeof(int32) * n->nitems) : 0;
			pn.b = n->nitems;
			break;
		case POLICY_OP_EQ:
		case POLICY_OP_NE:
		case POLICY_OP_LT:
		case POLICY_OP_LE:
		case POLICY_OP_GT:
		case POLICY_OP_GE:
		case POLICY_OP_IN:
			pn.a = EmitNode(e, n->a);
			pn.b = EmitNode(e, n->b);
			break;
		case POLICY_OP_CALL:
			pn.fn = n->fn;
			pn.a = EmitNode(e, n->a);
			pn.b = n->b ? EmitNode(e, n->b) : -1;
			pn.c = n->b ? 2 : 1;
			break;
		case POLICY_OP_PATH:
		case POLICY_OP_HAS:
			pn.a = n->root;
			if (n->nkeys > 0)
				idx = palloc(sizeof(int32) * n->nkeys);
			for (int i = 0; i < n->nkeys; i++)
				idx[i] = PoolText(e, n->keys[i], n->keylens[i]);
			pn.b = idx ? PoolAppend(e, idx, sizeof(int32) * n->nkeys) : 0;
			pn.c = n->nkeys;
			e->roots |= (uint32) 1 << n->root;
			break;
		case POLICY_OP_BOOL:
			pn.a = n->bval ? 1 : 0;
			break;
		case POLICY_OP_NUM:
			pn.a = PoolAppend(e, n->num, VARSIZE(n->num));
			if (n->has_int)
			{
				uint64		u = (uint64) n->ival;

				pn.flags |= POLICY_NF_INT;
				pn.b = (int32) (uint32) (u >> 32);
				pn.c = (int32) (uint32) (u & 0xFFFFFFFF);
			}
			break;
		case POLICY_OP_STR:
			pn.a = PoolText(e, n->str, n->slen);
			break;
		case POLICY_OP_NULL:
			break;
	}
	pn.op = n->op;
	pn.type = PackType(n->type);
	pn.pos = CharOffset(e->c, n->bpos);
	if (e->nnodes == e->maxnodes)
		elog(ERROR, "policy node count exceeds the parse count");

	/* the depth of the emitted tree (the one the evaluator checks) */
	{
		int			d = 0;

		if (n->op == POLICY_OP_NOT || (n->op >= POLICY_OP_EQ && n->op <= POLICY_OP_IN) ||
			n->op == POLICY_OP_CALL)
		{
			d = e->depths[pn.a];
			if (n->op != POLICY_OP_NOT && pn.b >= 0)
				d = Max(d, e->depths[pn.b]);
		}
		else if (n->op == POLICY_OP_AND || n->op == POLICY_OP_OR || n->op == POLICY_OP_LIST)
			for (int i = 0; i < n->nitems; i++)
				d = Max(d, e->depths[idx[i]]);
		e->depths[e->nnodes] = d + 1;
		if (d + 1 > POLICY_MAX_DEPTH)
		{
			FailMsg(e->c, n->bpos, "expression nested too deeply");
			Fail(e->c, ERRCODE_PROGRAM_LIMIT_EXCEEDED, n->bpos, NULL,
				 "Conditions nest at most %d levels deep.", POLICY_MAX_DEPTH);
		}
	}
	e->nodes[e->nnodes] = pn;
	return e->nnodes++;
}

/* Lay out a checked tree as a program */
static bytea *
EmitProgram(PCtx *c, PNode *top)
{
	Emit		e;
	PolicyProgram *prog;
	Size		size;

	e.maxnodes = c->nnodes;
	e.nodes = palloc0(sizeof(PolicyNode) * e.maxnodes);
	e.depths = palloc0(sizeof(int) * e.maxnodes);
	e.nnodes = 0;
	e.roots = 0;
	e.c = c;
	initStringInfo(&e.pool);
	EmitNode(&e, top);
	while (e.pool.len % 4 != 0)
		appendStringInfoChar(&e.pool, '\0');

	size = offsetof(PolicyProgram, nodes) + sizeof(PolicyNode) * e.nnodes + e.pool.len;
	prog = palloc0(size);
	SET_VARSIZE(prog, size);
	prog->magic = POLICY_PROGRAM_MAGIC;
	prog->version = POLICY_PROGRAM_VERSION;
	prog->depth = e.depths[e.nnodes - 1];
	prog->roots_used = e.roots;
	prog->n_nodes = e.nnodes;
	prog->pool_len = e.pool.len;
	memcpy(prog->nodes, e.nodes, sizeof(PolicyNode) * e.nnodes);
	memcpy((char *) prog->nodes + sizeof(PolicyNode) * e.nnodes, e.pool.data, e.pool.len);
	return (bytea *) prog;
}

/* Parse, check and compile; ereports (and fills *err) on any problem */
static bytea *
CompileInternal(const char *src, int len, Jsonb *schema, PolicyError *err)
{
	PCtx		c;
	PNode	   *top;
	bytea	   *prog;

	memset(err, 0, sizeof(PolicyError));
	memset(&c, 0, sizeof(c));
	c.src = src;
	c.len = len;
	c.err = err;
	if (len > datamesh_policy_max_expression_length)
	{
		c.err->message = pstrdup("policy condition is too long");
		Fail(&c, ERRCODE_PROGRAM_LIMIT_EXCEEDED, -1, NULL,
			 "The condition has %d bytes; datamesh.policy_max_expression_length allows %d.",
			 len, datamesh_policy_max_expression_length);
	}
	if (schema == NULL)
		schema = PolicyDefaultSchema();
	else if (VARATT_IS_EXTENDED(schema))
		schema = (Jsonb *) pg_detoast_datum((struct varlena *) schema);
	if (!JB_ROOT_IS_OBJECT(schema) || JB_ROOT_IS_SCALAR(schema))
	{
		c.err->message = pstrdup("invalid policy schema");
		Fail(&c, ERRCODE_INVALID_PARAMETER_VALUE, -1, NULL,
			 "The schema must be a jsonb object whose keys are roots.");
	}
	c.schema = &schema->root;
	CheckSchemaObject(&c, c.schema, NULL);

	if (memchr(src, '\0', len) != NULL)
	{
		FailMsg(&c, (int) ((const char *) memchr(src, '\0', len) - src), "syntax error");
		Fail(&c, ERRCODE_SYNTAX_ERROR, (int) ((const char *) memchr(src, '\0', len) - src),
			 NULL, "A condition cannot contain a NUL byte.");
	}

	Lex(&c);
	top = ParseOr(&c);
	if (c.tok.kind != TK_EOF)
		SyntaxError(&c, "\"and\", \"or\" or end of input");
	if (top->type.kind != POLICY_T_BOOL && top->type.kind != POLICY_T_ANY)
		TypeError(&c, top, "bool", "A condition must be bool but this one is %s.",
				  Describe(top));

	prog = EmitProgram(&c, top);
	return prog;
}

/* Compile a condition; ereports on any error */
bytea *
PolicyCompile(const char *src, int len, Jsonb *schema)
{
	PolicyError err;

	return CompileInternal(src, len, schema, &err);
}

/*
 * Compile without throwing the errors of the language: on a problem, fill
 * *err and return false.  Errors that are not the condition's fault (out of
 * memory, query cancel) are re-thrown.
 */
bool
PolicyValidate(const char *src, int len, Jsonb *schema, PolicyError *err,
			   bytea **program_out)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	bytea	   *volatile prog = NULL;

	memset(err, 0, sizeof(PolicyError));
	PG_TRY();
	{
		prog = CompileInternal(src, len, schema, err);
	}
	PG_CATCH();
	{
		if (err->sqlerrcode == 0)
			PG_RE_THROW();
		MemoryContextSwitchTo(oldcontext);
		FlushErrorState();
		prog = NULL;
	}
	PG_END_TRY();
	if (program_out)
		*program_out = prog;
	return prog != NULL;
}

/*
 * SQL functions
 */

/* Schema argument: NULL = built-in */
static Jsonb *
SchemaArg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return PG_GETARG_JSONB_P(argno);
}

/* datamesh.compile_condition(expr text, schema jsonb) -> bytea */
Datum
compile_condition(PG_FUNCTION_ARGS)
{
	text	   *expr;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	expr = PG_GETARG_TEXT_PP(0);
	PG_RETURN_BYTEA_P(PolicyCompile(VARDATA_ANY(expr), VARSIZE_ANY_EXHDR(expr),
									SchemaArg(fcinfo, 1)));
}

/* Push a key and a string value (or null) into a jsonb under construction */
static void
PushKeyString(JsonbParseState **state, const char *key, const char *val)
{
	JsonbValue	k;
	JsonbValue	v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &k);
	if (val == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) val;
		v.val.string.len = strlen(val);
	}
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* datamesh.validate_condition(expr text, schema jsonb) -> jsonb */
Datum
validate_condition(PG_FUNCTION_ARGS)
{
	text	   *expr;
	PolicyError err;
	bytea	   *prog;
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;
	JsonbValue *res;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	expr = PG_GETARG_TEXT_PP(0);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = "valid";
	k.val.string.len = 5;
	pushJsonbValue(&state, WJB_KEY, &k);
	v.type = jbvBool;
	v.val.boolean = PolicyValidate(VARDATA_ANY(expr), VARSIZE_ANY_EXHDR(expr),
								   SchemaArg(fcinfo, 1), &err, &prog);
	pushJsonbValue(&state, WJB_VALUE, &v);
	k.val.string.val = "error";
	k.val.string.len = 5;
	pushJsonbValue(&state, WJB_KEY, &k);
	if (v.val.boolean)
	{
		uint32		roots = PolicyRootsUsed(prog);

		v.type = jbvNull;
		pushJsonbValue(&state, WJB_VALUE, &v);
		k.val.string.val = "roots";
		k.val.string.len = 5;
		pushJsonbValue(&state, WJB_KEY, &k);
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		for (int i = 0; i < POLICY_NUM_ROOTS; i++)
			if (roots & ((uint32) 1 << i))
			{
				v.type = jbvString;
				v.val.string.val = (char *) PolicyRootNames[i];
				v.val.string.len = strlen(PolicyRootNames[i]);
				pushJsonbValue(&state, WJB_ELEM, &v);
			}
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	else
	{
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		k.val.string.val = "offset";
		k.val.string.len = 6;
		pushJsonbValue(&state, WJB_KEY, &k);
		v.type = jbvNumeric;
		v.val.numeric = int64_to_numeric(err.offset);
		pushJsonbValue(&state, WJB_VALUE, &v);
		PushKeyString(&state, "sqlstate", unpack_sql_state(err.sqlerrcode));
		PushKeyString(&state, "message", err.message);
		PushKeyString(&state, "detail", err.detail);
		PushKeyString(&state, "expected", err.expected);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}

/* datamesh.explain_condition(expr text, schema jsonb) -> jsonb */
Datum
explain_condition(PG_FUNCTION_ARGS)
{
	text	   *expr;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	expr = PG_GETARG_TEXT_PP(0);
	PG_RETURN_JSONB_P(PolicyExplain(PolicyCompile(VARDATA_ANY(expr),
												  VARSIZE_ANY_EXHDR(expr),
												  SchemaArg(fcinfo, 1))));
}

/* datamesh.policy_default_schema() -> jsonb */
Datum
policy_default_schema(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PolicyDefaultSchema();
	Jsonb	   *copy = palloc(VARSIZE(schema));

	memcpy(copy, schema, VARSIZE(schema));
	PG_RETURN_JSONB_P(copy);
}
