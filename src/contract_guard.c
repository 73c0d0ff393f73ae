/*
 * contract_guard.c
 *		Refuse DDL that would break an active data contract, before it lands.
 *
 * A contract is enforced while its status is 'active' and it names a
 * relation (datamesh.contracts).  Two hooks watch schema changes:
 *
 * - ProcessUtility_hook (chained) inspects ALTER TABLE / ALTER VIEW /
 *   ALTER MATERIALIZED VIEW / ALTER FOREIGN TABLE, RENAME, SET SCHEMA,
 *   ALTER SCHEMA RENAME, ALTER DOMAIN and CREATE OR REPLACE VIEW before they
 *   run.  It first takes the lock the command itself would take (so that a
 *   contract published concurrently is seen once it commits), then compares the
 *   statement with the contracts of the relation, its ancestors (partitions
 *   and inheritance children are guarded by their parent's contract) and,
 *   for recursing commands, its descendants.
 *
 * - object_access_hook (OAT_DROP, chained) sees every object a DROP, DROP
 *   ... CASCADE, DROP SCHEMA/TYPE/DOMAIN/EXTENSION CASCADE, DROP OWNED or
 *   ALTER TABLE DROP COLUMN/CONSTRAINT deletes, one by one, before it is
 *   deleted.  It only records what is dropped; at the end of the statement
 *   the whole set is compared with the contracts and, if anything breaks
 *   one, an ERROR rolls the statement back, so nothing lands.  Drops made
 *   internally by PostgreSQL (PERFORM_DELETION_INTERNAL, e.g. the index
 *   rebuild of ALTER COLUMN TYPE) are ignored.
 *
 * The set of guarded relations is cached per backend and invalidated by a
 * relcache callback: triggers on datamesh.contracts and
 * datamesh.contract_fields invalidate the empty sentinel table
 * datamesh.contract_guard_sentinel (no query reads it, so no cached plan is
 * thrown away, unlike an invalidation of the contract tables).  Ordinary
 * DML never reaches either hook; other utility statements pass straight to
 * the next hook; nothing happens in a database without the extension.
 * Catalog reads and audit writes run through SPI as the extension owner,
 * only for the statements listed above.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablecmds.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "datamesh.h"

PG_FUNCTION_INFO_V1(datamesh_contract_guard_trigger);

/* One contract field as far as the guard cares */
typedef struct GuardField
{
	char	   *name;
	bool		not_null;		/* the contract promises no NULLs */
	List	   *check_kinds;	/* min, max, enum, pattern (String) */
	List	   *checks;			/* the row predicate of each (String) */
	Oid			sql_typid;		/* PostgreSQL type the contract states, or 0 */
	int32		sql_typmod;
} GuardField;

/* One enforced contract */
typedef struct GuardContract
{
	Oid			relid;
	char	   *product_id;
	char	   *version;
	char	   *relname;		/* description of relid when the cache was built */
	List	   *fields;			/* GuardField * */
	List	   *unique_sets;	/* List of String lists: promised unique keys */
} GuardContract;

/* Hash entry: a guarded relation and its contracts */
typedef struct GuardEntry
{
	Oid			relid;			/* hash key */
	List	   *contracts;		/* GuardContract * */
} GuardEntry;

/* A breaking change found in a statement */
typedef struct GuardChange
{
	GuardContract *contract;
	char	   *text;
	bool		whole_relation; /* the contract's own relation goes away */
} GuardChange;

/* A CHECK constraint a statement drops, and the contract rules it takes */
typedef struct DroppedCheck
{
	char	   *name;			/* its name while it is still in the catalog */
	char	   *bin;			/* its expression once it is gone, else NULL */
	List	   *takes;			/* "min of column "x"" and the like (String) */
} DroppedCheck;

/* Something an OAT_DROP reported, kept until the end of the statement */
typedef struct DropFact
{
	char		kind;			/* 'r' relation, 'a' column, 'c' constraint,
								 * 'i' unique index */
	Oid			relid;			/* relation (or the index's / constraint's
								 * table) */
	List	   *ancestors;		/* OIDs of its inheritance ancestors */
	char		relkind;
	char	   *relname;		/* description of relid */
	char	   *objname;		/* column, constraint or index name */
	char		contype;
	List	   *colnames;		/* key or checked columns (String) */
	char	   *conbin;			/* a CHECK constraint's expression */
} DropFact;

/* State of one guarded utility statement (they nest through functions) */
typedef struct GuardLevel
{
	struct GuardLevel *outer;
	MemoryContext cxt;
	List	   *facts;			/* DropFact * */
	List	   *reported;		/* change texts already decided (String) */
	List	   *warned;			/* contracts whose override was reported */
	const char *statement;
} GuardLevel;

static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static object_access_hook_type prev_object_access_hook = NULL;

static MemoryContext GuardContext = NULL;
static HTAB *GuardRelations = NULL;
static bool GuardValid = false;
static bool GuardCallbackRegistered = false;
static Oid	GuardSentinelRelid = InvalidOid;
static GuardLevel *CurrentGuardLevel = NULL;

static char *DescribeRelation(Oid relid);
static List *AttnumNames(Oid relid, int16 *attnums, int n);
static List *TypeDomainChecks(Oid typid, Var *var, Oid except);

/* SPI as the extension owner, with the state to restore afterwards */
typedef struct GuardSpi
{
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;		/* GUC nest level of the pinned search_path */
	bool		pushed_snapshot;
	MemoryContext outer;
} GuardSpi;

/* Invalidate the cache when the contract tables change (their triggers invalidate the sentinel) */
static void
GuardRelcacheCallback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == GuardSentinelRelid)
		GuardValid = false;
}

/* The datamesh extension's OID if it is usable in this database */
static Oid
GuardExtension(void)
{
	Oid			extoid = get_extension_oid("datamesh", true);

	if (!OidIsValid(extoid))
		return InvalidOid;
	/* our own install/upgrade script runs before our tables exist */
	if (creating_extension && CurrentExtensionObject == extoid)
		return InvalidOid;
	return extoid;
}

/* Owner of an extension */
static Oid
ExtensionOwner(Oid extoid)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tuple;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(owner))
		elog(ERROR, "cache lookup failed for extension %u", extoid);
	return owner;
}

