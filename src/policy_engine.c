/*
 * policy_engine.c
 *		Policy decisions: applicable policies, the environment a condition
 *		sees, combining the outcomes, and the per-backend caches.
 *
 * Three caches live in backend memory: the enabled policies, compiled (one
 * array in creation order, the number that ends each id, so a lower index
 * is an older policy); per data product its
 * resource and column attributes and the indexes of the policies that apply
 * to it (scope, target selector and kind already matched); per role the
 * user attributes.  A decision reads only these: no SPI, no catalog scan.
 *
 * Invalidation: statement triggers on the policy, principal and catalog
 * tables call datamesh_policy_invalidate, which queues a relcache
 * invalidation of the policy or principal table, or, for the catalog
 * tables, of the empty sentinel datamesh.policy_products_sentinel (so the
 * cached plans that read the catalog survive: invalidating the catalog
 * tables themselves made every registration replan the whole registration
 * path).  It reaches every backend when the
 * change commits (and the changing backend at its next command).  A
 * relcache callback, and syscache callbacks on pg_auth_members and
 * pg_authid, only mark the matching cache stale; each decision first
 * accepts pending invalidations and rebuilds what is stale, so a decision
 * that starts after a change committed never uses what it replaced.
 * Rebuilds read with the latest snapshot (not the transaction's), so a
 * repeatable-read transaction cannot fill the cache with superseded rows.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "policy_audit.h"
#include "policy_lang.h"

PG_FUNCTION_INFO_V1(datamesh_policy_invalidate);
PG_FUNCTION_INFO_V1(datamesh_policy_compile);
PG_FUNCTION_INFO_V1(datamesh_policy_roots);
PG_FUNCTION_INFO_V1(datamesh_evaluate);
PG_FUNCTION_INFO_V1(datamesh_check_compliance);
PG_FUNCTION_INFO_V1(datamesh_policy_compliance);

typedef enum PolicyEffect
{
	EFFECT_ALLOW,
	EFFECT_DENY,
	EFFECT_MASK,
	EFFECT_REDACT,
	EFFECT_REQUIRE,
	EFFECT_ROW_FILTER
} PolicyEffect;

typedef enum PolicyEnforcement
{
	ENFORCE_BLOCK,
	ENFORCE_WARN,
	ENFORCE_AUDIT
} PolicyEnforcement;

/* What evaluating one policy in one environment came to */
typedef enum PolicyOutcome
{
	OUTCOME_NONE,				/* does not take effect */
	OUTCOME_APPLIES,			/* takes effect (an allow grants, a restriction holds) */
	OUTCOME_ERROR_APPLIES,		/* a restriction that failed to evaluate: fail closed */
	OUTCOME_ERROR_SKIPPED		/* an allow that failed to evaluate: skipped */
} PolicyOutcome;

/* A list of strings from a target selector */
typedef struct StringSet
{
	int			n;
	char	  **items;
} StringSet;

/* One enabled policy, compiled, as the engine keeps it */
typedef struct CachedPolicy
{
	char	   *id;
	char	   *name;
	char	   *domain;			/* NULL: global */
	bool		request;		/* access or privacy: judged per request */
	PolicyEffect effect;
	PolicyEnforcement enforcement;
	StringSet	products;
	StringSet	domains;
	StringSet	tags;
	StringSet	classifications;
	StringSet	columns;
	StringSet	column_tags;
	bytea	   *when;			/* NULL: always */
	bytea	   *unless;			/* NULL: never */
	bool		per_column;		/* judged for each matching column */
	bool		uses_column;	/* reads column.*: else one judgement serves every column */
	bool		uses_context;
	bool		prunable;		/* outcome decidable per product (see ExplainedHasOtherRoot) */
	bool		user_only;		/* reads no root but user and action: judged once per principal and action */
	char	   *reason;			/* template, or NULL */
	char	   *fixed_reason;	/* the reason when it needs no expansion, or NULL */
	text	   *id_text;		/* id and enforcement name as text, for audit rows */
	text	   *enforcement_text;
	char	   *style;			/* mask style; "redact" for redact */
	char	   *pattern;		/* mask pattern */
	char	   *replacement;	/* redact replacement, NULL for SQL NULL */
	char	   *filter;			/* row filter expression */
	int			strength;		/* mask strength: redact 4, hash 3, partial 2, email 1 */
} CachedPolicy;

/* A column of a data product as policies see it */
typedef struct CachedColumn
{
	char	   *name;
	StringSet	tags;
	Jsonb	   *attrs;
} CachedColumn;

/* A data product: attributes and the policies that apply to it */
typedef struct ProductEntry
{
	char		product_id[NAMEDATALEN];	/* hash key */
	char	   *domain;
	Jsonb	   *resource;
	Jsonb	   *contract;		/* newest active contract (NULL: none) */
	int			ncolumns;
	CachedColumn *columns;
	int			nrequest;		/* access and privacy policies */
	int		   *request;
	int			ncompliance;	/* retention, quality, classification, compliance */
	int		   *compliance;
} ProductEntry;

/* Outcomes of the policies that read only user and action, for one action */
typedef struct ActionOutcomes
{
	char	   *action;
	uint8	   *outcomes;		/* per policy: outcome + 1, 0 = not judged yet */
	const char **errors;		/* and its evaluation error */
	struct ActionOutcomes *next;
} ActionOutcomes;

/* Most actions whose outcomes are kept per principal (callers choose actions) */
#define MAX_CACHED_ACTIONS 8

/* A role's user attributes */
typedef struct UserEntry
{
	Oid			roleid;			/* hash key */
	char	   *name;
	Jsonb	   *attrs;
	ActionOutcomes *actions;	/* at most MAX_CACHED_ACTIONS */
	int			nactions;
} UserEntry;

/* One policy outcome in one decision */
typedef struct Finding
{
	int			policy;			/* index into policies */
	int			column;			/* index into the decision's columns, -1 for the product */
	PolicyOutcome outcome;
	const char *error;
	char	   *reason;			/* its reason once computed without a column, or NULL */
} Finding;

static PolicyOutcome JudgePolicy(const struct CachedPolicy *p, const PolicyEnv *env, const char **error);
static Oid	EngineRelid(const char *name);

/* Cache state (per backend) */
static bool callbacks_registered = false;
static MemoryContext policy_cxt = NULL;
static MemoryContext product_cxt = NULL;
static MemoryContext user_cxt = NULL;
static CachedPolicy *policies = NULL;
static int	npolicies = 0;
static bool policies_valid = false;
static bool policies_loading = false;
static HTAB *product_cache = NULL;
static bool products_valid = false;
static HTAB *user_cache = NULL;
static bool users_valid = false;
static Oid	engine_owner = InvalidOid;
static Oid	policies_relid = InvalidOid;
static Oid	principals_relid = InvalidOid;
static Oid	products_sentinel = InvalidOid;
static Oid	audit_relid = InvalidOid;
static Oid	audit_seqid = InvalidOid;
static Jsonb *empty_object = NULL;

/* ------------------------------------------------------------ invalidation */

/* Relcache callback: mark the caches that depend on the table stale */
static void
PolicyRelcacheCallback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == policies_relid)
	{
		policies_valid = false;
		products_valid = false;
		users_valid = false;
		return;
	}
	if (relid == principals_relid)
		users_valid = false;
	if (relid == products_sentinel)
		products_valid = false;
}

/* Syscache callback on role memberships and roles: user attributes are stale */
static void
PolicySyscacheCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	users_valid = false;
}

/*
 * Trigger: queue an invalidation for every backend.  Without an argument it
 * invalidates the changed table; with one it names the cache a table feeds
 * ("policies", "principals" or "products"), so that tables the attribute
 * functions come to read (say contract fields) need only this trigger.
 */
Datum
datamesh_policy_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			relid;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "datamesh_policy_invalidate must be called as a trigger");
	relid = RelationGetRelid(trigdata->tg_relation);
	if (trigdata->tg_trigger->tgnargs > 0)
	{
		const char *cache = trigdata->tg_trigger->tgargs[0];

		if (strcmp(cache, "policies") == 0)
			relid = EngineRelid("policies");
		else if (strcmp(cache, "principals") == 0)
			relid = EngineRelid("principal_attributes");
		else if (strcmp(cache, "products") == 0)
			relid = EngineRelid("policy_products_sentinel");
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown policy cache \"%s\"", cache),
					 errhint("The argument of datamesh._policy_invalidate() is policies, principals or products.")));
	}
	CacheInvalidateRelcacheByRelid(relid);
	return PointerGetDatum(NULL);
}

/* ---------------------------------------------------------------- helpers */

/* The OID of datamesh.<name>, or an error if the extension is not installed */
static Oid
EngineRelid(const char *name)
{
	Oid			nsp = get_namespace_oid("datamesh", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"datamesh\" is not installed in this database")));
	return relid;
}

/* Owner of a relation (the extension owner for datamesh tables) */
static Oid
RelationOwner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* The loader queries, each prepared once per backend (see RunLoader) */
typedef enum LoaderQuery
{
	LOAD_POLICIES,
	LOAD_PRODUCT,
	LOAD_PRODUCT_NO_COLUMNS,
	LOAD_COLUMNS,
	LOAD_PRINCIPAL,
	NUM_LOADER_QUERIES
} LoaderQuery;

