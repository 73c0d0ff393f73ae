/*
 * policy_lang.h
 *		The policy condition language: compile a condition to a flat program,
 *		evaluate a program against an environment of jsonb roots.
 *
 * A condition such as
 *		user.role in ['analyst', 'data_scientist'] and user.completed_pii_training
 * is parsed, checked against a schema (which roots and attributes exist and
 * their types) and compiled once into a position-independent bytea (see
 * PolicyProgram below).  The program can be stored in a table column, copied
 * and cached, and evaluated any number of times without parsing.
 *
 * See docs/policy-language.md for the language, the schema format, the
 * semantics and the errors.
 */
#ifndef POLICY_LANG_H
#define POLICY_LANG_H

#include "utils/jsonb.h"

/* The roots a condition may name, in this order (bit i of a roots mask) */
typedef enum PolicyRoot
{
	POLICY_ROOT_USER,
	POLICY_ROOT_RESOURCE,
	POLICY_ROOT_COLUMN,
	POLICY_ROOT_CONTRACT,
	POLICY_ROOT_ACTION,
	POLICY_ROOT_CONTEXT,
	POLICY_ROOT_ROW,
	POLICY_NUM_ROOTS
} PolicyRoot;

/* Result of one evaluation; POLICY_ERROR is a value, not a PostgreSQL error */
typedef enum PolicyTruth
{
	POLICY_FALSE,
	POLICY_TRUE,
	POLICY_ERROR
} PolicyTruth;

/* A compile-time problem, as PolicyValidate reports it (palloc'd strings) */
typedef struct PolicyError
{
	int			sqlerrcode;		/* ERRCODE_* */
	int			offset;			/* 1-based character offset, 0 = whole condition */
	char	   *message;		/* errmsg text, names the offset */
	char	   *detail;			/* errdetail text, or NULL */
	char	   *expected;		/* what the parser expected, or NULL */
} PolicyError;

/*
 * The values of the roots for one evaluation.  A NULL root is absent: any
 * attribute read from it is an evaluation error and has() is false.  A root
 * may be a jsonb object (user, resource ...) or a scalar (action).  Each Jsonb
 * must be a plain (detoasted) datum.
 */
typedef struct PolicyEnv
{
	Jsonb	   *roots[POLICY_NUM_ROOTS];
} PolicyEnv;

/* Hard limits (the length limit is the GUC datamesh.policy_max_expression_length) */
#define POLICY_MAX_DEPTH	32		/* nesting of the syntax tree */
#define POLICY_MAX_NODES	1024	/* nodes of a compiled program */

/*
 * Compiled form.  A varlena: this header, then n_nodes PolicyNode, then a
 * constant pool of pool_len bytes.  Every reference inside is an index or an
 * offset relative to the pool, so the bytes can be copied anywhere.  Node i
 * only refers to nodes below i, each node except the last is referred to
 * exactly once, and the last node is the condition.  PolicyEvaluate checks
 * all of this (and every pool offset) before evaluating, so any bytea is
 * safe to pass.
 */
#define POLICY_PROGRAM_MAGIC	0x4C504D44	/* "DMPL" */
#define POLICY_PROGRAM_VERSION	1

typedef struct PolicyNode
{
	uint8		op;				/* PolicyOp (policy_parse.c) */
	uint8		type;			/* static type: kind | element kind << 4 */
	uint8		fn;				/* function, for calls */
	uint8		flags;
	int32		pos;			/* 1-based character offset in the source */
	int32		a;
	int32		b;
	int32		c;
} PolicyNode;

typedef struct PolicyProgram
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint32		magic;
	uint16		version;
	uint16		depth;			/* depth of the tree */
	uint32		roots_used;		/* bit (1 << PolicyRoot) per root read */
	uint32		n_nodes;
	uint32		pool_len;
	PolicyNode	nodes[FLEXIBLE_ARRAY_MEMBER];
} PolicyProgram;

/*
 * Node operations.  Operands by op (indexes are node indexes, offsets are
 * byte offsets into the pool, 4-aligned):
 *	NULL					-
 *	BOOL		a = 0 or 1
 *	NUM			a = offset of a Numeric; if flags & POLICY_NF_INT, b:c = int64 (high:low)
 *	STR			a = offset of a text (4-byte varlena header, then bytes)
 *	LIST		a = offset of int32[b] element indexes, b = count
 *	PATH, HAS	a = PolicyRoot, b = offset of int32[c] text offsets (keys), c = count
 *	NOT			a = operand
 *	AND, OR		a = offset of int32[b] operand indexes, b = count
 *	EQ ... IN	a = left, b = right
 *	CALL		fn = PolicyFunc, c = argument count (1 or 2), a, b = arguments
 */