/* Connect to SPI as the extension owner, with search_path pinned */
static void
GuardSpiBegin(GuardSpi *spi, Oid extoid)
{
	Oid			owner = ExtensionOwner(extoid);

	spi->outer = CurrentMemoryContext;
	GetUserIdAndSecContext(&spi->save_userid, &spi->save_sec_context);
	SetUserIdAndSecContext(owner, spi->save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	/* the caller's search_path must not resolve names for the extension owner */
	spi->nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	spi->pushed_snapshot = !ActiveSnapshotSet();
	if (spi->pushed_snapshot)
		PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/* Disconnect from SPI and become the calling role again */
static void
GuardSpiEnd(GuardSpi *spi)
{
	SPI_finish();
	if (spi->pushed_snapshot)
		PopActiveSnapshot();
	AtEOXact_GUC(true, spi->nestlevel);
	SetUserIdAndSecContext(spi->save_userid, spi->save_sec_context);
}

/* Text value of an SPI result column, copied into cxt (NULL if null) */
static char *
SpiText(HeapTuple tuple, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(tuple, desc, col);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/* Boolean value of an SPI result column (false if null) */
static bool
SpiBool(HeapTuple tuple, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* Text array value of an SPI result column as a List of String, in cxt */
static List *
SpiTextArray(HeapTuple tuple, TupleDesc desc, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, col, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;
	MemoryContext old;

	if (isnull)
		return NIL;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	old = MemoryContextSwitchTo(cxt);
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			result = lappend(result, makeString(TextDatumGetCString(elems[i])));
	MemoryContextSwitchTo(old);
	return result;
}

/* Make sure the cache of guarded relations is current */
static void
EnsureGuardCache(Oid extoid)
{
	Oid			nsp;
	GuardSpi	spi;
	SPIPlanPtr	plan;
	HASHCTL		ctl;
	GuardContract *current = NULL;

	if (GuardValid)
		return;

	if (!GuardCallbackRegistered)
	{
		CacheRegisterRelcacheCallback(GuardRelcacheCallback, (Datum) 0);
		GuardCallbackRegistered = true;
	}
	if (GuardContext == NULL)
		GuardContext = AllocSetContextCreate(CacheMemoryContext, "datamesh contract guard",
											 ALLOCSET_SMALL_SIZES);
	MemoryContextReset(GuardContext);
	GuardRelations = NULL;

	nsp = get_namespace_oid("datamesh", true);
	GuardSentinelRelid = OidIsValid(nsp) ? get_relname_relid("contract_guard_sentinel", nsp) : InvalidOid;
	if (!OidIsValid(GuardSentinelRelid))
		return;					/* no contract storage: nothing is guarded */

	MemSet(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(GuardEntry);
	ctl.hcxt = GuardContext;

	GuardSpiBegin(&spi, extoid);
	plan = SPI_prepare("SELECT relid, product_id, version, kind, names, not_null, check_kinds,"
					   " checks, sql_typid, sql_typmod"
					   " FROM datamesh._contract_guard_rules()", 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	/* the latest snapshot: see contracts committed while we waited for locks */
	if (SPI_execute_snapshot(plan, NULL, NULL, GetLatestSnapshot(), InvalidSnapshot,
							 true, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the enforced contracts failed");

	GuardRelations = hash_create("datamesh guarded relations", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
		char	   *kind = SPI_getvalue(tuple, desc, 4);
		MemoryContext old;

		if (strcmp(kind, "contract") == 0)
		{
			GuardEntry *entry;
			bool		found;

			old = MemoryContextSwitchTo(GuardContext);
			current = palloc0(sizeof(GuardContract));
			current->relid = relid;
			current->product_id = SpiText(tuple, desc, 2, GuardContext);
			current->version = SpiText(tuple, desc, 3, GuardContext);
			current->relname = MemoryContextStrdup(GuardContext, DescribeRelation(relid));
			entry = hash_search(GuardRelations, &relid, HASH_ENTER, &found);
			if (!found)
				entry->contracts = NIL;
			entry->contracts = lappend(entry->contracts, current);
			MemoryContextSwitchTo(old);
		}
		else if (current == NULL)
			elog(ERROR, "contract guard rules out of order");
		else if (strcmp(kind, "field") == 0)
		{
			GuardField *field = MemoryContextAllocZero(GuardContext, sizeof(GuardField));
			List	   *names = SpiTextArray(tuple, desc, 5, GuardContext);

			field->name = strVal(linitial(names));
			field->not_null = SpiBool(tuple, desc, 6);
			field->check_kinds = SpiTextArray(tuple, desc, 7, GuardContext);
			field->checks = SpiTextArray(tuple, desc, 8, GuardContext);
			field->sql_typid = DatumGetObjectId(SPI_getbinval(tuple, desc, 9, &isnull));
			if (isnull)
				field->sql_typid = InvalidOid;
			field->sql_typmod = DatumGetInt32(SPI_getbinval(tuple, desc, 10, &isnull));
			if (isnull)
				field->sql_typmod = -1;
			old = MemoryContextSwitchTo(GuardContext);
			current->fields = lappend(current->fields, field);
			MemoryContextSwitchTo(old);
		}
		else
		{
			List	   *names = SpiTextArray(tuple, desc, 5, GuardContext);

			old = MemoryContextSwitchTo(GuardContext);
			current->unique_sets = lappend(current->unique_sets, names);
			MemoryContextSwitchTo(old);
		}
	}
	GuardSpiEnd(&spi);
	GuardValid = true;
}

/* Whether anything at all is guarded */
static bool
GuardEmpty(void)
{
	return GuardRelations == NULL || hash_get_num_entries(GuardRelations) == 0;
}

/* Contracts that guard exactly this relation */
static List *
DirectContracts(Oid relid)
{
	GuardEntry *entry;

	if (GuardRelations == NULL)
		return NIL;
	entry = hash_search(GuardRelations, &relid, HASH_FIND, NULL);
	return entry ? entry->contracts : NIL;
}

/* Inheritance and partition ancestors of a relation, nearest first */
static List *
RelationAncestors(Oid relid)
{
	List	   *result = NIL;
	List	   *todo = list_make1_oid(relid);
	Relation	inh = table_open(InheritsRelationId, AccessShareLock);

	while (todo != NIL)
	{
		Oid			child = linitial_oid(todo);
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tuple;

		todo = list_delete_first(todo);
		ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(child));
		scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Oid			parent = ((Form_pg_inherits) GETSTRUCT(tuple))->inhparent;

			if (!list_member_oid(result, parent) && list_length(result) < 1000)
			{
				result = lappend_oid(result, parent);
				todo = lappend_oid(todo, parent);
			}
		}
		systable_endscan(scan);
	}
	table_close(inh, AccessShareLock);
	return result;
}

/* Contracts of a relation and of every ancestor */
static List *
ContractsWithAncestors(Oid relid, List *ancestors)
{
	List	   *result = list_copy(DirectContracts(relid));
	ListCell   *lc;

	foreach(lc, ancestors)
		result = list_concat(result, DirectContracts(lfirst_oid(lc)));
	return result;
}

/* The contract's field of that name, or NULL */
static GuardField *
ContractField(GuardContract *contract, const char *name)
{
	ListCell   *lc;

	if (name == NULL)
		return NULL;
	foreach(lc, contract->fields)
	{
		GuardField *field = lfirst(lc);

		if (strcmp(field->name, name) == 0)
			return field;
	}
	return NULL;
}

/* Whether every column is in the list of String names */
static bool
ColumnsSubset(List *columns, List *names)
{
	ListCell   *lc;

	if (columns == NIL)
		return false;
	foreach(lc, columns)
	{
		ListCell   *lc2;
		bool		found = false;

		foreach(lc2, names)
			if (strcmp(strVal(lfirst(lc)), strVal(lfirst(lc2))) == 0)
				found = true;
		if (!found)
			return false;
	}
	return true;
}

/* Whether another unique index of the relation still enforces a promised key */
static bool
UniqueKeyStillCovered(Oid relid, List *promised, List *excluded)
{
	Relation	rel;
	List	   *indexes;
	ListCell   *lc;
	bool		covered = false;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return false;
	rel = relation_open(relid, AccessShareLock);
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tuple;
		Form_pg_index index;

		if (list_member_oid(excluded, indexoid))
			continue;
		tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(tuple))
			continue;
		index = (Form_pg_index) GETSTRUCT(tuple);
		if (index->indisunique && index->indisvalid &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
			ColumnsSubset(AttnumNames(relid, index->indkey.values, index->indnkeyatts), promised))
			covered = true;
		ReleaseSysCache(tuple);
		if (covered)
			break;
	}
	relation_close(rel, AccessShareLock);
	return covered;
}

/*
 * Whether losing a unique key on these columns breaks a promised unique key:
 * the key enforces a promised one and no other unique index (apart from the
 * excluded ones, which go away too) still does.
 */
static bool
EnforcesPromisedUnique(GuardContract *contract, Oid relid, List *columns, List *excluded)
{
	ListCell   *lc;

	foreach(lc, contract->unique_sets)
		if (ColumnsSubset(columns, lfirst(lc)) &&
			!UniqueKeyStillCovered(relid, lfirst(lc), excluded))
			return true;
	return false;
}

/*
 * ConstraintsProve with search_path pinned: the contract's rule predicates
 * are SQL text, and the caller's search_path must not resolve their
 * operators to ones planted to make every rule unprovable
 */
static bool
GuardProve(Relation rel, const char *predicate, List *excluded, List *extra)
{
	int			nestlevel = NewGUCNestLevel();
	bool		result;

	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	result = ConstraintsProve(rel, predicate, excluded, extra);
	AtEOXact_GUC(true, nestlevel);
	return result;
}

/* Whether a type is a domain that is NOT NULL, itself or through the domains beneath it, one ignored */
bool
DomainNotNull(Oid typid, Oid ignored)
{
	for (int depth = 0; depth < 100; depth++)
	{
		HeapTuple	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
		Form_pg_type typ;
		bool		notnull;
		bool		domain;

		if (!HeapTupleIsValid(tuple))
			return false;
		typ = (Form_pg_type) GETSTRUCT(tuple);
		domain = typ->typtype == TYPTYPE_DOMAIN;
		notnull = domain && typ->typnotnull && typid != ignored;
		typid = typ->typbasetype;
		ReleaseSysCache(tuple);
		if (!domain)
			return false;
		if (notnull)
			return true;
	}
	return false;
}

/* Mutator: the VALUE of a domain CHECK becomes the column (context: its Var) */
static Node *
DomainValueToColumn(Node *node, void *context)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, CoerceToDomainValue))
	{
		CoerceToDomainValue *value = (CoerceToDomainValue *) node;
		Var		   *var = copyObject((Var *) context);

		if (value->typeId == var->vartype)
			return (Node *) var;
		return (Node *) makeRelabelType((Expr *) var, value->typeId, value->typeMod,
										value->collation, COERCE_IMPLICIT_CAST);
	}
	return expression_tree_mutator(node, DomainValueToColumn, context);
}

/*
 * The validated CHECK constraints of a column's domain and of the domains
 * beneath it (but the excepted one), as expressions over the column (node
 * strings, for the prover)
 */
List *
DomainChecks(Oid relid, AttrNumber attnum, Oid except)
{
	Oid			typid;
	int32		typmod;
	Oid			collid;

	get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
	if (get_typtype(typid) != TYPTYPE_DOMAIN)
		return NIL;
	return TypeDomainChecks(typid, makeVar(1, attnum, typid, typmod, collid, 0), except);
}

/*
 * The validated CHECK constraints of a domain and of the domains beneath it
 * (but the excepted one), as expressions over a column Var (node strings)
 */
static List *
TypeDomainChecks(Oid typid, Var *var, Oid except)
{
	List	   *result = NIL;
	Relation	conrel;

	conrel = table_open(ConstraintRelationId, AccessShareLock);
	for (int depth = 0; depth < 100 && get_typtype(typid) == TYPTYPE_DOMAIN; depth++)
	{
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tuple;

		ScanKeyInit(&key, Anum_pg_constraint_contypid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(typid));
		scan = systable_beginscan(conrel, ConstraintTypidIndexId, true, NULL, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
			bool		isnull;
			Datum		d;

			if (con->contype != CONSTRAINT_CHECK || !con->convalidated || con->oid == except)
				continue;
			d = heap_getattr(tuple, Anum_pg_constraint_conbin, RelationGetDescr(conrel), &isnull);
			if (!isnull)
				result = lappend(result,
								 nodeToString(DomainValueToColumn(stringToNode(TextDatumGetCString(d)),
																  var)));
		}
		systable_endscan(scan);
		tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
		if (!HeapTupleIsValid(tuple))
			break;
		typid = ((Form_pg_type) GETSTRUCT(tuple))->typbasetype;
		ReleaseSysCache(tuple);
	}
	table_close(conrel, AccessShareLock);
	return result;
}

/* The rules of a contract field as (kind, row predicate) String lists */
static void
FieldRules(GuardField *field, Oid relid, AttrNumber attnum, List **kinds, List **preds)
{
	*kinds = list_copy(field->check_kinds);
	*preds = list_copy(field->checks);
	if (field->not_null)
	{
		HeapTuple	atttup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		bool		notnull = HeapTupleIsValid(atttup) &&
			(((Form_pg_attribute) GETSTRUCT(atttup))->attnotnull ||
			 DomainNotNull(((Form_pg_attribute) GETSTRUCT(atttup))->atttypid, InvalidOid));

		if (HeapTupleIsValid(atttup))
			ReleaseSysCache(atttup);
		/* a declared NOT NULL (or the domain's) enforces it whatever the CHECKs say */
		if (!notnull)
		{
			*kinds = lappend(*kinds, makeString("NOT NULL"));
			*preds = lappend(*preds, makeString(psprintf("%s IS NOT NULL", quote_identifier(field->name))));
		}
	}
}

/*
 * Which rules of a contract (min, max, enum, pattern of a field; NOT NULL of
 * a required field whose column is not declared NOT NULL) each of the CHECK
 * constraints one statement drops from a relation takes with it, in their
 * takes lists.  A rule is lost when the relation's CHECKs prove it before the
 * statement (with the dropped ones) and not after it (without them, with the
 * CHECKs the same statement adds, given as node strings).  A lost rule is
 * charged to each dropped constraint that alone would still prove it, or, if
 * none would, to all of them.
 */
static void
DroppedChecksTake(GuardContract *contract, Oid relid, List *dropped, List *added)
{
	Relation	rel;
	List	   *names = NIL;
	List	   *bins = NIL;
	ListCell   *lc;

	if (dropped == NIL || !SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return;
	foreach(lc, dropped)
	{
		DroppedCheck *d = lfirst(lc);

		if (d->bin)
			bins = lappend(bins, d->bin);
		else
			names = lappend(names, makeString(pstrdup(d->name)));
	}
	rel = relation_open(relid, AccessShareLock);
	foreach(lc, contract->fields)
	{
		GuardField *field = lfirst(lc);
		List	   *kinds;
		List	   *preds;
		List	   *domain;
		ListCell   *lck;
		ListCell   *lcp;
		AttrNumber	attnum = get_attnum(relid, field->name);

		if (attnum == InvalidAttrNumber)
			continue;
		FieldRules(field, relid, attnum, &kinds, &preds);
		/* the column's domain enforces what its CHECKs say, before and after */
		domain = DomainChecks(relid, attnum, InvalidOid);
		forboth(lck, kinds, lcp, preds)
		{
			const char *pred = strVal(lfirst(lcp));
			char	   *rule;
			bool		charged = false;
			ListCell   *lcd;

			if (!GuardProve(rel, pred, NIL, list_concat_copy(bins, domain)) ||
				GuardProve(rel, pred, names, list_concat_copy(added, domain)))
				continue;
			rule = psprintf("%s of column \"%s\"", strVal(lfirst(lck)), field->name);
			/* the dropped constraints that alone would keep the rule */
			foreach(lcd, dropped)
			{
				DroppedCheck *d = lfirst(lcd);
				List	   *excluded = names;
				List	   *extra = list_concat_copy(added, domain);

				if (d->bin)
					extra = lappend(extra, d->bin);
				else
					excluded = list_delete(list_copy(names), makeString(d->name));
				if (GuardProve(rel, pred, excluded, extra))
				{
					d->takes = lappend(d->takes, makeString(rule));
					charged = true;
				}
			}
			/* the prover judges one CHECK at a time, so this is a safety net */
			foreach(lcd, charged ? NIL : dropped)
			{
				DroppedCheck *d = lfirst(lcd);

				d->takes = lappend(d->takes, makeString(rule));
			}
		}
	}
	relation_close(rel, AccessShareLock);
}

/* "table "s.t"" and the like, for messages */
static char *
DescribeRelation(Oid relid)
{
	char		relkind = get_rel_relkind(relid);
	const char *what;
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));
	char	   *name = get_rel_name(relid);

	switch (relkind)
	{
		case RELKIND_VIEW:
			what = "view";
			break;
		case RELKIND_MATVIEW:
			what = "materialized view";
			break;
		case RELKIND_FOREIGN_TABLE:
			what = "foreign table";
			break;
		case RELKIND_PARTITIONED_TABLE:
			what = "partitioned table";
			break;
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			what = "index";
			break;
		default:
			what = "table";
			break;
	}
	return psprintf("%s \"%s.%s\"", what, nsp ? nsp : "?", name ? name : "?");
}

