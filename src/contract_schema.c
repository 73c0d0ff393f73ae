/*
 * contract_schema.c
 *		Reads a contract schema given as jsonb (native fields, an Avro record
 *		schema or a JSON Schema) into one internal model, and lists its
 *		top-level fields (datamesh.schema_fields).
 *
 * The format is detected by shape:
 *	- a JSON array, or an object with "fields" that is not pure Avro: native;
 *	- {"type": "record", "name": ..., "fields": [...]} whose fields carry only
 *	  Avro keys (name, type, doc, default, order, aliases) and no native-only
 *	  type names: Avro;
 *	- an object with "properties" or "$schema", or {"type": "object"}: JSON
 *	  Schema;
 *	- an object with "definition" (a contract's whole schema section): its
 *	  definition.
 * Every error names the argument and the JSON path of the offending value
 * (paths are built on the stack and rendered only for an error).
 *
 * Speed matters (a check of two 1,000-field contracts must take well under a
 * millisecond): jsonb objects and arrays are decoded in place with jsonb.h's
 * JEntry macros, each field's keys in one pass, and a record that looks like
 * Avro is read as Avro on trial instead of being checked first.
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_collation_d.h"
#include "catalog/pg_type_d.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "contract_compat.h"
#include "util.h"

PG_FUNCTION_INFO_V1(schema_fields);
PG_FUNCTION_INFO_V1(schema_format);

/* Field name -> index maps (simplehash) */
typedef struct FieldMapEntry
{
	const char *key;
	int			index;
	uint32		hash;
	char		status;
} FieldMapEntry;

#define SH_PREFIX fieldmap
#define SH_ELEMENT_TYPE FieldMapEntry
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

/* State of one schema read */
/*
 * A JSON path, built on the stack as the reader descends and rendered only
 * for an error message: key, or [index] when key is NULL; the root has no
 * parent and its key is printed as is.
 */
typedef struct JPath
{
	const struct JPath *parent;
	const char *key;
	int			index;
} JPath;

#define JK(p, k) (&(JPath) {(p), (k), -1})
#define JI(p, i) (&(JPath) {(p), NULL, (i)})

/* A key of an object read in one pass, and its length */
typedef struct KeyName
{
	const char *name;
	int			len;
} KeyName;

#define KN(s) {s, sizeof(s) - 1}

#define MAX_INTERNED_UNIONS 16

typedef struct ParseCtx
{
	SchemaFormat format;
	const char *argname;		/* which argument, for messages */
	List	   *named;			/* CType * of every named type defined */
	struct fieldmap_hash *named_map;	/* full name -> index in named */
	int			depth;
	bool		probe;			/* reading the root record's fields as Avro on trial */
	bool		probe_type;		/* ... and now a field's top-level type */
	bool		not_avro;		/* the trial found a field that is not pure Avro */
	JsonbContainer *js_root;	/* JSON Schema: the root, for "$ref" */
	const JPath *js_root_path;
	const char *js_defs_key;	/* "definitions" or "$defs" of the last $ref */
	List	   *refs;			/* definitions being read (recursion guard) */
	int			nunions;		/* unions of primitives read so far */
	CType	   *unions[MAX_INTERNED_UNIONS];
} ParseCtx;

#define MAX_SCHEMA_DEPTH 200
#define MAX_LIST_ENTRIES 10000	/* union branches, enum symbols and values */

static void SchemaError(ParseCtx *ctx, int sqlstate, const JPath *path,
						const char *fmt,...) pg_attribute_printf(4, 5) pg_attribute_noreturn();
static char *JPathString(const JPath *p);
static JsonbContainer *ResolveRef(ParseCtx *ctx, JsonbValue *ref, const JPath *path, const char **name_out);
static CType *ParseTypeInner(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *ns);
static CType *ParseType(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *ns);
static bool LooksLikeAvro(JsonbContainer *obj);
static CType *ParseRecord(ParseCtx *ctx, JsonbContainer *obj, const JPath *path, const char *ns);
static CType *ParseJsonSchemaNode(ParseCtx *ctx, JsonbContainer *obj, const JPath *path, CField *f);

static const char *const AvroPrimitives[] = {
	"null", "boolean", "int", "long", "float", "double", "bytes", "string", NULL
};

/* Report a malformed schema, naming the argument and the JSON path */
static void
SchemaError(ParseCtx *ctx, int sqlstate, const JPath *path, const char *fmt,...)
{
	va_list		args;
	char	   *msg;

	va_start(args, fmt);
	msg = FormatV(fmt, args);
	va_end(args);
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid schema \"%s\" at %s: %s", ctx->argname, JPathString(path), msg)));
}

/* Is this key a plain identifier (printable unquoted in a path)? */
static bool
IsPlainKey(const char *key)
{
	const char *p;

	if (*key == '\0' || (*key >= '0' && *key <= '9'))
		return false;
	for (p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
			return false;
	return true;
}

/* Append a JSON path to buf: $.key, ."quoted key", [i] */
static void
RenderJPath(StringInfo buf, const JPath *p)
{
	if (p->parent == NULL)
	{
		appendStringInfoString(buf, p->key);
		return;
	}
	RenderJPath(buf, p->parent);
	if (p->key == NULL)
		appendStringInfo(buf, "[%d]", p->index);
	else if (IsPlainKey(p->key))
		appendStringInfo(buf, ".%s", p->key);
	else
	{
		appendStringInfoChar(buf, '.');
		escape_json(buf, p->key);
	}
}

/* A JSON path as a string */
static char *
JPathString(const JPath *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	RenderJPath(&buf, p);
	return buf.data;
}

/* A JSON path step that outlives its caller */
static const JPath *
JKeep(const JPath *parent, const char *key)
{
	JPath	   *p = palloc(sizeof(JPath));

	p->parent = parent;
	p->key = key;
	p->index = -1;
	return p;
}

/* A value's JSON type, for messages */
static const char *
JsonTypeName(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "array" : "object";
		default:
			return "value";
	}
}

/* The value of key in an object container, or NULL */
static JsonbValue *
GetKey(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

/* Is v an object? */
static bool
IsObject(JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

/* Is v an array? */
static bool
IsArray(JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* A NUL-terminated copy of a string value */
static char *
StrOf(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Does a string value equal s? */
static bool
StrEq(JsonbValue *v, const char *s)
{
	return v->type == jbvString && (int) strlen(s) == v->val.string.len &&
		memcmp(v->val.string.val, s, v->val.string.len) == 0;
}

/* A string slot (NULL when absent) */
static char *
SlotString(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *key)
{
	if (v == NULL)
		return NULL;
	if (v->type != jbvString)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, key),
					"expected a string, found %s", JsonTypeName(v));
	return StrOf(v);
}

/* A boolean slot; returns whether it was present */
static bool
SlotBool(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *key, bool *result)
{
	if (v == NULL)
		return false;
	if (v->type != jbvBool)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, key),
					"expected a boolean, found %s", JsonTypeName(v));
	*result = v->val.boolean;
	return true;
}

/* Require a string at key (or NULL when absent and not required) */
static char *
GetString(ParseCtx *ctx, JsonbContainer *obj, const char *key, const JPath *path, bool required)
{
	JsonbValue *v = GetKey(obj, key);

	if (v == NULL && required)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"missing key \"%s\"", key);
	return SlotString(ctx, v, path, key);
}

/* Read an optional boolean at key; returns whether it was present */
static bool
GetBool(ParseCtx *ctx, JsonbContainer *obj, const char *key, const JPath *path, bool *result)
{
	return SlotBool(ctx, GetKey(obj, key), path, key, result);
}

/* Read an optional number at key, or NULL */
static Numeric
GetNumber(ParseCtx *ctx, JsonbContainer *obj, const char *key, const JPath *path)
{
	JsonbValue *v = GetKey(obj, key);

	if (v == NULL)
		return NULL;
	if (v->type != jbvNumeric)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, key),
					"expected a number, found %s", JsonTypeName(v));
	return v->val.numeric;
}

/* Is a number integral (and finite)? */
static bool
NumIsIntegral(Numeric n)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		return false;
	return NumCmp(n, DatumGetNumeric(DirectFunctionCall2(numeric_trunc, NumericGetDatum(n),
														 Int32GetDatum(0)))) == 0;
}

/* Read a non-negative integer that fits an int */
static int
NumericToCount(ParseCtx *ctx, Numeric n, const JPath *path, const char *what)
{
	int32		i;
	bool		have_error = false;

	if (!NumIsIntegral(n))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"%s must be an integer", what);
	i = numeric_int4_opt_error(n, &have_error);
	if (have_error || i < 0)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"%s must be between 0 and %d", what, INT_MAX);
	return (int) i;
}

