/*
 * datamesh.h
 *		Declarations shared between the datamesh C sources.
 */
#ifndef DATAMESH_H
#define DATAMESH_H

/* GUC variables (guc.c) */
extern int	datamesh_manifest_max_bytes;
extern int	datamesh_yaml_max_depth;
extern int	datamesh_yaml_max_alias_nodes;
extern int	datamesh_policy_max_expression_length;

/* guc.c */
extern void DefineDatameshGucs(void);

#endif							/* DATAMESH_H */