#define MAX_LOADER_ARGS 2

static SPIPlanPtr loader_plans[NUM_LOADER_QUERIES];
static Oid	loader_argtypes[NUM_LOADER_QUERIES][MAX_LOADER_ARGS];

/*
 * Run a loader query as the extension owner with the latest snapshot (SPI
 * connected).  Its plan is kept for the backend (the plan cache revalidates
 * it when what it reads changes) and prepared again if its argument types
 * changed (the extension was created again).
 */
static void
RunLoader(LoaderQuery which, const char *sql, int nargs, Oid *argtypes, Datum *values, const char *nulls)
{
	SPIPlanPtr	plan;
	Snapshot	snap;
	Oid			save_user;
	int			save_sec;
	int			rc;
	int			i;

	Assert(nargs <= MAX_LOADER_ARGS);
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(engine_owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	plan = loader_plans[which];
	for (i = 0; plan != NULL && i < nargs; i++)
		if (loader_argtypes[which][i] != argtypes[i])
		{
			loader_plans[which] = NULL;
			SPI_freeplan(plan);
			plan = NULL;
		}
	if (plan == NULL)
	{
		plan = SPI_prepare(sql, nargs, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		for (i = 0; i < nargs; i++)
			loader_argtypes[which][i] = argtypes[i];
		loader_plans[which] = plan;
	}
	snap = RegisterSnapshot(GetLatestSnapshot());
	rc = SPI_execute_snapshot(plan, values, nulls, snap, InvalidSnapshot, true, false, 0);
	UnregisterSnapshot(snap);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "policy cache query failed: %s", SPI_result_code_string(rc));
	SetUserIdAndSecContext(save_user, save_sec);
}

/* OID of the type datamesh.semver */
static Oid
SemverTypeOid(void)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("semver"),
						   ObjectIdGetDatum(get_namespace_oid("datamesh", false)));
}

/* Output function of datamesh.semver */
static Oid
SemverOutput(void)
{
	Oid			out;
	bool		varlena;

	getTypeOutputInfo(SemverTypeOid(), &out, &varlena);
	return out;
}

/* Text column of the current SPI row, copied into cxt (NULL stays NULL) */
static char *
SpiText(HeapTuple tup, int col, MemoryContext cxt)
{
	char	   *v = SPI_getvalue(tup, SPI_tuptable->tupdesc, col);

	return v ? MemoryContextStrdup(cxt, v) : NULL;
}

/* Datum column of the current SPI row, or NULL */
static Datum
SpiDatum(HeapTuple tup, int col, bool *isnull)
{
	return SPI_getbinval(tup, SPI_tuptable->tupdesc, col, isnull);
}

/* A copy of a varlena column (detoasted) in cxt, or NULL */
static void *
SpiVarlena(HeapTuple tup, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		d = SpiDatum(tup, col, &isnull);
	struct varlena *v;
	struct varlena *copy;

	if (isnull)
		return NULL;
	v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
	copy = MemoryContextAlloc(cxt, VARSIZE_ANY(v));
	memcpy(copy, v, VARSIZE_ANY(v));
	if (VARATT_IS_SHORT(copy))
	{
		/* make a 4-byte header copy so callers can use VARSIZE/VARDATA */
		struct varlena *full = MemoryContextAlloc(cxt, VARSIZE_ANY_EXHDR(copy) + VARHDRSZ);

		SET_VARSIZE(full, VARSIZE_ANY_EXHDR(copy) + VARHDRSZ);
		memcpy(VARDATA(full), VARDATA_ANY(copy), VARSIZE_ANY_EXHDR(copy));
		pfree(copy);
		copy = full;
	}
	return copy;
}

/* A text[] column of the current SPI row as a StringSet in cxt */
static StringSet
SpiStringSet(HeapTuple tup, int col, MemoryContext cxt)
{
	StringSet	set = {0, NULL};
	bool		isnull;
	Datum		d = SpiDatum(tup, col, &isnull);
	Datum	   *elems;
	bool	   *enulls;
	int			n;
	int			i;

	if (isnull)
		return set;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	set.items = MemoryContextAlloc(cxt, sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
		if (!enulls[i])
			set.items[set.n++] = MemoryContextStrdup(cxt, TextDatumGetCString(elems[i]));
	return set;
}

/* Whether a set holds a string */
static bool
SetHas(const StringSet *set, const char *s)
{
	int			i;

	if (s == NULL)
		return false;
	for (i = 0; i < set->n; i++)
		if (strcmp(set->items[i], s) == 0)
			return true;
	return false;
}

/* Whether two sets share a string */
static bool
SetsMeet(const StringSet *a, const StringSet *b)
{
	int			i;

	for (i = 0; i < a->n; i++)
		if (SetHas(b, a->items[i]))
			return true;
	return false;
}

/* The string under key in a jsonb object, or NULL */
static char *
JsonbGetString(Jsonb *jb, const char *key, MemoryContext cxt)
{
	JsonbValue *v;

	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb))
		return NULL;
	v = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);
	if (v == NULL || v->type != jbvString)
		return NULL;
	return MemoryContextStrdup(cxt, pnstrdup(v->val.string.val, v->val.string.len));
}

/* The strings of a list under key in a jsonb object */
static StringSet
JsonbGetStrings(Jsonb *jb, const char *key, MemoryContext cxt)
{
	StringSet	set = {0, NULL};
	JsonbValue *v;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;

	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb))
		return set;
	v = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		return set;
	set.items = MemoryContextAlloc(cxt, sizeof(char *) * Max(JsonContainerSize(v->val.binary.data), 1));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		if (tok == WJB_ELEM && elem.type == jbvString)
			set.items[set.n++] = MemoryContextStrdup(cxt, pnstrdup(elem.val.string.val, elem.val.string.len));
	return set;
}

/* A copy of a jsonb in cxt */
static Jsonb *
CopyJsonb(Jsonb *jb, MemoryContext cxt)
{
	Jsonb	   *copy = MemoryContextAlloc(cxt, VARSIZE(jb));

	memcpy(copy, jb, VARSIZE(jb));
	return copy;
}

/* A jsonb holding one string scalar */
static Jsonb *
JsonbScalarString(const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	return JsonbValueToJsonb(&v);
}

/* Parse jsonb text (for small constant documents) */
static Jsonb *
JsonbFromText(const char *text)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

/* --------------------------------------------------------- output builders */

/* Push an object key */
static void
PutKey(JsonbParseState **st, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &v);
}

/* Push a string (NULL: JSON null) as an object value or array element */
static void
PutString(JsonbParseState **st, const char *s, bool elem)
{
	JsonbValue	v;

	if (s == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) s;
		v.val.string.len = strlen(s);
	}
	pushJsonbValue(st, elem ? WJB_ELEM : WJB_VALUE, &v);
}

/* Push "key": "string" */
static void
PutField(JsonbParseState **st, const char *key, const char *s)
{
	PutKey(st, key);
	PutString(st, s, false);
}

/* Push "key": true/false */
static void
PutBoolField(JsonbParseState **st, const char *key, bool b)
{
	JsonbValue	v;

	PutKey(st, key);
	v.type = jbvBool;
	v.val.boolean = b;
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* Push "key": number, given as decimal text */
static void
PutNumberField(JsonbParseState **st, const char *key, const char *num)
{
	JsonbValue	v;

	PutKey(st, key);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(num),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
	pushJsonbValue(st, WJB_VALUE, &v);
}

/*
 * JsonbValue trees: an object or array is allocated with room for its
 * members, filled, then closed by JvEnd, and the whole tree is serialized
 * by JsonbValueToJsonb.  Builders add keys in jsonb order (shorter first,
 * then bytewise); JvEnd only checks it and sorts when a builder did not.
 */

/* A string value (NULL: JSON null); the string is referenced, not copied */
static JsonbValue *
JvString(const char *s)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	if (s == NULL)
		v->type = jbvNull;
	else
	{
		v->type = jbvString;
		v->val.string.val = (char *) s;
		v->val.string.len = strlen(s);
	}
	return v;
}

/* An empty object with room for max pairs */
static JsonbValue *
JvObject(int max)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	v->type = jbvObject;
	v->val.object.nPairs = 0;
	v->val.object.pairs = palloc(sizeof(JsonbPair) * Max(max, 1));
	return v;
}

/* An empty array with room for max elements */
static JsonbValue *
JvArray(int max)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	v->type = jbvArray;
	v->val.array.nElems = 0;
	v->val.array.rawScalar = false;
	v->val.array.elems = palloc(sizeof(JsonbValue) * Max(max, 1));
	return v;
}

/* Add "key": value to an object (value copied shallowly) */
static void
JvPut(JsonbValue *obj, const char *key, const JsonbValue *value)
{
	JsonbPair  *pair = &obj->val.object.pairs[obj->val.object.nPairs];

	pair->key.type = jbvString;
	pair->key.val.string.val = (char *) key;
	pair->key.val.string.len = strlen(key);
	pair->value = *value;
	pair->order = obj->val.object.nPairs++;
}

