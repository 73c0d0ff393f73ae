/*
 * YAML <-> jsonb (src/yaml_json.c, libyaml).
 */
CREATE FUNCTION datamesh.yaml_to_jsonb(pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'yaml_to_jsonb';
COMMENT ON FUNCTION datamesh.yaml_to_jsonb(pg_catalog.text) IS
    'parse one YAML (or JSON) document into jsonb: YAML 1.2 core schema typing, anchors, aliases and merge keys, bounded size, depth and alias expansion';

CREATE FUNCTION datamesh.jsonb_to_yaml(pg_catalog.jsonb) RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'jsonb_to_yaml';
COMMENT ON FUNCTION datamesh.jsonb_to_yaml(pg_catalog.jsonb) IS
    'write jsonb as block-style YAML that yaml_to_jsonb reads back to the same value';