/* A scalar value as text (for enum values) */
static char *
ScalarText(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return StrOf(v);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

/* A JSON value as jsonb */
static Jsonb *
ValueToJsonb(JsonbValue *v)
{
	return JsonbValueToJsonb(v);
}

/* Compact JSON text of a value */
static char *
ValueText(JsonbValue *v)
{
	if (v->type == jbvBinary)
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	return JsonbToCString(NULL, &ValueToJsonb(v)->root, 0);
}

/* Is name a valid Avro name (or dotted full name when dotted is true)? */
static bool
ValidAvroName(const char *name, bool dotted)
{
	const char *p = name;
	bool		start = true;

	if (*p == '\0')
		return false;
	for (; *p; p++)
	{
		if (*p == '.' && dotted && !start)
		{
			start = true;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
			start = false;
		else if (*p >= '0' && *p <= '9' && !start)
			continue;
		else
			return false;
	}
	return !start;
}

/* A new type node */
static CType *
NewType(CKind kind)
{
	CType	   *t = palloc0(sizeof(CType));

	t->kind = kind;
	t->maxlen = -1;
	t->precision = -1;
	return t;
}

/* Shared primitive nodes: most fields of a large schema are primitives */
static CType *
Primitive(CKind kind)
{
	static CType prims[CK_JSON + 1];
	static bool done = false;

	if (!done)
	{
		int			i;

		for (i = 0; i <= CK_JSON; i++)
		{
			memset(&prims[i], 0, sizeof(CType));
			prims[i].kind = (CKind) i;
			prims[i].maxlen = -1;
			prims[i].precision = -1;
		}
		done = true;
	}
	return &prims[kind];
}

/* The Avro primitive kind named by s (len bytes), or -1 */
static int
AvroPrimitiveKindN(const char *s, int len)
{
	static const CKind kinds[] = {
		CK_NULL, CK_BOOLEAN, CK_INT, CK_LONG, CK_FLOAT, CK_DOUBLE, CK_BYTES, CK_STRING
	};
	int			i;

	if (len < 3 || len > 7)
		return -1;
	for (i = 0; AvroPrimitives[i]; i++)
		if (AvroPrimitives[i][0] == s[0] && (int) strlen(AvroPrimitives[i]) == len &&
			memcmp(s, AvroPrimitives[i], len) == 0)
			return kinds[i];
	return -1;
}

/* The Avro primitive kind named s, or -1 */
static int
AvroPrimitiveKind(const char *s)
{
	return AvroPrimitiveKindN(s, strlen(s));
}

/* Parse "(n)" or "(p,s)" after a type name; returns false if malformed */
static bool
ParseTypeArgs(const char *s, int *a, int *b, int *nargs)
{
	const char *p = s;
	long		v;
	char	   *end;

	*nargs = 0;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return true;
	if (*p != '(')
		return false;
	p++;
	while (*p == ' ')
		p++;
	v = strtol(p, &end, 10);
	if (end == p || v < 0 || v > 100000000)
		return false;
	*a = (int) v;
	*nargs = 1;
	p = end;
	while (*p == ' ')
		p++;
	if (*p == ',')
	{
		p++;
		while (*p == ' ')
			p++;
		v = strtol(p, &end, 10);
		if (end == p || v < 0 || v > 100000000)
			return false;
		*b = (int) v;
		*nargs = 2;
		p = end;
		while (*p == ' ')
			p++;
	}
	if (*p != ')')
		return false;
	p++;
	while (*p == ' ')
		p++;
	return *p == '\0';
}

/* Does s start with word w (case already folded), followed by end or '(' ? */
static bool
HasPrefixWord(const char *s, const char *w, const char **rest)
{
	size_t		n = strlen(w);

	if (strncmp(s, w, n) != 0)
		return false;
	if (s[n] != '\0' && s[n] != '(' && s[n] != ' ')
		return false;
	*rest = s + n;
	return true;
}

/* The common native type names (lower case, no modifiers), or NULL */
static CType *
NativeSimpleName(const char *s, int n)
{
	static const struct
	{
		KeyName		n;
		CKind		kind;
	}			simple[] = {
		{KN("string"), CK_STRING}, {KN("text"), CK_STRING}, {KN("varchar"), CK_STRING},
		{KN("integer"), CK_INT}, {KN("int"), CK_INT}, {KN("int4"), CK_INT},
		{KN("smallint"), CK_SMALLINT}, {KN("int2"), CK_SMALLINT},
		{KN("long"), CK_LONG}, {KN("bigint"), CK_LONG}, {KN("int8"), CK_LONG},
		{KN("float"), CK_DOUBLE}, {KN("double"), CK_DOUBLE}, {KN("double precision"), CK_DOUBLE},
		{KN("float8"), CK_DOUBLE}, {KN("real"), CK_FLOAT}, {KN("float4"), CK_FLOAT},
		{KN("decimal"), CK_NUMERIC}, {KN("numeric"), CK_NUMERIC}, {KN("number"), CK_NUMERIC},
		{KN("boolean"), CK_BOOLEAN}, {KN("bool"), CK_BOOLEAN}, {KN("date"), CK_DATE},
		{KN("time"), CK_TIME}, {KN("timestamp"), CK_TIMESTAMP}, {KN("datetime"), CK_TIMESTAMP},
		{KN("timestamptz"), CK_TIMESTAMPTZ}, {KN("timestamp with time zone"), CK_TIMESTAMPTZ},
		{KN("timestamp without time zone"), CK_TIMESTAMP}, {KN("time without time zone"), CK_TIME},
		{KN("interval"), CK_INTERVAL}, {KN("duration"), CK_INTERVAL}, {KN("uuid"), CK_UUID},
		{KN("bytes"), CK_BYTES}, {KN("bytea"), CK_BYTES}, {KN("binary"), CK_BYTES},
		{KN("json"), CK_JSON}, {KN("jsonb"), CK_JSON}, {KN("object"), CK_JSON},
		{KN("map"), CK_JSON}, {KN("record"), CK_JSON}, {KN("struct"), CK_JSON},
		{KN("null"), CK_NULL}, {KN("character varying"), CK_STRING}
	};
	int			i;

	for (i = 0; i < (int) lengthof(simple); i++)
		if (simple[i].n.len == n && simple[i].n.name[0] == s[0] &&
			memcmp(simple[i].n.name, s, n) == 0)
			return Primitive(simple[i].kind);
	return NULL;
}

/* An ASCII-lower-cased copy */
static char *
AsciiLower(const char *s)
{
	size_t		n = strlen(s);
	char	   *r = palloc(n + 1);
	size_t		i;

	for (i = 0; i <= n; i++)
		r[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + ('a' - 'A') : s[i];
	return r;
}

/*
 * Parse a native (SQL-ish) type name.  Returns NULL when the name is not a
 * native type name.
 */
static CType *
ParseNativeTypeName(ParseCtx *ctx, const char *name, const JPath *path)
{
#define NATIVE_FAIL(...) \
	do { \
		if (ctx == NULL) \
			return NULL; \
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, __VA_ARGS__); \
	} while (0)
	char	   *s = AsciiLower(name);
	size_t		len;
	const char *rest;
	int			a = 0,
				b = 0,
				nargs;
	CType	   *t;

	t = NativeSimpleName(s, strlen(s));
	if (t != NULL)
		return t;

	/* trim */
	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';

	/* array<T> and T[] */
	if (strncmp(s, "array<", 6) == 0 && len > 7 && s[len - 1] == '>')
	{
		char	   *inner = pnstrdup(s + 6, len - 7);
		CType	   *it = ParseNativeTypeName(ctx, inner, path);

		if (it == NULL)
			NATIVE_FAIL("unknown type \"%s\"", inner);
		t = NewType(CK_ARRAY);
		t->items = it;
		return t;
	}
	if (len > 2 && strcmp(s + len - 2, "[]") == 0)
	{
		char	   *inner = pnstrdup(s, len - 2);
		CType	   *it = ParseNativeTypeName(ctx, inner, path);

		if (it == NULL)
			NATIVE_FAIL("unknown type \"%s\"", inner);
		t = NewType(CK_ARRAY);
		t->items = it;
		return t;
	}

	if (strcmp(s, "string") == 0 || strcmp(s, "text") == 0)
		return Primitive(CK_STRING);
	if (HasPrefixWord(s, "varchar", &rest) ||
		HasPrefixWord(s, "character varying", &rest) ||
		HasPrefixWord(s, "char", &rest) ||
		HasPrefixWord(s, "character", &rest))
	{
		if (!ParseTypeArgs(rest, &a, &b, &nargs) || nargs == 2 ||
			(nargs == 1 && a == 0))
			NATIVE_FAIL("invalid type modifier in \"%s\"", name);
		if (nargs == 0)
		{
			if (s[0] == 'c' && strncmp(s, "character varying", 17) != 0)
				a = 1;			/* char = char(1) */
			else
				return Primitive(CK_STRING);
		}
		t = NewType(CK_STRING);
		t->maxlen = a;
		return t;
	}
	if (strcmp(s, "integer") == 0 || strcmp(s, "int") == 0 || strcmp(s, "int4") == 0)
		return Primitive(CK_INT);
	if (strcmp(s, "smallint") == 0 || strcmp(s, "int2") == 0)
		return Primitive(CK_SMALLINT);
	if (strcmp(s, "long") == 0 || strcmp(s, "bigint") == 0 || strcmp(s, "int8") == 0)
		return Primitive(CK_LONG);
	if (strcmp(s, "float") == 0 || strcmp(s, "double") == 0 ||
		strcmp(s, "double precision") == 0 || strcmp(s, "float8") == 0)
		return Primitive(CK_DOUBLE);
	if (strcmp(s, "real") == 0 || strcmp(s, "float4") == 0)
		return Primitive(CK_FLOAT);
	if (HasPrefixWord(s, "decimal", &rest) || HasPrefixWord(s, "numeric", &rest) ||
		HasPrefixWord(s, "number", &rest))
	{
		if (!ParseTypeArgs(rest, &a, &b, &nargs) ||
			(nargs >= 1 && (a < 1 || a > 1000)) || (nargs == 2 && b > a))
			NATIVE_FAIL("invalid type modifier in \"%s\"", name);
		t = NewType(CK_NUMERIC);
		if (nargs >= 1)
		{
			t->precision = a;
			t->scale = nargs == 2 ? b : 0;
		}
		return nargs == 0 ? Primitive(CK_NUMERIC) : t;
	}
	if (strcmp(s, "boolean") == 0 || strcmp(s, "bool") == 0)
		return Primitive(CK_BOOLEAN);
	if (strcmp(s, "date") == 0)
		return Primitive(CK_DATE);
	if (strcmp(s, "time") == 0 || strcmp(s, "time without time zone") == 0)
		return Primitive(CK_TIME);
	if (strcmp(s, "timestamp") == 0 || strcmp(s, "timestamp without time zone") == 0 ||
		strcmp(s, "datetime") == 0)
		return Primitive(CK_TIMESTAMP);
	if (strcmp(s, "timestamptz") == 0 || strcmp(s, "timestamp with time zone") == 0)
		return Primitive(CK_TIMESTAMPTZ);
	if (strcmp(s, "interval") == 0 || strcmp(s, "duration") == 0)
		return Primitive(CK_INTERVAL);
	if (strcmp(s, "uuid") == 0)
		return Primitive(CK_UUID);
	if (strcmp(s, "bytes") == 0 || strcmp(s, "bytea") == 0 || strcmp(s, "binary") == 0)
		return Primitive(CK_BYTES);
	if (strcmp(s, "json") == 0 || strcmp(s, "jsonb") == 0 || strcmp(s, "object") == 0 ||
		strcmp(s, "map") == 0 || strcmp(s, "record") == 0 || strcmp(s, "struct") == 0)
		return Primitive(CK_JSON);
	if (strcmp(s, "array") == 0)
	{
		t = NewType(CK_ARRAY);
		t->items = Primitive(CK_JSON);
		return t;
	}
	if (strcmp(s, "null") == 0)
		return Primitive(CK_NULL);
	return NULL;
#undef NATIVE_FAIL
}

/* Full name of a named type: name as given if dotted, else ns.name */
static char *
FullName(const char *name, const char *ns)
{
	if (strchr(name, '.') != NULL || ns == NULL || *ns == '\0')
		return pstrdup(name);
	return psprintf("%s.%s", ns, name);
}

/* Namespace part of a full name ("" if none) */
static char *
NamespaceOf(const char *fullname)
{
	const char *dot = strrchr(fullname, '.');

	return dot ? pnstrdup(fullname, dot - fullname) : pstrdup("");
}

/* Look up a named type defined earlier in this schema */
static CType *
LookupNamed(ParseCtx *ctx, const char *ref, const char *ns)
{
	char	   *full = FullName(ref, ns);
	FieldMapEntry *e;

	if (ctx->named_map == NULL)
		return NULL;
	e = fieldmap_lookup(ctx->named_map, full);
	if (e == NULL && strchr(ref, '.') == NULL)
		e = fieldmap_lookup(ctx->named_map, ref);
	return e ? list_nth(ctx->named, e->index) : NULL;
}

/* Read name, namespace and aliases of a named type and register it */
static void
ParseNamed(ParseCtx *ctx, CType *t, JsonbContainer *obj, const JPath *path, const char *ns)
{
	char	   *name = GetString(ctx, obj, "name", path, true);
	char	   *tns = GetString(ctx, obj, "namespace", path, false);
	JsonbValue *al;

	if (ctx->format == SF_AVRO ? !ValidAvroName(name, true) : *name == '\0')
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "name"),
					"invalid name \"%s\"", name);
	if (tns != NULL && *tns != '\0' && ctx->format == SF_AVRO && !ValidAvroName(tns, true))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "namespace"),
					"invalid namespace \"%s\"", tns);
	if (strchr(name, '.') != NULL)
		t->fullname = pstrdup(name);
	else
		t->fullname = FullName(name, tns != NULL ? tns : ns);
	t->name = strrchr(t->fullname, '.') ? strrchr(t->fullname, '.') + 1 : t->fullname;
	if (AvroPrimitiveKind(t->name) >= 0)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "name"),
					"\"%s\" is a primitive type name and cannot name a type", name);
	if (ctx->named_map == NULL)
		ctx->named_map = fieldmap_create(CurrentMemoryContext, 16, NULL);
	{
		bool		found;
		FieldMapEntry *e = fieldmap_insert(ctx->named_map, t->fullname, &found);

		if (found)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "name"),
						"type \"%s\" is defined twice", t->fullname);
		e->index = list_length(ctx->named);
	}
	t->doc = GetString(ctx, obj, "doc", path, false);
	al = GetKey(obj, "aliases");
	if (al != NULL)
	{
		JsonbContainer *c;
		int			i,
					n;
		char	   *tnsp = NamespaceOf(t->fullname);

		if (!IsArray(al))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "aliases"),
						"expected an array of names, found %s", JsonTypeName(al));
		c = al->val.binary.data;
		n = JsonContainerSize(c);
		t->aliases = palloc(sizeof(char *) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(c, i);
			char	   *a;

			if (e->type != jbvString || !ValidAvroName((a = StrOf(e)), true))
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE,
							JI(JK(path, "aliases"), i), "invalid alias");
			t->aliases[t->naliases++] = FullName(a, tnsp);
		}
	}
	ctx->named = lappend(ctx->named, t);
}