/* Column names of an int2 array of attribute numbers */
static List *
AttnumNames(Oid relid, int16 *attnums, int n)
{
	List	   *result = NIL;

	for (int i = 0; i < n; i++)
	{
		char	   *name;

		if (attnums[i] <= 0)
			return NIL;			/* system column or expression */
		name = get_attname(relid, attnums[i], true);
		if (name == NULL)
			return NIL;
		result = lappend(result, makeString(name));
	}
	return result;
}

/* Append a change unless the same text is already listed for the contract */
static void
AddChange(List **changes, GuardContract *contract, bool whole, char *text)
{
	ListCell   *lc;
	GuardChange *change;

	foreach(lc, *changes)
	{
		GuardChange *other = lfirst(lc);

		if (other->contract == contract && strcmp(other->text, text) == 0)
			return;
	}
	change = palloc(sizeof(GuardChange));
	change->contract = contract;
	change->text = text;
	change->whole_relation = whole;
	*changes = lappend(*changes, change);
}

/* The change for a dropped CHECK constraint that takes rules with it */
static void
CheckChange(List **changes, GuardContract *contract, Oid relid, DroppedCheck *d, const char *conname)
{
	StringInfoData rules;
	ListCell   *lc;

	if (d->takes == NIL)
		return;
	initStringInfo(&rules);
	foreach(lc, d->takes)
	{
		if (rules.len > 0)
			appendStringInfoString(&rules, ", ");
		appendStringInfoString(&rules, strVal(lfirst(lc)));
	}
	AddChange(changes, contract, false,
			  psprintf("check constraint \"%s\" of %s would be dropped (it enforces %s)",
					   conname, DescribeRelation(relid), rules.data));
}

/* Changes for a primary key or unique constraint that goes away */
static void
KeyConstraintChanges(List **changes, List *contracts, Oid relid, const char *conname,
					 char contype, List *colnames, List *excluded)
{
	ListCell   *lc;

	if (contype != CONSTRAINT_PRIMARY && contype != CONSTRAINT_UNIQUE)
		return;
	foreach(lc, contracts)
	{
		GuardContract *contract = lfirst(lc);

		if (EnforcesPromisedUnique(contract, relid, colnames, excluded))
			AddChange(changes, contract, false,
					  psprintf("%s constraint \"%s\" of %s would be dropped",
							   contype == CONSTRAINT_PRIMARY ? "primary key" : "unique",
							   conname, DescribeRelation(relid)));
	}
}

/* Type and columns of a constraint */
static bool
ConstraintInfo(Oid conoid, char *contype, Oid *conrelid, char **conname, List **colnames,
			   char **conbin)
{
	HeapTuple	tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	Form_pg_constraint con;
	bool		isnull;
	Datum		d;

	if (!HeapTupleIsValid(tuple))
		return false;
	con = (Form_pg_constraint) GETSTRUCT(tuple);
	*contype = con->contype;
	*conrelid = con->conrelid;
	*conname = pstrdup(NameStr(con->conname));
	*colnames = NIL;
	*conbin = NULL;
	d = SysCacheGetAttr(CONSTROID, tuple, Anum_pg_constraint_conbin, &isnull);
	if (!isnull)
		*conbin = TextDatumGetCString(d);
	d = SysCacheGetAttr(CONSTROID, tuple, Anum_pg_constraint_conkey, &isnull);
	if (!isnull && OidIsValid(con->conrelid))
	{
		Datum	   *elems;
		int			n;
		int16	   *attnums;

		deconstruct_array(DatumGetArrayTypeP(d), INT2OID, 2, true, TYPALIGN_SHORT,
						  &elems, NULL, &n);
		attnums = palloc(sizeof(int16) * Max(n, 1));
		for (int i = 0; i < n; i++)
			attnums[i] = DatumGetInt16(elems[i]);
		*colnames = AttnumNames(con->conrelid, attnums, n);
	}
	ReleaseSysCache(tuple);
	return true;
}

/* Indexes of the constraints an ALTER TABLE drops from a relation */
static List *
DroppedConstraintIndexes(AlterTableStmt *stmt, Oid relid)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		Oid			conoid;

		if (cmd->subtype != AT_DropConstraint)
			continue;
		conoid = get_relation_constraint_oid(relid, cmd->name, true);
		if (OidIsValid(conoid) && OidIsValid(get_constraint_index(conoid)))
			result = lappend_oid(result, get_constraint_index(conoid));
	}
	return result;
}

