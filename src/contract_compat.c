/*
 * contract_compat.c
 *		Compatibility of two contract schemas: every change as a row, with
 *		whether old readers can read new data and new readers old data, its
 *		severity under a mode and the semantic-version bump it needs.
 *
 * The checker resolves the schemas twice, as Avro does: new schema reading
 * data written with the old one (BACKWARD), and old reading new (FORWARD).
 * Each resolution walks the reader against the writer and reports what it
 * meets; the reports of both walks are merged into one row per change, named
 * from the old -> new point of view.  Avro schemas follow Apache Avro's
 * schema resolution (as its Java SchemaCompatibility checker does); native
 * and JSON Schema contracts follow the SQL-type rules in
 * docs/compatibility.md (a table has no reader-side defaults: a column that
 * disappears breaks the queries that read it).
 */
#include "postgres.h"

#include "catalog/pg_type_d.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "contract_compat.h"
#include "util.h"

PG_FUNCTION_INFO_V1(check_compatibility);
PG_FUNCTION_INFO_V1(is_compatible);
PG_FUNCTION_INFO_V1(check_compatibility_history);
PG_FUNCTION_INFO_V1(is_compatible_history);
PG_FUNCTION_INFO_V1(required_bump);

/* Compatibility modes (Confluent Schema Registry's names) */
typedef enum CompatMode
{
	CM_NONE,
	CM_BACKWARD,
	CM_BACKWARD_TRANSITIVE,
	CM_FORWARD,
	CM_FORWARD_TRANSITIVE,
	CM_FULL,
	CM_FULL_TRANSITIVE
} CompatMode;

/* What a change needs at least, before directions are considered */
typedef enum BumpClass
{
	BC_PATCH,					/* documentation and metadata */
	BC_MINOR					/* a schema change */
} BumpClass;

/* One change (one output row) */
typedef struct Change
{
	const char *kind;
	char	   *path;
	const char *key;			/* distinguishes changes of one kind at one path */
	Jsonb	   *old_value;
	Jsonb	   *new_value;
	bool		old_reads_new;
	bool		new_reads_old;
	BumpClass	bump;
	char	   *message;
} Change;

/* A lazily rendered path: parent + segment */
typedef struct Path
{
	const struct Path *parent;
	const char *seg;			/* field name, or NULL for a suffix */
	const char *suffix;			/* "[]" or "{}" */
} Path;

/* Change index entries (simplehash) keyed by "kind\x1fpath\x1fkey" */
typedef struct ChangeEntry
{
	const char *key;
	int			index;
	uint32		hash;
	char		status;
} ChangeEntry;

#define SH_PREFIX changemap
#define SH_ELEMENT_TYPE ChangeEntry
#define SH_KEY_TYPE const char *
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k), strlen(k))
#define SH_EQUAL(tb, a, b) (strcmp((a), (b)) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* A reader/writer pair being resolved (recursive named types) */
typedef struct Pair
{
	const CType *r;
	const CType *w;
} Pair;

/* A named-type pair already resolved in one walk, and the verdict */
typedef struct MemoEntry
{
	Pair		key;
	bool		reader_is_new;
	bool		emit;
	bool		ok;
} MemoEntry;

/* State of one comparison (both walks) */
typedef struct CompatCtx
{
	SchemaFormat format;		/* rules: SF_AVRO or the native (SQL) rules */
	bool		reader_is_new;	/* which walk: new reads old (BACKWARD) */
	bool		emit;			/* record changes, or only decide */
	Change	   *changes;
	int			nchanges;
	int			maxchanges;
	changemap_hash *index;
	Pair	   *inprogress;
	int			ninprogress;
	int			maxinprogress;
	HTAB	   *memo;			/* MemoEntry by pair, walk and mode */
} CompatCtx;

static bool ReadType(CompatCtx *ctx, const CType *r, const CType *w, const Path *path);

/* ---------- values and paths ---------- */

/* jsonb string */
static Jsonb *
JStr(const char *s)
{
	JsonbValue	v;

	if (s == NULL)
		return NULL;
	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	return JsonbValueToJsonb(&v);
}

/* jsonb boolean */
static Jsonb *
JBool(bool b)
{
	JsonbValue	v;

	v.type = jbvBool;
	v.val.boolean = b;
	return JsonbValueToJsonb(&v);
}

/* jsonb number (or NULL) */
static Jsonb *
JNum(Numeric n)
{
	JsonbValue	v;

	if (n == NULL)
		return NULL;
	v.type = jbvNumeric;
	v.val.numeric = n;
	return JsonbValueToJsonb(&v);
}

