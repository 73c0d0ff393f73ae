/*
 * datamesh.c
 *		Module entry point: wiring only.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "datamesh.h"
#include "policy_audit.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(datamesh_library_version);

/* Module load: refuse to run outside shared_preload_libraries, then wire */
void
_PG_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("datamesh must be loaded via \"shared_preload_libraries\""),
				 errhint("Add datamesh to the \"shared_preload_libraries\" setting in postgresql.conf and restart the server.")));

	DefineDatameshGucs();
	ContractGuardInit();
	PolicyAuditInit();
}

/* Version of the loaded shared library, to compare with the SQL objects */
Datum
datamesh_library_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(DATAMESH_VERSION));
}
