/*
 * policy_eval.c
 *		Policy condition language: check, evaluate and explain compiled programs.
 *
 * A program (policy_lang.h) is checked completely before use, since any bytea
 * can reach PolicyEvaluate: the header, the length, every node's operation,
 * every child index (below the node, each used once: a tree, so evaluation
 * is linear), every pool offset and every constant in the pool.  Evaluation
 * then walks the tree without allocating in the common case: attributes are
 * read straight out of the jsonb roots (binary search for object keys, the
 * JEntry array for list elements), strings are compared in place.  What must
 * allocate (lower(), upper(), matches(), mixed-width number comparisons) does
 * so in a scratch context reset at the end of each call.
 *
 * Run-time problems (an absent attribute, a null where a string is needed, a
 * value of the wrong type under "any") are not PostgreSQL errors: they make
 * the value an error, which "and"/"or" may absorb (false and error = false,
 * true or error = true) and which otherwise makes the result POLICY_ERROR.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "mb/pg_wchar.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "policy_lang.h"

PG_FUNCTION_INFO_V1(eval_condition);
PG_FUNCTION_INFO_V1(eval_condition_detail);
PG_FUNCTION_INFO_V1(eval_compiled);
PG_FUNCTION_INFO_V1(explain_compiled);
PG_FUNCTION_INFO_V1(policy_eval_loop);

/* Run-time value kinds */
typedef enum VKind
{
	V_ERROR,
	V_NULL,
	V_BOOL,
	V_NUM,
	V_STR,
	V_LIST,
	V_OBJ
} VKind;

static const char *const VKindNames[] = {
	"error", "null", "bool", "number", "string", "list", "object"
};

/* A run-time value; strings and containers point into the program or the env */
typedef struct PValue
{
	uint8		kind;
	bool		b;
	bool		has_int;		/* V_NUM: i is exact */
	int32		litnode;		/* V_LIST from a list literal: its node, else -1 */
	int64		i;
	Numeric		num;			/* V_NUM: NULL if only i is set */
	const char *s;
	int			len;
	JsonbContainer *cont;		/* V_LIST (jsonb array), V_OBJ */
} PValue;

/* Evaluation state */
typedef struct ECtx
{
	const PolicyProgram *prog;
	const PolicyNode *nodes;
	const char *pool;
	JsonbContainer *roots[POLICY_NUM_ROOTS];	/* object/array roots */
	JsonbValue	scalars[POLICY_NUM_ROOTS];	/* scalar roots */
	uint8		rootkind[POLICY_NUM_ROOTS]; /* 0 absent, 1 container, 2 scalar */
	bool		errset;			/* errbuf holds the error being propagated */
} ECtx;

#define REGEX_CACHE_SIZE 64

/* A cached compiled regular expression */
typedef struct RegexEntry
{
	char	   *pattern;		/* malloc'd */
	int			len;
	regex_t		re;
} RegexEntry;

static RegexEntry regex_cache[REGEX_CACHE_SIZE];
static int	regex_count = 0;
static int	regex_next = 0;

static char policy_errbuf[512];
static MemoryContext policy_eval_cxt = NULL;

static void Eval(ECtx *e, int32 idx, PValue *out);

/*
 * Regular expressions
 */