/* Validate an Avro default value against its type (spec: first union branch) */
static bool
AvroDefaultValid(CType *t, JsonbValue *v, int depth)
{
	check_stack_depth();
	switch (t->kind)
	{
		case CK_NULL:
			return v->type == jbvNull;
		case CK_BOOLEAN:
			return v->type == jbvBool;
		case CK_INT:
		case CK_LONG:
			{
				/* an integer literal: Avro's parser refuses 1.0 for an int */
				if (v->type != jbvNumeric || !NumIsIntegral(v->val.numeric) ||
					strchr(DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(v->val.numeric))), '.') != NULL)
					return false;
				if (t->kind == CK_INT)
					return NumCmp(v->val.numeric, int64_to_numeric(PG_INT32_MIN)) >= 0 &&
						NumCmp(v->val.numeric, int64_to_numeric(PG_INT32_MAX)) <= 0;
				return NumCmp(v->val.numeric, int64_to_numeric(PG_INT64_MIN)) >= 0 &&
					NumCmp(v->val.numeric, int64_to_numeric(PG_INT64_MAX)) <= 0;
			}
		case CK_FLOAT:
		case CK_DOUBLE:
			return v->type == jbvNumeric ||
				(v->type == jbvString && (StrEq(v, "NaN") || StrEq(v, "Infinity") || StrEq(v, "-Infinity")));
		case CK_BYTES:
		case CK_STRING:
		case CK_FIXED:
			return v->type == jbvString;
		case CK_ENUM:
			{
				int			i;

				if (v->type != jbvString)
					return false;
				for (i = 0; i < t->nsymbols; i++)
					if (StrEq(v, t->symbols[i]))
						return true;
				return false;
			}
		case CK_ARRAY:
			{
				int			i,
							n;

				if (!IsArray(v))
					return false;
				n = JsonContainerSize(v->val.binary.data);
				for (i = 0; i < n; i++)
					if (!AvroDefaultValid(t->items, getIthJsonbValueFromContainer(v->val.binary.data, i), depth + 1))
						return false;
				return true;
			}
		case CK_MAP:
			{
				JsonbIterator *it;
				JsonbValue	e;
				JsonbIteratorToken tok;

				if (!IsObject(v))
					return false;
				it = JsonbIteratorInit(v->val.binary.data);
				while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
				{
					if (tok == WJB_VALUE && !AvroDefaultValid(t->items, &e, depth + 1))
						return false;
				}
				return true;
			}
		case CK_RECORD:
			{
				int			i;

				if (!IsObject(v))
					return false;
				for (i = 0; i < t->nfields; i++)
				{
					JsonbValue *fv = GetKey(v->val.binary.data, t->fields[i].name);

					if (fv == NULL)
					{
						if (!t->fields[i].has_default)
							return false;
					}
					else if (!AvroDefaultValid(t->fields[i].type, fv, depth + 1))
						return false;
				}
				return true;
			}
		case CK_UNION:
			return t->nbranches > 0 && AvroDefaultValid(t->branches[0], v, depth + 1);
		default:
			return true;
	}
}

/* Build the name index (and alias index) of a record; duplicates are errors */
static void
IndexFields(ParseCtx *ctx, CType *rec, const JPath *fields_path)
{
	int			i;
	bool		any_alias = false;

	rec->byname = fieldmap_create(CurrentMemoryContext, Max(rec->nfields, 4), NULL);
	for (i = 0; i < rec->nfields; i++)
	{
		bool		found;
		FieldMapEntry *e = fieldmap_insert(rec->byname, rec->fields[i].name, &found);

		if (found)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE,
						JK(JI(fields_path, i), "name"),
						"duplicate field name \"%s\" (also field %d)",
						rec->fields[i].name, e->index);
		e->index = i;
		if (rec->fields[i].naliases > 0)
			any_alias = true;
	}
	if (!any_alias)
		return;
	rec->byalias = fieldmap_create(CurrentMemoryContext, 8, NULL);
	for (i = 0; i < rec->nfields; i++)
	{
		int			j;

		for (j = 0; j < rec->fields[i].naliases; j++)
		{
			bool		found;
			FieldMapEntry *e = fieldmap_insert(rec->byalias, rec->fields[i].aliases[j], &found);

			if (found && e->index != i)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE,
							JI(JK(JI(fields_path, i), "aliases"), j),
							"alias \"%s\" is used by two fields", rec->fields[i].aliases[j]);
			e->index = i;
		}
	}
}

/* Index of the field called name in a record, or -1 */
int
CFieldLookup(const CType *rec, const char *name)
{
	FieldMapEntry *e;

	if (rec->byname == NULL)
		return -1;
	e = fieldmap_lookup(rec->byname, name);
	return e ? e->index : -1;
}

/* Read a field's aliases */
static void
ParseFieldAliases(ParseCtx *ctx, CField *f, JsonbValue *al, const JPath *path)
{
	JsonbContainer *c;
	int			i,
				n;

	if (al == NULL)
		return;
	if (!IsArray(al))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "aliases"),
					"expected an array of names, found %s", JsonTypeName(al));
	c = al->val.binary.data;
	n = JsonContainerSize(c);
	f->aliases = palloc(sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		if (e->type != jbvString || e->val.string.len == 0)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE,
						JI(JK(path, "aliases"), i), "expected a non-empty string");
		f->aliases[f->naliases++] = StrOf(e);
	}
}

#define PATTERN_CACHE_SIZE 64

/* Check that a regular expression compiles (PostgreSQL's ARE engine) */
static void
CheckPattern(ParseCtx *ctx, const char *pattern, const JPath *path)
{
	/* patterns known to compile: recompiling each costs more than a field */
	static char *valid[PATTERN_CACHE_SIZE];
	static int	nvalid = 0;
	static int	next = 0;
	regex_t		re;
	pg_wchar   *wide;
	int			wlen;
	int			rc;
	int			i;

	for (i = 0; i < nvalid; i++)
		if (strcmp(valid[i], pattern) == 0)
			return;

	wide = palloc((strlen(pattern) + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(pattern, wide, strlen(pattern));
	rc = pg_regcomp(&re, wide, wlen, REG_ADVANCED, C_COLLATION_OID);
	if (rc != REG_OKAY)
	{
		char		msg[256];

		pg_regerror(rc, &re, msg, sizeof(msg));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid schema \"%s\" at %s: invalid regular expression: %s",
						ctx->argname, JPathString(path), msg)));
	}
	pg_regfree(&re);
	pfree(wide);
	if (strlen(pattern) <= 1024)
	{
		if (nvalid < PATTERN_CACHE_SIZE)
			valid[nvalid++] = MemoryContextStrdup(TopMemoryContext, pattern);
		else
		{
			pfree(valid[next]);
			valid[next] = MemoryContextStrdup(TopMemoryContext, pattern);
			next = (next + 1) % PATTERN_CACHE_SIZE;
		}
	}
}

/* Is this a numeric kind (min/max apply)? */
static bool
IsNumericKind(CKind k)
{
	return k == CK_INT || k == CK_LONG || k == CK_FLOAT || k == CK_DOUBLE ||
		k == CK_SMALLINT || k == CK_NUMERIC;
}

/* Strip a null branch from a union: returns the remaining type */
static CType *
StripNull(CType *t, bool *had_null)
{
	int			i,
				j;
	CType	   *u;

	*had_null = false;
	if (t->kind == CK_NULL)
	{
		*had_null = true;
		return t;
	}
	if (t->kind != CK_UNION)
		return t;
	for (i = 0; i < t->nbranches; i++)
		if (t->branches[i]->kind == CK_NULL)
			*had_null = true;
	if (!*had_null)
		return t;
	if (t->nbranches == 2)
		return t->branches[t->branches[0]->kind == CK_NULL ? 1 : 0];
	if (t->nbranches == 1)
		return t->branches[0];
	u = NewType(CK_UNION);
	u->branches = palloc(sizeof(CType *) * t->nbranches);
	for (i = 0, j = 0; i < t->nbranches; i++)
		if (t->branches[i]->kind != CK_NULL)
			u->branches[j++] = t->branches[i];
	u->nbranches = j;
	return u;
}

/* Refuse lists so long that checking them for duplicates would take long */
static void
CheckListSize(ParseCtx *ctx, int n, const JPath *path, const char *what)
{
	if (n > MAX_LIST_ENTRIES)
		SchemaError(ctx, ERRCODE_PROGRAM_LIMIT_EXCEEDED, path,
					"more than %d %s", MAX_LIST_ENTRIES, what);
}

/* Read the enum list of a native field */
static void
ParseEnumValues(ParseCtx *ctx, CField *f, JsonbValue *ev, const JPath *path)
{
	JsonbContainer *c;
	int			i,
				j,
				n;

	if (!IsArray(ev) || JsonContainerSize(ev->val.binary.data) == 0)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"expected a non-empty array of values");
	c = ev->val.binary.data;
	n = JsonContainerSize(c);
	CheckListSize(ctx, n, path, "enum values");
	f->enum_values = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);
		char	   *s = ScalarText(e);

		if (s == NULL)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(path, i),
						"enum values must be strings, numbers or booleans, found %s",
						JsonTypeName(e));
		for (j = 0; j < i; j++)
			if (strcmp(f->enum_values[j], s) == 0)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(path, i),
							"duplicate enum value \"%s\"", s);
		f->enum_values[i] = s;
	}
	f->nenum = n;
}

/* Native field keys; the NF_* indexes below follow this order */
static const KeyName NativeFieldKeys[] = {
	KN("name"), KN("type"), KN("doc"), KN("description"), KN("required"),
	KN("nullable"), KN("default"), KN("pii"), KN("privacy_classification"),
	KN("classification"), KN("min"), KN("max"), KN("minimum"), KN("maximum"),
	KN("enum"), KN("pattern"), KN("unique"), KN("constraints"), KN("aliases"),
	KN("max_null_rate"),
	/* accepted and not interpreted here */
	KN("primary_key"), KN("tags"), KN("example"), KN("examples"), KN("title"),
	KN("deprecated"), KN("quality"), KN("unit"), KN("order"), KN("format"),
	KN("logicalType"), {NULL, 0}
};
enum
{
	NF_NAME, NF_TYPE, NF_DOC, NF_DESCRIPTION, NF_REQUIRED, NF_NULLABLE,
	NF_DEFAULT, NF_PII, NF_PRIVACY_CLASSIFICATION, NF_CLASSIFICATION,
	NF_MIN, NF_MAX, NF_MINIMUM, NF_MAXIMUM, NF_ENUM, NF_PATTERN, NF_UNIQUE,
	NF_CONSTRAINTS, NF_ALIASES, NF_MAX_NULL_RATE, NF_NKEYS = 31
};

/* Keys of seed 001's "constraints" object; the CN_* indexes follow this order */
static const KeyName ConstraintKeys[] = {
	KN("min"), KN("max"), KN("minimum"), KN("maximum"), KN("enum"),
	KN("pattern"), KN("unique"), KN("min_length"), KN("max_length"),
	KN("not_null"), {NULL, 0}
};
enum
{
	CN_MIN, CN_MAX, CN_MINIMUM, CN_MAXIMUM, CN_ENUM, CN_PATTERN, CN_UNIQUE,
	CN_MIN_LENGTH, CN_MAX_LENGTH, CN_NOT_NULL, CN_NKEYS
};

/* Avro field keys (other attributes are metadata and allowed) */
static const KeyName AvroFieldKeys[] = {
	KN("name"), KN("type"), KN("doc"), KN("default"), KN("order"), KN("aliases"), {NULL, 0}
};
enum
{
	AF_NAME, AF_TYPE, AF_DOC, AF_DEFAULT, AF_ORDER, AF_ALIASES, AF_NKEYS
};

/* Index of key k in a key list, or -1 */
static int
KeyIndex(const KeyName *keys, const char *k, int len)
{
	int			i;

	for (i = 0; keys[i].name; i++)
		if (keys[i].len == len && keys[i].name[0] == k[0] && memcmp(keys[i].name, k, len) == 0)
			return i;
	return -1;
}

/*
 * Decode one entry of a jsonb container in place, as jsonb's own iterator
 * does (fillJsonbValue): data at base + offset, len bytes; numbers and
 * containers are int-aligned.
 */
static void
DecodeEntry(char *base, uint32 offset, uint32 je, uint32 len, JsonbValue *v)
{
	if (JBE_ISSTRING(je))
	{
		v->type = jbvString;
		v->val.string.val = base + offset;
		v->val.string.len = len;
	}
	else if (JBE_ISNUMERIC(je))
	{
		v->type = jbvNumeric;
		v->val.numeric = (Numeric) (base + INTALIGN(offset));
	}
	else if (JBE_ISBOOL_TRUE(je) || JBE_ISBOOL_FALSE(je))
	{
		v->type = jbvBool;
		v->val.boolean = JBE_ISBOOL_TRUE(je);
	}
	else if (JBE_ISNULL(je))
		v->type = jbvNull;
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = (JsonbContainer *) (base + INTALIGN(offset));
		v->val.binary.len = len - (INTALIGN(offset) - offset);
	}
}