/* Add "key": "string" (NULL: null) to an object */
static void
JvPutString(JsonbValue *obj, const char *key, const char *s)
{
	JsonbPair  *pair = &obj->val.object.pairs[obj->val.object.nPairs];

	pair->key.type = jbvString;
	pair->key.val.string.val = (char *) key;
	pair->key.val.string.len = strlen(key);
	if (s == NULL)
		pair->value.type = jbvNull;
	else
	{
		pair->value.type = jbvString;
		pair->value.val.string.val = (char *) s;
		pair->value.val.string.len = strlen(s);
	}
	pair->order = obj->val.object.nPairs++;
}

/* Append an element to an array (copied shallowly) */
static void
JvAppend(JsonbValue *arr, const JsonbValue *elem)
{
	arr->val.array.elems[arr->val.array.nElems++] = *elem;
}

/* jsonb's key order: shorter first, then bytewise */
static int
JvKeyCmp(const void *a, const void *b)
{
	const JsonbPair *x = a;
	const JsonbPair *y = b;

	if (x->key.val.string.len != y->key.val.string.len)
		return x->key.val.string.len < y->key.val.string.len ? -1 : 1;
	return memcmp(x->key.val.string.val, y->key.val.string.val, x->key.val.string.len);
}

/* Close an object: keys must be in jsonb order and unique */
static JsonbValue *
JvEnd(JsonbValue *v)
{
	int			i;

	if (v->type != jbvObject)
		return v;
	for (i = 1; i < v->val.object.nPairs; i++)
		if (JvKeyCmp(&v->val.object.pairs[i - 1], &v->val.object.pairs[i]) >= 0)
			break;
	if (i < v->val.object.nPairs)
	{
		pg_qsort(v->val.object.pairs, v->val.object.nPairs, sizeof(JsonbPair), JvKeyCmp);
		for (i = 1; i < v->val.object.nPairs; i++)
			if (JvKeyCmp(&v->val.object.pairs[i - 1], &v->val.object.pairs[i]) == 0)
				elog(ERROR, "duplicate key \"%s\" in a decision document",
					 v->val.object.pairs[i].key.val.string.val);
	}
	return v;
}

/* ---------------------------------------------------------------- loading */

/* Register callbacks and memory contexts, once per backend */
static void
EngineInit(void)
{
	if (callbacks_registered)
		return;
	policy_cxt = AllocSetContextCreate(CacheMemoryContext, "datamesh policies", ALLOCSET_DEFAULT_SIZES);
	product_cxt = AllocSetContextCreate(CacheMemoryContext, "datamesh policy products", ALLOCSET_DEFAULT_SIZES);
	user_cxt = AllocSetContextCreate(CacheMemoryContext, "datamesh policy principals", ALLOCSET_DEFAULT_SIZES);
	CacheRegisterRelcacheCallback(PolicyRelcacheCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, PolicySyscacheCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, PolicySyscacheCallback, (Datum) 0);
	callbacks_registered = true;
}

/* Effect name to enum */
static PolicyEffect
ParseEffect(const char *s)
{
	if (strcmp(s, "allow") == 0)
		return EFFECT_ALLOW;
	if (strcmp(s, "deny") == 0)
		return EFFECT_DENY;
	if (strcmp(s, "mask") == 0)
		return EFFECT_MASK;
	if (strcmp(s, "redact") == 0)
		return EFFECT_REDACT;
	if (strcmp(s, "require") == 0)
		return EFFECT_REQUIRE;
	if (strcmp(s, "row_filter") == 0)
		return EFFECT_ROW_FILTER;
	elog(ERROR, "unknown policy effect \"%s\"", s);
	return EFFECT_DENY;			/* keep compiler quiet */
}

/* Mask strength: the strongest mask on a column wins */
static int
MaskStrength(PolicyEffect effect, const char *style)
{
	if (effect == EFFECT_REDACT)
		return 4;
	if (style && strcmp(style, "hash") == 0)
		return 3;
	if (style && strcmp(style, "partial") == 0)
		return 2;
	return 1;					/* email */
}

/* Whether a compiled program reads a root */
static bool
ProgramUses(const bytea *program, PolicyRoot root)
{
	return program != NULL && (PolicyRootsUsed(program) & (1u << root)) != 0;
}

/* Whether an explained syntax tree tests has() on a root other than resource */
static bool
ExplainedHasOtherRoot(JsonbContainer *node)
{
	static const char *const children[] = {"arg", "left", "right"};
	static const char *const lists[] = {"args", "items"};
	JsonbValue *v;
	int			i;

	v = getKeyJsonValueFromContainer(node, "op", 2, NULL);
	if (v && v->type == jbvString && v->val.string.len == 3 && memcmp(v->val.string.val, "has", 3) == 0)
	{
		v = getKeyJsonValueFromContainer(node, "root", 4, NULL);
		if (v == NULL || v->type != jbvString || v->val.string.len != 8 ||
			memcmp(v->val.string.val, "resource", 8) != 0)
			return true;
	}
	for (i = 0; i < (int) lengthof(children); i++)
	{
		v = getKeyJsonValueFromContainer(node, children[i], strlen(children[i]), NULL);
		if (v && v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data) &&
			ExplainedHasOtherRoot(v->val.binary.data))
			return true;
	}
	for (i = 0; i < (int) lengthof(lists); i++)
	{
		JsonbIterator *it;
		JsonbValue	elem;
		JsonbIteratorToken tok;

		v = getKeyJsonValueFromContainer(node, lists[i], strlen(lists[i]), NULL);
		if (v == NULL || v->type != jbvBinary)
			continue;
		it = JsonbIteratorInit(v->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
			if (tok == WJB_ELEM && elem.type == jbvBinary && JsonContainerIsObject(elem.val.binary.data) &&
				ExplainedHasOtherRoot(elem.val.binary.data))
				return true;
	}
	return false;
}

/*
 * Whether a program tests has() on a root other than resource.  Judged with
 * only the product known, such a test would be a definite false (has() of an
 * absent root), not an unknown, so the outcome would not hold for every
 * principal: those policies are never pruned per product.
 */
static bool
ProgramHasOtherRoot(const bytea *program)
{
	Jsonb	   *tree;
	JsonbValue *ast;

	if (program == NULL)
		return false;
	tree = PolicyExplain(program);
	ast = getKeyJsonValueFromContainer(&tree->root, "ast", 3, NULL);
	return ast == NULL || ast->type != jbvBinary || ExplainedHasOtherRoot(ast->val.binary.data);
}

/* The reason of a policy without a template (computed once per load) */
static char *
DefaultReason(const CachedPolicy *p)
{
	const char *base;

	switch (p->effect)
	{
		case EFFECT_ALLOW:
			base = "allowed by policy \"%s\"";
			break;
		case EFFECT_DENY:
			base = "denied by policy \"%s\"";
			break;
		case EFFECT_REQUIRE:
			base = "requirement of policy \"%s\" is not met";
			break;
		case EFFECT_ROW_FILTER:
			base = "rows filtered by policy \"%s\"";
			break;
		default:
			base = "column transformed by policy \"%s\"";
			break;
	}
	return MemoryContextStrdup(policy_cxt, psprintf(base, p->name));
}

/* Error context while loading policies: which one */
static void
LoadErrorContext(void *arg)
{
	if (arg)
		errcontext("loading policy \"%s\"", (const char *) arg);
}