typedef enum PolicyOp
{
	POLICY_OP_NULL,
	POLICY_OP_BOOL,
	POLICY_OP_NUM,
	POLICY_OP_STR,
	POLICY_OP_LIST,
	POLICY_OP_PATH,
	POLICY_OP_HAS,
	POLICY_OP_NOT,
	POLICY_OP_AND,
	POLICY_OP_OR,
	POLICY_OP_EQ,
	POLICY_OP_NE,
	POLICY_OP_LT,
	POLICY_OP_LE,
	POLICY_OP_GT,
	POLICY_OP_GE,
	POLICY_OP_IN,
	POLICY_OP_CALL,
	POLICY_NUM_OPS
} PolicyOp;

#define POLICY_NF_INT	0x01	/* NUM: the int64 in b:c is exact */

/* The fixed functions */
typedef enum PolicyFunc
{
	POLICY_FN_SIZE,
	POLICY_FN_LOWER,
	POLICY_FN_UPPER,
	POLICY_FN_STARTSWITH,
	POLICY_FN_ENDSWITH,
	POLICY_FN_CONTAINS,
	POLICY_FN_MATCHES,
	POLICY_NUM_FUNCS
} PolicyFunc;

/* Static types (PolicyNode.type holds kind | element kind << 4) */
typedef enum PolicyTypeKind
{
	POLICY_T_ANY,
	POLICY_T_NULL,
	POLICY_T_BOOL,
	POLICY_T_NUMBER,
	POLICY_T_STRING,
	POLICY_T_LIST,
	POLICY_T_OBJECT,
	POLICY_NUM_TYPES
} PolicyTypeKind;

/* Names shared by the compiler, the checker and the explainer */
extern const char *const PolicyFuncNames[POLICY_NUM_FUNCS];
extern const int PolicyFuncArity[POLICY_NUM_FUNCS];
extern const char *PolicyTypeName(uint8 type);

/*
 * Match subject against a pattern (PostgreSQL advanced regular expressions,
 * C collation), compiling it once per backend: 1 = match, 0 = no match,
 * -1 = invalid pattern (message in errbuf).  subject NULL only compiles.
 */
extern int	PolicyRegexMatch(const char *pattern, int plen,
							 const char *subject, int slen,
							 char *errbuf, size_t errlen);

/* lower() or upper() as conditions apply them (palloc'd, NUL-terminated) */
extern char *PolicyChangeCase(const char *s, int len, bool upper, int *newlen);

/* Compile a condition; ereports on any error (schema NULL = built-in) */
extern bytea *PolicyCompile(const char *src, int len, Jsonb *schema);

/* Compile without throwing: false and *err filled on a problem; *program_out may be NULL */
extern bool PolicyValidate(const char *src, int len, Jsonb *schema,
						   PolicyError *err, bytea **program_out);

/* Check that a bytea is a well-formed program; ereports 22P03 if not */
extern void PolicyCheckProgram(const bytea *program);

/*
 * Evaluate a program.  On POLICY_ERROR, *error_out (if not NULL) points to a
 * message valid until the next call.  The program is checked first.
 */
extern PolicyTruth PolicyEvaluate(const bytea *program, const PolicyEnv *env,
								  const char **error_out);

/*
 * Evaluate without checking: only for a program that passed
 * PolicyCheckProgram (or came from PolicyCompile), is a plain 4-aligned
 * varlena and has not changed since, such as one kept in a backend cache.
 * Saves the check (about a third of the time of a small condition).
 */
extern PolicyTruth PolicyEvaluateTrusted(const bytea *program, const PolicyEnv *env,
										 const char **error_out);

/* Roots the program reads, one bit (1 << PolicyRoot) each (checks the header only) */
extern uint32 PolicyRootsUsed(const bytea *program);

/* Name of a root ("user" ...), and the root for a name (-1 if none) */
extern const char *PolicyRootName(PolicyRoot root);
extern int	PolicyRootByName(const char *name, int len);

/* The built-in schema (a jsonb kept for the backend's life) */
extern Jsonb *PolicyDefaultSchema(void);

/* The syntax tree of a program as jsonb (documented shape) */
extern Jsonb *PolicyExplain(const bytea *program);

/* Build a PolicyEnv from {"user": {...}, "action": "read", ...} (palloc'd roots) */
extern void PolicyEnvFromJsonb(Jsonb *env, PolicyEnv *out);

#endif							/* POLICY_LANG_H */
