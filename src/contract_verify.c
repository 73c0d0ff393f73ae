/*
 * contract_verify.c
 *		Run a contract's data rules over its relation as the caller.
 *
 * validate_data follows the trampoline pattern of invoker.c in three steps:
 *
 * 1. datamesh._validation_plan(product, version, caller), SECURITY DEFINER
 *    and reachable only through fmgr, reads the contract and generates the
 *    queries: one scan of the relation with a FILTERed aggregate per rule,
 *    a grouped pass per unique key no unique index guarantees, and a
 *    LIMITed query per rule for example keys.
 * 2. Those queries run here through SPI as the caller, so reading the data
 *    needs the caller's own SELECT privilege.  Quality rules are SQL written
 *    by the product owner, so the queries run in a read-only transaction
 *    state, as a security-restricted operation, with search_path pinned to
 *    pg_catalog, pg_temp: a rule cannot write, change roles or capture
 *    unqualified names through the caller's search_path.
 * 3. datamesh._record_validation(plan, measurements, started, caller),
 *    SECURITY DEFINER and reachable only through fmgr, judges and records
 *    the run: a caller cannot forge a recorded result.
 */
#include "postgres.h"

#include <stdlib.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/value.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_func.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "datamesh.h"

PG_FUNCTION_INFO_V1(datamesh_validate_data);
PG_FUNCTION_INFO_V1(datamesh_parse_type);
PG_FUNCTION_INFO_V1(datamesh_implied_by_constraints);
PG_FUNCTION_INFO_V1(datamesh_column_domain);

/* fmgr info of datamesh.<name>(argtypes) */
static void
InternalFunction(const char *name, int nargs, Oid *argtypes, FmgrInfo *flinfo)
{
	Oid			fn = LookupFuncName(list_make2(makeString("datamesh"), makeString(pstrdup(name))),
									nargs, argtypes, false);

	fmgr_info(fn, flinfo);
}

/* Type of the second argument of the calling function (datamesh.semver) */
static Oid
SemverType(FunctionCallInfo fcinfo)
{
	HeapTuple	proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	Oid			result;

	if (!HeapTupleIsValid(proctup))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	result = ((Form_pg_proc) GETSTRUCT(proctup))->proargtypes.values[1];
	ReleaseSysCache(proctup);
	return result;
}

/* Run a query of the plan; SPI_OK_SELECT or an error */
static void
RunPlanQuery(const char *sql)
{
	int			rc = SPI_execute(sql, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "validation query failed: %s", SPI_result_code_string(rc));
}

/* Append an SPI result value as JSON (numbers and jsonb text as they are) */
static void
AppendJsonValue(StringInfo buf, int row, int col)
{
	char	   *value = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);

	appendStringInfoString(buf, value ? value : "null");
}

#define EXAMPLES_PER_RULE 5

/*
 * Example keys of the failing row rules, from one more pass at most: rows
 * failing any of them, read through a cursor until every rule has its five
 * examples or the rows run out.
 */