/* The CHECK constraints of a relation that an ALTER TABLE drops (DroppedCheck) */
static List *
DroppedChecks(AlterTableStmt *stmt, Oid relid)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		Oid			conoid;
		HeapTuple	tuple;

		if (cmd->subtype != AT_DropConstraint)
			continue;
		conoid = get_relation_constraint_oid(relid, cmd->name, true);
		if (!OidIsValid(conoid))
			continue;
		tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
		if (!HeapTupleIsValid(tuple))
			continue;
		if (((Form_pg_constraint) GETSTRUCT(tuple))->contype == CONSTRAINT_CHECK)
		{
			DroppedCheck *d = palloc0(sizeof(DroppedCheck));

			d->name = pstrdup(cmd->name);
			result = lappend(result, d);
		}
		ReleaseSysCache(tuple);
	}
	return result;
}

/*
 * The expression of a CHECK constraint an ALTER TABLE adds, cooked against
 * the relation as PostgreSQL will cook it, as a node string; NULL if it will
 * not be validated for every row (NOT VALID, NO INHERIT) or cannot be read
 * (any error means "proves nothing": the statement is then judged without it)
 */
static char *
CookAddedCheck(Relation rel, Constraint *con)
{
	char	   *result = NULL;
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	if (con->contype != CONSTR_CHECK || con->skip_validation || con->is_no_inherit)
		return NULL;
	if (con->cooked_expr)
		return pstrdup(con->cooked_expr);
	if (con->raw_expr == NULL)
		return NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		ParseState *pstate = make_parsestate(NULL);
		ParseNamespaceItem *nsitem;
		Node	   *expr;

		nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL, false, true);
		addNSItemToQuery(pstate, nsitem, true, true, true);
		expr = transformExpr(pstate, copyObject(con->raw_expr), EXPR_KIND_CHECK_CONSTRAINT);
		expr = coerce_to_boolean(pstate, expr, "CHECK");
		assign_expr_collations(pstate, expr);
		if (list_length(pstate->p_rtable) == 1)
			result = nodeToString(expr);
		free_parsestate(pstate);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		result = NULL;
	}
	PG_END_TRY();
	return result;
}

/* The CHECK constraints an ALTER TABLE adds to a relation (node strings) */
static List *
AddedChecks(AlterTableStmt *stmt, Oid relid)
{
	List	   *result = NIL;
	Relation	rel = NULL;
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		char	   *bin;

		if (cmd->subtype != AT_AddConstraint || !IsA(cmd->def, Constraint))
			continue;
		if (rel == NULL)
			rel = relation_open(relid, AccessShareLock);
		bin = CookAddedCheck(rel, castNode(Constraint, cmd->def));
		if (bin)
			result = lappend(result, bin);
	}
	if (rel)
		relation_close(rel, AccessShareLock);
	return result;
}

/* Tables whose row type is a composite type, and their descendants */
static List *
TypedTables(Oid typeoid)
{
	Relation	classrel = table_open(RelationRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	ScanKeyInit(&key, Anum_pg_class_reloftype, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(typeoid));
	scan = systable_beginscan(classrel, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		result = list_concat_unique_oid(result,
										find_all_inheritors(((Form_pg_class) GETSTRUCT(tuple))->oid,
															NoLock, NULL));
	systable_endscan(scan);
	table_close(classrel, AccessShareLock);
	return result;
}

/*
 * The rules of a field (NOT NULL, min, max, enum, pattern) that the column's
 * domains enforce and nothing else would once the column changes from its
 * domain to another type (the new type's domains, if it is one, and the
 * table's CHECKs count), as "NOT NULL, max" or NULL
 */
static char *
DomainRulesLost(GuardField *field, Oid relid, AttrNumber attnum, Oid newtype)
{
	Relation	rel;
	List	   *kinds;
	List	   *preds;
	List	   *domain;
	List	   *after = NIL;
	ListCell   *lck;
	ListCell   *lcp;
	StringInfoData rules;
	HeapTuple	atttup;
	bool		attnotnull = false;
	Oid			oldtype = InvalidOid;
	int32		oldmod = -1;
	Oid			oldcoll = InvalidOid;

	atttup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	if (HeapTupleIsValid(atttup))
	{
		attnotnull = ((Form_pg_attribute) GETSTRUCT(atttup))->attnotnull;
		oldtype = ((Form_pg_attribute) GETSTRUCT(atttup))->atttypid;
		oldmod = ((Form_pg_attribute) GETSTRUCT(atttup))->atttypmod;
		oldcoll = ((Form_pg_attribute) GETSTRUCT(atttup))->attcollation;
		ReleaseSysCache(atttup);
	}
	/* the new domain's CHECKs, over the column as the prover reads it today */
	if (get_typtype(newtype) == TYPTYPE_DOMAIN)
		after = TypeDomainChecks(newtype, makeVar(1, attnum, oldtype, oldmod, oldcoll, 0),
								 InvalidOid);
	initStringInfo(&rules);
	rel = relation_open(relid, AccessShareLock);
	if (field->not_null && !attnotnull && DomainNotNull(oldtype, InvalidOid) &&
		!DomainNotNull(newtype, InvalidOid) &&
		!GuardProve(rel, psprintf("%s IS NOT NULL", quote_identifier(field->name)), NIL, after))
		appendStringInfoString(&rules, "NOT NULL");
	FieldRules(field, relid, attnum, &kinds, &preds);
	domain = DomainChecks(relid, attnum, InvalidOid);
	forboth(lck, kinds, lcp, preds)
	{
		const char *pred = strVal(lfirst(lcp));

		if (domain != NIL && GuardProve(rel, pred, NIL, domain) &&
			!GuardProve(rel, pred, NIL, after))
			appendStringInfo(&rules, "%s%s", rules.len > 0 ? ", " : "", strVal(lfirst(lck)));
	}
	relation_close(rel, AccessShareLock);
	return rules.len > 0 ? rules.data : NULL;
}

/* Changes made by ALTER TABLE subcommands */
static List *
CheckAlterTable(AlterTableStmt *stmt)
{
	LOCKMODE	lockmode;
	Oid			relid;
	List	   *affected;
	List	   *changes = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	if (stmt->objtype == OBJECT_TYPE)
	{
		/* ALTER TYPE ... ALTER/DROP ATTRIBUTE ... CASCADE reaches typed tables */
		relid = RangeVarGetRelid(stmt->relation, NoLock, true);
		if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_COMPOSITE_TYPE ||
			!pg_type_ownercheck(get_rel_type_id(relid), GetUserId()))
			return NIL;
		EnsureGuardCache(GuardExtension());
		if (GuardEmpty())
			return NIL;
		affected = TypedTables(get_rel_type_id(relid));
		relid = InvalidOid;
	}
	else if (stmt->objtype == OBJECT_TABLE || stmt->objtype == OBJECT_VIEW ||
			 stmt->objtype == OBJECT_MATVIEW || stmt->objtype == OBJECT_FOREIGN_TABLE)
	{
		lockmode = AlterTableGetLockLevel(stmt->cmds);
		relid = RangeVarGetRelidExtended(stmt->relation, lockmode,
										 stmt->missing_ok ? RVR_MISSING_OK : 0,
										 RangeVarCallbackOwnsRelation, NULL);
		if (!OidIsValid(relid))
			return NIL;
		EnsureGuardCache(GuardExtension());
		if (GuardEmpty())
			return NIL;
		affected = stmt->relation->inh ? find_all_inheritors(relid, NoLock, NULL)
			: list_make1_oid(relid);
	}
	else
		return NIL;
	foreach(lc, affected)
	{
		Oid			rel = lfirst_oid(lc);
		List	   *contracts = ContractsWithAncestors(rel, RelationAncestors(rel));

		List	   *checksets = NIL;	/* per contract: what the dropped CHECKs take */
		List	   *added = NIL;

		if (contracts == NIL)
			continue;
		foreach(lc2, contracts)
		{
			List	   *dropped = DroppedChecks(stmt, rel);

			if (dropped != NIL && added == NIL)
				added = AddedChecks(stmt, rel);
			DroppedChecksTake(lfirst(lc2), rel, dropped, added);
			checksets = lappend(checksets, dropped);
		}
		foreach(lc2, stmt->cmds)
		{
			AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc2);
			ListCell   *lc3;

			foreach(lc3, contracts)
			{
				GuardContract *contract = lfirst(lc3);
				GuardField *field = ContractField(contract, cmd->name);

				switch (cmd->subtype)
				{
					case AT_DropColumn:
						if (field)
							AddChange(&changes, contract, false,
									  psprintf("column \"%s\" of %s would be dropped",
											   cmd->name, DescribeRelation(rel)));
						break;
					case AT_AlterColumnType:
						if (field)
						{
							ColumnDef  *def = castNode(ColumnDef, cmd->def);
							Oid			newtype;
							int32		newmod;
							Oid			oldtype;
							int32		oldmod;
							Oid			oldcoll;
							Oid			newbase;
							int32		newbasemod;
							Oid			wanttype = field->sql_typid;
							int32		wantmod = field->sql_typmod;
							AttrNumber	attnum = get_attnum(rel, cmd->name);

							if (attnum == InvalidAttrNumber)
								break;
							typenameTypeIdAndMod(NULL, def->typeName, &newtype, &newmod);
							get_atttypetypmodcoll(rel, attnum, &oldtype, &oldmod, &oldcoll);
							/* a domain over the contract's type is that type, as verify_contract reads it */
							newbasemod = newmod;
							newbase = getBaseTypeAndTypmod(newtype, &newbasemod);
							if ((newtype != oldtype || newmod != oldmod) &&
								!(OidIsValid(wanttype) && newbase == wanttype &&
								  (wantmod == -1 || newbasemod == wantmod)))
								AddChange(&changes, contract, false,
										  psprintf("column \"%s\" of %s would change type from %s to %s",
												   cmd->name, DescribeRelation(rel),
												   format_type_with_typemod(oldtype, oldmod),
												   format_type_with_typemod(newtype, newmod)));
							else if (newtype != oldtype && get_typtype(oldtype) == TYPTYPE_DOMAIN)
							{
								char	   *lost = DomainRulesLost(field, rel, attnum, newtype);

								if (lost)
									AddChange(&changes, contract, false,
											  psprintf("column \"%s\" of %s would change type from %s to %s (its domain enforces %s)",
													   cmd->name, DescribeRelation(rel),
													   format_type_with_typemod(oldtype, oldmod),
													   format_type_with_typemod(newtype, newmod), lost));
							}
						}
						break;
					case AT_DropNotNull:
						if (field && field->not_null)
							AddChange(&changes, contract, false,
									  psprintf("column \"%s\" of %s would lose its NOT NULL constraint",
											   cmd->name, DescribeRelation(rel)));
						break;
					case AT_DropConstraint:
						{
							Oid			conoid = get_relation_constraint_oid(rel, cmd->name, true);
							char		contype;
							Oid			conrelid;
							char	   *conname;
							List	   *colnames;
							char	   *conbin;

							if (!OidIsValid(conoid) ||
								!ConstraintInfo(conoid, &contype, &conrelid, &conname, &colnames, &conbin))
								break;
							KeyConstraintChanges(&changes, list_make1(contract), rel, conname, contype,
												 colnames, DroppedConstraintIndexes(stmt, rel));
							if (contype == CONSTRAINT_CHECK)
							{
								ListCell   *lcd;

								foreach(lcd, (List *) list_nth(checksets, foreach_current_index(lc3)))
									if (strcmp(((DroppedCheck *) lfirst(lcd))->name, conname) == 0)
										CheckChange(&changes, contract, rel, lfirst(lcd), conname);
							}
						}
						break;
					default:
						break;
				}
			}
		}
	}

	/* commands that take data away from a guarded parent */
	foreach(lc2, OidIsValid(relid) ? stmt->cmds : NIL)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc2);
		Oid			parent = InvalidOid;
		Oid			child = InvalidOid;

		if (cmd->subtype == AT_DetachPartition)
		{
			parent = relid;
			child = RangeVarGetRelid(castNode(PartitionCmd, cmd->def)->name, NoLock, true);
		}
		else if (cmd->subtype == AT_DropInherit)
		{
			parent = RangeVarGetRelid(castNode(RangeVar, cmd->def), NoLock, true);
			child = relid;
		}
		if (OidIsValid(parent) && OidIsValid(child))
		{
			List	   *contracts = ContractsWithAncestors(parent, RelationAncestors(parent));

			foreach(lc, contracts)
				AddChange(&changes, lfirst(lc), false,
						  psprintf("%s would be detached from %s",
								   DescribeRelation(child), DescribeRelation(parent)));
		}
	}
	return changes;
}