/* Reload every enabled policy (SPI connected by the caller) */
static void
LoadPolicies(void)
{
	uint64		i;
	ErrorContextCallback errcb;

	MemoryContextReset(policy_cxt);
	policies = NULL;
	npolicies = 0;
	/* a SQL function with a pinned search_path: nothing resolves through the caller's */
	RunLoader(LOAD_POLICIES, "SELECT * FROM datamesh._policy_rows()", 0, NULL, NULL, NULL);
	policies = MemoryContextAllocZero(policy_cxt, sizeof(CachedPolicy) * Max(SPI_processed, 1));
	errcb.callback = LoadErrorContext;
	errcb.arg = NULL;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		CachedPolicy *p = &policies[i];
		char	   *kind = SpiText(tup, 4, policy_cxt);
		char	   *enforcement = SpiText(tup, 6, policy_cxt);

		p->id = SpiText(tup, 1, policy_cxt);
		p->name = SpiText(tup, 2, policy_cxt);
		p->domain = SpiText(tup, 3, policy_cxt);
		p->request = strcmp(kind, "access") == 0 || strcmp(kind, "privacy") == 0;
		p->effect = ParseEffect(SpiText(tup, 5, policy_cxt));
		p->enforcement = strcmp(enforcement, "block") == 0 ? ENFORCE_BLOCK :
			strcmp(enforcement, "warn") == 0 ? ENFORCE_WARN : ENFORCE_AUDIT;
		p->products = SpiStringSet(tup, 7, policy_cxt);
		p->domains = SpiStringSet(tup, 8, policy_cxt);
		p->tags = SpiStringSet(tup, 9, policy_cxt);
		p->classifications = SpiStringSet(tup, 10, policy_cxt);
		p->columns = SpiStringSet(tup, 11, policy_cxt);
		p->column_tags = SpiStringSet(tup, 12, policy_cxt);
		p->when = SpiVarlena(tup, 13, policy_cxt);
		p->unless = SpiVarlena(tup, 14, policy_cxt);
		/* checked once here, so that decisions can evaluate them unchecked */
		errcb.arg = p->id;
		if (p->when)
			PolicyCheckProgram(p->when);
		if (p->unless)
			PolicyCheckProgram(p->unless);
		p->reason = SpiText(tup, 15, policy_cxt);
		p->id_text = (text *) MemoryContextAlloc(policy_cxt, VARHDRSZ + strlen(p->id));
		SET_VARSIZE(p->id_text, VARHDRSZ + strlen(p->id));
		memcpy(VARDATA(p->id_text), p->id, strlen(p->id));
		p->enforcement_text = (text *) MemoryContextAlloc(policy_cxt, VARHDRSZ + strlen(enforcement));
		SET_VARSIZE(p->enforcement_text, VARHDRSZ + strlen(enforcement));
		memcpy(VARDATA(p->enforcement_text), enforcement, strlen(enforcement));
		p->fixed_reason = p->reason == NULL ? DefaultReason(p) :
			strchr(p->reason, '{') == NULL ? p->reason : NULL;
		p->style = p->effect == EFFECT_REDACT ? "redact" : SpiText(tup, 16, policy_cxt);
		p->pattern = SpiText(tup, 17, policy_cxt);
		p->replacement = SpiText(tup, 18, policy_cxt);
		p->filter = SpiText(tup, 19, policy_cxt);
		p->strength = MaskStrength(p->effect, p->style);
		p->per_column = p->effect != EFFECT_ALLOW &&
			(p->effect == EFFECT_MASK || p->effect == EFFECT_REDACT ||
			 p->columns.n > 0 || p->column_tags.n > 0 ||
			 ProgramUses(p->when, POLICY_ROOT_COLUMN) || ProgramUses(p->unless, POLICY_ROOT_COLUMN));
		p->uses_column = ProgramUses(p->when, POLICY_ROOT_COLUMN) || ProgramUses(p->unless, POLICY_ROOT_COLUMN) ||
			(p->reason && strstr(p->reason, "{column.") != NULL);
		p->prunable = p->request && !ProgramHasOtherRoot(p->when) && !ProgramHasOtherRoot(p->unless);
		p->user_only =
			((p->when ? PolicyRootsUsed(p->when) : 0) | (p->unless ? PolicyRootsUsed(p->unless) : 0) |
			 (1u << POLICY_ROOT_USER) | (1u << POLICY_ROOT_ACTION)) ==
			((1u << POLICY_ROOT_USER) | (1u << POLICY_ROOT_ACTION));
		p->uses_context = ProgramUses(p->when, POLICY_ROOT_CONTEXT) ||
			ProgramUses(p->unless, POLICY_ROOT_CONTEXT) ||
			(p->reason && strstr(p->reason, "{context.") != NULL);
	}
	error_context_stack = errcb.previous;
	npolicies = (int) SPI_processed;
}

/* Make the caches current: accept invalidations, rebuild what is stale */
static void
EnsureCaches(void)
{
	EngineInit();
	AcceptInvalidationMessages();

	if (!policies_valid || policies_loading)
	{
		policies_relid = EngineRelid("policies");
		principals_relid = EngineRelid("principal_attributes");
		audit_relid = EngineRelid("policy_audit");
		audit_seqid = getIdentitySequence(audit_relid, 1, true);
		products_sentinel = EngineRelid("policy_products_sentinel");
		engine_owner = RelationOwner(policies_relid);

		policies_loading = true;
		policies_valid = true;
		products_valid = false; /* both keep per-policy state */
		users_valid = false;
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		LoadPolicies();
		SPI_finish();
		policies_loading = false;
	}
	if (!products_valid)
	{
		MemoryContextReset(product_cxt);
		product_cache = NULL;
		products_valid = true;
	}
	if (!users_valid)
	{
		MemoryContextReset(user_cxt);
		user_cache = NULL;
		users_valid = true;
	}
	if (empty_object == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(CacheMemoryContext);

		empty_object = JsonbFromText("{}");
		MemoryContextSwitchTo(old);
	}
}

/* Whether a policy's scope and product selectors match a product */
static bool
PolicyMatchesProduct(const CachedPolicy *p, const char *product_id, const char *domain,
					 const char *classification, const StringSet *tags)
{
	if (p->domain != NULL && (domain == NULL || strcmp(p->domain, domain) != 0))
		return false;
	if (p->products.n > 0 && !SetHas(&p->products, product_id))
		return false;
	if (p->domains.n > 0 && !SetHas(&p->domains, domain))
		return false;
	if (p->classifications.n > 0 && !SetHas(&p->classifications, classification))
		return false;
	if (p->tags.n > 0 && !SetsMeet(&p->tags, tags))
		return false;
	return true;
}

/* Set a product's columns from a _product_columns result */
static void
FillColumns(ProductEntry *entry, Jsonb *columns, MemoryContext cxt)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	entry->ncolumns = 0;
	entry->columns = MemoryContextAllocZero(cxt, sizeof(CachedColumn) * Max(JsonContainerSize(&columns->root), 1));
	it = JsonbIteratorInit(&columns->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM && v.type == jbvBinary)
		{
			CachedColumn *c = &entry->columns[entry->ncolumns++];
			MemoryContext old = MemoryContextSwitchTo(cxt);

			c->attrs = JsonbValueToJsonb(&v);
			MemoryContextSwitchTo(old);
			c->name = JsonbGetString(c->attrs, "name", cxt);
			c->tags = JsonbGetStrings(c->attrs, "tags", cxt);
		}
	}
}

/*
 * Build a product's attributes from _product_attributes/_product_columns/
 * _product_contract results (columns NULL: none loaded)
 */
static void
FillProduct(ProductEntry *entry, Jsonb *resource, Jsonb *columns, Jsonb *contract, MemoryContext cxt)
{
	char	   *classification;
	StringSet	tags;
	int			i;

	entry->resource = CopyJsonb(resource, cxt);
	entry->contract = contract ? CopyJsonb(contract, cxt) : NULL;
	entry->domain = JsonbGetString(entry->resource, "domain", cxt);
	classification = JsonbGetString(entry->resource, "classification", cxt);
	tags = JsonbGetStrings(entry->resource, "tags", cxt);

	entry->ncolumns = 0;
	entry->columns = NULL;
	if (columns != NULL)
		FillColumns(entry, columns, cxt);

	entry->request = MemoryContextAlloc(cxt, sizeof(int) * Max(npolicies, 1));
	entry->compliance = MemoryContextAlloc(cxt, sizeof(int) * Max(npolicies, 1));
	entry->nrequest = entry->ncompliance = 0;
	for (i = 0; i < npolicies; i++)
	{
		if (!PolicyMatchesProduct(&policies[i], entry->product_id, entry->domain, classification, &tags))
			continue;
		if (policies[i].prunable)
		{
			/*
			 * Judge it with only the product known: an absent root reads as an
			 * error, which "and"/"or" absorb like SQL's unknown, so an outcome
			 * of "never takes effect" holds for every principal, column,
			 * action and time.  Such policies are left out of the product's
			 * list.
			 */
			PolicyEnv	env;
			const char *error;

			memset(&env, 0, sizeof(env));
			env.roots[POLICY_ROOT_RESOURCE] = entry->resource;
			env.roots[POLICY_ROOT_CONTRACT] = entry->contract;
			if (JudgePolicy(&policies[i], &env, &error) == OUTCOME_NONE)
				continue;
		}
		if (policies[i].request)
			entry->request[entry->nrequest++] = i;
		else
			entry->compliance[entry->ncompliance++] = i;
	}
}

/*
 * Load one product version's attributes (current version when version is
 * NULL); its columns too when with_columns, else none
 */
static bool
LoadProduct(ProductEntry *entry, const char *product_id, Datum version, bool version_null,
			bool with_columns, MemoryContext cxt)
{
	Oid			argtypes[2] = {TEXTOID, InvalidOid};
	Datum		values[2];
	char		nulls[2] = {' ', version_null ? 'n' : ' '};
	bool		isnull1;
	bool		isnull2;
	bool		isnull3;
	Datum		resource;
	Datum		columns;
	Datum		contract;
	bool		found = false;

	argtypes[1] = SemverTypeOid();
	values[0] = CStringGetTextDatum(product_id);
	values[1] = version;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (with_columns)
		RunLoader(LOAD_PRODUCT, "SELECT datamesh._product_attributes($1, $2), datamesh._product_columns($1, $2),"
				  " datamesh._product_contract($1, $2)",
				  2, argtypes, values, nulls);
	else
		RunLoader(LOAD_PRODUCT_NO_COLUMNS, "SELECT datamesh._product_attributes($1, $2), NULL::pg_catalog.jsonb,"
				  " datamesh._product_contract($1, $2)",
				  2, argtypes, values, nulls);
	if (SPI_processed == 1)
	{
		resource = SpiDatum(SPI_tuptable->vals[0], 1, &isnull1);
		columns = SpiDatum(SPI_tuptable->vals[0], 2, &isnull2);
		contract = SpiDatum(SPI_tuptable->vals[0], 3, &isnull3);
		if (!isnull1)
		{
			strlcpy(entry->product_id, product_id, NAMEDATALEN);
			FillProduct(entry, DatumGetJsonbP(resource),
						!with_columns ? NULL : isnull2 ? JsonbFromText("[]") : DatumGetJsonbP(columns),
						isnull3 ? NULL : DatumGetJsonbP(contract), cxt);
			found = true;
		}
	}
	SPI_finish();
	return found;
}

