/*
 * Contract compatibility checker (src/contract_compat.c, src/contract_schema.c).
 *
 * C functions: they look up no names, so they carry no SET search_path.
 * They read only their arguments (IMMUTABLE) and are open to everyone: a
 * schema comparison reveals nothing that is not in its arguments.
 * The default mode is FULL (see docs/compatibility.md).  The history
 * variants (jsonb[]) take no default mode, so that a call with two untyped
 * literals resolves to the pairwise function.
 */

CREATE FUNCTION datamesh.check_compatibility(old pg_catalog.jsonb, new pg_catalog.jsonb,
                                             mode pg_catalog.text DEFAULT 'FULL')
    RETURNS TABLE (change_kind pg_catalog.text, path pg_catalog.text,
                   old_value pg_catalog.jsonb, new_value pg_catalog.jsonb,
                   old_reads_new pg_catalog.bool, new_reads_old pg_catalog.bool,
                   severity pg_catalog.text, required_bump pg_catalog.text,
                   message pg_catalog.text)
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10
    AS 'MODULE_PATHNAME', 'check_compatibility';
COMMENT ON FUNCTION datamesh.check_compatibility(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text) IS
    'every change between two contract schemas (native, Avro or JSON Schema): kind, path, values, whether old readers read new data and new readers old data, severity under the mode, required semver bump, a sentence';

CREATE FUNCTION datamesh.is_compatible(old pg_catalog.jsonb, new pg_catalog.jsonb,
                                       mode pg_catalog.text DEFAULT 'FULL')
    RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'is_compatible';
COMMENT ON FUNCTION datamesh.is_compatible(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text) IS
    'whether the new contract schema is compatible with the old one under the mode (default FULL)';

CREATE FUNCTION datamesh.check_compatibility(previous pg_catalog.jsonb[], new pg_catalog.jsonb,
                                             mode pg_catalog.text)
    RETURNS TABLE (change_kind pg_catalog.text, path pg_catalog.text,
                   old_value pg_catalog.jsonb, new_value pg_catalog.jsonb,
                   old_reads_new pg_catalog.bool, new_reads_old pg_catalog.bool,
                   severity pg_catalog.text, required_bump pg_catalog.text,
                   message pg_catalog.text, against pg_catalog.int4)
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10
    AS 'MODULE_PATHNAME', 'check_compatibility_history';
COMMENT ON FUNCTION datamesh.check_compatibility(pg_catalog.jsonb[], pg_catalog.jsonb, pg_catalog.text) IS
    'changes of a new contract schema against previous schemas (newest first): every one for *_TRANSITIVE modes, the first otherwise; against = 1-based index into previous';

CREATE FUNCTION datamesh.is_compatible(previous pg_catalog.jsonb[], new pg_catalog.jsonb,
                                       mode pg_catalog.text)
    RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'is_compatible_history';
COMMENT ON FUNCTION datamesh.is_compatible(pg_catalog.jsonb[], pg_catalog.jsonb, pg_catalog.text) IS
    'whether a new contract schema is compatible with previous schemas (newest first) under the mode: all of them for *_TRANSITIVE modes, the first otherwise';

CREATE FUNCTION datamesh.required_bump(old pg_catalog.jsonb, new pg_catalog.jsonb)
    RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'required_bump';
COMMENT ON FUNCTION datamesh.required_bump(pg_catalog.jsonb, pg_catalog.jsonb) IS
    'the semantic-version bump a schema change needs: major (breaks old or new readers), minor (compatible schema change), patch (documentation/metadata only) or none';

CREATE FUNCTION datamesh.schema_fields(schema pg_catalog.jsonb)
    RETURNS TABLE (ordinal pg_catalog.int4, name pg_catalog.text, type pg_catalog.text,
                   sql_type pg_catalog.text, nullable pg_catalog.bool, required pg_catalog.bool,
                   default_value pg_catalog.jsonb, doc pg_catalog.text, pii pg_catalog.bool,
                   classification pg_catalog.text, min_value pg_catalog.numeric,
                   max_value pg_catalog.numeric, enum_values pg_catalog.text[],
                   pattern pg_catalog.text, is_unique pg_catalog.bool)
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20
    AS 'MODULE_PATHNAME', 'schema_fields';
COMMENT ON FUNCTION datamesh.schema_fields(pg_catalog.jsonb) IS
    'the top-level fields of a contract schema (native, Avro or JSON Schema) in one canonical form, with the PostgreSQL type each maps to';

CREATE FUNCTION datamesh.schema_format(schema pg_catalog.jsonb)
    RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'schema_format';
COMMENT ON FUNCTION datamesh.schema_format(pg_catalog.jsonb) IS
    'how a contract schema is read: native, avro or json_schema (the schema is validated; malformed schemas raise the errors of schema_fields)';