/* Match subject against a pattern compiled once per backend (see policy_lang.h) */
int
PolicyRegexMatch(const char *pattern, int plen, const char *subject, int slen,
				 char *errbuf, size_t errlen)
{
	RegexEntry *entry = NULL;
	pg_wchar   *wdata;
	int			wlen;
	int			rc;

	for (int i = 0; i < regex_count; i++)
		if (regex_cache[i].len == plen && memcmp(regex_cache[i].pattern, pattern, plen) == 0)
		{
			entry = &regex_cache[i];
			break;
		}
	if (entry == NULL)
	{
		regex_t		re;
		char	   *copy;

		wdata = palloc((plen + 1) * sizeof(pg_wchar));
		wlen = pg_mb2wchar_with_len(pattern, wdata, plen);
		rc = pg_regcomp(&re, wdata, wlen, REG_ADVANCED, C_COLLATION_OID);
		pfree(wdata);
		if (rc != REG_OKAY)
		{
			pg_regerror(rc, &re, errbuf, errlen);
			return -1;
		}
		copy = malloc(plen > 0 ? plen : 1);
		if (copy == NULL)
		{
			pg_regfree(&re);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		}
		memcpy(copy, pattern, plen);
		if (regex_count < REGEX_CACHE_SIZE)
			entry = &regex_cache[regex_count++];
		else
		{
			entry = &regex_cache[regex_next];
			regex_next = (regex_next + 1) % REGEX_CACHE_SIZE;
			pg_regfree(&entry->re);
			free(entry->pattern);
		}
		entry->pattern = copy;
		entry->len = plen;
		entry->re = re;
	}
	if (subject == NULL)
		return 0;

	wdata = palloc((slen + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(subject, wdata, slen);
	rc = pg_regexec(&entry->re, wdata, wlen, 0, NULL, 0, NULL, 0);
	pfree(wdata);
	if (rc == REG_OKAY)
		return 1;
	if (rc == REG_NOMATCH)
		return 0;
	pg_regerror(rc, &entry->re, errbuf, errlen);
	return -1;
}

/*
 * Program checks
 */

/*
 * Is there a well-formed text at this pool offset?  With strict, its bytes
 * must also be valid in the database encoding and hold no NUL (texts that
 * leave the program, as explain does, must be real text values).
 */
static bool
PoolTextOk(const PolicyProgram *p, const char *pool, int32 off, bool strict)
{
	uint32		size;

	if (off < 0 || off % 4 != 0 || (uint32) off + VARHDRSZ > p->pool_len)
		return false;
	if (!VARATT_IS_4B_U(pool + off))
		return false;
	size = VARSIZE(pool + off);
	if (size < VARHDRSZ || (uint64) off + size > p->pool_len)
		return false;
	if (strict && !pg_verifymbstr(pool + off + VARHDRSZ, size - VARHDRSZ, true))
		return false;
	return true;
}

/* Is there a well-formed numeric at this pool offset? */
static bool
PoolNumericOk(const PolicyProgram *p, const char *pool, int32 off)
{
	uint32		size;
	uint16		header;
	uint32		hdrsize;
	const char *digits;
	int			ndigits;

	if (!PoolTextOk(p, pool, off, false))
		return false;
	size = VARSIZE(pool + off);
	if (size < VARHDRSZ + sizeof(uint16))
		return false;
	memcpy(&header, pool + off + VARHDRSZ, sizeof(uint16));
	/* numeric.c: the short and special formats have the top bit set */
	hdrsize = VARHDRSZ + ((header & 0x8000) ? sizeof(uint16) : 2 * sizeof(uint16));
	if (size < hdrsize || (size - hdrsize) % sizeof(int16) != 0)
		return false;
	if ((header & 0xC000) == 0xC000 && size != hdrsize)
		return false;
	digits = pool + off + hdrsize;
	ndigits = (size - hdrsize) / sizeof(int16);
	for (int i = 0; i < ndigits; i++)
	{
		int16		d;

		memcpy(&d, digits + i * sizeof(int16), sizeof(int16));
		if (d < 0 || d >= 10000)
			return false;
	}
	return true;
}

/* Is there an int32[count] at this pool offset? */
static bool
PoolArrayOk(const PolicyProgram *p, int32 off, int32 count)
{
	if (count < 0 || count > POLICY_MAX_NODES)
		return false;
	if (count == 0)
		return true;
	return off >= 0 && off % 4 == 0 && (uint64) off + (uint64) count * 4 <= p->pool_len;
}

/* Why a program is not well-formed, or NULL if it is (strict: see PoolTextOk) */
static char *
ProgramProblem(const PolicyProgram *p, bool strict)
{
	uint8		refs[POLICY_MAX_NODES];
	uint8		depth[POLICY_MAX_NODES];
	uint32		roots = 0;
	uint32		size = VARSIZE(p);
	const char *pool;
	uint32		n;

	if (size < offsetof(PolicyProgram, nodes))
		return psprintf("it has %u bytes, less than a program header", size);
	if (p->magic != POLICY_PROGRAM_MAGIC)
		return pstrdup("it does not start with the magic number of a compiled condition");
	if (p->version != POLICY_PROGRAM_VERSION)
		return psprintf("it has format version %u; this library reads version %d",
						(unsigned) p->version, POLICY_PROGRAM_VERSION);
	n = p->n_nodes;
	if (n == 0 || n > POLICY_MAX_NODES)
		return psprintf("it claims %u nodes", n);
	if ((uint64) offsetof(PolicyProgram, nodes) + (uint64) n * sizeof(PolicyNode) +
		p->pool_len != size || p->pool_len % 4 != 0)
		return psprintf("its length (%u bytes) does not match its header", size);
	pool = (const char *) &p->nodes[n];
	memset(refs, 0, n);

	for (uint32 i = 0; i < n; i++)
	{
		const PolicyNode *node = &p->nodes[i];
		int32		kids[2] = {-1, -1};
		int			nkids = 0;
		const int32 *arr = NULL;
		int32		narr = 0;
		int			d = 0;

		switch (node->op)
		{
			case POLICY_OP_NULL:
				break;
			case POLICY_OP_BOOL:
				if (node->a != 0 && node->a != 1)
					return psprintf("node %u is a boolean that is neither true nor false", i);
				break;
			case POLICY_OP_NUM:
				if (!PoolNumericOk(p, pool, node->a))
					return psprintf("node %u does not point to a valid number", i);
				break;
			case POLICY_OP_STR:
				if (!PoolTextOk(p, pool, node->a, strict))
					return psprintf("node %u does not point to a valid string", i);
				break;
			case POLICY_OP_LIST:
			case POLICY_OP_AND:
			case POLICY_OP_OR:
				if (!PoolArrayOk(p, node->a, node->b) ||
					(node->op != POLICY_OP_LIST && node->b < 1))
					return psprintf("node %u has an invalid operand list", i);
				narr = node->b;
				if (narr > 0)
					arr = (const int32 *) (pool + node->a);
				break;
			case POLICY_OP_PATH:
			case POLICY_OP_HAS:
				if (node->a < 0 || node->a >= POLICY_NUM_ROOTS)
					return psprintf("node %u reads an unknown root", i);
				if (!PoolArrayOk(p, node->b, node->c) ||
					(node->op == POLICY_OP_HAS && node->c < 1))
					return psprintf("node %u has an invalid attribute path", i);
				for (int32 k = 0; k < node->c; k++)
					if (!PoolTextOk(p, pool, ((const int32 *) (pool + node->b))[k], strict))
						return psprintf("node %u has an invalid attribute name", i);
				roots |= (uint32) 1 << node->a;
				break;
			case POLICY_OP_NOT:
				kids[nkids++] = node->a;
				break;
			case POLICY_OP_EQ:
			case POLICY_OP_NE:
			case POLICY_OP_LT:
			case POLICY_OP_LE:
			case POLICY_OP_GT:
			case POLICY_OP_GE:
			case POLICY_OP_IN:
				kids[nkids++] = node->a;
				kids[nkids++] = node->b;
				break;
			case POLICY_OP_CALL:
				if (node->fn >= POLICY_NUM_FUNCS || node->c != PolicyFuncArity[node->fn])
					return psprintf("node %u calls an unknown function", i);
				kids[nkids++] = node->a;
				if (node->c == 2)
					kids[nkids++] = node->b;
				break;
			default:
				return psprintf("node %u has an unknown operation", i);
		}
		for (int k = 0; k < nkids + narr; k++)
		{
			int32		kid = k < nkids ? kids[k] : arr[k - nkids];

			if (kid < 0 || (uint32) kid >= i)
				return psprintf("node %u refers to node %d, which does not come before it", i, kid);
			if (refs[kid]++ != 0)
				return psprintf("node %d is used twice", kid);
			d = Max(d, depth[kid]);
		}
		if (d + 1 > POLICY_MAX_DEPTH)
			return psprintf("it is nested more than %d levels deep", POLICY_MAX_DEPTH);
		depth[i] = d + 1;
	}
	for (uint32 i = 0; i + 1 < n; i++)
		if (refs[i] != 1)
			return psprintf("node %u is not used", i);
	if (depth[n - 1] != p->depth)
		return pstrdup("its depth does not match its header");
	if (roots != p->roots_used)
		return pstrdup("its roots do not match its header");
	return NULL;
}

/* A plain, 4-aligned copy of a program if needed (toasted, short header, unaligned) */
static const PolicyProgram *
ProgramArg(const bytea *program)
{
	if (VARATT_IS_EXTENDED(program))
		return (const PolicyProgram *) pg_detoast_datum((struct varlena *) program);
	if (((uintptr_t) program) % 4 != 0)
	{
		bytea	   *copy = palloc(VARSIZE(program));

		memcpy(copy, program, VARSIZE(program));
		return (const PolicyProgram *) copy;
	}
	return (const PolicyProgram *) program;
}

/* Check a program, ereport 22P03 if it is not well-formed; returns it usable */
static const PolicyProgram *
CheckedProgram(const bytea *program, bool strict)
{
	const PolicyProgram *p = ProgramArg(program);
	char	   *problem = ProgramProblem(p, strict);

	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid compiled policy condition"),
				 errdetail("The program is not valid: %s.", problem)));
	return p;
}