/* Changes made by RENAME statements */
static List *
CheckRename(RenameStmt *stmt)
{
	List	   *changes = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	Oid			relid;

	switch (stmt->renameType)
	{
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_FOREIGN_TABLE:
			relid = RangeVarGetRelidExtended(stmt->relation, AccessExclusiveLock,
											 stmt->missing_ok ? RVR_MISSING_OK : 0,
											 RangeVarCallbackOwnsRelation, NULL);
			if (!OidIsValid(relid))
				return NIL;
			EnsureGuardCache(GuardExtension());
			foreach(lc, DirectContracts(relid))
				AddChange(&changes, lfirst(lc), false,
						  psprintf("%s would be renamed to \"%s\"",
								   DescribeRelation(relid), stmt->newname));
			break;
		case OBJECT_COLUMN:
			relid = RangeVarGetRelidExtended(stmt->relation, AccessExclusiveLock,
											 stmt->missing_ok ? RVR_MISSING_OK : 0,
											 RangeVarCallbackOwnsRelation, NULL);
			if (!OidIsValid(relid))
				return NIL;
			EnsureGuardCache(GuardExtension());
			if (GuardEmpty())
				return NIL;
			foreach(lc, stmt->relation->inh ? find_all_inheritors(relid, NoLock, NULL)
					: list_make1_oid(relid))
			{
				Oid			rel = lfirst_oid(lc);

				foreach(lc2, ContractsWithAncestors(rel, RelationAncestors(rel)))
					if (ContractField(lfirst(lc2), stmt->subname))
						AddChange(&changes, lfirst(lc2), false,
								  psprintf("column \"%s\" of %s would be renamed to \"%s\"",
										   stmt->subname, DescribeRelation(rel), stmt->newname));
			}
			break;
		case OBJECT_ATTRIBUTE:
			/* ALTER TYPE ... RENAME ATTRIBUTE ... CASCADE reaches typed tables */
			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_COMPOSITE_TYPE ||
				!pg_type_ownercheck(get_rel_type_id(relid), GetUserId()))
				return NIL;
			EnsureGuardCache(GuardExtension());
			if (GuardEmpty())
				return NIL;
			foreach(lc, TypedTables(get_rel_type_id(relid)))
			{
				Oid			rel = lfirst_oid(lc);

				foreach(lc2, ContractsWithAncestors(rel, RelationAncestors(rel)))
					if (ContractField(lfirst(lc2), stmt->subname))
						AddChange(&changes, lfirst(lc2), false,
								  psprintf("column \"%s\" of %s would be renamed to \"%s\"",
										   stmt->subname, DescribeRelation(rel), stmt->newname));
			}
			break;
		case OBJECT_SCHEMA:
			{
				Oid			nsp = get_namespace_oid(stmt->subname, true);
				HASH_SEQ_STATUS status;
				GuardEntry *entry;

				/* a role that may not rename it hears so from PostgreSQL */
				if (!OidIsValid(nsp) || !pg_namespace_ownercheck(nsp, GetUserId()))
					return NIL;
				EnsureGuardCache(GuardExtension());
				if (GuardEmpty())
					return NIL;
				hash_seq_init(&status, GuardRelations);
				while ((entry = hash_seq_search(&status)) != NULL)
					if (get_rel_namespace(entry->relid) == nsp)
						foreach(lc, entry->contracts)
							AddChange(&changes, lfirst(lc), false,
									  psprintf("schema \"%s\" of %s would be renamed to \"%s\"",
											   stmt->subname, DescribeRelation(entry->relid),
											   stmt->newname));
			}
			break;
		default:
			break;
	}
	return changes;
}

/* Changes made by ALTER ... SET SCHEMA */
static List *
CheckSetSchema(AlterObjectSchemaStmt *stmt)
{
	List	   *changes = NIL;
	ListCell   *lc;
	Oid			relid;

	if (stmt->objectType != OBJECT_TABLE && stmt->objectType != OBJECT_VIEW &&
		stmt->objectType != OBJECT_MATVIEW && stmt->objectType != OBJECT_FOREIGN_TABLE)
		return NIL;
	relid = RangeVarGetRelidExtended(stmt->relation, AccessExclusiveLock,
									 stmt->missing_ok ? RVR_MISSING_OK : 0,
									 RangeVarCallbackOwnsRelation, NULL);
	if (!OidIsValid(relid))
		return NIL;
	EnsureGuardCache(GuardExtension());
	foreach(lc, DirectContracts(relid))
		AddChange(&changes, lfirst(lc), false,
				  psprintf("%s would move to schema \"%s\"",
						   DescribeRelation(relid), stmt->newschema));
	return changes;
}

/* Changes made by CREATE OR REPLACE VIEW to the columns of a guarded view */
static List *
CheckReplaceView(ViewStmt *stmt, const char *queryString, PlannedStmt *pstmt)
{
	List	   *changes = NIL;
	Oid			relid;
	List	   *contracts;
	RawStmt    *raw;
	Query	   *query;
	ListCell   *lc;

	if (!stmt->replace)
		return NIL;
	relid = RangeVarGetRelidExtended(stmt->view, AccessExclusiveLock, RVR_MISSING_OK,
									 RangeVarCallbackOwnsRelation, NULL);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_VIEW)
		return NIL;
	EnsureGuardCache(GuardExtension());
	contracts = DirectContracts(relid);
	if (contracts == NIL)
		return NIL;

	/* the columns the new definition would give the view */
	raw = makeNode(RawStmt);
	raw->stmt = copyObject(stmt->query);
	raw->stmt_location = pstmt->stmt_location;
	raw->stmt_len = pstmt->stmt_len;
	query = parse_analyze_fixedparams(raw, queryString, NULL, 0, NULL);

	foreach(lc, contracts)
	{
		GuardContract *contract = lfirst(lc);
		ListCell   *lcf;

		foreach(lcf, contract->fields)
		{
			GuardField *field = lfirst(lcf);
			AttrNumber	attnum = get_attnum(relid, field->name);
			Oid			oldtype;
			int32		oldmod;
			Oid			oldcoll;
			ListCell   *lct;
			ListCell   *alias = list_head(stmt->aliases);
			bool		found = false;

			if (attnum == InvalidAttrNumber)
				continue;		/* not there today: verify_contract reports it */
			get_atttypetypmodcoll(relid, attnum, &oldtype, &oldmod, &oldcoll);
			foreach(lct, query->targetList)
			{
				TargetEntry *tle = lfirst_node(TargetEntry, lct);
				const char *name = tle->resname;

				if (tle->resjunk)
					continue;
				if (alias != NULL)
				{
					name = strVal(lfirst(alias));
					alias = lnext(stmt->aliases, alias);
				}
				if (name && strcmp(name, field->name) == 0)
				{
					Oid			newtype = exprType((Node *) tle->expr);
					int32		newmod = exprTypmod((Node *) tle->expr);

					found = true;
					if (newtype != oldtype || newmod != oldmod)
						AddChange(&changes, contract, false,
								  psprintf("column \"%s\" of %s would change type from %s to %s",
										   field->name, DescribeRelation(relid),
										   format_type_with_typemod(oldtype, oldmod),
										   format_type_with_typemod(newtype, newmod)));
					break;
				}
			}
			if (!found)
				AddChange(&changes, contract, false,
						  psprintf("column \"%s\" of %s would be removed",
								   field->name, DescribeRelation(relid)));
		}
	}
	return changes;
}

