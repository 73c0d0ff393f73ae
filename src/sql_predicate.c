/*
 * sql_predicate.c
 *		Check that a quality rule is one SQL boolean expression and nothing else.
 *
 * Quality rules ("customer_id IS NOT NULL") are stored now and run later by
 * the quality checker inside a generated query.  A rule must therefore be a
 * single expression: no statement separators, no set operations, no extra
 * clauses that would change the query it is placed in.  The rule is parsed
 * as the WHERE clause of "SELECT WHERE <rule>" with the raw parser (no
 * catalog access, no side effects) and the resulting tree is inspected.
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(check_sql_predicate);

#define PREDICATE_PREFIX "SELECT WHERE "

/* Describe what is wrong with a predicate, or return NULL if it is fine */
static char *
SqlPredicateProblem(const char *rule)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ErrorContextCallback *savecontext = error_context_stack;
	char	   *query = psprintf(PREDICATE_PREFIX "%s", rule);
	char	   *problem = NULL;
	List	   *stmts = NIL;

	/*
	 * The raw parser touches no catalogs and holds no resources, so a syntax
	 * error can be caught here and turned into a message without a
	 * subtransaction.
	 */
	PG_TRY();
	{
		/*
		 * No error context callbacks while parsing: SPI's would move the
		 * position of a syntax error out of cursorpos when this runs inside
		 * a SPI-executed statement.
		 */
		error_context_stack = NULL;
		stmts = raw_parser(query, RAW_PARSE_DEFAULT);
		error_context_stack = savecontext;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		error_context_stack = savecontext;
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		if (edata->cursorpos > (int) strlen(PREDICATE_PREFIX))
			problem = psprintf("%s at offset %d", edata->message,
							   edata->cursorpos - (int) strlen(PREDICATE_PREFIX));
		else
			problem = pstrdup(edata->message);
		FreeErrorData(edata);
		return problem;
	}
	PG_END_TRY();

	if (list_length(stmts) != 1)
		return pstrdup("must be a single SQL expression, not several statements");
	else
	{
		RawStmt    *raw = linitial_node(RawStmt, stmts);
		SelectStmt *select;

		if (!IsA(raw->stmt, SelectStmt))
			return pstrdup("must be a single SQL expression");
		select = (SelectStmt *) raw->stmt;
		if (raw->stmt_len != 0)
			return pstrdup("must not end with \";\"");
		if (select->op != SETOP_NONE || select->whereClause == NULL ||
			select->targetList != NIL || select->fromClause != NIL ||
			select->groupClause != NIL || select->havingClause != NULL ||
			select->windowClause != NIL || select->sortClause != NIL ||
			select->limitCount != NULL || select->limitOffset != NULL ||
			select->lockingClause != NIL || select->withClause != NULL ||
			select->intoClause != NULL || select->distinctClause != NIL ||
			select->valuesLists != NIL)
			return pstrdup("must be a single SQL boolean expression without other clauses");
	}
	return problem;
}

/* SQL: datamesh._check_sql_predicate(rule text) returns text (NULL if valid) */
Datum
check_sql_predicate(PG_FUNCTION_ARGS)
{
	char	   *rule = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *problem;

	problem = SqlPredicateProblem(rule);
	if (problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(problem));
}