/* Check that a bytea is a well-formed program */
void
PolicyCheckProgram(const bytea *program)
{
	(void) CheckedProgram(program, true);
}

/*
 * Roots a program reads.  Only the header is checked (this is called often,
 * to decide which roots to build); evaluation checks the whole program, so a
 * corrupted mask can only leave a root absent.
 */
uint32
PolicyRootsUsed(const bytea *program)
{
	const PolicyProgram *p = ProgramArg(program);

	if (VARSIZE(p) < offsetof(PolicyProgram, nodes) ||
		p->magic != POLICY_PROGRAM_MAGIC || p->version != POLICY_PROGRAM_VERSION)
		(void) CheckedProgram(program, false);	/* reports what is wrong */
	return p->roots_used;
}

/*
 * Evaluation
 */

/* Make v an error value with a message (the first error that matters is kept) */
static void
pg_attribute_printf(3, 4)
SetError(ECtx *e, PValue *v, const char *fmt,...)
{
	v->kind = V_ERROR;
	if (!e->errset)
	{
		va_list		args;

		va_start(args, fmt);
		vsnprintf(policy_errbuf, sizeof(policy_errbuf), fmt, args);
		va_end(args);
		e->errset = true;
	}
}

/* Text in the pool at an offset */
static inline const char *
PoolText(ECtx *e, int32 off, int *len)
{
	const char *t = e->pool + off;

	*len = VARSIZE(t) - VARHDRSZ;
	return VARDATA(t);
}

/* Run-time value of a jsonb value */
static void
FromJsonbValue(const JsonbValue *jv, PValue *v)
{
	v->litnode = -1;
	v->has_int = false;
	v->num = NULL;
	switch (jv->type)
	{
		case jbvNull:
			v->kind = V_NULL;
			break;
		case jbvString:
			v->kind = V_STR;
			v->s = jv->val.string.val;
			v->len = jv->val.string.len;
			break;
		case jbvNumeric:
			v->kind = V_NUM;
			v->num = jv->val.numeric;
			break;
		case jbvBool:
			v->kind = V_BOOL;
			v->b = jv->val.boolean;
			break;
		case jbvBinary:
			v->cont = jv->val.binary.data;
			v->kind = JsonContainerIsArray(v->cont) ? V_LIST : V_OBJ;
			break;
		default:
			/* in-memory arrays and objects do not come out of containers */
			v->kind = V_NULL;
			break;
	}
}

/* Iterator over the elements of a jsonb array, read from its JEntry array */
typedef struct ArrIter
{
	JsonbContainer *cont;
	uint32		count;
	uint32		i;
	uint32		off;
	const char *base;
} ArrIter;

/* Start iterating a jsonb array */
static void
ArrIterInit(ArrIter *it, JsonbContainer *cont)
{
	it->cont = cont;
	it->count = JsonContainerSize(cont);
	it->i = 0;
	it->off = 0;
	it->base = (const char *) &cont->children[it->count];
}