/* "domain "s.d"", for messages */
static char *
DescribeDomain(Oid domoid)
{
	HeapTuple	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(domoid));
	char	   *result;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for type %u", domoid);
	result = psprintf("domain \"%s.%s\"",
					  get_namespace_name(((Form_pg_type) GETSTRUCT(tuple))->typnamespace),
					  NameStr(((Form_pg_type) GETSTRUCT(tuple))->typname));
	ReleaseSysCache(tuple);
	return result;
}

/*
 * Columns of tables and foreign tables whose type is a domain or a domain
 * over it, as parallel lists of relation OIDs and attribute numbers
 */
static void
DomainColumns(Oid domoid, List **relids, List **attnums)
{
	List	   *todo = list_make1_oid(domoid);
	List	   *seen = NIL;
	Relation	dep = table_open(DependRelationId, AccessShareLock);

	*relids = NIL;
	*attnums = NIL;
	while (todo != NIL)
	{
		Oid			typid = linitial_oid(todo);
		ScanKeyData key[2];
		SysScanDesc scan;
		HeapTuple	tuple;

		todo = list_delete_first(todo);
		if (list_member_oid(seen, typid) || list_length(seen) >= 1000)
			continue;
		seen = lappend_oid(seen, typid);
		ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(TypeRelationId));
		ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(typid));
		scan = systable_beginscan(dep, DependReferenceIndexId, true, NULL, 2, key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tuple);
			char		relkind;

			if (d->classid == TypeRelationId && get_typtype(d->objid) == TYPTYPE_DOMAIN)
				todo = lappend_oid(todo, d->objid);		/* a domain over this one */
			else if (d->classid == RelationRelationId && d->objsubid > 0 &&
					 ((relkind = get_rel_relkind(d->objid)) == RELKIND_RELATION ||
					  relkind == RELKIND_PARTITIONED_TABLE || relkind == RELKIND_FOREIGN_TABLE) &&
					 get_atttype(d->objid, d->objsubid) == typid)
			{
				*relids = lappend_oid(*relids, d->objid);
				*attnums = lappend_int(*attnums, d->objsubid);
			}
		}
		systable_endscan(scan);
	}
	table_close(dep, AccessShareLock);
}

/*
 * Changes made by ALTER DOMAIN ... DROP NOT NULL and ALTER DOMAIN ... DROP
 * CONSTRAINT to the contracted columns of that domain (or of a domain over
 * it): a promised NOT NULL that nothing else enforces, a rule (min, max,
 * enum, pattern, NOT NULL) the domain's CHECK proved and the remaining
 * CHECKs of the column's table and domains do not.  The other ALTER DOMAIN
 * forms tighten (ADD CONSTRAINT, SET NOT NULL) or touch nothing a contract
 * states (defaults, owner, names: the guard compares types by OID).
 */
static List *
CheckAlterDomain(AlterDomainStmt *stmt)
{
	List	   *changes = NIL;
	Oid			domoid;
	Oid			conoid = InvalidOid;
	char	   *domname;
	List	   *relids;
	List	   *attnums;
	ListCell   *lc;
	ListCell   *lc2;

	if (stmt->subtype != 'N' && stmt->subtype != 'X')
		return NIL;
	domoid = LookupTypeNameOid(NULL, makeTypeNameFromNameList(stmt->typeName), true);
	/* a role that may not alter it hears so from PostgreSQL */
	if (!OidIsValid(domoid) || get_typtype(domoid) != TYPTYPE_DOMAIN ||
		!pg_type_ownercheck(domoid, GetUserId()))
		return NIL;
	if (stmt->subtype == 'X')
	{
		conoid = get_domain_constraint_oid(domoid, stmt->name, true);
		if (!OidIsValid(conoid))
			return NIL;
	}
	else if (!DomainNotNull(domoid, InvalidOid) || DomainNotNull(domoid, domoid))
		return NIL;				/* not NOT NULL, or still NOT NULL beneath */
	DomainColumns(domoid, &relids, &attnums);
	if (relids == NIL)
		return NIL;
	/* like DDL on the tables: wait for contract activations in flight */
	foreach(lc, relids)
		LockRelationOid(lfirst_oid(lc), ShareUpdateExclusiveLock);
	EnsureGuardCache(GuardExtension());
	if (GuardEmpty())
		return NIL;
	domname = DescribeDomain(domoid);
	forboth(lc, relids, lc2, attnums)
	{
		Oid			relid = lfirst_oid(lc);
		AttrNumber	attnum = (AttrNumber) lfirst_int(lc2);
		char	   *attname = get_attname(relid, attnum, true);
		ListCell   *lcc;

		if (attname == NULL)
			continue;
		foreach(lcc, ContractsWithAncestors(relid, RelationAncestors(relid)))
		{
			GuardContract *contract = lfirst(lcc);
			GuardField *field = ContractField(contract, attname);
			Relation	rel;

			if (field == NULL)
				continue;
			rel = relation_open(relid, AccessShareLock);
			if (stmt->subtype == 'N')
			{
				HeapTuple	atttup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
													 Int16GetDatum(attnum));
				bool		notnull = HeapTupleIsValid(atttup) &&
					((Form_pg_attribute) GETSTRUCT(atttup))->attnotnull;

				if (HeapTupleIsValid(atttup))
					ReleaseSysCache(atttup);
				if (field->not_null && !notnull &&
					!GuardProve(rel, psprintf("%s IS NOT NULL", quote_identifier(attname)), NIL,
									  DomainChecks(relid, attnum, InvalidOid)))
					AddChange(&changes, contract, false,
							  psprintf("column \"%s\" of %s would lose its NOT NULL constraint (%s drops NOT NULL)",
									   attname, DescribeRelation(relid), domname));
			}
			else
			{
				List	   *kinds;
				List	   *preds;
				List	   *before = DomainChecks(relid, attnum, InvalidOid);
				List	   *after = DomainChecks(relid, attnum, conoid);
				ListCell   *lck;
				ListCell   *lcp;
				StringInfoData rules;

				initStringInfo(&rules);
				FieldRules(field, relid, attnum, &kinds, &preds);
				forboth(lck, kinds, lcp, preds)
				{
					const char *pred = strVal(lfirst(lcp));

					if (GuardProve(rel, pred, NIL, before) && !GuardProve(rel, pred, NIL, after))
						appendStringInfo(&rules, "%s%s", rules.len > 0 ? ", " : "", strVal(lfirst(lck)));
				}
				if (rules.len > 0)
					AddChange(&changes, contract, false,
							  psprintf("check constraint \"%s\" of %s would be dropped (it enforces %s of column \"%s\" of %s)",
									   stmt->name, domname, rules.data, attname, DescribeRelation(relid)));
			}
			relation_close(rel, AccessShareLock);
		}
	}
	return changes;
}

/*
 * Changes made by DROP INDEX CONCURRENTLY, decided before it starts: it marks
 * the index invalid and commits before dropping it, so an error at the end of
 * the statement would come too late.
 */
static List *
CheckDropIndexConcurrently(DropStmt *stmt)
{
	List	   *changes = NIL;
	List	   *indexes = NIL;
	ListCell   *lc;

	if (stmt->removeType != OBJECT_INDEX || GuardEmpty())
		return NIL;
	foreach(lc, stmt->objects)
	{
		Oid			indexoid = RangeVarGetRelid(makeRangeVarFromNameList(lfirst(lc)), NoLock, true);

		/* a role that may not drop it hears so from PostgreSQL */
		if (OidIsValid(indexoid) && pg_class_ownercheck(indexoid, GetUserId()))
			indexes = lappend_oid(indexes, indexoid);
	}
	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		Form_pg_index index;
		Oid			relid;
		List	   *columns;
		ListCell   *lc2;

		if (!HeapTupleIsValid(tuple))
			continue;
		index = (Form_pg_index) GETSTRUCT(tuple);
		relid = index->indrelid;
		if (!index->indisunique || !heap_attisnull(tuple, Anum_pg_index_indpred, NULL))
		{
			ReleaseSysCache(tuple);
			continue;
		}
		columns = AttnumNames(relid, index->indkey.values, index->indnkeyatts);
		ReleaseSysCache(tuple);
		foreach(lc2, ContractsWithAncestors(relid, RelationAncestors(relid)))
			if (EnforcesPromisedUnique(lfirst(lc2), relid, columns, indexes))
				AddChange(&changes, lfirst(lc2), false,
						  psprintf("unique index \"%s\" of %s would be dropped",
								   get_rel_name(indexoid), DescribeRelation(relid)));
	}
	return changes;
}