/* Numeric as text */
static char *
NumText(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

/* Is a field name printable without quotes in a path? */
static bool
PlainName(const char *s)
{
	const char *p;

	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* Append a path to buf */
static void
RenderPath(StringInfo buf, const Path *p)
{
	if (p == NULL)
	{
		appendStringInfoChar(buf, '$');
		return;
	}
	RenderPath(buf, p->parent);
	if (p->seg)
	{
		appendStringInfoChar(buf, '.');
		if (PlainName(p->seg))
			appendStringInfoString(buf, p->seg);
		else
			escape_json(buf, p->seg);
	}
	else
		appendStringInfoString(buf, p->suffix);
}

/* A path as a string */
static char *
PathString(const Path *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	RenderPath(&buf, p);
	return buf.data;
}

/* The old and new sides of a reader/writer pair */
#define OLD_OF(ctx, r, w) ((ctx)->reader_is_new ? (w) : (r))
#define NEW_OF(ctx, r, w) ((ctx)->reader_is_new ? (r) : (w))

/*
 * Record a change seen by the current walk; ok says whether this walk's
 * reader copes with it.  The same change seen by the other walk is merged.
 */
static void
Emit(CompatCtx *ctx, const char *kind, const Path *path, const char *key,
	 Jsonb *oldv, Jsonb *newv, bool ok, BumpClass bump, char *message)
{
	char	   *ps;
	char	   *mkey;
	bool		found;
	ChangeEntry *e;
	Change	   *c;

	if (!ctx->emit)
		return;
	ps = PathString(path);
	mkey = psprintf("%s\x1f%s\x1f%s", kind, ps, key ? key : "");
	e = changemap_insert(ctx->index, mkey, &found);
	if (!found)
	{
		if (ctx->nchanges == ctx->maxchanges)
		{
			ctx->maxchanges *= 2;
			ctx->changes = repalloc(ctx->changes, sizeof(Change) * ctx->maxchanges);
		}
		e->index = ctx->nchanges;
		c = &ctx->changes[ctx->nchanges++];
		c->kind = kind;
		c->path = ps;
		c->key = key;
		c->old_value = oldv;
		c->new_value = newv;
		c->old_reads_new = true;
		c->new_reads_old = true;
		c->bump = bump;
		c->message = message;
	}
	c = &ctx->changes[e->index];
	if (ctx->reader_is_new)
		c->new_reads_old = c->new_reads_old && ok;
	else
		c->old_reads_new = c->old_reads_new && ok;
}

/* A type for messages: Avro's names for Avro schemas, SQL's otherwise */
static char *
Display(const CompatCtx *ctx, const CType *t)
{
	if (ctx->format == SF_AVRO)
		return CTypeDisplay(t);
	switch (t->kind)
	{
		case CK_RECORD:
		case CK_ENUM:
		case CK_FIXED:
		case CK_MAP:
		case CK_UNION:
		case CK_NULL:
			return CTypeDisplay(t);
		case CK_ARRAY:
			return psprintf("%s[]", Display(ctx, t->items));
		default:
			return SqlTypeOf(t);
	}
}

/* ---------- type rules ---------- */

/* Avro primitive promotions: can reader kind r read writer kind w? */
static bool
AvroPromotes(CKind w, CKind r)
{
	if (r == w)
		return true;
	switch (r)
	{
		case CK_LONG:
			return w == CK_INT;
		case CK_FLOAT:
			return w == CK_INT || w == CK_LONG;
		case CK_DOUBLE:
			return w == CK_INT || w == CK_LONG || w == CK_FLOAT;
		case CK_BYTES:
			return w == CK_STRING;
		case CK_STRING:
			return w == CK_BYTES;
		default:
			return false;
	}
}

/* Integer digits a numeric(p,s) can hold (INT_MAX when unconstrained) */
static int
IntDigits(const CType *t)
{
	return t->precision < 0 ? INT_MAX : t->precision - t->scale;
}

/*
 * Native (SQL) widening: can every value of writer type w be stored in
 * reader type r without loss?  Scalars only (no records, arrays, unions).
 */
static bool
NativeWidens(const CType *w, const CType *r)
{
	if (r->kind == w->kind)
	{
		switch (r->kind)
		{
			case CK_STRING:
				return r->maxlen < 0 || (w->maxlen >= 0 && r->maxlen >= w->maxlen);
			case CK_NUMERIC:
				if (r->precision < 0)
					return true;
				if (w->precision < 0)
					return false;
				return r->scale >= w->scale && IntDigits(r) >= IntDigits(w);
			case CK_FIXED:
				return r->size == w->size;
			default:
				return true;
		}
	}
	switch (r->kind)
	{
		case CK_INT:
			return w->kind == CK_SMALLINT;
		case CK_LONG:
			return w->kind == CK_SMALLINT || w->kind == CK_INT;
		case CK_FLOAT:
			return w->kind == CK_SMALLINT;
		case CK_DOUBLE:
			return w->kind == CK_SMALLINT || w->kind == CK_INT || w->kind == CK_FLOAT;
		case CK_NUMERIC:
			return (w->kind == CK_SMALLINT && IntDigits(r) >= 5) ||
				(w->kind == CK_INT && IntDigits(r) >= 10) ||
				(w->kind == CK_LONG && IntDigits(r) >= 19);
		case CK_STRING:
			return (w->kind == CK_UUID && (r->maxlen < 0 || r->maxlen >= 36)) ||
				(w->kind == CK_ENUM && r->maxlen < 0);
		case CK_TIMESTAMP:
		case CK_TIMESTAMPTZ:
			return w->kind == CK_DATE;
		case CK_BYTES:
			return w->kind == CK_FIXED;
		case CK_JSON:
			return w->kind == CK_RECORD || w->kind == CK_MAP || w->kind == CK_ARRAY;
		default:
			return false;
	}
}

/* Is this kind resolved structurally (recursively) when both sides have it? */
static bool
IsStructured(CKind k)
{
	return k == CK_RECORD || k == CK_ARRAY || k == CK_MAP || k == CK_ENUM || k == CK_FIXED;
}

/* Is this a named type? */
static bool
IsNamed(CKind k)
{
	return k == CK_RECORD || k == CK_ENUM || k == CK_FIXED;
}

/* Avro name rule: same unqualified name, or a reader alias = writer full name */
static bool
NamesMatch(const CType *r, const CType *w)
{
	int			i;

	if (strcmp(r->name, w->name) == 0)
		return true;
	for (i = 0; i < r->naliases; i++)
		if (strcmp(r->aliases[i], w->fullname) == 0)
			return true;
	return false;
}

/* Check and report the names of two named types */
static bool
ReadName(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	bool		ok;
	const CType *o = OLD_OF(ctx, r, w);
	const CType *n = NEW_OF(ctx, r, w);

	if (strcmp(r->fullname, w->fullname) == 0)
		return true;
	if (ctx->format != SF_AVRO && (*r->fullname == '\0' || *w->fullname == '\0'))
		return true;			/* an anonymous record (a bare list of fields) */
	ok = ctx->format == SF_AVRO ? NamesMatch(r, w) : true;
	Emit(ctx, "name_changed", path, NULL, JStr(o->fullname), JStr(n->fullname), ok,
		 ctx->format == SF_AVRO ? BC_MINOR : BC_PATCH,
		 psprintf("%s name changed from \"%s\" to \"%s\"", CKindName(o->kind), o->fullname, n->fullname));
	return ok;
}

/* Is s one of the n strings of list? */
static bool
InList(const char **list, int n, const char *s)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Is symbol s one of t's symbols? */
static bool
HasSymbol(const CType *t, const char *s)
{
	return InList(t->symbols, t->nsymbols, s);
}

/* Avro enum resolution: writer symbols missing from the reader need its default */
static bool
ReadEnum(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	bool		ok = ReadName(ctx, r, w, path);
	int			i;
	bool		has_default = r->enum_default != NULL && HasSymbol(r, r->enum_default);
	const CType *o = OLD_OF(ctx, r, w);
	const CType *n = NEW_OF(ctx, r, w);

	for (i = 0; i < w->nsymbols; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (HasSymbol(r, w->symbols[i]))
			continue;
		ok = ok && has_default;
		if (!ctx->emit && !ok)
			return false;
		Emit(ctx, ctx->reader_is_new ? "enum_value_removed" : "enum_value_added", path,
			 w->symbols[i],
			 ctx->reader_is_new ? JStr(w->symbols[i]) : NULL,
			 ctx->reader_is_new ? NULL : JStr(w->symbols[i]),
			 has_default, BC_MINOR,
			 psprintf("enum symbol \"%s\" %s", w->symbols[i],
					  ctx->reader_is_new ? "removed" : "added"));
	}
	if ((o->enum_default == NULL) != (n->enum_default == NULL) ||
		(o->enum_default && strcmp(o->enum_default, n->enum_default) != 0))
		Emit(ctx, "enum_default_changed", path, NULL, JStr(o->enum_default), JStr(n->enum_default),
			 true, BC_MINOR,
			 psprintf("enum default changed from %s to %s",
					  o->enum_default ? psprintf("\"%s\"", o->enum_default) : "none",
					  n->enum_default ? psprintf("\"%s\"", n->enum_default) : "none"));
	return ok;
}

/* Report a change of type at a position, deciding both directions */
static bool
ReadScalar(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	const CType *o = OLD_OF(ctx, r, w);
	const CType *n = NEW_OF(ctx, r, w);
	bool		new_reads_old,
				old_reads_new,
				ok;
	const char *kind;
	char	   *od,
			   *nd;

	/* the same scalar type: nothing to report */
	if (r == w || (r->kind == w->kind &&
				   (ctx->format == SF_AVRO ||
					(r->maxlen == w->maxlen && r->precision == w->precision &&
					 r->scale == w->scale && r->size == w->size))))
		return true;
	if (ctx->format == SF_AVRO)
	{
		new_reads_old = AvroPromotes(o->kind, n->kind);
		old_reads_new = AvroPromotes(n->kind, o->kind);
	}
	else
	{
		new_reads_old = NativeWidens(o, n);
		old_reads_new = NativeWidens(n, o);
	}
	ok = ctx->reader_is_new ? new_reads_old : old_reads_new;
	if (!ctx->emit)
		return ok;
	od = Display(ctx, o);
	nd = Display(ctx, n);
	if (strcmp(od, nd) == 0)
		return ok;
	if (new_reads_old && !old_reads_new)
		kind = "type_widened";
	else if (old_reads_new && !new_reads_old)
		kind = "type_narrowed";
	else
		kind = "type_changed";
	Emit(ctx, kind, path, NULL, JStr(od), JStr(nd), ok, BC_MINOR,
		 psprintf("type %s from %s to %s",
				  kind[5] == 'w' ? "widened" : kind[5] == 'n' ? "narrowed" : "changed", od, nd));
	return ok;
}

/* Are two union branches the same type (kind, and name for named types)? */
static bool
SameBranch(const CType *a, const CType *b)
{
	if (a->kind != b->kind)
		return false;
	if (IsNamed(a->kind))
		return strcmp(a->name, b->name) == 0;
	return true;
}

/* Resolve when either side is a union: every writer branch must be readable */
static bool
ReadUnion(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	const CType *const *rb = r->kind == CK_UNION ? (const CType *const *) r->branches : &r;
	int			nr = r->kind == CK_UNION ? r->nbranches : 1;
	const CType *const *wb = w->kind == CK_UNION ? (const CType *const *) w->branches : &w;
	int			nw = w->kind == CK_UNION ? w->nbranches : 1;
	bool		ok = true;
	int			i,
				j;

	for (i = 0; i < nw; i++)
	{
		const CType *b = wb[i];
		const CType *exact = NULL;
		bool		compatible = false;
		bool		exact_ok = false;
		bool		save = ctx->emit;

		CHECK_FOR_INTERRUPTS();
		/* the branch of the same type: by full name first, then by short name */
		for (j = 0; j < nr; j++)
		{
			if (!SameBranch(rb[j], b))
				continue;
			if (!IsNamed(b->kind) || strcmp(rb[j]->fullname, b->fullname) == 0)
			{
				exact = rb[j];
				break;
			}
			if (exact == NULL)
				exact = rb[j];
		}
		/* the same scalar branch on both sides, when it reads, is the answer */
		if (exact != NULL && !IsStructured(b->kind))
		{
			bool		sok;

			ctx->emit = false;
			sok = ReadScalar(ctx, exact, b, path);
			ctx->emit = save;
			if (sok)
			{
				if (ctx->emit)
					(void) ReadScalar(ctx, exact, b, path);
				continue;
			}
		}
		ctx->emit = false;
		if (exact != NULL)
			exact_ok = compatible = ReadType(ctx, exact, b, path);
		for (j = 0; j < nr && !compatible; j++)
			if (rb[j] != exact)
				compatible = ReadType(ctx, rb[j], b, path);
		ctx->emit = save;
		ok = ok && compatible;
		if (!ctx->emit)
		{
			if (!ok)
				return false;
			continue;
		}
		if (exact != NULL && (exact_ok || !compatible))
			(void) ReadType(ctx, exact, b, path);
		else
		{
			char	   *bd = Display(ctx, b);
			bool		isnull = b->kind == CK_NULL;
			const char *kind;

			if (isnull)
				kind = "nullability_changed";
			else
				kind = ctx->reader_is_new ? "union_branch_removed" : "union_branch_added";
			Emit(ctx, kind, path, bd,
				 ctx->reader_is_new ? JStr(bd) : NULL,
				 ctx->reader_is_new ? NULL : JStr(bd),
				 compatible, BC_MINOR,
				 isnull ? psprintf("null %s", ctx->reader_is_new ? "no longer allowed" : "now allowed")
				 : psprintf("union branch %s %s", bd, ctx->reader_is_new ? "removed" : "added"));
		}
	}
	return ok;
}

/* ---------- fields ---------- */

/* Equal strings (NULL = absent)? */
static bool
StrEqN(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Is value v in the field's enum list? */
static bool
InEnum(const CField *f, const char *v)
{
	return InList(f->enum_values, f->nenum, v);
}

/* Report descriptive changes of a matched field (defaults, docs, metadata) */
static void
DescribeField(CompatCtx *ctx, const CField *o, const CField *n, const Path *path)
{
	if (!ctx->emit)
		return;
	if (!CFieldDefaultsEqual(o, n))
	{
		const char *kind = !o->has_default ? "default_added" :
			!n->has_default ? "default_removed" : "default_changed";

		Emit(ctx, kind, path, NULL, CFieldDefault(o), CFieldDefault(n), true, BC_MINOR,
			 psprintf("default %s", kind + 8));
	}
	if (!StrEqN(o->doc, n->doc))
		Emit(ctx, "doc_changed", path, NULL, JStr(o->doc), JStr(n->doc), true, BC_PATCH,
			 pstrdup("documentation changed"));
	if (ctx->format != SF_AVRO)
	{
		if (o->pii != n->pii)
			Emit(ctx, "pii_changed", path, NULL, JBool(o->pii), JBool(n->pii), true, BC_PATCH,
				 psprintf("%s personal data", n->pii ? "now marked as" : "no longer marked as"));
		if (!StrEqN(o->classification, n->classification))
			Emit(ctx, "classification_changed", path, NULL, JStr(o->classification),
				 JStr(n->classification), true, BC_PATCH,
				 psprintf("privacy classification changed from %s to %s",
						  o->classification ? o->classification : "none",
						  n->classification ? n->classification : "none"));
	}
}

/* Native constraint rules of a matched field; returns this walk's verdict */
static bool
ReadConstraints(CompatCtx *ctx, const CField *r, const CField *w, const Path *path)
{
	const CField *o = OLD_OF(ctx, r, w);
	const CField *n = NEW_OF(ctx, r, w);
	bool		ok = true;
	bool		dok;
	int			i;

	/* nullability: a reader that forbids nulls cannot read data that has them */
	if (r->nullable != w->nullable)
	{
		dok = r->nullable || !w->nullable;
		ok = ok && dok;
		Emit(ctx, "nullability_changed", path, NULL, JBool(o->nullable), JBool(n->nullable),
			 dok, BC_MINOR,
			 psprintf("%s", n->nullable ? "now nullable" : "no longer nullable"));
	}
	else if (r->required != w->required)
	{
		dok = !r->required || w->required;
		ok = ok && dok;
		Emit(ctx, "required_changed", path, NULL, JBool(o->required), JBool(n->required),
			 dok, BC_MINOR,
			 psprintf("%s", n->required ? "now required" : "no longer required"));
	}
	if (!ok && !ctx->emit)
		return false;

	/* min: the reader's lower bound must not exceed the writer's */
	if ((o->min_value == NULL) != (n->min_value == NULL) ||
		(o->min_value && NumCmp(o->min_value, n->min_value) != 0))
	{
		bool		tighter = o->min_value == NULL ||
			(n->min_value != NULL && NumCmp(n->min_value, o->min_value) > 0);

		dok = r->min_value == NULL || (w->min_value != NULL && NumCmp(r->min_value, w->min_value) <= 0);
		ok = ok && dok;
		Emit(ctx, tighter ? "constraint_tightened" : "constraint_relaxed", path, "min",
			 JNum(o->min_value), JNum(n->min_value), dok, BC_MINOR,
			 psprintf("minimum changed from %s to %s",
					  o->min_value ? NumText(o->min_value) : "none",
					  n->min_value ? NumText(n->min_value) : "none"));
	}
	/* max: the reader's upper bound must not be below the writer's */
	if ((o->max_value == NULL) != (n->max_value == NULL) ||
		(o->max_value && NumCmp(o->max_value, n->max_value) != 0))
	{
		bool		tighter = o->max_value == NULL ||
			(n->max_value != NULL && NumCmp(n->max_value, o->max_value) < 0);

		dok = r->max_value == NULL || (w->max_value != NULL && NumCmp(r->max_value, w->max_value) >= 0);
		ok = ok && dok;
		Emit(ctx, tighter ? "constraint_tightened" : "constraint_relaxed", path, "max",
			 JNum(o->max_value), JNum(n->max_value), dok, BC_MINOR,
			 psprintf("maximum changed from %s to %s",
					  o->max_value ? NumText(o->max_value) : "none",
					  n->max_value ? NumText(n->max_value) : "none"));
	}
	if (!ok && !ctx->emit)
		return false;

	/* enum: every writer value must be a reader value */
	if (r->nenum > 0 && w->nenum > 0)
	{
		for (i = 0; i < w->nenum; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (InEnum(r, w->enum_values[i]))
				continue;
			ok = false;
			if (!ctx->emit)
				return false;
			Emit(ctx, ctx->reader_is_new ? "enum_value_removed" : "enum_value_added", path,
				 w->enum_values[i],
				 ctx->reader_is_new ? JStr(w->enum_values[i]) : NULL,
				 ctx->reader_is_new ? NULL : JStr(w->enum_values[i]),
				 false, BC_MINOR,
				 psprintf("enum value \"%s\" %s", w->enum_values[i],
						  ctx->reader_is_new ? "removed" : "added"));
		}
	}
	else if ((r->nenum > 0) != (w->nenum > 0))
	{
		dok = r->nenum == 0;
		ok = ok && dok;
		Emit(ctx, n->nenum > 0 ? "constraint_tightened" : "constraint_relaxed", path, "enum",
			 NULL, NULL, dok, BC_MINOR,
			 psprintf("enum list %s", n->nenum > 0 ? "added" : "removed"));
	}

	/* pattern: a reader pattern is only safe if the writer has the same one */
	if (!StrEqN(o->pattern, n->pattern))
	{
		const char *kind = o->pattern == NULL ? "constraint_tightened" :
			n->pattern == NULL ? "constraint_relaxed" : "constraint_changed";

		dok = r->pattern == NULL;
		ok = ok && dok;
		Emit(ctx, kind, path, "pattern", JStr(o->pattern), JStr(n->pattern), dok, BC_MINOR,
			 psprintf("pattern %s", o->pattern == NULL ? "added" : n->pattern == NULL ? "removed" : "changed"));
	}

	/* uniqueness: a reader relying on it cannot read data without it */
	if (o->is_unique != n->is_unique)
	{
		dok = !r->is_unique || w->is_unique;
		ok = ok && dok;
		Emit(ctx, n->is_unique ? "constraint_tightened" : "constraint_relaxed", path, "unique",
			 JBool(o->is_unique), JBool(n->is_unique), dok, BC_MINOR,
			 psprintf("%s", n->is_unique ? "now unique" : "no longer unique"));
	}
	return ok;
}

/* Find the writer field a reader field reads (by name, then by the reader's aliases) */
static int
MatchWriterField(const CType *w, const CField *rf, bool use_aliases, const Path *path)
{
	int			wi = CFieldLookup(w, rf->name);
	int			i;

	if (!use_aliases)
		return wi;
	for (i = 0; i < rf->naliases; i++)
	{
		int			a = CFieldLookup(w, rf->aliases[i]);

		if (a < 0)
			continue;
		if (wi >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("reader field \"%s\" at %s matches several writer fields",
							rf->name, PathString(path)),
					 errdetail("Its name or aliases name both \"%s\" and \"%s\".",
							   w->fields[wi].name, w->fields[a].name)));
		wi = a;
	}
	return wi;
}

/*
 * Is an unread writer field the other side of a rename, one of its aliases
 * naming a reader field?  The other walk reports it (field_renamed).
 */
static bool
RenameTarget(const CType *r, const CField *wf)
{
	int			i;

	for (i = 0; i < wf->naliases; i++)
		if (CFieldLookup(r, wf->aliases[i]) >= 0)
			return true;
	return false;
}

/* Resolve two records field by field */
static bool
ReadRecord(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	bool		ok = ReadName(ctx, r, w, path);
	bool	   *matched;
	bool		avro = ctx->format == SF_AVRO;
	int			i;

	if (!ok && !ctx->emit)
		return false;
	if (ctx->emit && !StrEqN(r->doc, w->doc))
		Emit(ctx, "doc_changed", path, NULL, JStr(OLD_OF(ctx, r, w)->doc), JStr(NEW_OF(ctx, r, w)->doc),
			 true, BC_PATCH, pstrdup("documentation of the record changed"));
	matched = palloc0(sizeof(bool) * Max(w->nfields, 1));
	for (i = 0; i < r->nfields; i++)
	{
		const CField *rf = &r->fields[i];
		int			wi = MatchWriterField(w, rf, true, path);
		Path		fp;

		/* a change is located by the field's name in the new schema */
		fp.parent = path;
		fp.seg = wi >= 0 ? NEW_OF(ctx, rf, &w->fields[wi])->name : rf->name;
		fp.suffix = NULL;
		if (wi >= 0)
		{
			const CField *wf = &w->fields[wi];
			bool		fok;

			matched[wi] = true;
			fok = ReadType(ctx, rf->type, wf->type, &fp);
			if (!avro)
				fok = ReadConstraints(ctx, rf, wf, &fp) && fok;
			ok = ok && fok;
			if (!ok && !ctx->emit)
				return false;
			if (strcmp(rf->name, wf->name) != 0)
				Emit(ctx, "field_renamed", &fp, NULL,
					 JStr(OLD_OF(ctx, rf, wf)->name), JStr(NEW_OF(ctx, rf, wf)->name),
					 true, BC_MINOR,
					 psprintf("field renamed from \"%s\" to \"%s\" (an alias keeps the old name)",
							  OLD_OF(ctx, rf, wf)->name, NEW_OF(ctx, rf, wf)->name));
			DescribeField(ctx, OLD_OF(ctx, rf, wf), NEW_OF(ctx, rf, wf), &fp);
		}
		else
		{
			bool		fok;

			if (avro)
				fok = rf->has_default;
			else if (ctx->reader_is_new)
				fok = rf->nullable || rf->has_default;
			else
				fok = false;	/* a column that disappears breaks its readers */
			ok = ok && fok;
			if (!ok && !ctx->emit)
				return false;
			if (ctx->reader_is_new)
				Emit(ctx, "field_added", &fp, NULL, NULL, JStr(Display(ctx, rf->type)), fok, BC_MINOR,
					 psprintf("field added%s", fok ? "" :
							  avro ? " without a default" : " as required (not nullable) without a default"));
			else
				Emit(ctx, "field_removed", &fp, NULL, JStr(Display(ctx, rf->type)), NULL, fok, BC_MINOR,
					 psprintf("field removed%s", fok ? " (old readers use its default)" : ""));
		}
	}
	for (i = 0; i < w->nfields; i++)
	{
		const CField *wf = &w->fields[i];
		Path		fp;

		if (matched[i] || RenameTarget(r, wf))
			continue;
		fp.parent = path;
		fp.seg = wf->name;
		fp.suffix = NULL;
		if (ctx->reader_is_new)
			Emit(ctx, "field_removed", &fp, NULL, JStr(Display(ctx, wf->type)), NULL, true, BC_MINOR,
				 avro && wf->has_default ? pstrdup("field removed (old readers use its default)") :
				 pstrdup("field removed"));
		else
		{
			bool		fok = avro || wf->nullable || wf->has_default;

			Emit(ctx, "field_added", &fp, NULL, NULL, JStr(Display(ctx, wf->type)), true, BC_MINOR,
				 psprintf("field added%s", avro || fok ? "" :
						  " as required (not nullable) without a default"));
		}
	}
	pfree(matched);
	return ok;
}

/* The memo key of a pair in the current walk and mode */
static void
MemoKey(const CompatCtx *ctx, const CType *r, const CType *w, bool emit, MemoEntry *key)
{
	memset(key, 0, sizeof(*key));
	key->key.r = r;
	key->key.w = w;
	key->reader_is_new = ctx->reader_is_new;
	key->emit = emit;
}

/*
 * Was this named pair resolved before in this walk?  A named type used in
 * many places (possibly at many depths) is resolved once, as Avro's checker
 * memoizes it, so that a check never grows with the number of paths.  Its
 * changes are reported at the first place it is met.  A silent decision can
 * reuse a reporting one, not the reverse (the reporting one must emit).
 */
static bool
MemoLookup(CompatCtx *ctx, const CType *r, const CType *w, bool *ok)
{
	MemoEntry	key;
	MemoEntry  *e;

	if (ctx->memo == NULL)
		return false;
	MemoKey(ctx, r, w, ctx->emit, &key);
	e = hash_search(ctx->memo, &key, HASH_FIND, NULL);
	if (e == NULL && !ctx->emit)
	{
		MemoKey(ctx, r, w, true, &key);
		e = hash_search(ctx->memo, &key, HASH_FIND, NULL);
	}
	if (e == NULL)
		return false;
	*ok = e->ok;
	return true;
}

/* Remember the verdict of a named pair */
static void
MemoStore(CompatCtx *ctx, const CType *r, const CType *w, bool ok)
{
	MemoEntry	key;
	MemoEntry  *e;
	bool		found;

	if (ctx->memo == NULL)
	{
		HASHCTL		hctl;

		hctl.keysize = offsetof(MemoEntry, ok);
		hctl.entrysize = sizeof(MemoEntry);
		hctl.hcxt = CurrentMemoryContext;
		ctx->memo = hash_create("datamesh compatibility memo", 64, &hctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	MemoKey(ctx, r, w, ctx->emit, &key);
	e = hash_search(ctx->memo, &key, HASH_ENTER, &found);
	e->ok = ok;
}

/* Resolve reader type r against writer type w */
static bool
ReadType(CompatCtx *ctx, const CType *r, const CType *w, const Path *path)
{
	bool		ok;
	int			i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (r->kind == CK_UNION || w->kind == CK_UNION)
		return ReadUnion(ctx, r, w, path);
	if (r->kind != w->kind || !IsStructured(r->kind))
		return ReadScalar(ctx, r, w, path);

	/* recursive named types: a pair already being resolved is assumed to match */
	if (IsNamed(r->kind))
	{
		bool		known;

		for (i = 0; i < ctx->ninprogress; i++)
			if (ctx->inprogress[i].r == r && ctx->inprogress[i].w == w)
				return true;
		if (MemoLookup(ctx, r, w, &known))
			return known;
		if (ctx->ninprogress == ctx->maxinprogress)
		{
			ctx->maxinprogress *= 2;
			ctx->inprogress = repalloc(ctx->inprogress, sizeof(Pair) * ctx->maxinprogress);
		}
		ctx->inprogress[ctx->ninprogress].r = r;
		ctx->inprogress[ctx->ninprogress].w = w;
		ctx->ninprogress++;
	}
	switch (r->kind)
	{
		case CK_RECORD:
			ok = ReadRecord(ctx, r, w, path);
			break;
		case CK_ENUM:
			ok = ReadEnum(ctx, r, w, path);
			break;
		case CK_FIXED:
			ok = ReadName(ctx, r, w, path);
			if (r->size != w->size)
			{
				ok = false;
				Emit(ctx, "type_changed", path, "size",
					 JStr(Display(ctx, OLD_OF(ctx, r, w))), JStr(Display(ctx, NEW_OF(ctx, r, w))),
					 false, BC_MINOR,
					 psprintf("fixed size changed from %d to %d",
							  OLD_OF(ctx, r, w)->size, NEW_OF(ctx, r, w)->size));
			}
			break;
		case CK_ARRAY:
		case CK_MAP:
			{
				Path		ip;

				ip.parent = path;
				ip.seg = NULL;
				ip.suffix = r->kind == CK_ARRAY ? "[]" : "{}";
				ok = ReadType(ctx, r->items, w->items, &ip);
				break;
			}
		default:
			ok = true;
	}
	if (IsNamed(r->kind))
	{
		ctx->ninprogress--;
		MemoStore(ctx, r, w, ok);
	}
	return ok;
}

/* ---------- driver ---------- */

static MemoryContext scratch_context = NULL;

/*
 * Switch to the scratch memory of one call.  It is reset rather than freed
 * between calls, so that its first two megabytes stay mapped: a 1,000-field
 * check allocates about 1.7 MB, and fresh pages cost more than the check.
 */
MemoryContext
CompatScratchBegin(void)
{
	if (scratch_context == NULL)
		scratch_context = AllocSetContextCreate(TopMemoryContext, "datamesh compatibility",
												2 * 1024 * 1024, 2 * 1024 * 1024, 8 * 1024 * 1024);
	else
		MemoryContextReset(scratch_context);
	return MemoryContextSwitchTo(scratch_context);
}

/* Leave the scratch memory, releasing what the call allocated */
void
CompatScratchEnd(MemoryContext old)
{
	MemoryContextSwitchTo(old);
	MemoryContextReset(scratch_context);
}

/* Parse a mode name (case-insensitive) */
static CompatMode
ParseMode(text *t)
{
	static const char *const names[] = {
		"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
		"FULL", "FULL_TRANSITIVE", NULL
	};
	char	   *s = text_to_cstring(t);
	int			i;

	for (i = 0; names[i]; i++)
		if (pg_strcasecmp(s, names[i]) == 0)
			return (CompatMode) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown compatibility mode \"%s\"", s),
			 errhint("Valid modes are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE.")));
}

/* Does the mode check new-reads-old (backward)? */
static bool
ModeBackward(CompatMode m)
{
	return m == CM_BACKWARD || m == CM_BACKWARD_TRANSITIVE || m == CM_FULL || m == CM_FULL_TRANSITIVE;
}

/* Does the mode check old-reads-new (forward)? */
static bool
ModeForward(CompatMode m)
{
	return m == CM_FORWARD || m == CM_FORWARD_TRANSITIVE || m == CM_FULL || m == CM_FULL_TRANSITIVE;
}

/* Is the mode transitive? */
static bool
ModeTransitive(CompatMode m)
{
	return m == CM_BACKWARD_TRANSITIVE || m == CM_FORWARD_TRANSITIVE || m == CM_FULL_TRANSITIVE;
}

/* Set up a comparison context */
static void
InitCtx(CompatCtx *ctx, SchemaFormat format, bool emit)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->format = format;
	ctx->emit = emit;
	ctx->maxchanges = 16;
	ctx->changes = palloc(sizeof(Change) * ctx->maxchanges);
	ctx->index = changemap_create(CurrentMemoryContext, 16, NULL);
	ctx->maxinprogress = 8;
	ctx->inprogress = palloc(sizeof(Pair) * ctx->maxinprogress);
}