static void
CollectExamples(SPITupleTable *rules, int nrules, bool *wants, StringInfoData *examples,
				int *nexamples, const char *key_expr, const char *relation)
{
	StringInfoData query;
	StringInfoData where;
	SPIPlanPtr	plan;
	Portal		portal;
	int		   *column = palloc0(sizeof(int) * nrules);
	int			ncolumns = 1;
	int			missing = 0;

	initStringInfo(&query);
	initStringInfo(&where);
	appendStringInfo(&query, "SELECT %s", key_expr);
	for (int r = 0; r < nrules; r++)
	{
		char	   *pred;

		if (!wants[r])
			continue;
		pred = SPI_getvalue(rules->vals[r], rules->tupdesc, 4);
		/* predicates stand on lines of their own (a trailing "--" ends there) */
		appendStringInfo(&query, ",\n  COALESCE((\n%s\n), false)", pred);
		appendStringInfo(&where, "%s(\n%s\n)", where.len > 0 ? "\n   OR " : "", pred);
		column[r] = ++ncolumns;
		missing++;
	}
	appendStringInfo(&query, "\nFROM %s\nWHERE %s", relation, where.data);

	plan = SPI_prepare(query.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "preparing the example query failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	while (missing > 0)
	{
		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed && missing > 0; i++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			char	   *key = NULL;

			for (int r = 0; r < nrules; r++)
			{
				bool		isnull;

				if (column[r] == 0 || nexamples[r] >= EXAMPLES_PER_RULE ||
					!DatumGetBool(SPI_getbinval(tuple, desc, column[r], &isnull)) || isnull)
					continue;
				if (key == NULL)
					key = SPI_getvalue(tuple, desc, 1);
				appendStringInfo(&examples[r], "%s%s", nexamples[r] > 0 ? ", " : "", key);
				if (++nexamples[r] == EXAMPLES_PER_RULE)
					missing--;
			}
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

/* SQL: datamesh.validate_data_json(product_id text, version semver) returns jsonb */
Datum
datamesh_validate_data(PG_FUNCTION_ARGS)
{
	Oid			caller = GetUserId();
	Oid			argtypes[4];
	FmgrInfo	planinfo;
	FmgrInfo	recordinfo;
	LOCAL_FCINFO(callinfo, 4);
	Datum		plan;
	Datum		result;
	TimestampTz started = GetCurrentTimestamp();
	StringInfoData measures;
	char	   *scan_sql;
	int			nrules;
	int64	   *scan_values = NULL;
	int			nscan = 0;
	char	   *key_expr;
	char	   *relation;
	StringInfoData *examples;
	int		   *nexamples;
	bool	   *wants;
	int			nwanted = 0;
	int			nestlevel;
	Oid			save_userid;
	int			save_sec_context;
	Oid			planarg[1] = {JSONBOID};
	Datum		planval[1];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product_id must not be null")));

	/* 1. the plan, privileged */
	argtypes[0] = TEXTOID;
	argtypes[1] = SemverType(fcinfo);
	argtypes[2] = REGROLEOID;
	InternalFunction("_validation_plan", 3, argtypes, &planinfo);
	InitFunctionCallInfoData(*callinfo, &planinfo, 3, InvalidOid, NULL, NULL);
	callinfo->args[0].value = PG_GETARG_DATUM(0);
	callinfo->args[0].isnull = false;
	callinfo->args[1].value = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
	callinfo->args[1].isnull = PG_ARGISNULL(1);
	callinfo->args[2].value = ObjectIdGetDatum(caller);
	callinfo->args[2].isnull = false;
	plan = FunctionCallInvoke(callinfo);
	if (callinfo->isnull)
		elog(ERROR, "datamesh._validation_plan returned null");

	initStringInfo(&measures);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* the plan's queries (read before the sandbox, as plain values) */
	planval[0] = plan;
	if (SPI_execute_with_args("SELECT $1 OPERATOR(pg_catalog.->>) 'scan_sql',"
							  " $1 OPERATOR(pg_catalog.->>) 'key_expr',"
							  " $1 OPERATOR(pg_catalog.->>) 'relation'", 1, planarg, planval,
							  NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the validation plan failed");
	scan_sql = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	key_expr = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	relation = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	if (SPI_execute_with_args("SELECT r.ordinal, r.agg, r.group_sql, r.pred, r.rate"
							  " FROM pg_catalog.jsonb_to_recordset($1 OPERATOR(pg_catalog.->) 'rules')"
							  " AS r(ordinal pg_catalog.int4, agg pg_catalog.int4,"
							  " group_sql pg_catalog.text, pred pg_catalog.text,"
							  " rate pg_catalog.float8)"
							  " ORDER BY r.ordinal",
							  1, planarg, planval, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the validation plan failed");
	{
		SPITupleTable *rules = SPI_tuptable;

		nrules = (int) SPI_processed;

		/* 2. the data queries, as the caller, read-only and restricted */
		nestlevel = NewGUCNestLevel();
		(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("transaction_read_only", "on", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		GetUserIdAndSecContext(&save_userid, &save_sec_context);
		SetUserIdAndSecContext(save_userid, save_sec_context | SECURITY_RESTRICTED_OPERATION);

		RunPlanQuery(scan_sql);
		if (SPI_processed != 1)
			elog(ERROR, "validation scan returned " UINT64_FORMAT " rows", SPI_processed);
		nscan = SPI_tuptable->tupdesc->natts;
		scan_values = palloc0(sizeof(int64) * nscan);
		appendStringInfoString(&measures, "{\"scan\": [");
		for (int i = 0; i < nscan; i++)
		{
			char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1);

			scan_values[i] = value ? strtoll(value, NULL, 10) : 0;
			if (i > 0)
				appendStringInfoString(&measures, ", ");
			appendStringInfoString(&measures, value ? value : "null");
		}
		appendStringInfoString(&measures, "], \"rules\": {");

		/* which row rules fail, and so want example keys */
		examples = palloc0(sizeof(StringInfoData) * Max(nrules, 1));
		nexamples = palloc0(sizeof(int) * Max(nrules, 1));
		wants = palloc0(sizeof(bool) * Max(nrules, 1));
		for (int r = 0; r < nrules; r++)
		{
			HeapTuple	tuple = rules->vals[r];
			TupleDesc	desc = rules->tupdesc;
			char	   *agg = SPI_getvalue(tuple, desc, 2);
			char	   *pred = SPI_getvalue(tuple, desc, 4);
			char	   *rate = SPI_getvalue(tuple, desc, 5);
			int64		failing = 0;

			if (agg)
			{
				int			index = atoi(agg);

				if (index >= 1 && index <= nscan)
					failing = scan_values[index - 1];
			}
			if (rate)
				wants[r] = pred && scan_values[0] > 0 &&
					(double) failing / scan_values[0] > strtod(rate, NULL);
			else
				wants[r] = pred && failing > 0;
			if (wants[r])
			{
				initStringInfo(&examples[r]);
				nwanted++;
			}
		}
		if (nwanted > 0)
			CollectExamples(rules, nrules, wants, examples, nexamples, key_expr, relation);

		for (int r = 0; r < nrules; r++)
		{
			HeapTuple	tuple = rules->vals[r];
			TupleDesc	desc = rules->tupdesc;
			char	   *ordinal = SPI_getvalue(tuple, desc, 1);
			char	   *group_sql = SPI_getvalue(tuple, desc, 3);

			if (r > 0)
				appendStringInfoString(&measures, ", ");
			appendStringInfo(&measures, "\"%s\": {", ordinal);
			if (group_sql)
			{
				/* duplicated keys, the rows they hold, and up to 5 of them */
				RunPlanQuery(group_sql);
				appendStringInfoString(&measures, "\"groups\": ");
				AppendJsonValue(&measures, 0, 1);
				appendStringInfoString(&measures, ", \"failing\": ");
				AppendJsonValue(&measures, 0, 2);
				appendStringInfoString(&measures, ", \"examples\": ");
				AppendJsonValue(&measures, 0, 3);
			}
			else if (wants[r] && nexamples[r] > 0)
				appendStringInfo(&measures, "\"examples\": [%s]", examples[r].data);
			else
				appendStringInfoString(&measures, "\"examples\": null");
			appendStringInfoChar(&measures, '}');
		}
		appendStringInfoString(&measures, "}}");

		SetUserIdAndSecContext(save_userid, save_sec_context);
		/* roll back every setting the rules changed, as index builds do */
		AtEOXact_GUC(false, nestlevel);
	}
	SPI_finish();

	/* 3. judge and record, privileged */
	argtypes[0] = JSONBOID;
	argtypes[1] = JSONBOID;
	argtypes[2] = TIMESTAMPTZOID;
	argtypes[3] = REGROLEOID;
	InternalFunction("_record_validation", 4, argtypes, &recordinfo);
	InitFunctionCallInfoData(*callinfo, &recordinfo, 4, InvalidOid, NULL, NULL);
	callinfo->args[0].value = plan;
	callinfo->args[0].isnull = false;
	callinfo->args[1].value = DirectFunctionCall1(jsonb_in, CStringGetDatum(measures.data));
	callinfo->args[1].isnull = false;
	callinfo->args[2].value = TimestampTzGetDatum(started);
	callinfo->args[2].isnull = false;
	callinfo->args[3].value = ObjectIdGetDatum(caller);
	callinfo->args[3].isnull = false;
	result = FunctionCallInvoke(callinfo);
	if (callinfo->isnull)
		elog(ERROR, "datamesh._record_validation returned null");
	PG_RETURN_DATUM(result);
}

/* SQL: datamesh._parse_type(name text, OUT typid oid, OUT typmod int4) */
Datum
datamesh_parse_type(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {true, true};
	Oid			typid = InvalidOid;
	int32		typmod = -1;
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	/* a malformed name is "no type", not an error: try in a subtransaction */
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		parseTypeString(name, &typid, &typmod, true);
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
		typid = InvalidOid;
	}
	PG_END_TRY();

	if (OidIsValid(typid))
	{
		values[0] = ObjectIdGetDatum(typid);
		values[1] = Int32GetDatum(typmod);
		nulls[0] = nulls[1] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* check_functions_in_node callback: a function that is not built in */
static bool
UserFunction(Oid func_id, void *context)
{
	return func_id >= FirstNormalObjectId;
}

/* Walker: whether an expression calls anything but built-in functions */
static bool
ContainsUserFunctions(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (check_functions_in_node(node, UserFunction, context))
		return true;
	return expression_tree_walker(node, ContainsUserFunctions, context);
}

/*
 * An expression as implicitly-ANDed, constant-folded clauses, or NIL if it
 * calls a function that is not built in: folding evaluates immutable
 * functions, and this runs with the extension owner's rights inside
 * validate_data's plan, so user code must never be run here.
 */
static List *
FoldedClauses(Node *expr)
{
	if (ContainsUserFunctions(expr, NULL))
		return NIL;
	expr = eval_const_expressions(NULL, expr);
	return make_ands_implicit(canonicalize_qual((Expr *) expr, true));
}

/* A predicate over a relation as implicitly-ANDed, simplified clauses */
static List *
PredicateClauses(Relation rel, const char *predicate)
{
	char	   *query = psprintf("SELECT WHERE %s", predicate);
	List	   *stmts = raw_parser(query, RAW_PARSE_DEFAULT);
	SelectStmt *select;
	ParseState *pstate;
	ParseNamespaceItem *nsitem;
	Node	   *expr;

	if (list_length(stmts) != 1 || !IsA(linitial_node(RawStmt, stmts)->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("predicate must be a single SQL expression")));
	select = (SelectStmt *) linitial_node(RawStmt, stmts)->stmt;
	pstate = make_parsestate(NULL);
	pstate->p_sourcetext = query;
	nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL, false, true);
	addNSItemToQuery(pstate, nsitem, true, true, true);
	expr = transformExpr(pstate, select->whereClause, EXPR_KIND_CHECK_CONSTRAINT);
	expr = coerce_to_boolean(pstate, expr, "CHECK");
	assign_expr_collations(pstate, expr);
	free_parsestate(pstate);
	return FoldedClauses(expr);
}

/*
 * Whether the relation's validated CHECK constraints (less those named in
 * excluded, plus the extra constraint expressions given as node strings)
 * prove that a predicate is never false for any row (weak implication, as
 * constraint exclusion uses it).
 */
static bool
ImpliedByConstraints(Relation rel, const char *predicate, List *excluded, List *extra)
{
	TupleConstr *constr = RelationGetDescr(rel)->constr;
	List	   *checks = NIL;
	List	   *clauses;
	ListCell   *lc;

	for (int i = 0; constr != NULL && i < constr->num_check; i++)
	{
		ConstrCheck *check = &constr->check[i];
		bool		skip = false;

		if (!check->ccvalid || (check->ccnoinherit && rel->rd_rel->relhassubclass))
			continue;
		foreach(lc, excluded)
			if (strcmp(strVal(lfirst(lc)), check->ccname) == 0)
				skip = true;
		if (!skip)
			extra = lappend(list_copy(extra), check->ccbin);
	}
	foreach(lc, extra)
		checks = list_concat(checks, FoldedClauses(stringToNode((char *) lfirst(lc))));
	if (checks == NIL)
		return false;
	clauses = PredicateClauses(rel, predicate);
	if (clauses == NIL)
		return false;
	return predicate_implied_by(clauses, checks, true);
}

/*
 * ImpliedByConstraints, with any error (a predicate the prover cannot read:
 * a subquery, an unknown name) meaning "not proved"
 */
bool
ConstraintsProve(Relation rel, const char *predicate, List *excluded, List *extra)
{
	bool		result = false;
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	if (rel->rd_rel->relkind != RELKIND_RELATION && rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		return false;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		result = ImpliedByConstraints(rel, predicate, excluded, extra);
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
		result = false;
	}
	PG_END_TRY();
	return result;
}

/* The CHECKs of the domains of a relation's columns, over the columns (node strings) */
static List *
RelationDomainChecks(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *result = NIL;

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && get_typtype(att->atttypid) == TYPTYPE_DOMAIN)
			result = list_concat(result, DomainChecks(RelationGetRelid(rel), att->attnum, InvalidOid));
	}
	return result;
}

/*
 * SQL: datamesh._implied_by_constraints(rel regclass, predicate text) returns
 * boolean: whether the relation's CHECKs and its columns' domain CHECKs prove
 * the predicate, read with search_path pinned (as the guard reads it)
 */
Datum
datamesh_implied_by_constraints(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *predicate = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Relation	rel;
	bool		result;
	int			nestlevel;

	rel = relation_open(relid, AccessShareLock);
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	result = ConstraintsProve(rel, predicate, NIL, RelationDomainChecks(rel));
	AtEOXact_GUC(true, nestlevel);
	relation_close(rel, AccessShareLock);
	PG_RETURN_BOOL(result);
}

/*
 * SQL: datamesh._column_domain(rel regclass, attnum int2, OUT base_type oid,
 * OUT base_typmod int4, OUT not_null bool): the type beneath a column's
 * domains (the column's own type if it has none) and whether a domain of the
 * column is NOT NULL
 */
Datum
datamesh_column_domain(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	AttrNumber	attnum = PG_GETARG_INT16(1);
	TupleDesc	desc;
	Oid			typid;
	int32		typmod;
	Oid			collid;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (!SearchSysCacheExists2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum)))
		PG_RETURN_NULL();
	get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
	values[2] = BoolGetDatum(DomainNotNull(typid, InvalidOid));
	typid = getBaseTypeAndTypmod(typid, &typmod);
	values[0] = ObjectIdGetDatum(typid);
	values[1] = Int32GetDatum(typmod);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