/* Walking the elements of a jsonb array in place */
typedef struct ArrayWalk
{
	JsonbContainer *jc;
	char	   *base;
	uint32		offset;
	int			i;
	int			n;
} ArrayWalk;

/* Start walking an array container */
static void
ArrayWalkInit(ArrayWalk *w, JsonbContainer *jc)
{
	Assert(JsonContainerIsArray(jc));
	w->jc = jc;
	w->n = JsonContainerSize(jc);
	w->base = (char *) &jc->children[w->n];
	w->offset = 0;
	w->i = 0;
}

/* The next element, or false at the end */
static bool
ArrayWalkNext(ArrayWalk *w, JsonbValue *v)
{
	uint32		je;
	uint32		len;

	if (w->i >= w->n)
		return false;
	je = w->jc->children[w->i];
	len = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) - w->offset : JBE_OFFLENFLD(je);
	DecodeEntry(w->base, w->offset, je, len, v);
	JBE_ADVANCE_OFFSET(w->offset, je);
	w->i++;
	return true;
}

/*
 * Read an object's keys in one pass into slots (NULL where absent).  Keys
 * not in the list are an error when strict (extensions prefixed "x-" are
 * allowed), else ignored; returns how many there were.
 */
static int
ScanKeys(ParseCtx *ctx, JsonbContainer *obj, const KeyName *keys, JsonbValue *store,
		 JsonbValue **slots, int nslots, const JPath *path, bool strict)
{
	int			n = JsonContainerSize(obj);
	char	   *base = (char *) &obj->children[n * 2];
	uint32		offset = 0;
	int			unknown = 0;
	int			i;
	int			small[32];
	int		   *idx = n <= 32 ? small : palloc(sizeof(int) * n);

	/* an object's entries are n keys, then their n values */
	Assert(JsonContainerIsObject(obj));
	memset(slots, 0, sizeof(JsonbValue *) * nslots);
	for (i = 0; i < n; i++)
	{
		uint32		je = obj->children[i];
		uint32		len = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) - offset : JBE_OFFLENFLD(je);
		const char *k = base + offset;

		idx[i] = KeyIndex(keys, k, len);
		if (idx[i] < 0)
		{
			unknown++;
			if (strict && !(len > 2 && memcmp(k, "x-", 2) == 0))
			{
				char	   *name = pnstrdup(k, len);

				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, name),
							"unknown key \"%s\"", name);
			}
		}
		JBE_ADVANCE_OFFSET(offset, je);
	}
	for (i = 0; i < n; i++)
	{
		uint32		je = obj->children[n + i];
		uint32		len = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) - offset : JBE_OFFLENFLD(je);
		JsonbValue *v;

		if (idx[i] >= 0 && idx[i] < nslots)
		{
			v = &store[idx[i]];
			DecodeEntry(base, offset, je, len, v);
			slots[idx[i]] = v;
		}
		JBE_ADVANCE_OFFSET(offset, je);
	}
	if (idx != small)
		pfree(idx);
	return unknown;
}

/* Reject keys outside a list (extensions prefixed "x-" are allowed) */
static void
CheckKeys(ParseCtx *ctx, JsonbContainer *obj, const KeyName *allowed, const JPath *path)
{
	JsonbValue	store[1];
	JsonbValue *slots[1];

	ScanKeys(ctx, obj, allowed, store, slots, 0, path, true);
}

/* One of two synonymous slots (error when both are given) */
static JsonbValue *
SlotEither(ParseCtx *ctx, JsonbValue *a, JsonbValue *b, const char *ka, const char *kb,
		   const JPath *path, const char **which)
{
	if (a != NULL && b != NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, kb),
					"\"%s\" and \"%s\" are the same constraint, given twice", ka, kb);
	*which = a ? ka : kb;
	return a ? a : b;
}

/* Where a field's constraints come from (the field itself, or "constraints") */
typedef struct ConstraintSrc
{
	JsonbValue *min;
	JsonbValue *minimum;
	JsonbValue *max;
	JsonbValue *maximum;
	JsonbValue *enumv;
	JsonbValue *pattern;
	JsonbValue *unique;
} ConstraintSrc;

/* Read min/max/enum/pattern/unique (seen[] catches one given in both places) */
static void
ParseConstraints(ParseCtx *ctx, CField *f, const ConstraintSrc *src, const JPath *path,
				 bool *seen, const JPath **min_path)
{
	JsonbValue *v;
	const char *k;

	v = SlotEither(ctx, src->min, src->minimum, "min", "minimum", path, &k);
	if (v != NULL)
	{
		if (seen[0])
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, k), "minimum given twice");
		if (v->type != jbvNumeric)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, k),
						"expected a number, found %s", JsonTypeName(v));
		f->min_value = v->val.numeric;
		*min_path = JKeep(path, k);
		seen[0] = true;
	}
	v = SlotEither(ctx, src->max, src->maximum, "max", "maximum", path, &k);
	if (v != NULL)
	{
		if (seen[1])
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, k), "maximum given twice");
		if (v->type != jbvNumeric)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, k),
						"expected a number, found %s", JsonTypeName(v));
		f->max_value = v->val.numeric;
		seen[1] = true;
	}
	if (src->enumv != NULL)
	{
		if (seen[2])
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "enum"), "enum given twice");
		ParseEnumValues(ctx, f, src->enumv, JK(path, "enum"));
		seen[2] = true;
	}
	if (src->pattern != NULL)
	{
		if (seen[3])
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "pattern"), "pattern given twice");
		f->pattern = SlotString(ctx, src->pattern, path, "pattern");
		CheckPattern(ctx, f->pattern, JK(path, "pattern"));
		seen[3] = true;
	}
	if (SlotBool(ctx, src->unique, path, "unique", &f->is_unique))
	{
		if (seen[4])
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "unique"), "unique given twice");
		seen[4] = true;
	}
}

/* Is a default value acceptable for a native field? */
static bool
NativeDefaultValid(CType *t, JsonbValue *v)
{
	switch (t->kind)
	{
		case CK_NULL:
			return v->type == jbvNull;
		case CK_BOOLEAN:
			return v->type == jbvBool;
		case CK_INT:
		case CK_LONG:
		case CK_SMALLINT:
		case CK_FLOAT:
		case CK_DOUBLE:
		case CK_NUMERIC:
			return v->type == jbvNumeric;
		case CK_STRING:
			return v->type == jbvString &&
				(t->maxlen < 0 || pg_mbstrlen_with_len(v->val.string.val, v->val.string.len) <= t->maxlen);
		case CK_BYTES:
		case CK_FIXED:
		case CK_ENUM:
		case CK_DATE:
		case CK_TIME:
		case CK_TIMESTAMP:
		case CK_TIMESTAMPTZ:
		case CK_INTERVAL:
		case CK_UUID:
			return v->type == jbvString;
		case CK_ARRAY:
			return IsArray(v);
		case CK_RECORD:
		case CK_MAP:
			return IsObject(v);
		default:
			return true;
	}
}

/* Keep a copy of a JSON value (the struct; its data stays in the jsonb) */
static JsonbValue *
CopyValue(JsonbValue *v)
{
	JsonbValue *c = palloc(sizeof(JsonbValue));

	*c = *v;
	return c;
}

/* Read one native field */
static void
ParseNativeField(ParseCtx *ctx, CField *f, JsonbValue *fv, const JPath *path, const char *ns)
{
	JsonbValue	store[NF_NKEYS];
	JsonbValue *k[NF_NKEYS];
	JsonbValue *v;
	bool		has_nullable,
				has_required,
				type_null;
	bool		nullable = true,
				required = false;
	bool		seen[5] = {false, false, false, false, false};
	const JPath *min_path = NULL;
	ConstraintSrc src;

	if (!IsObject(fv))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"a field must be an object, found %s", JsonTypeName(fv));
	ScanKeys(ctx, fv->val.binary.data, NativeFieldKeys, store, k, NF_NKEYS, path, true);
	if (k[NF_NAME] == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "missing key \"name\"");
	f->name = SlotString(ctx, k[NF_NAME], path, "name");
	if (f->name[0] == '\0')
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "name"),
					"a field name must not be empty");
	if (k[NF_TYPE] == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"field \"%s\" has no \"type\"", f->name);
	f->type = ParseType(ctx, k[NF_TYPE], JK(path, "type"), ns);
	f->type_json = CopyValue(k[NF_TYPE]);
	f->type = StripNull(f->type, &type_null);
	if (k[NF_DOC] != NULL && k[NF_DESCRIPTION] != NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "description"),
					"\"doc\" and \"description\" are the same, given twice");
	f->doc = k[NF_DOC] ? SlotString(ctx, k[NF_DOC], path, "doc") :
		SlotString(ctx, k[NF_DESCRIPTION], path, "description");
	has_nullable = SlotBool(ctx, k[NF_NULLABLE], path, "nullable", &nullable);
	has_required = SlotBool(ctx, k[NF_REQUIRED], path, "required", &required);
	if (has_nullable && has_required && nullable && required)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "required"),
					"field \"%s\" is both required and nullable", f->name);
	if (type_null && ((has_nullable && !nullable) || (has_required && required)))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, has_required ? "required" : "nullable"),
					"field \"%s\" has a type that admits null but is declared %s",
					f->name, has_required ? "required" : "not nullable");
	if (!has_nullable)
		nullable = has_required ? !required : true;
	if (!has_required)
		required = !nullable;
	f->nullable = nullable;
	f->required = required;
	(void) SlotBool(ctx, k[NF_PII], path, "pii", &f->pii);
	if (k[NF_PRIVACY_CLASSIFICATION] != NULL && k[NF_CLASSIFICATION] != NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "classification"),
					"\"privacy_classification\" and \"classification\" are the same, given twice");
	f->classification = k[NF_PRIVACY_CLASSIFICATION] ?
		SlotString(ctx, k[NF_PRIVACY_CLASSIFICATION], path, "privacy_classification") :
		SlotString(ctx, k[NF_CLASSIFICATION], path, "classification");
	ParseFieldAliases(ctx, f, k[NF_ALIASES], path);
	src.min = k[NF_MIN];
	src.minimum = k[NF_MINIMUM];
	src.max = k[NF_MAX];
	src.maximum = k[NF_MAXIMUM];
	src.enumv = k[NF_ENUM];
	src.pattern = k[NF_PATTERN];
	src.unique = k[NF_UNIQUE];
	ParseConstraints(ctx, f, &src, path, seen, &min_path);
	v = k[NF_CONSTRAINTS];
	if (v != NULL)
	{
		const JPath *cpath = JK(path, "constraints");
		JsonbValue	cstore[CN_NKEYS];
		JsonbValue *c[CN_NKEYS];
		bool		notnull;

		if (!IsObject(v))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, cpath,
						"expected an object, found %s", JsonTypeName(v));
		ScanKeys(ctx, v->val.binary.data, ConstraintKeys, cstore, c, CN_NKEYS, cpath, true);
		src.min = c[CN_MIN];
		src.minimum = c[CN_MINIMUM];
		src.max = c[CN_MAX];
		src.maximum = c[CN_MAXIMUM];
		src.enumv = c[CN_ENUM];
		src.pattern = c[CN_PATTERN];
		src.unique = c[CN_UNIQUE];
		ParseConstraints(ctx, f, &src, cpath, seen, &min_path);
		if (SlotBool(ctx, c[CN_NOT_NULL], cpath, "not_null", &notnull) && notnull)
		{
			if (type_null || (has_nullable && nullable))
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(cpath, "not_null"),
							"field \"%s\" is nullable but constrained not null", f->name);
			f->nullable = false;
			f->required = true;
		}
		if (c[CN_MIN_LENGTH] != NULL && c[CN_MIN_LENGTH]->type != jbvNumeric)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(cpath, "min_length"),
						"expected a number, found %s", JsonTypeName(c[CN_MIN_LENGTH]));
		if (c[CN_MAX_LENGTH] != NULL)
		{
			int			ml;

			if (c[CN_MAX_LENGTH]->type != jbvNumeric)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(cpath, "max_length"),
							"expected a number, found %s", JsonTypeName(c[CN_MAX_LENGTH]));
			ml = NumericToCount(ctx, c[CN_MAX_LENGTH]->val.numeric, JK(cpath, "max_length"), "max_length");
			if (ml == 0)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(cpath, "max_length"),
							"max_length must be positive");
			if (f->type->kind != CK_STRING)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(cpath, "max_length"),
							"max_length applies to string fields, \"%s\" is %s", f->name, CTypeDisplay(f->type));
			if (f->type->maxlen < 0 || ml < f->type->maxlen)
			{
				CType	   *nt = NewType(CK_STRING);

				nt->maxlen = ml;
				f->type = nt;
			}
		}
	}
	if ((f->min_value || f->max_value) && !IsNumericKind(f->type->kind))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE,
					f->min_value ? min_path : JK(path, "max"),
					"min and max apply to numeric fields, \"%s\" is %s", f->name, CTypeDisplay(f->type));
	if (f->min_value && f->max_value && NumCmp(f->min_value, f->max_value) > 0)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, min_path,
					"min %s is greater than max %s for field \"%s\"",
					DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(f->min_value))),
					DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(f->max_value))),
					f->name);
	v = k[NF_MAX_NULL_RATE];
	if (v != NULL)
	{
		if (v->type != jbvNumeric ||
			NumCmp(v->val.numeric, int64_to_numeric(0)) < 0 ||
			NumCmp(v->val.numeric, int64_to_numeric(1)) > 0)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "max_null_rate"),
						"max_null_rate must be a number between 0 and 1");
	}
	v = k[NF_DEFAULT];
	if (v != NULL)
	{
		f->has_default = true;
		f->default_json = CopyValue(v);
		if (v->type == jbvNull ? !f->nullable : !NativeDefaultValid(f->type, v))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "default"),
						"default %s does not match the type %s of field \"%s\"",
						ValueText(v), CTypeDisplay(f->type), f->name);
		if (v->type != jbvNull && f->nenum > 0)
		{
			char	   *s = ScalarText(v);
			int			i;
			bool		found = false;

			for (i = 0; s != NULL && i < f->nenum; i++)
				if (strcmp(s, f->enum_values[i]) == 0)
					found = true;
			if (!found)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "default"),
							"default %s is not one of the enum values of field \"%s\"",
							ValueText(v), f->name);
		}
		if (v->type == jbvNumeric &&
			((f->min_value && NumCmp(v->val.numeric, f->min_value) < 0) ||
			 (f->max_value && NumCmp(v->val.numeric, f->max_value) > 0)))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "default"),
						"default %s is outside the min/max of field \"%s\"",
						ValueText(v), f->name);
	}
}