/* Which rules apply to a pair of schemas: Avro only when both are Avro */
static SchemaFormat
RulesFor(CSchema *o, CSchema *n)
{
	return o->format == SF_AVRO && n->format == SF_AVRO ? SF_AVRO : SF_NATIVE;
}

/* Run both walks, recording changes; returns the two verdicts */
static void
Compare(CompatCtx *ctx, CSchema *o, CSchema *n, bool *new_reads_old, bool *old_reads_new)
{
	ctx->reader_is_new = true;
	*new_reads_old = ReadType(ctx, n->root, o->root, NULL);
	ctx->reader_is_new = false;
	*old_reads_new = ReadType(ctx, o->root, n->root, NULL);
}

/* Decide the verdict for a mode without recording changes */
static bool
Decide(CSchema *o, CSchema *n, CompatMode mode)
{
	CompatCtx	ctx;

	InitCtx(&ctx, RulesFor(o, n), false);
	if (ModeBackward(mode))
	{
		ctx.reader_is_new = true;
		if (!ReadType(&ctx, n->root, o->root, NULL))
			return false;
	}
	if (ModeForward(mode))
	{
		ctx.reader_is_new = false;
		if (!ReadType(&ctx, o->root, n->root, NULL))
			return false;
	}
	return true;
}

/* The bump a change needs: major if it breaks either reader */
static const char *
ChangeBump(const Change *c)
{
	if (!c->old_reads_new || !c->new_reads_old)
		return "major";
	return c->bump == BC_PATCH ? "patch" : "minor";
}