/* Next element of a jsonb array, false at the end */
static bool
ArrIterNext(ArrIter *it, PValue *v)
{
	JEntry		entry;
	uint32		start;

	if (it->i >= it->count)
		return false;
	entry = it->cont->children[it->i];
	start = it->off;
	JBE_ADVANCE_OFFSET(it->off, entry);
	it->i++;
	v->litnode = -1;
	v->has_int = false;
	v->num = NULL;
	if (JBE_ISSTRING(entry))
	{
		v->kind = V_STR;
		v->s = it->base + start;
		v->len = it->off - start;
	}
	else if (JBE_ISNUMERIC(entry))
	{
		v->kind = V_NUM;
		v->num = (Numeric) (it->base + INTALIGN(start));
	}
	else if (JBE_ISBOOL_TRUE(entry) || JBE_ISBOOL_FALSE(entry))
	{
		v->kind = V_BOOL;
		v->b = JBE_ISBOOL_TRUE(entry);
	}
	else if (JBE_ISNULL(entry))
		v->kind = V_NULL;
	else
	{
		v->cont = (JsonbContainer *) (it->base + INTALIGN(start));
		v->kind = JsonContainerIsArray(v->cont) ? V_LIST : V_OBJ;
	}
	return true;
}

/* Write "root.key1.key2" (the first nkeys keys of a path node) into buf */
static void
PathText(ECtx *e, const PolicyNode *n, int nkeys, char *buf, size_t buflen)
{
	const int32 *keys = (const int32 *) (e->pool + n->b);
	int			used = snprintf(buf, buflen, "%s", PolicyRootName(n->a));

	for (int k = 0; k < nkeys && used < (int) buflen; k++)
	{
		int			len;
		const char *key = PoolText(e, keys[k], &len);

		used += snprintf(buf + used, buflen - used, ".%.*s", Min(len, 64), key);
	}
}

/* Value of a path; with has, a bool saying whether it exists (never an error) */
static void
EvalPath(ECtx *e, const PolicyNode *n, PValue *out, bool has)
{
	const int32 *keys = (const int32 *) (e->pool + n->b);
	int			root = n->a;
	char		path[200];

	out->litnode = -1;
	if (e->rootkind[root] == 0)
	{
		if (has)
		{
			out->kind = V_BOOL;
			out->b = false;
		}
		else
			SetError(e, out, "root \"%s\" is absent", PolicyRootName(root));
		return;
	}
	if (e->rootkind[root] == 2)
		FromJsonbValue(&e->scalars[root], out);
	else
	{
		out->cont = e->roots[root];
		out->kind = JsonContainerIsArray(out->cont) ? V_LIST : V_OBJ;
	}
	for (int k = 0; k < n->c; k++)
	{
		JsonbValue	jv;
		int			len;
		const char *key = PoolText(e, keys[k], &len);

		if (out->kind != V_OBJ ||
			getKeyJsonValueFromContainer(out->cont, key, len, &jv) == NULL)
		{
			if (has)
			{
				out->kind = V_BOOL;
				out->b = false;
				return;
			}
			if (out->kind != V_OBJ)
			{
				PathText(e, n, k, path, sizeof(path));
				SetError(e, out, "\"%s\" is %s, not an object", path, VKindNames[out->kind]);
			}
			else
			{
				PathText(e, n, k + 1, path, sizeof(path));
				SetError(e, out, "attribute \"%s\" is absent", path);
			}
			return;
		}
		FromJsonbValue(&jv, out);
	}
	if (has)
	{
		out->kind = V_BOOL;
		out->b = true;
	}
}

/* A Numeric for a number value (converting an exact int if needed) */
static Numeric
NumOf(PValue *v)
{
	if (v->num == NULL)
		v->num = int64_to_numeric(v->i);
	return v->num;
}

/* Compare two numbers numerically */
static int
CmpNum(PValue *a, PValue *b)
{
	if (a->has_int && b->has_int)
		return (a->i > b->i) - (a->i < b->i);
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											 NumericGetDatum(NumOf(a)),
											 NumericGetDatum(NumOf(b))));
}

/* Compare two strings by bytes (shorter prefix first) */
static int
CmpStr(const PValue *a, const PValue *b)
{
	int			r = memcmp(a->s, b->s, Min(a->len, b->len));

	if (r != 0)
		return r < 0 ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

/* Equality of two non-error values: values of different kinds are unequal */
static bool
Equal(PValue *a, PValue *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind)
	{
		case V_NULL:
			return true;
		case V_BOOL:
			return a->b == b->b;
		case V_NUM:
			return CmpNum(a, b) == 0;
		case V_STR:
			return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
		case V_LIST:
		case V_OBJ:
			if (a->litnode >= 0 || b->litnode >= 0)
				return false;
			return compareJsonbContainers(a->cont, b->cont) == 0;
	}
	return false;
}

/* lower() / upper() of a string: ASCII byte by byte, otherwise the database's rules */
char *
PolicyChangeCase(const char *s, int len, bool upper, int *newlen)
{
	char	   *res;

	for (int i = 0; i < len; i++)
		if (IS_HIGHBIT_SET(s[i]))
		{
			res = upper ? str_toupper(s, len, DEFAULT_COLLATION_OID)
				: str_tolower(s, len, DEFAULT_COLLATION_OID);
			*newlen = strlen(res);
			return res;
		}
	res = palloc(len + 1);
	for (int i = 0; i < len; i++)
		res[i] = upper ? pg_ascii_toupper((unsigned char) s[i])
			: pg_ascii_tolower((unsigned char) s[i]);
	res[len] = '\0';
	*newlen = len;
	return res;
}