/* Read one Avro field */
static void
ParseAvroField(ParseCtx *ctx, CField *f, JsonbValue *fv, const JPath *path, const char *ns,
			   bool probe)
{
	JsonbValue	store[AF_NKEYS];
	JsonbValue *k[AF_NKEYS];
	JsonbValue *v;
	bool		type_null;

	if (!IsObject(fv))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"a field must be an object, found %s", JsonTypeName(fv));
	if (ScanKeys(ctx, fv->val.binary.data, AvroFieldKeys, store, k, AF_NKEYS, path, false) > 0 &&
		probe)
	{
		ctx->not_avro = true;	/* a native field key */
		return;
	}
	if (k[AF_NAME] == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "missing key \"name\"");
	f->name = SlotString(ctx, k[AF_NAME], path, "name");
	if (!ValidAvroName(f->name, false))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "name"),
					"invalid field name \"%s\"", f->name);
	if (k[AF_TYPE] == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"field \"%s\" has no \"type\"", f->name);
	ctx->probe_type = probe;
	f->type = ParseType(ctx, k[AF_TYPE], JK(path, "type"), ns);
	ctx->probe_type = false;
	if (ctx->not_avro)
		return;
	f->type_json = CopyValue(k[AF_TYPE]);
	f->doc = SlotString(ctx, k[AF_DOC], path, "doc");
	v = k[AF_ORDER];
	if (v != NULL && !(StrEq(v, "ascending") || StrEq(v, "descending") || StrEq(v, "ignore")))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "order"),
					"order must be \"ascending\", \"descending\" or \"ignore\"");
	ParseFieldAliases(ctx, f, k[AF_ALIASES], path);
	v = k[AF_DEFAULT];
	if (v != NULL)
	{
		if (!AvroDefaultValid(f->type, v, 0))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "default"),
						"default %s does not match the type of field \"%s\"",
						ValueText(v), f->name);
		f->has_default = true;
		f->default_json = CopyValue(v);
	}
	(void) StripNull(f->type, &type_null);
	f->nullable = type_null;
	f->required = !type_null && !f->has_default;
}

/* Read a record (Avro or native) */
static CType *
ParseRecord(ParseCtx *ctx, JsonbContainer *obj, const JPath *path, const char *ns)
{
	CType	   *t = NewType(CK_RECORD);
	JsonbValue *fv;
	JsonbContainer *fc;
	const JPath *fpath = JK(path, "fields");
	const char *fns;
	int			i,
				n;
	bool		probe = ctx->probe;

	ctx->probe = false;			/* only the root record's own fields */
	if (ctx->format == SF_AVRO || GetKey(obj, "name") != NULL)
		ParseNamed(ctx, t, obj, path, ns);
	else
	{
		t->name = t->fullname = "";
		t->doc = GetString(ctx, obj, "doc", path, false);
	}
	fns = NamespaceOf(t->fullname);
	fv = GetKey(obj, "fields");
	if (fv == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "a record needs \"fields\"");
	if (!IsArray(fv))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, fpath,
					"expected an array of fields, found %s", JsonTypeName(fv));
	fc = fv->val.binary.data;
	n = JsonContainerSize(fc);
	t->fields = palloc0(sizeof(CField) * Max(n, 1));
	{
		ArrayWalk	w;
		JsonbValue	ev;

		i = 0;
		ArrayWalkInit(&w, fc);
		while (ArrayWalkNext(&w, &ev))
		{
			if (ctx->format == SF_AVRO)
				ParseAvroField(ctx, &t->fields[i], &ev, JI(fpath, i), fns, probe);
			else
				ParseNativeField(ctx, &t->fields[i], &ev, JI(fpath, i), fns);
			if (ctx->not_avro)
				return NULL;
			t->nfields = ++i;
		}
	}
	IndexFields(ctx, t, fpath);
	return t;
}

/* Read an enum */
static CType *
ParseEnum(ParseCtx *ctx, JsonbContainer *obj, const JPath *path, const char *ns)
{
	CType	   *t = NewType(CK_ENUM);
	JsonbValue *sv;
	JsonbContainer *sc;
	const JPath *spath = JK(path, "symbols");
	int			i,
				j,
				n;

	ParseNamed(ctx, t, obj, path, ns);
	sv = GetKey(obj, "symbols");
	if (sv == NULL || !IsArray(sv))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, sv ? spath : path,
					"an enum needs an array of \"symbols\"");
	sc = sv->val.binary.data;
	n = JsonContainerSize(sc);
	CheckListSize(ctx, n, spath, "enum symbols");
	t->symbols = palloc(sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(sc, i);
		char	   *s;

		if (e->type != jbvString || !ValidAvroName((s = StrOf(e)), false))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(spath, i),
						"invalid enum symbol");
		for (j = 0; j < i; j++)
			if (strcmp(t->symbols[j], s) == 0)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(spath, i),
							"duplicate enum symbol \"%s\"", s);
		t->symbols[t->nsymbols++] = s;
	}
	t->enum_default = GetString(ctx, obj, "default", path, false);
	if (t->enum_default != NULL)
	{
		bool		found = false;

		for (i = 0; i < t->nsymbols; i++)
			if (strcmp(t->symbols[i], t->enum_default) == 0)
				found = true;
		if (!found)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "default"),
						"enum default \"%s\" is not one of its symbols", t->enum_default);
	}
	return t;
}

/* Apply an Avro logical type to a primitive (native contracts map it to SQL kinds) */
static CType *
ApplyLogical(ParseCtx *ctx, CType *base, JsonbContainer *obj, const JPath *path)
{
	char	   *lt = NULL;
	JsonbValue *v = GetKey(obj, "logicalType");
	CType	   *t;
	CKind		k = base->kind;
	CKind		nk = k;

	if (v == NULL || v->type != jbvString)
		return base;			/* Avro ignores malformed logical types */
	lt = StrOf(v);
	if (strcmp(lt, "date") == 0 && k == CK_INT)
		nk = CK_DATE;
	else if ((strcmp(lt, "time-millis") == 0 && k == CK_INT) ||
			 (strcmp(lt, "time-micros") == 0 && k == CK_LONG))
		nk = CK_TIME;
	else if ((strcmp(lt, "timestamp-millis") == 0 || strcmp(lt, "timestamp-micros") == 0 ||
			  strcmp(lt, "timestamp-nanos") == 0) && k == CK_LONG)
		nk = CK_TIMESTAMPTZ;
	else if ((strcmp(lt, "local-timestamp-millis") == 0 || strcmp(lt, "local-timestamp-micros") == 0 ||
			  strcmp(lt, "local-timestamp-nanos") == 0) && k == CK_LONG)
		nk = CK_TIMESTAMP;
	else if (strcmp(lt, "uuid") == 0 && (k == CK_STRING || k == CK_FIXED))
		nk = CK_UUID;
	else if (strcmp(lt, "duration") == 0 && k == CK_FIXED)
		nk = CK_INTERVAL;
	else if (strcmp(lt, "decimal") == 0 && (k == CK_BYTES || k == CK_FIXED))
		nk = CK_NUMERIC;
	else
		return base;

	if (base->kind == CK_FIXED || base->kind == CK_STRING || base->kind == CK_BYTES ||
		base == Primitive(base->kind))
	{
		t = NewType(base->kind);
		if (base != Primitive(base->kind))
			*t = *base;
	}
	else
		t = base;
	t->logical = lt;
	if (nk == CK_NUMERIC)
	{
		Numeric		p = GetNumber(ctx, obj, "precision", path);
		Numeric		s = GetNumber(ctx, obj, "scale", path);
		bool		err = false;

		if (p == NULL)
			return base;
		t->precision = numeric_int4_opt_error(p, &err);
		t->scale = s ? numeric_int4_opt_error(s, &err) : 0;
		if (err || t->precision < 1 || t->scale < 0 || t->scale > t->precision)
			return base;
	}
	if (ctx->format == SF_AVRO)
		return t;
	/* native: the logical type is the type */
	{
		CType	   *n2 = NewType(nk);

		n2->precision = t->precision;
		n2->scale = t->scale;
		n2->logical = lt;
		return nk == CK_NUMERIC ? n2 : Primitive(nk);
	}
}

/*
 * A union of primitive types read before in this schema, or NULL.  Unions
 * such as ["null", "string"] recur in most fields of a large schema; one
 * shared node each saves the memory (types are not changed once read).
 */
static CType *
InternUnion(ParseCtx *ctx, CType **branches, int n)
{
	int			i,
				j;

	for (i = 0; i < ctx->nunions; i++)
	{
		CType	   *u = ctx->unions[i];

		if (u->nbranches != n)
			continue;
		for (j = 0; j < n; j++)
			if (u->branches[j] != branches[j])
				break;
		if (j == n)
			return u;
	}
	if (ctx->nunions < MAX_INTERNED_UNIONS)
	{
		CType	   *u = NewType(CK_UNION);

		u->branches = palloc(sizeof(CType *) * Max(n, 1));
		memcpy(u->branches, branches, sizeof(CType *) * n);
		u->nbranches = n;
		ctx->unions[ctx->nunions++] = u;
		return u;
	}
	return NULL;
}

/* Read a type (the Avro trial checks names only outside type objects) */
static CType *
ParseType(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *ns)
{
	bool		save = ctx->probe_type;
	CType	   *t;

	if (IsObject(v))
		ctx->probe_type = false;
	t = ParseTypeInner(ctx, v, path, ns);
	ctx->probe_type = save;
	return t;
}