/* Load the columns of a product version loaded without them */
static void
LoadColumns(ProductEntry *entry, Datum version, MemoryContext cxt)
{
	Oid			argtypes[2] = {TEXTOID, InvalidOid};
	Datum		values[2];
	bool		isnull;
	Datum		columns;

	argtypes[1] = SemverTypeOid();
	values[0] = CStringGetTextDatum(entry->product_id);
	values[1] = version;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	RunLoader(LOAD_COLUMNS, "SELECT datamesh._product_columns($1, $2)", 2, argtypes, values, NULL);
	if (SPI_processed != 1)
		elog(ERROR, "datamesh._product_columns returned %d rows", (int) SPI_processed);
	columns = SpiDatum(SPI_tuptable->vals[0], 1, &isnull);
	FillColumns(entry, isnull ? JsonbFromText("[]") : DatumGetJsonbP(columns), cxt);
	SPI_finish();
}

/* The cached current version of a product, loaded on first use */
static ProductEntry *
GetProduct(const char *product_id)
{
	ProductEntry *entry;
	ProductEntry tmp;
	bool		found;

	if (strlen(product_id) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data product \"%s\" does not exist", product_id)));
	if (product_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(ProductEntry);
		ctl.hcxt = product_cxt;
		product_cache = hash_create("datamesh policy products", 256, &ctl,
									HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	entry = hash_search(product_cache, product_id, HASH_FIND, NULL);
	if (entry != NULL)
		return entry;

	memset(&tmp, 0, sizeof(tmp));
	if (!LoadProduct(&tmp, product_id, (Datum) 0, true, true, product_cxt))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data product \"%s\" does not exist", product_id)));
	entry = hash_search(product_cache, product_id, HASH_ENTER, &found);
	memcpy(entry, &tmp, sizeof(ProductEntry));
	return entry;
}