/* Does the haystack contain the needle? */
static bool
Contains(const char *h, int hlen, const char *n, int nlen)
{
	if (nlen == 0)
		return true;
	for (int i = 0; i + nlen <= hlen; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nlen) == 0)
			return true;
	return false;
}

/* Evaluate a function call */
static void
EvalCall(ECtx *e, const PolicyNode *n, PValue *out)
{
	PValue		arg2;
	const char *name = PolicyFuncNames[n->fn];

	Eval(e, n->a, out);
	if (out->kind == V_ERROR)
		return;
	if (n->c == 2)
	{
		Eval(e, n->b, &arg2);
		if (arg2.kind == V_ERROR)
		{
			out->kind = V_ERROR;
			return;
		}
	}
	switch (n->fn)
	{
		case POLICY_FN_SIZE:
			{
				int64		size;

				if (out->kind == V_STR)
					size = pg_mbstrlen_with_len(out->s, out->len);
				else if (out->kind == V_LIST && out->litnode >= 0)
					size = e->nodes[out->litnode].b;
				else if (out->kind == V_LIST || out->kind == V_OBJ)
					size = JsonContainerSize(out->cont);
				else
				{
					SetError(e, out, "function \"size\" needs a string, list or object, not %s",
							 VKindNames[out->kind]);
					return;
				}
				out->kind = V_NUM;
				out->has_int = true;
				out->i = size;
				out->num = NULL;
				return;
			}
		case POLICY_FN_LOWER:
		case POLICY_FN_UPPER:
			if (out->kind != V_STR)
			{
				SetError(e, out, "function \"%s\" needs a string, not %s",
						 name, VKindNames[out->kind]);
				return;
			}
			out->s = PolicyChangeCase(out->s, out->len, n->fn == POLICY_FN_UPPER, &out->len);
			return;
		default:
			break;
	}
	if (out->kind != V_STR || arg2.kind != V_STR)
	{
		SetError(e, out, "function \"%s\" needs strings, not %s and %s", name,
				 VKindNames[out->kind], VKindNames[arg2.kind]);
		return;
	}
	switch (n->fn)
	{
		case POLICY_FN_STARTSWITH:
			out->b = arg2.len <= out->len && memcmp(out->s, arg2.s, arg2.len) == 0;
			break;
		case POLICY_FN_ENDSWITH:
			out->b = arg2.len <= out->len &&
				memcmp(out->s + out->len - arg2.len, arg2.s, arg2.len) == 0;
			break;
		case POLICY_FN_CONTAINS:
			out->b = Contains(out->s, out->len, arg2.s, arg2.len);
			break;
		case POLICY_FN_MATCHES:
			{
				char		errbuf[200];
				int			r = PolicyRegexMatch(arg2.s, arg2.len, out->s, out->len,
												 errbuf, sizeof(errbuf));

				if (r < 0)
				{
					SetError(e, out, "invalid regular expression: %s", errbuf);
					return;
				}
				out->b = (r == 1);
			}
			break;
	}
	out->kind = V_BOOL;
}

/* Evaluate "left in right" */
static void
EvalIn(ECtx *e, const PolicyNode *n, PValue *out)
{
	PValue		left;
	PValue		right;
	PValue		item;
	bool		failed = false;
	bool		had_error = e->errset;

	Eval(e, n->a, &left);
	if (left.kind == V_ERROR)
	{
		out->kind = V_ERROR;
		return;
	}
	Eval(e, n->b, &right);
	if (right.kind == V_ERROR)
	{
		out->kind = V_ERROR;
		return;
	}
	out->kind = V_BOOL;
	out->b = true;
	if (right.kind == V_LIST && right.litnode >= 0)
	{
		const PolicyNode *list = &e->nodes[right.litnode];
		const int32 *items = (const int32 *) (e->pool + list->a);

		for (int k = 0; k < list->b; k++)
		{
			Eval(e, items[k], &item);
			if (item.kind == V_ERROR)
				failed = true;
			else if (Equal(&left, &item))
			{
				e->errset = had_error;
				return;
			}
		}
	}
	else if (right.kind == V_LIST)
	{
		ArrIter		it;

		ArrIterInit(&it, right.cont);
		while (ArrIterNext(&it, &item))
			if (Equal(&left, &item))
				return;
	}
	else if (right.kind == V_OBJ && left.kind == V_STR)
	{
		JsonbValue	jv;

		if (getKeyJsonValueFromContainer(right.cont, left.s, left.len, &jv) != NULL)
			return;
	}
	else
	{
		SetError(e, out, "operator \"in\" cannot look for %s in %s",
				 VKindNames[left.kind], VKindNames[right.kind]);
		return;
	}
	if (failed)
		out->kind = V_ERROR;
	else
		out->b = false;
}