/* Read a type: a name, a union (array) or a complex type (object) */
static CType *
ParseTypeInner(ParseCtx *ctx, JsonbValue *v, const JPath *path, const char *ns)
{
	CType	   *t;

	check_stack_depth();
	if (++ctx->depth > MAX_SCHEMA_DEPTH)
		SchemaError(ctx, ERRCODE_PROGRAM_LIMIT_EXCEEDED, path,
					"types are nested more than %d levels deep", MAX_SCHEMA_DEPTH);
	if (v->type == jbvString)
	{
		int			k = AvroPrimitiveKindN(v->val.string.val, v->val.string.len);
		char	   *s;

		if (k >= 0 && ctx->format != SF_NATIVE)
		{
			ctx->depth--;
			return Primitive((CKind) k);
		}
		if (ctx->format == SF_NATIVE)
		{
			CType	   *fast = NativeSimpleName(v->val.string.val, v->val.string.len);

			if (fast != NULL)
			{
				ctx->depth--;
				return fast;
			}
		}
		s = StrOf(v);
		if (ctx->probe_type && ParseNativeTypeName(NULL, s, NULL) != NULL)
		{
			ctx->not_avro = true;	/* a native type name in an Avro-looking record */
			ctx->depth--;
			return Primitive(CK_NULL);
		}
		if (ctx->format == SF_NATIVE)
		{
			/* native names first ("float" is double precision, like SQL) */
			t = ParseNativeTypeName(ctx, s, path);
			if (t == NULL)
				t = LookupNamed(ctx, s, ns);
		}
		else if (k >= 0)
			t = Primitive((CKind) k);
		else
			t = LookupNamed(ctx, s, ns);
		if (t == NULL)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
						"unknown type \"%s\"", s);
	}
	else if (IsArray(v))
	{
		JsonbContainer *c = v->val.binary.data;
		int			i,
					j,
					n = JsonContainerSize(c);
		ArrayWalk	w;
		JsonbValue	ev;
		CType	  **branches;
		bool		all_primitive = true;

		CheckListSize(ctx, n, path, "union branches");
		branches = palloc(sizeof(CType *) * Max(n, 1));

		i = 0;
		ArrayWalkInit(&w, c);
		while (ArrayWalkNext(&w, &ev))
		{
			CType	   *b;

			CHECK_FOR_INTERRUPTS();
			b = ParseType(ctx, &ev, JI(path, i), ns);
			if (b->kind == CK_UNION)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(path, i),
							"a union cannot contain a union");
			for (j = 0; j < i; j++)
			{
				CType	   *o = branches[j];
				bool		named = o->kind == CK_RECORD || o->kind == CK_ENUM || o->kind == CK_FIXED;

				if (o->kind == b->kind && (!named || strcmp(o->fullname, b->fullname) == 0) &&
					(ctx->format == SF_AVRO || o->maxlen == b->maxlen))
					SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(path, i),
								"a union cannot contain two branches of type %s", CTypeDisplay(b));
			}
			if (b != Primitive(b->kind))
				all_primitive = false;
			branches[i++] = b;
		}
		if (n == 0 && ctx->format != SF_AVRO)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "a union needs at least one type");
		t = NULL;
		if (all_primitive)
			t = InternUnion(ctx, branches, n);
		if (t == NULL)
		{
			t = NewType(CK_UNION);
			t->branches = branches;
			t->nbranches = n;
		}
		else
			pfree(branches);
	}
	else if (IsObject(v))
	{
		JsonbContainer *obj = v->val.binary.data;
		JsonbValue *tv = GetKey(obj, "type");
		char	   *ts;

		if (tv == NULL)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "a type object needs \"type\"");
		if (IsArray(tv) || IsObject(tv))
		{
			/* {"type": ["null","string"]} or {"type": {...}}: Avro reads it as the inner type */
			t = ParseType(ctx, tv, JK(path, "type"), ns);
			ctx->depth--;
			return t;
		}
		if (tv->type != jbvString)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
						"expected a type name, found %s", JsonTypeName(tv));
		ts = StrOf(tv);
		if (strcmp(ts, "record") == 0 || strcmp(ts, "error") == 0)
			t = ParseRecord(ctx, obj, path, ns);
		else if (strcmp(ts, "enum") == 0)
			t = ParseEnum(ctx, obj, path, ns);
		else if (strcmp(ts, "array") == 0 || strcmp(ts, "map") == 0)
		{
			JsonbValue *iv = GetKey(obj, ts[0] == 'a' ? "items" : "values");

			if (iv == NULL)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
							"%s needs \"%s\"", ts, ts[0] == 'a' ? "items" : "values");
			t = NewType(ts[0] == 'a' ? CK_ARRAY : CK_MAP);
			{
				JsonbValue	ivc = *iv;

				t->items = ParseType(ctx, &ivc, JK(path, ts[0] == 'a' ? "items" : "values"), ns);
			}
		}
		else if (strcmp(ts, "fixed") == 0)
		{
			Numeric		sz;

			t = NewType(CK_FIXED);
			ParseNamed(ctx, t, obj, path, ns);
			sz = GetNumber(ctx, obj, "size", path);
			if (sz == NULL)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path, "fixed needs \"size\"");
			t->size = NumericToCount(ctx, sz, JK(path, "size"), "size");
			t = ApplyLogical(ctx, t, obj, path);
		}
		else
		{
			JsonbValue	sv;

			sv.type = jbvString;
			sv.val.string.val = ts;
			sv.val.string.len = strlen(ts);
			t = ParseType(ctx, &sv, JK(path, "type"), ns);
			if (t->kind == CK_RECORD || t->kind == CK_ENUM || t->kind == CK_FIXED)
			{
				/* {"type": "SomeName"} refers to a named type */
			}
			else
				t = ApplyLogical(ctx, t, obj, path);
			if (ctx->format != SF_AVRO && t->kind == CK_STRING)
			{
				Numeric		ml = GetNumber(ctx, obj, "maxLength", path);

				if (ml != NULL)
				{
					int			n = NumericToCount(ctx, ml, JK(path, "maxLength"), "maxLength");

					t = NewType(CK_STRING);
					t->maxlen = n;
				}
			}
		}
	}
	else
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"expected a type (a name, an array or an object), found %s", JsonTypeName(v));
	ctx->depth--;
	return t;
}

/* ---------- JSON Schema ---------- */

static const char *const JsonSchemaUnsupported[] = {
	"oneOf", "anyOf", "allOf", "not", "if", "then", "else",
	"patternProperties", "dependencies", "dependentSchemas", "dependentRequired",
	"$dynamicRef", "unevaluatedProperties", NULL
};

/* Reject JSON Schema keywords whose meaning datamesh does not model */
static void
JsonSchemaCheckSupported(ParseCtx *ctx, JsonbContainer *obj, const JPath *path)
{
	int			i;

	for (i = 0; JsonSchemaUnsupported[i]; i++)
		if (GetKey(obj, JsonSchemaUnsupported[i]) != NULL)
			SchemaError(ctx, ERRCODE_FEATURE_NOT_SUPPORTED, JK(path, JsonSchemaUnsupported[i]),
						"JSON Schema keyword \"%s\" is not supported", JsonSchemaUnsupported[i]);
}

/*
 * The definition a local "$ref" names: "#/definitions/NAME" or
 * "#/$defs/NAME" of the root schema.  Other references, and references that
 * lead back to themselves, are refused.
 */
static JsonbContainer *
ResolveRef(ParseCtx *ctx, JsonbValue *ref, const JPath *path, const char **name_out)
{
	char	   *s;
	const char *key;
	char	   *name;
	JsonbValue *defs;
	JsonbValue *def;
	ListCell   *lc;
	StringInfoData buf;
	const char *p;

	if (ref->type != jbvString)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"expected a string, found %s", JsonTypeName(ref));
	s = StrOf(ref);
	if (strncmp(s, "#/definitions/", 14) == 0)
	{
		key = "definitions";
		p = s + 14;
	}
	else if (strncmp(s, "#/$defs/", 8) == 0)
	{
		key = "$defs";
		p = s + 8;
	}
	else
		SchemaError(ctx, ERRCODE_FEATURE_NOT_SUPPORTED, path,
					"only local references \"#/definitions/NAME\" and \"#/$defs/NAME\" are supported, not \"%s\"", s);
	/* JSON Pointer: ~1 is "/", ~0 is "~"; a further "/" would go deeper */
	initStringInfo(&buf);
	for (; *p; p++)
	{
		if (*p == '/')
			SchemaError(ctx, ERRCODE_FEATURE_NOT_SUPPORTED, path,
						"reference \"%s\" goes deeper than one definition", s);
		if (*p == '~' && (p[1] == '0' || p[1] == '1'))
		{
			appendStringInfoChar(&buf, p[1] == '0' ? '~' : '/');
			p++;
		}
		else
			appendStringInfoChar(&buf, *p);
	}
	name = buf.data;
	if (ctx->js_root == NULL || (defs = GetKey(ctx->js_root, key)) == NULL || !IsObject(defs) ||
		(def = GetKey(defs->val.binary.data, name)) == NULL)
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"reference \"%s\" names no definition", s);
	if (!IsObject(def))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(JK(ctx->js_root_path, key), name),
					"a definition must be an object, found %s", JsonTypeName(def));
	foreach(lc, ctx->refs)
	{
		if (strcmp((const char *) lfirst(lc), name) == 0)
			SchemaError(ctx, ERRCODE_FEATURE_NOT_SUPPORTED, path,
						"reference \"%s\" is recursive; recursive JSON Schemas are not supported", s);
	}
	ctx->js_defs_key = key;
	*name_out = name;
	return def->val.binary.data;
}

/* Read a JSON Schema "object" with properties into a record */
static CType *
ParseJsonSchemaObject(ParseCtx *ctx, JsonbContainer *obj, const JPath *path)
{
	CType	   *t = NewType(CK_RECORD);
	JsonbValue *pv = GetKey(obj, "properties");
	JsonbValue *rv = GetKey(obj, "required");
	const JPath *ppath = JK(path, "properties");
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	int			n,
				i;
	char	  **req = NULL;
	int			nreq = 0;

	t->name = t->fullname = "";
	t->doc = GetString(ctx, obj, "description", path, false);
	if (pv != NULL && !IsObject(pv))
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, ppath,
					"expected an object, found %s", JsonTypeName(pv));
	if (rv != NULL)
	{
		JsonbContainer *rc;

		if (!IsArray(rv))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "required"),
						"expected an array of property names, found %s", JsonTypeName(rv));
		rc = rv->val.binary.data;
		nreq = JsonContainerSize(rc);
		req = palloc(sizeof(char *) * Max(nreq, 1));
		for (i = 0; i < nreq; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(rc, i);

			if (e->type != jbvString)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(JK(path, "required"), i),
							"expected a property name, found %s", JsonTypeName(e));
			req[i] = StrOf(e);
			if (pv == NULL || GetKey(pv->val.binary.data, req[i]) == NULL)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(JK(path, "required"), i),
							"required property \"%s\" is not defined in \"properties\"", req[i]);
		}
	}
	n = pv ? JsonContainerSize(pv->val.binary.data) : 0;
	t->fields = palloc0(sizeof(CField) * Max(n, 1));
	if (pv == NULL)
		goto done;
	it = JsonbIteratorInit(pv->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		JsonbValue	val;
		CField	   *f;
		const JPath *fpath;
		bool		inreq = false;

		if (tok != WJB_KEY)
			continue;
		f = &t->fields[t->nfields];
		f->name = StrOf(&k);
		fpath = JK(ppath, f->name);
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);
		if (!IsObject(&val))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, fpath,
						"a property schema must be an object, found %s", JsonTypeName(&val));
		for (i = 0; i < nreq; i++)
			if (strcmp(req[i], f->name) == 0)
				inreq = true;
		f->type_written = NULL;
		f->type = ParseJsonSchemaNode(ctx, val.val.binary.data, fpath, f);
		{
			bool		type_null;

			f->type = StripNull(f->type, &type_null);
			f->nullable = f->nullable || type_null || !inreq;
			f->required = inreq && !f->nullable;
		}
		t->nfields++;
	}
done:
	/* jsonb keeps object keys sorted (shorter first): that is the field order */
	IndexFields(ctx, t, ppath);
	return t;
}

