/*
 * datamesh.h
 *		Declarations shared between the datamesh C sources.
 */
#ifndef DATAMESH_H
#define DATAMESH_H

#include "access/attnum.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"

/* GUC variables (guc.c) */
extern int	datamesh_manifest_max_bytes;
extern int	datamesh_yaml_max_depth;
extern int	datamesh_yaml_max_alias_nodes;
extern bool datamesh_contract_guard;
extern int	datamesh_policy_max_expression_length;

/* guc.c */
extern void DefineDatameshGucs(void);

/* contract_guard.c */
extern void ContractGuardInit(void);
extern bool DomainNotNull(Oid typid, Oid ignored);
extern List *DomainChecks(Oid relid, AttrNumber attnum, Oid except);

/* contract_verify.c */
extern bool ConstraintsProve(Relation rel, const char *predicate, List *excluded, List *extra);

#endif							/* DATAMESH_H */
