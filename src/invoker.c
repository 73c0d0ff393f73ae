/*
 * invoker.c
 *		Call a privileged catalog function on behalf of the calling role.
 *
 * Catalog tables are writable only by the extension owner.  The SQL functions
 * that change them are declared LANGUAGE C with the symbol
 * datamesh_call_privileged and run as their caller (SECURITY INVOKER), so
 * GetUserId() is the role that called them, also after SET ROLE and inside
 * other SECURITY DEFINER functions.  The trampoline finds the implementation
 * datamesh._<name>(<the same arguments>, caller regrole), a SECURITY DEFINER
 * function whose EXECUTE privilege is revoked from PUBLIC, and calls it
 * directly through fmgr with the caller appended.  Nobody but the extension
 * owner can call an implementation, so its caller argument cannot be forged,
 * and the implementation decides what that caller may do.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(datamesh_call_privileged);

/* What the trampoline caches in fn_extra for its implementation */
typedef struct PrivilegedTarget
{
	FmgrInfo	flinfo;
	int			nargs;			/* arguments of the public function */
} PrivilegedTarget;

/* Look up datamesh._<name>(args..., regrole) for the calling function */
static PrivilegedTarget *
LookupPrivilegedTarget(FmgrInfo *caller_flinfo)
{
	HeapTuple	proctup;
	Form_pg_proc procform;
	Oid			argtypes[FUNC_MAX_ARGS];
	int			nargs;
	char	   *implname;
	Oid			imploid;
	PrivilegedTarget *target;

	proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(caller_flinfo->fn_oid));
	if (!HeapTupleIsValid(proctup))
		elog(ERROR, "cache lookup failed for function %u", caller_flinfo->fn_oid);
	procform = (Form_pg_proc) GETSTRUCT(proctup);

	nargs = procform->pronargs;
	if (nargs + 1 > FUNC_MAX_ARGS)
		elog(ERROR, "function %u has too many arguments for the trampoline",
			 caller_flinfo->fn_oid);
	memcpy(argtypes, procform->proargtypes.values, nargs * sizeof(Oid));
	argtypes[nargs] = REGROLEOID;
	implname = psprintf("_%s", NameStr(procform->proname));
	ReleaseSysCache(proctup);

	imploid = LookupFuncName(list_make2(makeString("datamesh"), makeString(implname)),
							 nargs + 1, argtypes, false);
	if (get_func_retset(imploid))
		elog(ERROR, "privileged implementation datamesh.%s must not return a set",
			 implname);

	target = MemoryContextAllocZero(caller_flinfo->fn_mcxt, sizeof(PrivilegedTarget));
	fmgr_info_cxt(imploid, &target->flinfo, caller_flinfo->fn_mcxt);
	target->nargs = nargs;
	return target;
}

/* Trampoline: call datamesh._<own name>(args..., current role) */
Datum
datamesh_call_privileged(PG_FUNCTION_ARGS)
{
	PrivilegedTarget *target = (PrivilegedTarget *) fcinfo->flinfo->fn_extra;
	LOCAL_FCINFO(implfcinfo, FUNC_MAX_ARGS);
	Datum		result;
	int			i;

	if (target == NULL)
	{
		target = LookupPrivilegedTarget(fcinfo->flinfo);
		fcinfo->flinfo->fn_extra = target;
	}

	if (target->flinfo.fn_strict)
	{
		for (i = 0; i < target->nargs; i++)
			if (fcinfo->args[i].isnull)
				PG_RETURN_NULL();
	}

	InitFunctionCallInfoData(*implfcinfo, &target->flinfo, target->nargs + 1,
							 fcinfo->fncollation, NULL, NULL);
	for (i = 0; i < target->nargs; i++)
		implfcinfo->args[i] = fcinfo->args[i];
	implfcinfo->args[target->nargs].value = ObjectIdGetDatum(GetUserId());
	implfcinfo->args[target->nargs].isnull = false;

	result = FunctionCallInvoke(implfcinfo);
	fcinfo->isnull = implfcinfo->isnull;
	return result;
}