/* Map one JSON Schema type name to a type */
static CType *
JsonSchemaTypeName(ParseCtx *ctx, JsonbContainer *obj, const char *tn, const JPath *path, CField *f)
{
	if (strcmp(tn, "string") == 0)
	{
		char	   *fmt = GetString(ctx, obj, "format", path, false);
		char	   *enc = GetString(ctx, obj, "contentEncoding", path, false);
		Numeric		ml = GetNumber(ctx, obj, "maxLength", path);

		if (fmt != NULL)
		{
			if (strcmp(fmt, "date") == 0)
				return Primitive(CK_DATE);
			if (strcmp(fmt, "date-time") == 0)
				return Primitive(CK_TIMESTAMPTZ);
			if (strcmp(fmt, "time") == 0)
				return Primitive(CK_TIME);
			if (strcmp(fmt, "uuid") == 0)
				return Primitive(CK_UUID);
			if (strcmp(fmt, "duration") == 0)
				return Primitive(CK_INTERVAL);
			if (strcmp(fmt, "byte") == 0 || strcmp(fmt, "binary") == 0)
				return Primitive(CK_BYTES);
		}
		if (enc != NULL && strcmp(enc, "base64") == 0)
			return Primitive(CK_BYTES);
		if (ml != NULL)
		{
			CType	   *t = NewType(CK_STRING);

			t->maxlen = NumericToCount(ctx, ml, JK(path, "maxLength"), "maxLength");
			if (t->maxlen == 0)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "maxLength"),
							"maxLength must be positive");
			return t;
		}
		return Primitive(CK_STRING);
	}
	if (strcmp(tn, "integer") == 0)
		return Primitive(CK_LONG);
	if (strcmp(tn, "number") == 0)
		return Primitive(CK_NUMERIC);
	if (strcmp(tn, "boolean") == 0)
		return Primitive(CK_BOOLEAN);
	if (strcmp(tn, "null") == 0)
		return Primitive(CK_NULL);
	if (strcmp(tn, "array") == 0)
	{
		JsonbValue *iv = GetKey(obj, "items");
		CType	   *t = NewType(CK_ARRAY);

		if (iv == NULL)
			t->items = Primitive(CK_JSON);
		else if (!IsObject(iv))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "items"),
						"expected a schema object, found %s", JsonTypeName(iv));
		else
		{
			CField		dummy;
			bool		had_null;

			memset(&dummy, 0, sizeof(dummy));
			t->items = StripNull(ParseJsonSchemaNode(ctx, iv->val.binary.data, JK(path, "items"), &dummy), &had_null);
		}
		return t;
	}
	if (strcmp(tn, "object") == 0)
	{
		if (GetKey(obj, "properties") != NULL)
			return ParseJsonSchemaObject(ctx, obj, path);
		return Primitive(CK_JSON);
	}
	SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
				"unknown type \"%s\"", tn);
}

/* Read a JSON Schema property (type and constraints) into a field */
static CType *
ParseJsonSchemaNode(ParseCtx *ctx, JsonbContainer *obj, const JPath *path, CField *f)
{
	JsonbValue *tv = GetKey(obj, "type");
	JsonbValue *v;
	CType	   *t;

	check_stack_depth();
	if (++ctx->depth > MAX_SCHEMA_DEPTH)
		SchemaError(ctx, ERRCODE_PROGRAM_LIMIT_EXCEEDED, path,
					"schemas are nested more than %d levels deep", MAX_SCHEMA_DEPTH);
	v = GetKey(obj, "$ref");
	if (v != NULL)
	{
		/* a local reference: read the definition in place of this schema */
		const char *name;
		JsonbContainer *def = ResolveRef(ctx, v, JK(path, "$ref"), &name);
		const JPath *dpath = JK(JK(ctx->js_root_path, ctx->js_defs_key), name);

		if (f->doc == NULL)
			f->doc = GetString(ctx, obj, "description", path, false);
		ctx->refs = lappend(ctx->refs, (void *) name);
		t = ParseJsonSchemaNode(ctx, def, dpath, f);
		ctx->refs = list_delete_last(ctx->refs);
		ctx->depth--;
		return t;
	}
	JsonSchemaCheckSupported(ctx, obj, path);
	if (tv == NULL)
	{
		if (GetKey(obj, "properties") != NULL)
			t = ParseJsonSchemaObject(ctx, obj, path);
		else
			t = Primitive(CK_JSON);
		f->type_written = "any";
	}
	else if (tv->type == jbvString)
	{
		char	   *tn = StrOf(tv);

		t = JsonSchemaTypeName(ctx, obj, tn, path, f);
		f->type_written = tn;
	}
	else if (IsArray(tv))
	{
		JsonbContainer *c = tv->val.binary.data;
		int			i,
					n = JsonContainerSize(c);

		CheckListSize(ctx, n, JK(path, "type"), "types");
		t = NewType(CK_UNION);
		t->branches = palloc(sizeof(CType *) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(c, i);

			if (e->type != jbvString)
				SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JI(JK(path, "type"), i),
							"expected a type name, found %s", JsonTypeName(e));
			t->branches[t->nbranches++] = JsonSchemaTypeName(ctx, obj, StrOf(e), path, f);
		}
		if (n == 0)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
						"a type list needs at least one type");
		f->type_written = ValueText(tv);
	}
	else
		SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
					"expected a type name or an array of names, found %s", JsonTypeName(tv));

	if (f->doc == NULL)
		f->doc = GetString(ctx, obj, "description", path, false);
	{
		Numeric		mn = GetNumber(ctx, obj, "minimum", path);
		Numeric		mx = GetNumber(ctx, obj, "maximum", path);
		Numeric		emn = GetNumber(ctx, obj, "exclusiveMinimum", path);
		Numeric		emx = GetNumber(ctx, obj, "exclusiveMaximum", path);
		bool		dummy;

		f->min_value = mn ? mn : emn;
		f->max_value = mx ? mx : emx;
		if (f->min_value && f->max_value && NumCmp(f->min_value, f->max_value) > 0)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, mn ? "minimum" : "exclusiveMinimum"),
						"minimum %s is greater than maximum %s",
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(f->min_value))),
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(f->max_value))));
		if ((f->min_value || f->max_value) && !IsNumericKind(StripNull(t, &dummy)->kind))
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, f->min_value ? "minimum" : "maximum"),
						"minimum and maximum apply to numbers");
	}
	v = GetKey(obj, "enum");
	if (v != NULL)
		ParseEnumValues(ctx, f, v, JK(path, "enum"));
	v = GetKey(obj, "const");
	if (v != NULL)
	{
		char	   *s = ScalarText(v);

		if (f->nenum > 0)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "const"),
						"\"const\" and \"enum\" given together");
		if (s == NULL)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "const"),
						"\"const\" must be a string, number or boolean");
		f->enum_values = palloc(sizeof(char *));
		f->enum_values[0] = s;
		f->nenum = 1;
	}
	v = GetKey(obj, "pattern");
	if (v != NULL)
	{
		if (v->type != jbvString)
			SchemaError(ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "pattern"),
						"expected a string, found %s", JsonTypeName(v));
		f->pattern = StrOf(v);
		CheckPattern(ctx, f->pattern, JK(path, "pattern"));
	}
	{
		bool		b;

		if (GetBool(ctx, obj, "nullable", path, &b) && b)
			f->nullable = true;
		(void) GetBool(ctx, obj, "x-pii", path, &f->pii);
		(void) GetBool(ctx, obj, "pii", path, &f->pii);
		(void) GetBool(ctx, obj, "uniqueItems", path, &b);
		(void) GetBool(ctx, obj, "x-unique", path, &f->is_unique);
	}
	f->classification = GetString(ctx, obj, "x-privacy-classification", path, false);
	if (f->classification == NULL)
		f->classification = GetString(ctx, obj, "privacy_classification", path, false);
	v = GetKey(obj, "default");
	if (v != NULL)
	{
		f->has_default = true;
		f->default_json = CopyValue(v);
	}
	ctx->depth--;
	return t;
}

/* ---------- detection ---------- */


/* Is a type expression free of native-only type names? */
static bool
AvroTypeNamesOnly(JsonbValue *tv)
{
	if (tv->type == jbvString)
	{
		if (AvroPrimitiveKindN(tv->val.string.val, tv->val.string.len) >= 0)
			return true;
		/* a named-type reference, unless it is a native type name */
		return ParseNativeTypeName(NULL, StrOf(tv), NULL) == NULL;
	}
	if (IsArray(tv))
	{
		JsonbIterator *it = JsonbIteratorInit(tv->val.binary.data);
		JsonbValue	ev;
		JsonbIteratorToken tok;
		bool		ok = true;

		while ((tok = JsonbIteratorNext(&it, &ev, true)) != WJB_DONE)
			if (tok == WJB_ELEM && ok && !AvroTypeNamesOnly(&ev))
				ok = false;
		return ok;
	}
	return true;
}

/* Does a record object look like a pure Avro record schema? */
static bool
LooksLikeAvro(JsonbContainer *obj)
{
	JsonbValue *tv = GetKey(obj, "type");
	JsonbValue *fv = GetKey(obj, "fields");
	int			i,
				n;

	if (tv == NULL || !StrEq(tv, "record") || GetKey(obj, "name") == NULL ||
		fv == NULL || !IsArray(fv))
		return false;
	n = JsonContainerSize(fv->val.binary.data);
	for (i = 0; i < n; i++)
	{
		JsonbValue *f = getIthJsonbValueFromContainer(fv->val.binary.data, i);
		JsonbIterator *it;
		JsonbValue	k;
		JsonbIteratorToken tok;
		JsonbValue *ftv;

		if (!IsObject(f))
			return true;		/* let the Avro reader report it */
		it = JsonbIteratorInit(f->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY && KeyIndex(AvroFieldKeys, k.val.string.val, k.val.string.len) < 0)
				return false;
		}
		ftv = GetKey(f->val.binary.data, "type");
		if (ftv != NULL && !AvroTypeNamesOnly(ftv))
			return false;
	}
	return true;
}

/* Read a bare array of native fields into an anonymous record */
static CType *
ParseFieldList(ParseCtx *ctx, JsonbContainer *arr, const JPath *path)
{
	CType	   *t = NewType(CK_RECORD);
	int			i,
				n = JsonContainerSize(arr);

	t->name = t->fullname = "";
	t->fields = palloc0(sizeof(CField) * Max(n, 1));
	{
		ArrayWalk	w;
		JsonbValue	ev;

		ArrayWalkInit(&w, arr);
		for (i = 0; ArrayWalkNext(&w, &ev); i++)
		{
			ParseNativeField(ctx, &t->fields[i], &ev, JI(path, i), "");
			t->nfields++;
		}
	}
	IndexFields(ctx, t, path);
	return t;
}

/*
 * Read a record as Avro if it is one: its fields carry only Avro keys and
 * their types no native-only type names (LooksLikeAvro).  Rather than
 * checking first, the record is read as Avro with those checks made on the
 * way (ctx->probe); NULL when one fails.  When the Avro reader raises a
 * schema error first, the record is checked whole: a record that is not
 * pure Avro is then read natively instead, and its error is dropped.
 */
static CType *
ProbeAvro(ParseCtx *ctx, JsonbContainer *root, const JPath *path)
{
	MemoryContext cxt = CurrentMemoryContext;
	CType	   *volatile result = NULL;

	ctx->format = SF_AVRO;
	ctx->probe = true;
	ctx->not_avro = false;
	PG_TRY();
	{
		result = ParseRecord(ctx, root, path, "");
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if ((edata->sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE &&
			 edata->sqlerrcode != ERRCODE_PROGRAM_LIMIT_EXCEEDED) ||
			LooksLikeAvro(root))
			PG_RE_THROW();
		FlushErrorState();
		FreeErrorData(edata);
		return NULL;
	}
	PG_END_TRY();
	return ctx->not_avro ? NULL : result;
}