/* Changes that the dropped objects recorded by OAT_DROP make */
static List *
EvaluateDropFacts(List *facts)
{
	List	   *changes = NIL;
	ListCell   *lc;

	foreach(lc, facts)
	{
		DropFact   *fact = lfirst(lc);
		ListCell   *lc2;

		switch (fact->kind)
		{
			case 'r':
				foreach(lc2, DirectContracts(fact->relid))
					AddChange(&changes, lfirst(lc2), true,
							  psprintf("%s would be dropped", fact->relname));
				foreach(lc2, ContractsWithAncestors(InvalidOid, fact->ancestors))
				{
					GuardContract *contract = lfirst(lc2);

					AddChange(&changes, contract, false,
							  psprintf("%s, part of %s, would be dropped",
									   fact->relname, contract->relname));
				}
				break;
			case 'a':
				foreach(lc2, ContractsWithAncestors(fact->relid, fact->ancestors))
					if (ContractField(lfirst(lc2), fact->objname))
						AddChange(&changes, lfirst(lc2), false,
								  psprintf("column \"%s\" of %s would be dropped",
										   fact->objname, fact->relname));
				break;
			case 'c':
				KeyConstraintChanges(&changes, ContractsWithAncestors(fact->relid, fact->ancestors),
									 fact->relid, fact->objname, fact->contype, fact->colnames, NIL);
				if (fact->contype == CONSTRAINT_CHECK && fact->conbin)
					foreach(lc2, ContractsWithAncestors(fact->relid, fact->ancestors))
					{
						List	   *dropped = NIL;
						DroppedCheck *self = NULL;
						ListCell   *lcf;

						/* the CHECKs of the relation this statement dropped, together */
						foreach(lcf, facts)
						{
							DropFact   *other = lfirst(lcf);
							DroppedCheck *d;

							if (other->kind != 'c' || other->contype != CONSTRAINT_CHECK ||
								other->relid != fact->relid || other->conbin == NULL)
								continue;
							d = palloc0(sizeof(DroppedCheck));
							d->name = other->objname;
							d->bin = other->conbin;
							dropped = lappend(dropped, d);
							if (other == fact)
								self = d;
						}
						DroppedChecksTake(lfirst(lc2), fact->relid, dropped, NIL);
						CheckChange(&changes, lfirst(lc2), fact->relid, self, fact->objname);
					}
				break;
			case 'i':
				foreach(lc2, ContractsWithAncestors(fact->relid, fact->ancestors))
					if (EnforcesPromisedUnique(lfirst(lc2), fact->relid, fact->colnames, NIL))
						AddChange(&changes, lfirst(lc2), false,
								  psprintf("unique index \"%s\" of %s would be dropped",
										   fact->objname, fact->relname));
				break;
		}
	}
	return changes;
}

/* Whether the relation or an ancestor is guarded (by the current cache) */
static bool
PossiblyGuarded(Oid relid, List *ancestors)
{
	ListCell   *lc;

	if (!GuardValid)
		return true;			/* decide at the end, with fresh contracts */
	if (DirectContracts(relid) != NIL)
		return true;
	foreach(lc, ancestors)
		if (DirectContracts(lfirst_oid(lc)) != NIL)
			return true;
	return false;
}

/* OAT_DROP: remember dropped relations, columns, constraints, unique indexes */
static void
GuardObjectAccess(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	GuardLevel *level = CurrentGuardLevel;
	DropFact   *fact;
	MemoryContext old;

	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);

	if (access != OAT_DROP || level == NULL || !datamesh_contract_guard)
		return;
	if (arg && (((ObjectAccessDrop *) arg)->dropflags & PERFORM_DELETION_INTERNAL))
		return;
	if (GuardValid && GuardEmpty())
		return;

	old = MemoryContextSwitchTo(level->cxt);
	fact = palloc0(sizeof(DropFact));
	if (classId == RelationRelationId)
	{
		char		relkind = get_rel_relkind(objectId);

		if (relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX)
		{
			HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(objectId));
			Form_pg_index index;

			if (!HeapTupleIsValid(tuple))
				goto skip;
			index = (Form_pg_index) GETSTRUCT(tuple);
			if (!index->indisunique || !heap_attisnull(tuple, Anum_pg_index_indpred, NULL) ||
				OidIsValid(get_index_constraint(objectId)))
			{
				ReleaseSysCache(tuple);
				goto skip;		/* constraint-backed indexes: see the constraint */
			}
			fact->kind = 'i';
			fact->relid = index->indrelid;
			fact->colnames = AttnumNames(index->indrelid, index->indkey.values,
										 index->indnkeyatts);
			ReleaseSysCache(tuple);
			fact->objname = get_rel_name(objectId);
		}
		else if (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
				 relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW ||
				 relkind == RELKIND_FOREIGN_TABLE)
		{
			fact->kind = subId > 0 ? 'a' : 'r';
			fact->relid = objectId;
			if (subId > 0)
				fact->objname = get_attname(objectId, subId, true);
		}
		else
			goto skip;
	}
	else if (classId == ConstraintRelationId)
	{
		Oid			conrelid;

		if (!ConstraintInfo(objectId, &fact->contype, &conrelid, &fact->objname, &fact->colnames,
							&fact->conbin) ||
			!OidIsValid(conrelid))
			goto skip;
		fact->kind = 'c';
		fact->relid = conrelid;
	}
	else
		goto skip;

	fact->ancestors = RelationAncestors(fact->relid);
	if (!PossiblyGuarded(fact->relid, fact->ancestors))
		goto skip;
	fact->relname = DescribeRelation(fact->relid);
	level->facts = lappend(level->facts, fact);
	MemoryContextSwitchTo(old);
	return;

skip:
	pfree(fact);
	MemoryContextSwitchTo(old);
}

/* Compare two version strings by their numeric major.minor.patch, then as text */
static int
CompareVersions(const char *a, const char *b)
{
	const char *pa = a;
	const char *pb = b;

	for (int i = 0; i < 3; i++)
	{
		long		na = strtol(pa, (char **) &pa, 10);
		long		nb = strtol(pb, (char **) &pb, 10);

		if (na != nb)
			return na < nb ? -1 : 1;
		if (*pa == '.')
			pa++;
		if (*pb == '.')
			pb++;
	}
	return strcmp(a, b);
}

/* Order contracts by product, then version, for stable messages */
static int
CompareContracts(const ListCell *a, const ListCell *b)
{
	GuardContract *ca = lfirst(a);
	GuardContract *cb = lfirst(b);
	int			cmp = strcmp(ca->product_id, cb->product_id);

	return cmp != 0 ? cmp : CompareVersions(ca->version, cb->version);
}

/*
 * Refuse the statement if it breaks an enforced contract, unless the product
 * owner overrode the guard for each product concerned in this transaction;
 * overridden changes are recorded.
 */
