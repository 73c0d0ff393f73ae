/*
 * guc.c
 *		Configuration parameters of datamesh (datamesh.*).
 */
#include "postgres.h"

#include <limits.h>

#include "utils/guc.h"

#include "datamesh.h"

int			datamesh_manifest_max_bytes = 1024 * 1024;
int			datamesh_yaml_max_depth = 64;
int			datamesh_yaml_max_alias_nodes = 10000;
bool		datamesh_contract_guard = true;
int			datamesh_policy_max_expression_length = 4096;

/* Register every datamesh.* parameter and reserve the prefix */
void
DefineDatameshGucs(void)
{
	DefineCustomIntVariable("datamesh.manifest_max_bytes",
							"Largest YAML or JSON manifest accepted, in bytes.",
							"Larger inputs are rejected before parsing.",
							&datamesh_manifest_max_bytes,
							1024 * 1024, 1024, INT_MAX / 2,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("datamesh.yaml_max_depth",
							"Deepest nesting of mappings and sequences accepted in YAML.",
							NULL,
							&datamesh_yaml_max_depth,
							64, 1, 1000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("datamesh.yaml_max_alias_nodes",
							"Most nodes that YAML aliases may expand to in one document.",
							"Bounds the output of alias bombs (\"billion laughs\").",
							&datamesh_yaml_max_alias_nodes,
							10000, 0, INT_MAX / 2,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("datamesh.contract_guard",
							 "Refuses DDL that would break an active data contract.",
							 "Only superusers may turn it off; product owners use datamesh.override_contract_guard().",
							 &datamesh_contract_guard,
							 true,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("datamesh.policy_max_expression_length",
							"Longest policy condition accepted, in bytes.",
							"Longer conditions are rejected before parsing.",
							&datamesh_policy_max_expression_length,
							4096, 16, 1024 * 1024,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("datamesh");
}