/* Read a contract schema in any accepted form */
CSchema *
ParseContractSchema(Jsonb *schema, const char *argname)
{
	CSchema    *cs = palloc0(sizeof(CSchema));
	ParseCtx	ctx;
	JsonbContainer *root = &schema->root;
	static const JPath root_path = {NULL, "$", -1};
	static const JPath definition_path = {NULL, "$.definition", -1};
	static const JPath format_path = {NULL, "$.format", -1};
	const JPath *path = &root_path;

	memset(&ctx, 0, sizeof(ctx));
	ctx.argname = argname;
	ctx.format = SF_NATIVE;

	if (JsonContainerIsScalar(root))
		SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
					"a schema must be an object or an array of fields");
	if (JsonContainerIsObject(root) && GetKey(root, "definition") != NULL &&
		GetKey(root, "fields") == NULL && GetKey(root, "properties") == NULL)
	{
		/* the whole schema section of a contract */
		JsonbValue *dv = GetKey(root, "definition");
		JsonbValue *fmt = GetKey(root, "format");

		if (fmt != NULL && fmt->type != jbvString)
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, &format_path,
						"expected a string, found %s", JsonTypeName(fmt));
		if (fmt != NULL && !(StrEq(fmt, "native") || StrEq(fmt, "avro") ||
							 StrEq(fmt, "json_schema") || StrEq(fmt, "jsonschema") ||
							 StrEq(fmt, "json-schema")))
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, &format_path,
						"unknown schema format \"%s\"", StrOf(fmt));
		path = &definition_path;
		if (dv->type != jbvBinary)
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
						"a schema must be an object or an array of fields");
		root = dv->val.binary.data;
	}

	if (JsonContainerIsArray(root))
	{
		/* a bare list of native fields */
		cs->format = SF_NATIVE;
		cs->root = ParseFieldList(&ctx, root, path);
		return cs;
	}
	if (GetKey(root, "properties") != NULL || GetKey(root, "$schema") != NULL ||
		(GetKey(root, "fields") == NULL && GetKey(root, "type") != NULL &&
		 StrEq(GetKey(root, "type"), "object")))
	{
		JsonbValue *tv = GetKey(root, "type");

		ctx.format = SF_JSON_SCHEMA;
		if (tv != NULL && !StrEq(tv, "object"))
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
						"a JSON Schema contract must describe an object");
		JsonSchemaCheckSupported(&ctx, root, path);
		if (GetKey(root, "$ref") != NULL)
			SchemaError(&ctx, ERRCODE_FEATURE_NOT_SUPPORTED, JK(path, "$ref"),
						"a JSON Schema contract must describe its object itself, not through \"$ref\"");
		ctx.js_root = root;
		ctx.js_root_path = path;
		cs->format = SF_JSON_SCHEMA;
		cs->root = ParseJsonSchemaObject(&ctx, root, path);
		return cs;
	}
	if (GetKey(root, "fields") != NULL)
	{
		JsonbValue *tv = GetKey(root, "type");
		JsonbValue *fv = GetKey(root, "fields");

		if (tv != NULL && StrEq(tv, "record") && GetKey(root, "name") != NULL && IsArray(fv))
		{
			CType	   *avro = ProbeAvro(&ctx, root, path);

			if (avro != NULL)
			{
				cs->format = SF_AVRO;
				cs->root = avro;
				return cs;
			}
			memset(&ctx, 0, sizeof(ctx));
			ctx.argname = argname;
			ctx.format = SF_NATIVE;
		}
		if (tv != NULL && !(StrEq(tv, "record") || StrEq(tv, "object")))
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "type"),
						"a schema with \"fields\" must be of type \"record\"");
		{
			static const KeyName keys[] = {
				KN("type"), KN("name"), KN("namespace"), KN("doc"), KN("description"),
				KN("fields"), KN("aliases"), {NULL, 0}
			};

			CheckKeys(&ctx, root, keys, path);
		}
		if (!IsArray(fv))
			SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, JK(path, "fields"),
						"expected an array of fields, found %s", JsonTypeName(fv));
		if (GetKey(root, "name") != NULL)
		{
			cs->format = SF_NATIVE;
			cs->root = ParseRecord(&ctx, root, path, "");
			return cs;
		}
		cs->format = SF_NATIVE;
		cs->root = ParseFieldList(&ctx, fv->val.binary.data, JK(path, "fields"));
		cs->root->doc = GetString(&ctx, root, "doc", path, false);
		return cs;
	}
	SchemaError(&ctx, ERRCODE_INVALID_PARAMETER_VALUE, path,
				"not a contract schema: expected \"fields\" (native or Avro), \"properties\" (JSON Schema) or \"definition\"");
}

/* A field's type as written: the string, or the JSON text of the type */
char *
CFieldTypeText(const CField *f)
{
	if (f->type_written)
		return (char *) f->type_written;
	if (f->type_json == NULL)
		return NULL;
	if (f->type_json->type == jbvString)
		return StrOf(f->type_json);
	return ValueText(f->type_json);
}

/* A field's default as jsonb (NULL when it has none) */
Jsonb *
CFieldDefault(const CField *f)
{
	if (!f->has_default)
		return NULL;
	return ValueToJsonb(f->default_json);
}

/* Do two fields have the same default (or both none)? */
bool
CFieldDefaultsEqual(const CField *a, const CField *b)
{
	JsonbValue *x = a->default_json,
			   *y = b->default_json;

	if (!a->has_default || !b->has_default)
		return a->has_default == b->has_default;
	if (x->type != y->type)
		return false;
	switch (x->type)
	{
		case jbvNull:
			return true;
		case jbvBool:
			return x->val.boolean == y->val.boolean;
		case jbvString:
			return x->val.string.len == y->val.string.len &&
				memcmp(x->val.string.val, y->val.string.val, x->val.string.len) == 0;
		case jbvNumeric:
			return NumCmp(x->val.numeric, y->val.numeric) == 0;
		default:
			return compareJsonbContainers(&ValueToJsonb(x)->root, &ValueToJsonb(y)->root) == 0;
	}
}

/* Name of a schema format */
const char *
SchemaFormatName(SchemaFormat f)
{
	switch (f)
	{
		case SF_NATIVE:
			return "native";
		case SF_AVRO:
			return "avro";
		case SF_JSON_SCHEMA:
			return "json_schema";
	}
	return "?";
}

/* Name of a kind, as displayed */
const char *
CKindName(CKind k)
{
	static const char *const names[] = {
		"null", "boolean", "int", "long", "float", "double", "bytes", "string",
		"record", "enum", "array", "map", "union", "fixed",
		"smallint", "numeric", "date", "time", "timestamp", "timestamptz",
		"interval", "uuid", "json"
	};

	return names[k];
}

/* A short display of a type: int, varchar(20), array<string>, record Foo */
char *
CTypeDisplay(const CType *t)
{
	StringInfoData buf;
	int			i;

	switch (t->kind)
	{
		case CK_STRING:
			if (t->maxlen >= 0)
				return psprintf("varchar(%d)", t->maxlen);
			return "string";
		case CK_NUMERIC:
			if (t->precision >= 0)
				return psprintf("numeric(%d,%d)", t->precision, t->scale);
			return "numeric";
		case CK_RECORD:
			return t->fullname && *t->fullname ? psprintf("record %s", t->fullname) : "record";
		case CK_ENUM:
			return psprintf("enum %s", t->fullname);
		case CK_FIXED:
			return psprintf("fixed %s(%d)", t->fullname, t->size);
		case CK_ARRAY:
			return psprintf("array<%s>", CTypeDisplay(t->items));
		case CK_MAP:
			return psprintf("map<%s>", CTypeDisplay(t->items));
		case CK_UNION:
			initStringInfo(&buf);
			appendStringInfoString(&buf, "union<");
			for (i = 0; i < t->nbranches; i++)
				appendStringInfo(&buf, "%s%s", i ? "," : "", CTypeDisplay(t->branches[i]));
			appendStringInfoChar(&buf, '>');
			return buf.data;
		default:
			return (char *) CKindName(t->kind);
	}
}

/* The PostgreSQL type a field of this type maps to */
char *
SqlTypeOf(const CType *t)
{
	bool		had_null;

	switch (t->kind)
	{
		case CK_NULL:
			return "text";
		case CK_BOOLEAN:
			return "boolean";
		case CK_INT:
			if (t->logical && strcmp(t->logical, "date") == 0)
				return "date";
			if (t->logical && strcmp(t->logical, "time-millis") == 0)
				return "time";
			return "integer";
		case CK_LONG:
			if (t->logical && strncmp(t->logical, "timestamp-", 10) == 0)
				return "timestamptz";
			if (t->logical && strncmp(t->logical, "local-timestamp-", 16) == 0)
				return "timestamp";
			if (t->logical && strcmp(t->logical, "time-micros") == 0)
				return "time";
			return "bigint";
		case CK_FLOAT:
			return "real";
		case CK_DOUBLE:
			return "double precision";
		case CK_BYTES:
		case CK_FIXED:
			if (t->logical && strcmp(t->logical, "decimal") == 0 && t->precision > 0)
				return psprintf("numeric(%d,%d)", t->precision, t->scale);
			if (t->logical && strcmp(t->logical, "uuid") == 0)
				return "uuid";
			if (t->logical && strcmp(t->logical, "duration") == 0)
				return "interval";
			return "bytea";
		case CK_STRING:
			if (t->logical && strcmp(t->logical, "uuid") == 0)
				return "uuid";
			if (t->maxlen >= 0)
				return psprintf("varchar(%d)", t->maxlen);
			return "text";
		case CK_ENUM:
			return "text";
		case CK_SMALLINT:
			return "smallint";
		case CK_NUMERIC:
			if (t->precision >= 0)
				return psprintf("numeric(%d,%d)", t->precision, t->scale);
			return "numeric";
		case CK_DATE:
			return "date";
		case CK_TIME:
			return "time";
		case CK_TIMESTAMP:
			return "timestamp";
		case CK_TIMESTAMPTZ:
			return "timestamptz";
		case CK_INTERVAL:
			return "interval";
		case CK_UUID:
			return "uuid";
		case CK_ARRAY:
			{
				const CType *it = StripNull((CType *) t->items, &had_null);
				char	   *inner;

				if (it->kind == CK_ARRAY || it->kind == CK_RECORD || it->kind == CK_MAP ||
					it->kind == CK_UNION || it->kind == CK_JSON)
					return "jsonb";
				inner = SqlTypeOf(it);
				return psprintf("%s[]", inner);
			}
		case CK_UNION:
			{
				const CType *u = StripNull((CType *) t, &had_null);

				if (u->kind != CK_UNION)
					return SqlTypeOf(u);
				return "jsonb";
			}
		case CK_RECORD:
		case CK_MAP:
		case CK_JSON:
			return "jsonb";
	}
	return "jsonb";
}

/* datamesh.schema_fields(schema jsonb): the top-level fields, canonical */
Datum
schema_fields(PG_FUNCTION_ARGS)
{
	Jsonb	   *js = PG_GETARG_JSONB_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CSchema    *cs;
	int			i;
	MemoryContext old;

	InitMaterializedSRF(fcinfo, 0);
	old = CompatScratchBegin();
	cs = ParseContractSchema(js, "schema");
	for (i = 0; i < cs->root->nfields; i++)
	{
		CField	   *f = &cs->root->fields[i];
		Datum		values[15];
		bool		nulls[15];
		bool		had_null;

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(f->name);
		if (f->type_written || f->type_json)
			values[2] = CStringGetTextDatum(CFieldTypeText(f));
		else
			nulls[2] = true;
		values[3] = CStringGetTextDatum(SqlTypeOf(StripNull(f->type, &had_null)));
		values[4] = BoolGetDatum(f->nullable);
		values[5] = BoolGetDatum(f->required);
		if (f->has_default)
			values[6] = JsonbPGetDatum(CFieldDefault(f));
		else
			nulls[6] = true;
		if (f->doc)
			values[7] = CStringGetTextDatum(f->doc);
		else
			nulls[7] = true;
		values[8] = BoolGetDatum(f->pii);
		if (f->classification)
			values[9] = CStringGetTextDatum(f->classification);
		else
			nulls[9] = true;
		if (f->min_value)
			values[10] = NumericGetDatum(f->min_value);
		else
			nulls[10] = true;
		if (f->max_value)
			values[11] = NumericGetDatum(f->max_value);
		else
			nulls[11] = true;
		if (f->nenum > 0 || (f->type->kind == CK_ENUM && f->type->nsymbols > 0))
		{
			int			n = f->nenum > 0 ? f->nenum : f->type->nsymbols;
			const char **src = f->nenum > 0 ? f->enum_values : f->type->symbols;
			Datum	   *elems = palloc(sizeof(Datum) * n);
			int			j;

			for (j = 0; j < n; j++)
				elems[j] = CStringGetTextDatum(src[j]);
			values[12] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
		}
		else
			nulls[12] = true;
		if (f->pattern)
			values[13] = CStringGetTextDatum(f->pattern);
		else
			nulls[13] = true;
		values[14] = BoolGetDatum(f->is_unique);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	CompatScratchEnd(old);
	PG_RETURN_VOID();
}

/* datamesh.schema_format(schema jsonb): native, avro or json_schema */
Datum
schema_format(PG_FUNCTION_ARGS)
{
	Jsonb	   *js = PG_GETARG_JSONB_P(0);
	MemoryContext old = CompatScratchBegin();
	SchemaFormat f = ParseContractSchema(js, "schema")->format;

	CompatScratchEnd(old);
	PG_RETURN_TEXT_P(cstring_to_text(SchemaFormatName(f)));
}