static void
GuardDecide(GuardLevel *level, List *changes)
{
	List	   *kept = NIL;
	List	   *contracts = NIL;
	List	   *refused = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	GuardSpi	spi;
	StringInfoData detail;
	StringInfoData names;
	Oid			caller = GetUserId();

	/* a contract whose relation goes away: that one change says it all */
	foreach(lc, changes)
	{
		GuardChange *change = lfirst(lc);
		bool		covered = false;
		bool		seen = false;

		foreach(lc2, changes)
		{
			GuardChange *other = lfirst(lc2);

			if (other != change && other->contract == change->contract &&
				other->whole_relation && !change->whole_relation)
				covered = true;
		}
		foreach(lc2, level->reported)
			if (strcmp(strVal(lfirst(lc2)), change->text) == 0)
				seen = true;
		if (!covered && !seen)
		{
			kept = lappend(kept, change);
			contracts = list_append_unique_ptr(contracts, change->contract);
		}
	}
	if (kept == NIL)
		return;
	list_sort(contracts, CompareContracts);

	foreach(lc, kept)
	{
		MemoryContext old = MemoryContextSwitchTo(level->cxt);

		level->reported = lappend(level->reported,
								  makeString(pstrdup(((GuardChange *) lfirst(lc))->text)));
		MemoryContextSwitchTo(old);
	}

	initStringInfo(&detail);
	initStringInfo(&names);
	GuardSpiBegin(&spi, GuardExtension());
	foreach(lc, contracts)
	{
		GuardContract *contract = lfirst(lc);
		Oid			argtypes[1] = {TEXTOID};
		Datum		args[1] = {CStringGetTextDatum(contract->product_id)};
		bool		overridden;
		char	   *consumers;

		if (SPI_execute_with_args("SELECT max(o.override_id) FROM datamesh.contract_guard_overrides o"
								  " WHERE o.product_id = $1"
								  " AND o.xact_id = pg_catalog.pg_current_xact_id_if_assigned()",
								  1, argtypes, args, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "reading contract guard overrides failed");
		overridden = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) != NULL;
		if (overridden)
		{
			char	   *override_id = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			foreach(lc2, kept)
			{
				GuardChange *change = lfirst(lc2);
				Oid			types[5] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, OIDOID};
				Datum		values[5];

				if (change->contract != contract)
					continue;
				values[0] = DirectFunctionCall1(int8in, CStringGetDatum(override_id));
				values[1] = CStringGetTextDatum(contract->version);
				values[2] = CStringGetTextDatum(level->statement);
				values[3] = CStringGetTextDatum(change->text);
				values[4] = ObjectIdGetDatum(caller);
				if (SPI_execute_with_args("INSERT INTO datamesh.contract_guard_overridden_changes"
										  " (override_id, contract_version, statement, change, executed_by)"
										  " VALUES ($1, $2::datamesh.semver, $3, $4, $5::pg_catalog.regrole)",
										  5, types, values, NULL, false, 0) != SPI_OK_INSERT)
					elog(ERROR, "recording an overridden change failed");
			}
			continue;
		}

		refused = lappend(refused, contract);
		if (SPI_execute_with_args("SELECT pg_catalog.string_agg(pg_catalog.format('%s %s (%s)',"
								  " c.consumer, c.consumer_version, c.via), ', '"
								  " ORDER BY c.consumer, c.consumer_version, c.via)"
								  " FROM datamesh._contract_consumers($1) c",
								  1, argtypes, args, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "reading the consumers of a data product failed");
		consumers = SpiText(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, spi.outer);

		if (names.len > 0)
			appendStringInfoString(&names, ", ");
		appendStringInfo(&names, "\"%s\" %s", contract->product_id, contract->version);
		if (detail.len > 0)
			appendStringInfoChar(&detail, '\n');
		appendStringInfo(&detail, "Contract \"%s\" %s (%s):",
						 contract->product_id, contract->version, contract->relname);
		foreach(lc2, kept)
		{
			GuardChange *change = lfirst(lc2);

			if (change->contract == contract)
				appendStringInfo(&detail, "\n  %s", change->text);
		}
		if (consumers)
			appendStringInfo(&detail, "\n  consumers: %s", consumers);
		else
			appendStringInfoString(&detail, "\n  consumers: none registered");
	}
	GuardSpiEnd(&spi);

	if (refused != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("statement would break data contract%s %s",
						list_length(refused) > 1 ? "s" : "", names.data),
				 errdetail_internal("%s", detail.data),
				 errhint("Publish a new major contract version and deprecate or retire this one first; in an emergency the product owner may call datamesh.override_contract_guard(product_id, reason) in this transaction.")));

	foreach(lc, contracts)
	{
		GuardContract *contract = lfirst(lc);
		MemoryContext old;

		if (list_member_ptr(level->warned, contract))
			continue;
		old = MemoryContextSwitchTo(level->cxt);
		level->warned = lappend(level->warned, contract);
		MemoryContextSwitchTo(old);
		ereport(WARNING,
				(errmsg("contract guard overridden for data contract \"%s\" %s",
						contract->product_id, contract->version),
				 errdetail("The breaking changes are recorded in datamesh.contract_guard_overridden_changes.")));
	}
}

/*
 * Changes made by ALTER TYPE ... RENAME VALUE: every row of a contract field
 * of that enum type (or an array of it, or a domain over either) holding the
 * value changes.  ADD VALUE only widens the type.
 */
static List *
CheckAlterEnum(AlterEnumStmt *stmt)
{
	List	   *changes = NIL;
	HASH_SEQ_STATUS status;
	GuardEntry *entry;
	ListCell   *lc;
	ListCell   *lc2;
	Oid			typid;
	Oid			arraytypid;

	if (stmt->oldVal == NULL)
		return NIL;
	typid = typenameTypeId(NULL, makeTypeNameFromNameList(stmt->typeName));
	/* a role that may not rename it, or a value that is not there: PostgreSQL says so */
	if (get_typtype(typid) != TYPTYPE_ENUM || !pg_type_ownercheck(typid, GetUserId()) ||
		!SearchSysCacheExists2(ENUMTYPOIDNAME, ObjectIdGetDatum(typid), CStringGetDatum(stmt->oldVal)))
		return NIL;
	EnsureGuardCache(GuardExtension());
	if (GuardEmpty())
		return NIL;
	arraytypid = get_array_type(typid);
	hash_seq_init(&status, GuardRelations);
	while ((entry = hash_seq_search(&status)) != NULL)
		foreach(lc, entry->contracts)
			foreach(lc2, ((GuardContract *) lfirst(lc))->fields)
			{
				GuardField *field = lfirst(lc2);
				AttrNumber	attnum = get_attnum(entry->relid, field->name);
				Oid			base;

				if (attnum == InvalidAttrNumber)
					continue;
				base = getBaseType(get_atttype(entry->relid, attnum));
				if (base == typid || (OidIsValid(arraytypid) && base == arraytypid))
					AddChange(&changes, lfirst(lc), false,
							  psprintf("value \"%s\" of type %s in column \"%s\" of %s would be renamed to \"%s\"",
									   stmt->oldVal, format_type_be(typid), field->name,
									   DescribeRelation(entry->relid), stmt->newVal));
			}
	return changes;
}

/* Whether a statement is one the guard looks at */
static bool
GuardedStatement(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
		case T_RenameStmt:
		case T_AlterObjectSchemaStmt:
		case T_ViewStmt:
		case T_DropStmt:
		case T_DropOwnedStmt:
		case T_AlterEnumStmt:
		case T_AlterDomainStmt:
			return true;
		default:
			return false;
	}
}

/* ProcessUtility_hook: check guarded statements, then run them */
static void
GuardProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					ProcessUtilityContext context, ParamListInfo params,
					QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	GuardLevel	level;

	if (!datamesh_contract_guard || !GuardedStatement(parsetree) ||
		!OidIsValid(GuardExtension()))
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
		return;
	}

	MemSet(&level, 0, sizeof(level));
	level.outer = CurrentGuardLevel;
	level.cxt = CurrentMemoryContext;
	if (pstmt->stmt_location >= 0 && pstmt->stmt_len > 0)
		level.statement = pnstrdup(queryString + pstmt->stmt_location, pstmt->stmt_len);
	else if (pstmt->stmt_location > 0)
		level.statement = pstrdup(queryString + pstmt->stmt_location);
	else
		level.statement = queryString ? queryString : "";

	CurrentGuardLevel = &level;
	PG_TRY();
	{
		List	   *changes = NIL;

		switch (nodeTag(parsetree))
		{
			case T_AlterTableStmt:
				changes = CheckAlterTable((AlterTableStmt *) parsetree);
				break;
			case T_RenameStmt:
				changes = CheckRename((RenameStmt *) parsetree);
				break;
			case T_AlterObjectSchemaStmt:
				changes = CheckSetSchema((AlterObjectSchemaStmt *) parsetree);
				break;
			case T_ViewStmt:
				changes = CheckReplaceView((ViewStmt *) parsetree, queryString, pstmt);
				break;
			case T_AlterEnumStmt:
				changes = CheckAlterEnum((AlterEnumStmt *) parsetree);
				break;
			case T_AlterDomainStmt:
				changes = CheckAlterDomain((AlterDomainStmt *) parsetree);
				break;
			case T_DropStmt:
				/* drops are seen object by object through OAT_DROP ... */
				EnsureGuardCache(GuardExtension());
				/* ... except DROP INDEX CONCURRENTLY, which commits as it goes */
				if (((DropStmt *) parsetree)->concurrent)
					changes = CheckDropIndexConcurrently((DropStmt *) parsetree);
				break;
			default:
				EnsureGuardCache(GuardExtension());
				break;
		}
		GuardDecide(&level, changes);

		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);

		if (level.facts != NIL)
		{
			EnsureGuardCache(GuardExtension());
			GuardDecide(&level, EvaluateDropFacts(level.facts));
		}
	}
	PG_FINALLY();
	{
		CurrentGuardLevel = level.outer;
	}
	PG_END_TRY();
}

/*
 * Trigger on datamesh.contracts and datamesh.contract_fields: invalidate the
 * guard caches of every backend (at commit, through the sentinel table
 * datamesh.contract_guard_sentinel) and, for a contract that becomes
 * enforced, lock its relation against concurrent breaking DDL until commit.
 */
Datum
datamesh_contract_guard_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	Oid			sentinel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "datamesh_contract_guard_trigger: not called as a trigger");
	rel = trigdata->tg_relation;
	sentinel = get_relname_relid("contract_guard_sentinel", RelationGetNamespace(rel));
	if (!OidIsValid(sentinel))
		elog(ERROR, "datamesh.contract_guard_sentinel does not exist");
	CacheInvalidateRelcacheByRelid(sentinel);

	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) &&
		(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) || TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
	{
		HeapTuple	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
			trigdata->tg_newtuple : trigdata->tg_trigtuple;
		TupleDesc	desc = RelationGetDescr(rel);
		int			status_att = SPI_fnumber(desc, "status");
		int			relation_att = SPI_fnumber(desc, "relation");
		bool		isnull;
		Datum		status;
		Datum		relation;

		if (status_att <= 0 || relation_att <= 0)
			elog(ERROR, "datamesh_contract_guard_trigger: table \"%s\" has no status or relation",
				 RelationGetRelationName(rel));
		status = heap_getattr(tuple, status_att, desc, &isnull);
		if (!isnull && strcmp(TextDatumGetCString(status), "active") == 0)
		{
			relation = heap_getattr(tuple, relation_att, desc, &isnull);
			if (!isnull && SearchSysCacheExists1(RELOID, relation))
				LockRelationOid(DatumGetObjectId(relation), ShareUpdateExclusiveLock);
		}
	}
	return PointerGetDatum(NULL);
}

/* Install the hooks (called from _PG_init) */
void
ContractGuardInit(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = GuardProcessUtility;
	prev_object_access_hook = object_access_hook;
	object_access_hook = GuardObjectAccess;
}