/* Evaluate a node into *out */
static void
Eval(ECtx *e, int32 idx, PValue *out)
{
	const PolicyNode *n = &e->nodes[idx];

	out->litnode = -1;
	switch (n->op)
	{
		case POLICY_OP_NULL:
			out->kind = V_NULL;
			return;
		case POLICY_OP_BOOL:
			out->kind = V_BOOL;
			out->b = (n->a != 0);
			return;
		case POLICY_OP_NUM:
			out->kind = V_NUM;
			out->num = (Numeric) (e->pool + n->a);
			out->has_int = (n->flags & POLICY_NF_INT) != 0;
			out->i = (int64) (((uint64) (uint32) n->b << 32) | (uint64) (uint32) n->c);
			return;
		case POLICY_OP_STR:
			out->kind = V_STR;
			out->s = PoolText(e, n->a, &out->len);
			return;
		case POLICY_OP_LIST:
			out->kind = V_LIST;
			out->litnode = idx;
			out->cont = NULL;
			return;
		case POLICY_OP_PATH:
			EvalPath(e, n, out, false);
			return;
		case POLICY_OP_HAS:
			EvalPath(e, n, out, true);
			return;
		case POLICY_OP_NOT:
			Eval(e, n->a, out);
			if (out->kind == V_BOOL)
				out->b = !out->b;
			else if (out->kind != V_ERROR)
				SetError(e, out, "operand of \"not\" is %s, not bool", VKindNames[out->kind]);
			return;
		case POLICY_OP_AND:
		case POLICY_OP_OR:
			{
				const int32 *items = (const int32 *) (e->pool + n->a);
				bool		is_and = (n->op == POLICY_OP_AND);
				bool		failed = false;
				bool		had_error = e->errset;

				for (int k = 0; k < n->b; k++)
				{
					Eval(e, items[k], out);
					if (out->kind == V_BOOL)
					{
						if (out->b != is_and)
						{
							/* false for "and", true for "or": decides, absorbs errors */
							e->errset = had_error;
							return;
						}
					}
					else
					{
						if (out->kind != V_ERROR)
							SetError(e, out, "operand of \"%s\" is %s, not bool",
									 is_and ? "and" : "or", VKindNames[out->kind]);
						failed = true;
					}
				}
				out->kind = failed ? V_ERROR : V_BOOL;
				out->b = is_and;
				return;
			}
		case POLICY_OP_EQ:
		case POLICY_OP_NE:
			{
				PValue		right;

				Eval(e, n->a, out);
				if (out->kind == V_ERROR)
					return;
				Eval(e, n->b, &right);
				if (right.kind == V_ERROR)
				{
					out->kind = V_ERROR;
					return;
				}
				out->b = Equal(out, &right) == (n->op == POLICY_OP_EQ);
				out->kind = V_BOOL;
				return;
			}
		case POLICY_OP_LT:
		case POLICY_OP_LE:
		case POLICY_OP_GT:
		case POLICY_OP_GE:
			{
				PValue		right;
				int			cmp;

				Eval(e, n->a, out);
				if (out->kind == V_ERROR)
					return;
				Eval(e, n->b, &right);
				if (right.kind == V_ERROR)
				{
					out->kind = V_ERROR;
					return;
				}
				if (out->kind == V_NUM && right.kind == V_NUM)
					cmp = CmpNum(out, &right);
				else if (out->kind == V_STR && right.kind == V_STR)
					cmp = CmpStr(out, &right);
				else
				{
					SetError(e, out, "cannot order %s and %s",
							 VKindNames[out->kind], VKindNames[right.kind]);
					return;
				}
				out->kind = V_BOOL;
				switch (n->op)
				{
					case POLICY_OP_LT:
						out->b = cmp < 0;
						break;
					case POLICY_OP_LE:
						out->b = cmp <= 0;
						break;
					case POLICY_OP_GT:
						out->b = cmp > 0;
						break;
					default:
						out->b = cmp >= 0;
						break;
				}
				return;
			}
		case POLICY_OP_IN:
			EvalIn(e, n, out);
			return;
		case POLICY_OP_CALL:
			EvalCall(e, n, out);
			return;
	}
	elog(ERROR, "policy node with unknown operation %d", n->op);
}

/* Evaluate a program, checked first unless trusted */
static PolicyTruth
EvaluateProgram(const bytea *program, const PolicyEnv *env, const char **error_out,
				bool trusted)
{
	MemoryContext oldcontext;
	const PolicyProgram *p;
	ECtx		e;
	PValue		v;
	PolicyTruth result;

	if (policy_eval_cxt == NULL)
		policy_eval_cxt = AllocSetContextCreate(TopMemoryContext,
												"datamesh policy evaluation",
												ALLOCSET_SMALL_SIZES);
	MemoryContextReset(policy_eval_cxt);
	oldcontext = MemoryContextSwitchTo(policy_eval_cxt);

	if (!trusted)
		p = CheckedProgram(program, false);
	else if (VARATT_IS_EXTENDED(program) || ((uintptr_t) program) % 4 != 0 ||
			 VARSIZE(program) < offsetof(PolicyProgram, nodes) ||
			 ((const PolicyProgram *) program)->magic != POLICY_PROGRAM_MAGIC)
		elog(ERROR, "PolicyEvaluateTrusted called on a program that was not checked");
	else
		p = (const PolicyProgram *) program;
	e.prog = p;
	e.nodes = p->nodes;
	e.pool = (const char *) &p->nodes[p->n_nodes];
	e.errset = false;
	for (int r = 0; r < POLICY_NUM_ROOTS; r++)
	{
		Jsonb	   *jb = env ? env->roots[r] : NULL;

		e.rootkind[r] = 0;
		if (jb == NULL || !(p->roots_used & ((uint32) 1 << r)))
			continue;
		if (VARATT_IS_EXTENDED(jb))
			jb = (Jsonb *) pg_detoast_datum((struct varlena *) jb);
		if (JB_ROOT_IS_SCALAR(jb))
		{
			if (!JsonbExtractScalar(&jb->root, &e.scalars[r]))
				continue;
			e.rootkind[r] = 2;
		}
		else
		{
			e.roots[r] = &jb->root;
			e.rootkind[r] = 1;
		}
	}

	Eval(&e, p->n_nodes - 1, &v);
	if (v.kind == V_BOOL)
		result = v.b ? POLICY_TRUE : POLICY_FALSE;
	else
	{
		if (v.kind != V_ERROR)
			SetError(&e, &v, "the condition is %s, not bool", VKindNames[v.kind]);
		else if (!e.errset)
			snprintf(policy_errbuf, sizeof(policy_errbuf), "evaluation error");
		result = POLICY_ERROR;
	}
	if (error_out)
		*error_out = result == POLICY_ERROR ? policy_errbuf : NULL;

	MemoryContextSwitchTo(oldcontext);
	MemoryContextReset(policy_eval_cxt);
	return result;
}