/* Does a change violate the mode? */
static bool
ChangeBreaks(const Change *c, CompatMode mode)
{
	return (ModeBackward(mode) && !c->new_reads_old) || (ModeForward(mode) && !c->old_reads_new);
}

/* The sentence of a change: what changed, where, and who breaks */
static char *
ChangeMessage(const Change *c)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s: %s", c->path, c->message);
	if (!c->old_reads_new && !c->new_reads_old)
		appendStringInfoString(&buf, "; neither old readers can read new data nor new readers old data");
	else if (!c->old_reads_new)
		appendStringInfoString(&buf, "; old readers cannot read data written with the new schema");
	else if (!c->new_reads_old)
		appendStringInfoString(&buf, "; new readers cannot read data written with the old schema");
	return buf.data;
}

/* Append the changes of one comparison to the result tuplestore */
static void
PutChanges(ReturnSetInfo *rsinfo, CompatCtx *ctx, CompatMode mode, int against)
{
	int			i;

	for (i = 0; i < ctx->nchanges; i++)
	{
		Change	   *c = &ctx->changes[i];
		Datum		values[10];
		bool		nulls[10];
		bool		breaks = ChangeBreaks(c, mode);
		const char *bump = ChangeBump(c);

		memset(nulls, 0, sizeof(nulls));
		values[0] = CStringGetTextDatum(c->kind);
		values[1] = CStringGetTextDatum(c->path);
		if (c->old_value)
			values[2] = JsonbPGetDatum(c->old_value);
		else
			nulls[2] = true;
		if (c->new_value)
			values[3] = JsonbPGetDatum(c->new_value);
		else
			nulls[3] = true;
		values[4] = BoolGetDatum(c->old_reads_new);
		values[5] = BoolGetDatum(c->new_reads_old);
		values[6] = CStringGetTextDatum(breaks ? "breaking" :
										strcmp(bump, "patch") == 0 ? "info" : "compatible");
		values[7] = CStringGetTextDatum(bump);
		values[8] = CStringGetTextDatum(ChangeMessage(c));
		values[9] = Int32GetDatum(against);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* The previous schemas of a history call, newest first, no NULLs */
static Datum *
HistoryElems(ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("previous schemas must be a one-dimensional array")));
	deconstruct_array(arr, JSONBOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("previous schema %d is null", i + 1)));
	return elems;
}

