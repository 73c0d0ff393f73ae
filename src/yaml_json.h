/*
 * yaml_json.h
 *		YAML <-> jsonb conversion on libyaml.
 */
#ifndef YAML_JSON_H
#define YAML_JSON_H

#include "utils/jsonb.h"

extern Jsonb *YamlToJsonb(const char *data, int len);
extern char *JsonbToYaml(Jsonb *jb);

#endif							/* YAML_JSON_H */