/* Evaluate a program against an environment (the program is checked first) */
PolicyTruth
PolicyEvaluate(const bytea *program, const PolicyEnv *env, const char **error_out)
{
	return EvaluateProgram(program, env, error_out, false);
}

/* Evaluate a program that passed PolicyCheckProgram and is unchanged since */
PolicyTruth
PolicyEvaluateTrusted(const bytea *program, const PolicyEnv *env, const char **error_out)
{
	return EvaluateProgram(program, env, error_out, true);
}

/* Build a PolicyEnv from {"user": {...}, "action": "read", ...} */
void
PolicyEnvFromJsonb(Jsonb *env, PolicyEnv *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken r;
	int			root = -1;

	memset(out, 0, sizeof(PolicyEnv));
	if (!JB_ROOT_IS_OBJECT(env) || JB_ROOT_IS_SCALAR(env))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("policy environment must be a jsonb object"),
				 errdetail("The environment maps roots to values, as in {\"user\": {\"role\": \"analyst\"}, \"action\": \"read\"}.")));
	it = JsonbIteratorInit(&env->root);
	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (r == WJB_KEY)
		{
			root = PolicyRootByName(v.val.string.val, v.val.string.len);
			if (root < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown root \"%.*s\" in policy environment",
								v.val.string.len, v.val.string.val),
						 errdetail("The roots are user, resource, column, contract, action, context and row.")));
		}
		else if (r == WJB_VALUE)
			out->roots[root] = JsonbValueToJsonb(&v);
	}
}

/*
 * Explain: the tree of a program as jsonb
 */

/* Push a key */
static void
PushKey(JsonbParseState **st, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &k);
}

/* Push a string value (as a value or an element) */
static void
PushString(JsonbParseState **st, JsonbIteratorToken tok, const char *s, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = len;
	pushJsonbValue(st, tok, &v);
}

/* Push an integer value */
static void
PushInt(JsonbParseState **st, int64 i)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(i);
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* Name of a node's operation in explain output */
static const char *
ExplainOpName(const PolicyNode *n)
{
	static const char *const names[POLICY_NUM_OPS] = {
		"literal", "literal", "literal", "literal", "list", "path", "has", "not",
		"and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "call"
	};

	return names[n->op];
}