/* The cached user attributes of a role, loaded on first use */
static UserEntry *
GetUser(Oid roleid)
{
	UserEntry  *entry;
	bool		found;
	Oid			argtypes[1] = {REGROLEOID};
	Datum		values[1];
	bool		isnull;
	Datum		d;
	Jsonb	   *attrs;

	if (user_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(UserEntry);
		ctl.hcxt = user_cxt;
		user_cache = hash_create("datamesh policy principals", 256, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(user_cache, &roleid, HASH_FIND, NULL);
	if (entry != NULL)
		return entry;

	values[0] = ObjectIdGetDatum(roleid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	RunLoader(LOAD_PRINCIPAL, "SELECT datamesh._principal_env($1)", 1, argtypes, values, NULL);
	d = SpiDatum(SPI_tuptable->vals[0], 1, &isnull);
	attrs = isnull ? empty_object : CopyJsonb(DatumGetJsonbP(d), user_cxt);
	SPI_finish();

	entry = hash_search(user_cache, &roleid, HASH_ENTER, &found);
	entry->attrs = attrs;
	entry->actions = NULL;
	entry->nactions = 0;
	entry->name = JsonbGetString(attrs, "name", user_cxt);
	if (entry->name == NULL)
		entry->name = MemoryContextStrdup(user_cxt, psprintf("%u", roleid));
	return entry;
}

/* --------------------------------------------------------------- judging */

/* Evaluate one cached program; NULL programs are "always" (when) or "never" (unless) */
static PolicyTruth
RunProgram(const bytea *program, const PolicyEnv *env, PolicyTruth absent, const char **error)
{
	const char *err = NULL;
	PolicyTruth t;

	if (program == NULL)
		return absent;
	t = PolicyEvaluateTrusted(program, env, &err);	/* checked when the cache was loaded */
	if (t == POLICY_ERROR && *error == NULL)
		*error = err ? pstrdup(err) : "evaluation failed";	/* err is overwritten by the next call */
	return t;
}

/*
 * What a policy comes to in an environment.  allow: applies when its
 * condition is true and unless false; if either fails to evaluate the allow
 * is skipped.  deny, mask, redact, row_filter: apply unless the condition is
 * false or unless true; an evaluation error applies them (fail closed).
 * require: applies (is violated) unless its condition is true or unless
 * true; an error counts as violated.
 */
static PolicyOutcome
JudgePolicy(const CachedPolicy *p, const PolicyEnv *env, const char **error)
{
	PolicyTruth w;
	PolicyTruth u;

	*error = NULL;
	w = RunProgram(p->when, env, POLICY_TRUE, error);
	if (p->effect == EFFECT_ALLOW && w != POLICY_TRUE)
		return w == POLICY_ERROR ? OUTCOME_ERROR_SKIPPED : OUTCOME_NONE;
	if (p->effect != EFFECT_REQUIRE && w == POLICY_FALSE)
		return OUTCOME_NONE;
	if (p->effect == EFFECT_REQUIRE && w == POLICY_TRUE)
		return OUTCOME_NONE;
	u = RunProgram(p->unless, env, POLICY_FALSE, error);
	if (u == POLICY_TRUE)
		return OUTCOME_NONE;
	if (p->effect == EFFECT_ALLOW)
		return u == POLICY_ERROR ? OUTCOME_ERROR_SKIPPED : OUTCOME_APPLIES;
	return (w == POLICY_ERROR || u == POLICY_ERROR) ? OUTCOME_ERROR_APPLIES : OUTCOME_APPLIES;
}

/* The kept outcomes of a principal for an action, or NULL if too many actions are kept */
static ActionOutcomes *
UserActionOutcomes(UserEntry *user, const char *action)
{
	ActionOutcomes *a;

	for (a = user->actions; a != NULL; a = a->next)
		if (strcmp(a->action, action) == 0)
			return a;
	if (user->nactions >= MAX_CACHED_ACTIONS)
		return NULL;
	a = MemoryContextAlloc(user_cxt, sizeof(ActionOutcomes));
	a->action = MemoryContextStrdup(user_cxt, action);
	a->outcomes = MemoryContextAllocZero(user_cxt, Max(npolicies, 1));
	a->errors = MemoryContextAllocZero(user_cxt, sizeof(char *) * Max(npolicies, 1));
	a->next = user->actions;
	user->actions = a;
	user->nactions++;
	return a;
}

/* JudgePolicy, remembered per principal and action for policies that read only those */
static PolicyOutcome
JudgeForUser(int pi, const PolicyEnv *env, ActionOutcomes *kept, const char **error)
{
	const CachedPolicy *p = &policies[pi];
	PolicyOutcome o;

	if (!p->user_only || kept == NULL)
		return JudgePolicy(p, env, error);
	if (kept->outcomes[pi] != 0)
	{
		*error = kept->errors[pi];
		return (PolicyOutcome) (kept->outcomes[pi] - 1);
	}
	o = JudgePolicy(p, env, error);
	kept->errors[pi] = *error ? MemoryContextStrdup(user_cxt, *error) : NULL;
	kept->outcomes[pi] = (uint8) o + 1;
	return o;
}

/* Whether a per-column policy's column selectors match a column */
static bool
PolicyMatchesColumn(const CachedPolicy *p, const char *name, const StringSet *tags)
{
	if (p->columns.n > 0 && !SetHas(&p->columns, name))
		return false;
	if (p->column_tags.n > 0 && !SetsMeet(&p->column_tags, tags))
		return false;
	return true;
}

/* Append one finding */
static void
AddFinding(Finding *findings, int *n, int policy, int column, PolicyOutcome outcome, const char *error)
{
	Finding    *f = &findings[(*n)++];

	f->policy = policy;
	f->column = column;
	f->outcome = outcome;
	f->error = error;
	f->reason = NULL;
}

/* The jsonb environment of the statement's time: time, hour, weekday */
static Jsonb *
BuildContext(void)
{
	TimestampTz now = GetCurrentStatementStartTimestamp();
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	JsonbParseState *st = NULL;
	JsonbValue *res;

	if (timestamp2tm(now, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PutField(&st, "time", timestamptz_to_str(now));
	PutNumberField(&st, "hour", psprintf("%d", tm.tm_hour));
	PutNumberField(&st, "weekday", psprintf("%d", j2day(date2j(tm.tm_year, tm.tm_mon, tm.tm_mday))));
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* Root name to index for reason templates */
static int
RootIndex(const char *name, int len)
{
	static const char *const names[] = {"user", "resource", "column", "contract", "action", "context", "row"};
	static const PolicyRoot roots[] = {POLICY_ROOT_USER, POLICY_ROOT_RESOURCE, POLICY_ROOT_COLUMN,
		POLICY_ROOT_CONTRACT, POLICY_ROOT_ACTION, POLICY_ROOT_CONTEXT, POLICY_ROOT_ROW};
	int			i;

	for (i = 0; i < (int) lengthof(names); i++)
		if ((int) strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return roots[i];
	return -1;
}

/* Append a jsonb value as reason text */
static void
AppendValue(StringInfo out, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			appendBinaryStringInfo(out, v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			appendStringInfoString(out, DatumGetCString(DirectFunctionCall1(numeric_out,
																			NumericGetDatum(v->val.numeric))));
			break;
		case jbvBool:
			appendStringInfoString(out, v->val.boolean ? "true" : "false");
			break;
		case jbvNull:
			appendStringInfoString(out, "null");
			break;
		case jbvBinary:
			(void) JsonbToCString(out, v->val.binary.data, v->val.binary.len);
			break;
		default:
			break;
	}
}

/* Look up root.a.b in the environment and append it; false if absent */
static bool
AppendPath(StringInfo out, const PolicyEnv *env, const char *path, int len)
{
	const char *dot = memchr(path, '.', len);
	int			root = RootIndex(path, dot ? (int) (dot - path) : len);
	Jsonb	   *jb;
	JsonbValue	cur;
	JsonbContainer *c;

	if (root < 0 || (jb = env->roots[root]) == NULL)
		return false;
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (dot != NULL || !JsonbExtractScalar(&jb->root, &cur))
			return false;
		AppendValue(out, &cur);
		return true;
	}
	c = &jb->root;
	cur.type = jbvBinary;
	cur.val.binary.data = c;
	cur.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	while (dot != NULL)
	{
		const char *key = dot + 1;
		const char *end = path + len;
		const char *next = memchr(key, '.', end - key);
		JsonbValue *v;

		if (cur.type != jbvBinary || !JsonContainerIsObject(cur.val.binary.data))
			return false;
		v = getKeyJsonValueFromContainer(cur.val.binary.data, key, (next ? next : end) - key, NULL);
		if (v == NULL)
			return false;
		cur = *v;
		dot = next;
	}
	AppendValue(out, &cur);
	return true;
}

/* Expand {root.path} references in a reason template */
static char *
ExpandReason(const char *tmpl, const PolicyEnv *env)
{
	StringInfoData out;
	const char *s = tmpl;

	initStringInfo(&out);
	while (*s)
	{
		const char *close;

		if (*s == '{' && (close = strchr(s, '}')) != NULL &&
			AppendPath(&out, env, s + 1, (int) (close - s - 1)))
		{
			s = close + 1;
			continue;
		}
		appendStringInfoChar(&out, *s++);
	}
	return out.data;
}

/* The reason a finding is reported with */
static char *
FindingReason(const CachedPolicy *p, const Finding *f, const PolicyEnv *env)
{
	if (f->outcome == OUTCOME_ERROR_SKIPPED)
		return psprintf("evaluation error, allow skipped: %s", f->error);
	if (f->outcome == OUTCOME_ERROR_APPLIES)
		return psprintf("evaluation error, fail closed: %s", f->error);
	if (p->fixed_reason != NULL)
		return p->fixed_reason;
	return ExpandReason(p->reason, env);
}

/* The reason of a finding judged for the product (not a column), computed once per decision */
static char *
ProductFindingReason(const CachedPolicy *p, Finding *f, const PolicyEnv *env)
{
	if (f->reason == NULL)
		f->reason = FindingReason(p, f, env);
	return f->reason;
}

/* ----------------------------------------------------------------- audit */

/* Record one decision in datamesh.policy_audit (buffered: see policy_audit.c); ids and enforcements are text */
static void
WriteAudit(const char *principal, const char *action, const char *product_id, const char *decision,
		   List *policy_ids, List *enforcements, const char *reason, Jsonb *details)
{
	Datum		values[11];
	bool		nulls[11];
	Datum	   *ids = palloc(sizeof(Datum) * Max(list_length(policy_ids), 1));
	Datum	   *enfs = palloc(sizeof(Datum) * Max(list_length(enforcements), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, policy_ids)
		ids[n++] = PointerGetDatum(lfirst(lc));
	n = 0;
	foreach(lc, enforcements)
		enfs[n++] = PointerGetDatum(lfirst(lc));
	memset(nulls, false, sizeof(nulls));
	values[2] = CStringGetTextDatum(principal);
	values[3] = CStringGetTextDatum(PolicyAuditRequestedBy());
	values[4] = CStringGetTextDatum(action);
	values[5] = CStringGetTextDatum(product_id);
	values[6] = CStringGetTextDatum(decision);
	values[7] = PointerGetDatum(construct_array(ids, list_length(policy_ids), TEXTOID, -1, false, TYPALIGN_INT));
	values[8] = PointerGetDatum(construct_array(enfs, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[9] = reason ? CStringGetTextDatum(reason) : (Datum) 0;
	nulls[9] = reason == NULL;
	values[10] = details ? JsonbPGetDatum(details) : (Datum) 0;
	nulls[10] = details == NULL;
	PolicyAuditWrite(audit_relid, audit_seqid, engine_owner, values, nulls);
}

/* Enforcement level name */
static const char *
EnforcementName(PolicyEnforcement e)
{
	return e == ENFORCE_BLOCK ? "block" : e == ENFORCE_WARN ? "warn" : "audit";
}

/* Effect name */
static const char *
EffectName(PolicyEffect e)
{
	static const char *const names[] = {"allow", "deny", "mask", "redact", "require", "row_filter"};

	return names[e];
}

/* --------------------------------------------------------------- evaluate */

/* A requested column: cached attributes, or a stand-in for an undeclared one */
typedef struct RequestColumn
{
	const char *name;
	const StringSet *tags;
	Jsonb	   *attrs;
} RequestColumn;

/* Attributes of a column the product does not declare */
static Jsonb *
UndeclaredColumn(const char *name)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PutField(&st, "name", name);
	PutField(&st, "type", "unknown");
	PutKey(&st, "tags");
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	PutField(&st, "classification", "unclassified");
	PutBoolField(&st, "pii", false);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* The transformation object of a winning mask */
static JsonbValue *
Transformation(const CachedPolicy *p, const char *column)
{
	JsonbValue *o = JvObject(5);

	if (p->effect != EFFECT_REDACT)
		JvPutString(o, "style", p->style);
	JvPutString(o, "action", p->effect == EFFECT_REDACT ? "redact" : "mask");
	JvPutString(o, "column", column);
	if (p->effect != EFFECT_REDACT)
		JvPutString(o, "pattern", p->pattern);
	JvPutString(o, "policy_id", p->id);
	if (p->effect == EFFECT_REDACT)
		JvPutString(o, "replacement", p->replacement);
	return JvEnd(o);
}

/*
 * datamesh.evaluate(principal, action, product_id, columns): judge every
 * applicable access and privacy policy and combine (docs/policies.md):
 * default deny; an allow grants; any blocking deny or unmet require denies,
 * whatever grants; masks: per column the strongest blocking one wins
 * (redact > hash > partial > email, then the lowest policy id); warn-level
 * findings raise a WARNING, audit-level ones are only recorded.
 */
Datum
datamesh_evaluate(PG_FUNCTION_ARGS)
{
	Oid			roleid;
	char	   *action;
	char	   *product_id;
	instr_time	start;
	instr_time	elapsed;
	UserEntry  *user;
	ActionOutcomes *kept;
	ProductEntry *prod;
	PolicyEnv	env;
	RequestColumn *cols;
	int			ncols = 0;
	Finding    *findings;
	int			nfindings = 0;
	int			maxfindings;
	int			i;
	int			j;
	int			k;
	bool		granted = false;
	int			blocker = -1;	/* finding that denies */
	int			grantor = -1;	/* finding that allows */
	int		   *winner;			/* per column: finding of the winning mask */
	bool		any_context = false;
	bool		record = false;
	bool		allowed;
	const char *reason;
	JsonbValue *top;
	JsonbValue *filters;
	JsonbValue *transforms_all;
	JsonbValue *applied;
	Jsonb	   *result;
	List	   *audit_ids = NIL;
	List	   *audit_enf = NIL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("principal, action and product_id must not be null")));
	INSTR_TIME_SET_CURRENT(start);
	roleid = PG_GETARG_OID(0);

	/*
	 * Decisions reveal what conditions found in the principal's attributes:
	 * only the principal's members and administrators may ask for them.
	 */
	if (!is_member_of_role(GetUserId(), roleid) &&
		!is_member_of_role(GetUserId(), get_role_oid("datamesh_admin", false)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to evaluate policies for role \"%s\"",
						GetUserNameFromId(roleid, false)),
				 errhint("Administrators evaluate for every role, other roles for roles they are members of.")));
	action = text_to_cstring(PG_GETARG_TEXT_PP(1));
	product_id = text_to_cstring(PG_GETARG_TEXT_PP(2));

	EnsureCaches();
	prod = GetProduct(product_id);
	user = GetUser(roleid);
	kept = UserActionOutcomes(user, action);

	/* the columns asked for, or every declared column */
	if (!PG_ARGISNULL(3))
	{
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		deconstruct_array(PG_GETARG_ARRAYTYPE_P(3), TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
		cols = palloc(sizeof(RequestColumn) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			char	   *name;

			if (enulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("column names must not be null")));
			name = TextDatumGetCString(elems[i]);
			for (j = 0; j < prod->ncolumns; j++)
				if (strcmp(prod->columns[j].name, name) == 0)
					break;
			cols[ncols].name = name;
			if (j < prod->ncolumns)
			{
				cols[ncols].tags = &prod->columns[j].tags;
				cols[ncols].attrs = prod->columns[j].attrs;
			}
			else
			{
				StringSet  *none = palloc0(sizeof(StringSet));

				cols[ncols].tags = none;
				cols[ncols].attrs = UndeclaredColumn(name);
			}
			ncols++;
		}
	}
	else
	{
		cols = palloc(sizeof(RequestColumn) * Max(prod->ncolumns, 1));
		for (j = 0; j < prod->ncolumns; j++)
		{
			cols[ncols].name = prod->columns[j].name;
			cols[ncols].tags = &prod->columns[j].tags;
			cols[ncols].attrs = prod->columns[j].attrs;
			ncols++;
		}
	}

	memset(&env, 0, sizeof(env));
	env.roots[POLICY_ROOT_USER] = user->attrs;
	env.roots[POLICY_ROOT_RESOURCE] = prod->resource;
	env.roots[POLICY_ROOT_CONTRACT] = prod->contract;	/* NULL (absent) without an active contract */
	env.roots[POLICY_ROOT_ACTION] = JsonbScalarString(action);
	for (i = 0; i < prod->nrequest; i++)
		any_context |= policies[prod->request[i]].uses_context;
	if (any_context)
		env.roots[POLICY_ROOT_CONTEXT] = BuildContext();
	else
		env.roots[POLICY_ROOT_CONTEXT] = empty_object;

	/* judge every applicable policy: once, or once per matching column */
	maxfindings = prod->nrequest * (ncols + 1);
	findings = palloc(sizeof(Finding) * Max(maxfindings, 1));
	for (i = 0; i < prod->nrequest; i++)
	{
		int			pi = prod->request[i];
		const CachedPolicy *p = &policies[pi];
		const char *error;
		PolicyOutcome o;

		if (!p->per_column)
		{
			env.roots[POLICY_ROOT_COLUMN] = NULL;
			o = JudgeForUser(pi, &env, kept, &error);
			if (o != OUTCOME_NONE)
				AddFinding(findings, &nfindings, pi, -1, o, error);
			continue;
		}
		o = OUTCOME_NONE;
		error = NULL;
		for (j = 0, k = 0; j < ncols; j++)
		{
			if (!PolicyMatchesColumn(p, cols[j].name, cols[j].tags))
				continue;
			/* a condition that reads no column attribute has one outcome for all */
			if (p->uses_column || k++ == 0)
			{
				env.roots[POLICY_ROOT_COLUMN] = cols[j].attrs;
				o = JudgeForUser(pi, &env, kept, &error);
			}
			if (o != OUTCOME_NONE)
				AddFinding(findings, &nfindings, pi, j, o, error);
		}
	}
	env.roots[POLICY_ROOT_COLUMN] = NULL;

	/* combine */
	winner = palloc(sizeof(int) * Max(ncols, 1));
	for (j = 0; j < ncols; j++)
		winner[j] = -1;
	for (i = 0; i < nfindings; i++)
	{
		const Finding *f = &findings[i];
		const CachedPolicy *p = &policies[f->policy];

		if (p->effect == EFFECT_ALLOW)
		{
			if (f->outcome == OUTCOME_APPLIES)
			{
				granted = true;
				if (grantor < 0)
					grantor = i;
			}
			continue;
		}
		if (p->enforcement != ENFORCE_BLOCK)
		{
			record = true;
			continue;
		}
		if (p->effect == EFFECT_DENY || p->effect == EFFECT_REQUIRE)
		{
			if (blocker < 0)
				blocker = i;
		}
		else if ((p->effect == EFFECT_MASK || p->effect == EFFECT_REDACT) && f->column >= 0)
		{
			int			w = winner[f->column];

			if (w < 0 || p->strength > policies[findings[w].policy].strength)
				winner[f->column] = i;	/* lower ids come first: ties keep the earlier */
		}
	}
	allowed = granted && blocker < 0;
	if (!allowed)
		record = true;
	for (j = 0; allowed && j < ncols; j++)
		if (winner[j] >= 0)
			record = true;
	for (i = 0; allowed && i < nfindings; i++)
		if (policies[findings[i].policy].effect == EFFECT_ROW_FILTER &&
			policies[findings[i].policy].enforcement == ENFORCE_BLOCK)
			record = true;

	if (blocker >= 0)
		reason = findings[blocker].column < 0 ?
			ProductFindingReason(&policies[findings[blocker].policy], &findings[blocker], &env) :
			FindingReason(&policies[findings[blocker].policy], &findings[blocker], &env);
	else if (!granted)
		reason = "no policy allows this access (default deny)";
	else
		reason = findings[grantor].column < 0 ?
			ProductFindingReason(&policies[findings[grantor].policy], &findings[grantor], &env) :
			FindingReason(&policies[findings[grantor].policy], &findings[grantor], &env);

	/*
	 * The response, built as one JsonbValue tree (no parse state, no
	 * per-object sort: keys are added in jsonb's own order, which JvEnd
	 * checks) and serialized once.
	 */
	top = JvObject(9);
	JvPutString(top, "action", action);
	JvPutString(top, "reason", reason);
	JvPutString(top, "decision", allowed ? "allow" : "deny");
	JvPutString(top, "principal", user->name);
	JvPutString(top, "product_id", product_id);

	filters = JvArray(allowed ? nfindings : 0);
	for (i = 0; allowed && i < nfindings; i++)
	{
		const CachedPolicy *p = &policies[findings[i].policy];
		JsonbValue *o;

		if (p->effect != EFFECT_ROW_FILTER || p->enforcement != ENFORCE_BLOCK)
			continue;
		o = JvObject(2);
		JvPutString(o, "filter", p->filter);
		JvPutString(o, "policy_id", p->id);
		JvAppend(filters, JvEnd(o));
	}
	JvPut(top, "row_filters", filters);

	transforms_all = JvArray(allowed ? ncols : 0);
	for (j = 0; allowed && j < ncols; j++)
		if (winner[j] >= 0)
			JvAppend(transforms_all, Transformation(&policies[findings[winner[j]].policy], cols[j].name));
	JvPut(top, "transformations", transforms_all);

	applied = JvArray(nfindings);
	for (i = 0; i < nfindings; i = j)
	{
		const Finding *f = &findings[i];
		const CachedPolicy *p = &policies[f->policy];
		const char *decision;
		char	   *why;
		bool		has_columns = false;
		bool		transforms = false;
		bool		superseded = false;
		bool		masking = (p->effect == EFFECT_MASK || p->effect == EFFECT_REDACT) && allowed &&
			p->enforcement == ENFORCE_BLOCK;
		JsonbValue *o;

		/* findings of one policy are adjacent: report them together */
		for (j = i; j < nfindings && findings[j].policy == f->policy; j++)
		{
			int			c = findings[j].column;

			if (c < 0)
				continue;
			has_columns = true;
			if (masking && winner[c] == j)
				transforms = true;
			else if (masking && winner[c] >= 0)
				superseded = true;
		}
		if (p->effect == EFFECT_ALLOW)
			decision = f->outcome == OUTCOME_APPLIES ? "allow" : "skipped";
		else if (p->enforcement == ENFORCE_WARN)
			decision = "warn";
		else if (p->enforcement == ENFORCE_AUDIT)
			decision = "audit";
		else if (p->effect == EFFECT_DENY || p->effect == EFFECT_REQUIRE)
			decision = "deny";
		else if (p->effect == EFFECT_ROW_FILTER)
			decision = "row_filter";
		else
			decision = "transform";
		if (has_columns)
		{
			env.roots[POLICY_ROOT_COLUMN] = cols[f->column].attrs;
			why = FindingReason(p, f, &env);
			env.roots[POLICY_ROOT_COLUMN] = NULL;
		}
		else
			why = ProductFindingReason(p, &findings[i], &env);

		o = JvObject(10);
		JvPutString(o, "name", p->name);
		JvPutString(o, "scope", p->domain ? p->domain : "global");
		JvPutString(o, "effect", EffectName(p->effect));
		JvPutString(o, "reason", why);
		if (has_columns)
		{
			JsonbValue *names = JvArray(j - i);

			for (k = i; k < j; k++)
				JvAppend(names, JvString(cols[findings[k].column].name));
			JvPut(o, "columns", names);
		}
		JvPutString(o, "decision", decision);
		JvPutString(o, "policy_id", p->id);
		if (superseded)
		{
			JsonbValue *list = JvArray(j - i);

			for (k = i; k < j; k++)
			{
				int			w = findings[k].column >= 0 ? winner[findings[k].column] : -1;
				JsonbValue *by;

				if (w < 0 || w == k)
					continue;
				by = JvObject(2);
				JvPutString(by, "by", policies[findings[w].policy].id);
				JvPutString(by, "column", cols[findings[k].column].name);
				JvAppend(list, JvEnd(by));
			}
			JvPut(o, "superseded", list);
		}
		JvPutString(o, "enforcement", EnforcementName(p->enforcement));
		if (transforms)
		{
			JsonbValue *list = JvArray(j - i);

			for (k = i; k < j; k++)
				if (findings[k].column >= 0 && winner[findings[k].column] == k)
					JvAppend(list, Transformation(p, cols[findings[k].column].name));
			JvPut(o, "transformations", list);
		}
		JvAppend(applied, JvEnd(o));

		if (p->effect != EFFECT_ALLOW)
		{
			audit_ids = lappend(audit_ids, p->id_text);
			audit_enf = lappend(audit_enf, p->enforcement_text);
		}
		if (p->effect != EFFECT_ALLOW && p->enforcement == ENFORCE_WARN)
			ereport(WARNING,
					(errmsg("policy \"%s\" (%s) would %s: %s", p->name, p->id,
							p->effect == EFFECT_REQUIRE || p->effect == EFFECT_DENY ? "deny access" :
							p->effect == EFFECT_ROW_FILTER ? "filter rows" : "transform columns", why),
					 errdetail("Principal \"%s\", action \"%s\", data product \"%s\"; enforcement level warn does not block.",
							   user->name, action, product_id)));
	}
	JvPut(top, "policies_applied", applied);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	{
		JsonbValue	ms;

		/* microseconds as milliseconds with three decimals, without going through text */
		ms.type = jbvNumeric;
		ms.val.numeric = int64_div_fast_to_numeric((int64) INSTR_TIME_GET_MICROSEC(elapsed), 3);
		JvPut(top, "evaluation_time_ms", &ms);
	}
	result = JsonbValueToJsonb(JvEnd(top));

	if (record)
	{
		/* the audit row keeps what was asked and what was transformed */
		JsonbValue *details = JvObject(3);
		JsonbValue *asked = JvArray(ncols);

		for (j = 0; j < ncols; j++)
			JvAppend(asked, JvString(cols[j].name));
		JvPut(details, "columns", asked);
		JvPut(details, "row_filters", filters);
		JvPut(details, "transformations", transforms_all);
		WriteAudit(user->name, action, product_id, allowed ? "allow" : "deny", audit_ids, audit_enf,
				   reason, JsonbValueToJsonb(JvEnd(details)));
	}

	PG_RETURN_JSONB_P(result);
}

/* ------------------------------------------------------------- compliance */

/* Push one compliance finding {policy, policy_id, reason, severity[, column]} */
static void
PutComplianceFinding(JsonbParseState **st, const CachedPolicy *p, const char *reason,
					 const char *severity, const char *column)
{
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PutField(st, "policy", p->name);
	PutField(st, "policy_id", p->id);
	PutField(st, "reason", reason);
	PutField(st, "severity", severity);
	if (column)
		PutField(st, "column", column);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/*
 * Judge a product version against the retention, quality, classification
 * and compliance policies that apply to it.  Seed 001's evaluate_product
 * shape: compliant, violations (block), warnings (warn), plus audited.
 */
static Jsonb *
ComplianceReport(const char *product_id, Datum version, bool version_null, Oid roleid, const char *action,
				 Jsonb *contract)
{
	ProductEntry local;
	ProductEntry *prod;
	UserEntry  *user;
	PolicyEnv	env;
	JsonbParseState *st = NULL;
	JsonbValue *res;
	int			pass;
	int			nviolations = 0;
	int			i;
	int			j;

	EnsureCaches();
	if (version_null)
		prod = GetProduct(product_id);
	else
	{
		memset(&local, 0, sizeof(local));
		if (strlen(product_id) >= NAMEDATALEN ||
			!LoadProduct(&local, product_id, version, false, false, CurrentMemoryContext))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("version %s of data product \"%s\" does not exist",
							OidOutputFunctionCall(SemverOutput(), version), product_id)));

		/*
		 * The columns only matter to a policy judged per column: load them
		 * when one applies (registration with no such policy reads no
		 * column attributes)
		 */
		for (i = 0; i < local.ncompliance; i++)
			if (policies[local.compliance[i]].per_column)
			{
				LoadColumns(&local, version, CurrentMemoryContext);
				break;
			}
		prod = &local;
	}
	user = GetUser(roleid);

	memset(&env, 0, sizeof(env));
	env.roots[POLICY_ROOT_USER] = user->attrs;
	env.roots[POLICY_ROOT_RESOURCE] = prod->resource;
	/* the contract being published, else the product's newest active one (NULL: absent) */
	env.roots[POLICY_ROOT_CONTRACT] = contract ? contract : prod->contract;
	env.roots[POLICY_ROOT_ACTION] = JsonbScalarString(action);
	env.roots[POLICY_ROOT_CONTEXT] = BuildContext();

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PutField(&st, "product_id", product_id);
	PutField(&st, "version", JsonbGetString(prod->resource, "version", CurrentMemoryContext));
	/* three passes over the findings: violations, warnings, audited */
	for (pass = 0; pass < 3; pass++)
	{
		PolicyEnforcement want = pass == 0 ? ENFORCE_BLOCK : pass == 1 ? ENFORCE_WARN : ENFORCE_AUDIT;

		PutKey(&st, pass == 0 ? "violations" : pass == 1 ? "warnings" : "audited");
		pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < prod->ncompliance; i++)
		{
			const CachedPolicy *p = &policies[prod->compliance[i]];
			const char *severity = pass == 0 ? "error" : pass == 1 ? "warning" : "info";
			const char *error;
			PolicyOutcome o;

			if (p->enforcement != want)
				continue;
			if (!p->per_column)
			{
				env.roots[POLICY_ROOT_COLUMN] = NULL;
				o = JudgePolicy(p, &env, &error);
				if (o != OUTCOME_NONE)
				{
					Finding		f = {prod->compliance[i], -1, o, error, NULL};

					PutComplianceFinding(&st, p, FindingReason(p, &f, &env), severity, NULL);
					nviolations += pass == 0;
				}
				continue;
			}
			for (j = 0; j < prod->ncolumns; j++)
			{
				CachedColumn *c = &prod->columns[j];

				if (!PolicyMatchesColumn(p, c->name, &c->tags))
					continue;
				env.roots[POLICY_ROOT_COLUMN] = c->attrs;
				o = JudgePolicy(p, &env, &error);
				if (o != OUTCOME_NONE)
				{
					Finding		f = {prod->compliance[i], j, o, error, NULL};

					PutComplianceFinding(&st, p, FindingReason(p, &f, &env), severity, c->name);
					nviolations += pass == 0;
				}
			}
			env.roots[POLICY_ROOT_COLUMN] = NULL;
		}
		pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	}
	PutBoolField(&st, "compliant", nviolations == 0);
	PutNumberField(&st, "policies_checked", psprintf("%d", prod->ncompliance));
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* datamesh.check_compliance(product_id, version): as the calling role */
Datum
datamesh_check_compliance(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product_id must not be null")));
	PG_RETURN_JSONB_P(ComplianceReport(text_to_cstring(PG_GETARG_TEXT_PP(0)),
									   PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), PG_ARGISNULL(1),
									   GetUserId(), "check", NULL));
}

/*
 * datamesh._policy_compliance(product_id, version, principal, contract): at
 * registration (action "register"), or when a contract is published for the
 * version (action "publish", the contract as the contract root)
 */
Datum
datamesh_policy_compliance(PG_FUNCTION_ARGS)
{
	Jsonb	   *contract = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		elog(ERROR, "datamesh._policy_compliance: product_id and principal must not be null");
	PG_RETURN_JSONB_P(ComplianceReport(text_to_cstring(PG_GETARG_TEXT_PP(0)),
									   PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), PG_ARGISNULL(1),
									   PG_GETARG_OID(2), contract ? "publish" : "register", contract));
}

/* ------------------------------------------------------------- compiling */

/* Error context: which field of a policy was being compiled */
static void
CompileErrorContext(void *arg)
{
	errcontext("policy %s", (const char *) arg);
}

/* datamesh._policy_compile(source, schema, what): compiled program or an error */
Datum
datamesh_policy_compile(PG_FUNCTION_ARGS)
{
	text	   *src;
	Jsonb	   *schema = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);	/* NULL: built-in schema */
	char	   *what = PG_ARGISNULL(2) ? "condition" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	ErrorContextCallback errcb;
	bytea	   *program;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	src = PG_GETARG_TEXT_PP(0);
	errcb.callback = CompileErrorContext;
	errcb.arg = what;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	program = PolicyCompile(VARDATA_ANY(src), VARSIZE_ANY_EXHDR(src), schema);
	error_context_stack = errcb.previous;
	PG_RETURN_BYTEA_P(program);
}

/* datamesh._policy_roots(program): names of the roots a program reads */
Datum
datamesh_policy_roots(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"user", "resource", "column", "contract", "action", "context", "row"};
	static const PolicyRoot roots[] = {POLICY_ROOT_USER, POLICY_ROOT_RESOURCE, POLICY_ROOT_COLUMN,
		POLICY_ROOT_CONTRACT, POLICY_ROOT_ACTION, POLICY_ROOT_CONTEXT, POLICY_ROOT_ROW};
	bytea	   *program = PG_GETARG_BYTEA_P(0);
	uint32		used = PolicyRootsUsed(program);
	Datum		elems[lengthof(names)];
	int			n = 0;
	int			i;

	for (i = 0; i < (int) lengthof(names); i++)
		if (used & (1u << roots[i]))
			elems[n++] = CStringGetTextDatum(names[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}