/* datamesh.check_compatibility(old jsonb, new jsonb, mode text) */
Datum
check_compatibility(PG_FUNCTION_ARGS)
{
	Jsonb	   *oj = PG_GETARG_JSONB_P(0);
	Jsonb	   *nj = PG_GETARG_JSONB_P(1);
	CompatMode	mode = ParseMode(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CSchema    *o,
			   *n;
	CompatCtx	ctx;
	bool		a,
				b;
	MemoryContext old;

	InitMaterializedSRF(fcinfo, 0);
	old = CompatScratchBegin();
	o = ParseContractSchema(oj, "old");
	n = ParseContractSchema(nj, "new");
	InitCtx(&ctx, RulesFor(o, n), true);
	Compare(&ctx, o, n, &a, &b);
	PutChanges(rsinfo, &ctx, mode, 1);
	CompatScratchEnd(old);
	PG_RETURN_VOID();
}

/* datamesh.is_compatible(old jsonb, new jsonb, mode text) */
Datum
is_compatible(PG_FUNCTION_ARGS)
{
	Jsonb	   *oj = PG_GETARG_JSONB_P(0);
	Jsonb	   *nj = PG_GETARG_JSONB_P(1);
	CompatMode	mode = ParseMode(PG_GETARG_TEXT_PP(2));
	MemoryContext old = CompatScratchBegin();
	CSchema    *o = ParseContractSchema(oj, "old");
	CSchema    *n = ParseContractSchema(nj, "new");
	bool		result = Decide(o, n, mode);

	CompatScratchEnd(old);
	PG_RETURN_BOOL(result);
}

/* datamesh.check_compatibility(previous jsonb[], new jsonb, mode text) */
Datum
check_compatibility_history(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Jsonb	   *nj = PG_GETARG_JSONB_P(1);
	CompatMode	mode = ParseMode(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CSchema    *n;
	Datum	   *elems;
	int			nelems,
				i;

	MemoryContext old;

	InitMaterializedSRF(fcinfo, 0);
	old = CompatScratchBegin();
	elems = HistoryElems(arr, &nelems);
	n = ParseContractSchema(nj, "new");
	if (!ModeTransitive(mode))
		nelems = Min(nelems, 1);
	for (i = 0; i < nelems; i++)
	{
		char	   *name = psprintf("previous[%d]", i + 1);
		CSchema    *o = ParseContractSchema(DatumGetJsonbP(elems[i]), name);
		CompatCtx	ctx;
		bool		a,
					b;

		InitCtx(&ctx, RulesFor(o, n), true);
		Compare(&ctx, o, n, &a, &b);
		PutChanges(rsinfo, &ctx, mode, i + 1);
	}
	CompatScratchEnd(old);
	PG_RETURN_VOID();
}

/* datamesh.is_compatible(previous jsonb[], new jsonb, mode text) */
Datum
is_compatible_history(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Jsonb	   *nj = PG_GETARG_JSONB_P(1);
	CompatMode	mode = ParseMode(PG_GETARG_TEXT_PP(2));
	CSchema    *n;
	Datum	   *elems;
	int			nelems,
				i;
	bool		result = true;
	MemoryContext old = CompatScratchBegin();

	elems = HistoryElems(arr, &nelems);
	n = ParseContractSchema(nj, "new");
	if (!ModeTransitive(mode))
		nelems = Min(nelems, 1);
	for (i = 0; i < nelems; i++)
	{
		char	   *name = psprintf("previous[%d]", i + 1);
		CSchema    *o = ParseContractSchema(DatumGetJsonbP(elems[i]), name);

		if (result && !Decide(o, n, mode))
			result = false;
	}
	CompatScratchEnd(old);
	PG_RETURN_BOOL(result);
}

/* datamesh.required_bump(old jsonb, new jsonb): the largest bump of any change */
Datum
required_bump(PG_FUNCTION_ARGS)
{
	Jsonb	   *oj = PG_GETARG_JSONB_P(0);
	Jsonb	   *nj = PG_GETARG_JSONB_P(1);
	MemoryContext old = CompatScratchBegin();
	CSchema    *o = ParseContractSchema(oj, "old");
	CSchema    *n = ParseContractSchema(nj, "new");
	CompatCtx	ctx;
	bool		a,
				b;
	int			best = 0;
	int			i;
	static const char *const bumps[] = {"none", "patch", "minor", "major"};

	InitCtx(&ctx, RulesFor(o, n), true);
	Compare(&ctx, o, n, &a, &b);
	for (i = 0; i < ctx.nchanges; i++)
	{
		const char *bump = ChangeBump(&ctx.changes[i]);
		int			rank = bump[1] == 'a' ? (bump[2] == 'j' ? 3 : 1) : 2;

		best = Max(best, rank);
	}
	CompatScratchEnd(old);
	PG_RETURN_TEXT_P(cstring_to_text(bumps[best]));
}