/* Push one node (and its subtree) as an object */
static void
ExplainNode(JsonbParseState **st, const PolicyProgram *p, int32 idx)
{
	const PolicyNode *n = &p->nodes[idx];
	const char *pool = (const char *) &p->nodes[p->n_nodes];
	JsonbValue	v;

	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushKey(st, "op");
	PushString(st, WJB_VALUE, ExplainOpName(n), strlen(ExplainOpName(n)));
	PushKey(st, "type");
	PushString(st, WJB_VALUE, PolicyTypeName(n->type), strlen(PolicyTypeName(n->type)));
	PushKey(st, "offset");
	PushInt(st, n->pos);
	switch (n->op)
	{
		case POLICY_OP_NULL:
			PushKey(st, "value");
			v.type = jbvNull;
			pushJsonbValue(st, WJB_VALUE, &v);
			break;
		case POLICY_OP_BOOL:
			PushKey(st, "value");
			v.type = jbvBool;
			v.val.boolean = (n->a != 0);
			pushJsonbValue(st, WJB_VALUE, &v);
			break;
		case POLICY_OP_NUM:
			PushKey(st, "value");
			v.type = jbvNumeric;
			v.val.numeric = (Numeric) (pool + n->a);
			pushJsonbValue(st, WJB_VALUE, &v);
			break;
		case POLICY_OP_STR:
			PushKey(st, "value");
			PushString(st, WJB_VALUE, VARDATA(pool + n->a), VARSIZE(pool + n->a) - VARHDRSZ);
			break;
		case POLICY_OP_PATH:
		case POLICY_OP_HAS:
			PushKey(st, "root");
			PushString(st, WJB_VALUE, PolicyRootName(n->a), strlen(PolicyRootName(n->a)));
			PushKey(st, "path");
			pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
			for (int k = 0; k < n->c; k++)
			{
				const char *t = pool + ((const int32 *) (pool + n->b))[k];

				PushString(st, WJB_ELEM, VARDATA(t), VARSIZE(t) - VARHDRSZ);
			}
			pushJsonbValue(st, WJB_END_ARRAY, NULL);
			break;
		case POLICY_OP_NOT:
			PushKey(st, "arg");
			ExplainNode(st, p, n->a);
			break;
		case POLICY_OP_LIST:
		case POLICY_OP_AND:
		case POLICY_OP_OR:
			PushKey(st, n->op == POLICY_OP_LIST ? "items" : "args");
			pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
			for (int k = 0; k < n->b; k++)
				ExplainNode(st, p, ((const int32 *) (pool + n->a))[k]);
			pushJsonbValue(st, WJB_END_ARRAY, NULL);
			break;
		case POLICY_OP_CALL:
			PushKey(st, "function");
			PushString(st, WJB_VALUE, PolicyFuncNames[n->fn], strlen(PolicyFuncNames[n->fn]));
			PushKey(st, "args");
			pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
			ExplainNode(st, p, n->a);
			if (n->c == 2)
				ExplainNode(st, p, n->b);
			pushJsonbValue(st, WJB_END_ARRAY, NULL);
			break;
		default:
			PushKey(st, "left");
			ExplainNode(st, p, n->a);
			PushKey(st, "right");
			ExplainNode(st, p, n->b);
			break;
	}
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/* The syntax tree of a program as jsonb */
Jsonb *
PolicyExplain(const bytea *program)
{
	const PolicyProgram *p = CheckedProgram(program, true);
	JsonbParseState *st = NULL;
	JsonbValue *res;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PushKey(&st, "version");
	PushInt(&st, p->version);
	PushKey(&st, "nodes");
	PushInt(&st, p->n_nodes);
	PushKey(&st, "depth");
	PushInt(&st, p->depth);
	PushKey(&st, "roots");
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (int r = 0; r < POLICY_NUM_ROOTS; r++)
		if (p->roots_used & ((uint32) 1 << r))
			PushString(&st, WJB_ELEM, PolicyRootName(r), strlen(PolicyRootName(r)));
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	PushKey(&st, "ast");
	ExplainNode(&st, p, p->n_nodes - 1);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/*
 * SQL functions
 */

/* Evaluate a program against an environment given as one jsonb object */
static PolicyTruth
EvalWithEnv(bytea *program, Jsonb *envjb, const char **error_out)
{
	PolicyEnv	env;

	PolicyEnvFromJsonb(envjb, &env);
	return PolicyEvaluate(program, &env, error_out);
}

/* Compile the condition argument (text 0, schema 2) */
static bytea *
CompileArgs(FunctionCallInfo fcinfo)
{
	text	   *expr = PG_GETARG_TEXT_PP(0);
	Jsonb	   *schema = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);

	return PolicyCompile(VARDATA_ANY(expr), VARSIZE_ANY_EXHDR(expr), schema);
}

/* datamesh.eval_condition(expr text, env jsonb, schema jsonb) -> boolean, NULL on error */
Datum
eval_condition(PG_FUNCTION_ARGS)
{
	PolicyTruth t;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	t = EvalWithEnv(CompileArgs(fcinfo), PG_GETARG_JSONB_P(1), NULL);
	if (t == POLICY_ERROR)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(t == POLICY_TRUE);
}

/* datamesh.eval_condition_detail(expr, env, schema) -> {"result": ..., "error": ...} */
Datum
eval_condition_detail(PG_FUNCTION_ARGS)
{
	PolicyTruth t;
	const char *error;
	JsonbParseState *st = NULL;
	JsonbValue	v;
	JsonbValue *res;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	t = EvalWithEnv(CompileArgs(fcinfo), PG_GETARG_JSONB_P(1), &error);
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PushKey(&st, "result");
	if (t == POLICY_ERROR)
		v.type = jbvNull;
	else
	{
		v.type = jbvBool;
		v.val.boolean = (t == POLICY_TRUE);
	}
	pushJsonbValue(&st, WJB_VALUE, &v);
	PushKey(&st, "error");
	if (t == POLICY_ERROR)
		PushString(&st, WJB_VALUE, error, strlen(error));
	else
	{
		v.type = jbvNull;
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}

/* datamesh.eval_compiled(program bytea, env jsonb) -> boolean, NULL on error */
Datum
eval_compiled(PG_FUNCTION_ARGS)
{
	PolicyTruth t = EvalWithEnv(PG_GETARG_BYTEA_P(0), PG_GETARG_JSONB_P(1), NULL);

	if (t == POLICY_ERROR)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(t == POLICY_TRUE);
}

/* datamesh.explain_compiled(program bytea) -> jsonb */
Datum
explain_compiled(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(PolicyExplain(PG_GETARG_BYTEA_P(0)));
}

/* datamesh._policy_eval_loop(program, env, n, trusted) -> float8: nanoseconds per evaluation */
Datum
policy_eval_loop(PG_FUNCTION_ARGS)
{
	bytea	   *program = PG_GETARG_BYTEA_P(0);
	Jsonb	   *envjb = PG_GETARG_JSONB_P(1);
	int32		n = PG_GETARG_INT32(2);
	bool		trusted = PG_GETARG_BOOL(3);
	PolicyEnv	env;
	instr_time	start;
	instr_time	duration;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("iteration count must be positive")));
	PolicyEnvFromJsonb(envjb, &env);
	if (trusted)
		PolicyCheckProgram(program);
	INSTR_TIME_SET_CURRENT(start);
	for (int32 i = 0; i < n; i++)
	{
		if (trusted)
			(void) PolicyEvaluateTrusted(program, &env, NULL);
		else
			(void) PolicyEvaluate(program, &env, NULL);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	INSTR_TIME_SET_CURRENT(duration);
	INSTR_TIME_SUBTRACT(duration, start);
	PG_RETURN_FLOAT8(INSTR_TIME_GET_DOUBLE(duration) * 1e9 / n);
}
