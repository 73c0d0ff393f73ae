/*
 * Policy condition language (src/policy_parse.c, src/policy_eval.c):
 * compile, validate, explain and evaluate conditions such as
 *   user.role in ['analyst', 'data_scientist'] and user.completed_pii_training
 * See docs/policy-language.md.
 */
CREATE FUNCTION datamesh.compile_condition(expr pg_catalog.text, schema pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.bytea
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'compile_condition';
COMMENT ON FUNCTION datamesh.compile_condition(pg_catalog.text, pg_catalog.jsonb) IS
    'parse and type-check a policy condition against a schema (NULL = built-in) and return its compiled program; errors name the offset';

CREATE FUNCTION datamesh.validate_condition(expr pg_catalog.text, schema pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'validate_condition';
COMMENT ON FUNCTION datamesh.validate_condition(pg_catalog.text, pg_catalog.jsonb) IS
    'check a policy condition without raising: {"valid": true, "error": null, "roots": [...]} or {"valid": false, "error": {offset, sqlstate, message, detail, expected}}';

CREATE FUNCTION datamesh.explain_condition(expr pg_catalog.text, schema pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'explain_condition';
COMMENT ON FUNCTION datamesh.explain_condition(pg_catalog.text, pg_catalog.jsonb) IS
    'compile a policy condition and return its syntax tree as jsonb (shape in docs/policy-language.md)';

CREATE FUNCTION datamesh.explain_compiled(program pg_catalog.bytea)
    RETURNS pg_catalog.jsonb
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'explain_compiled';
COMMENT ON FUNCTION datamesh.explain_compiled(pg_catalog.bytea) IS
    'the syntax tree of a compiled policy condition as jsonb; rejects a bytea that is not a valid program';

CREATE FUNCTION datamesh.eval_condition(expr pg_catalog.text, env pg_catalog.jsonb, schema pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.bool
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'eval_condition';
COMMENT ON FUNCTION datamesh.eval_condition(pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb) IS
    'compile a policy condition and evaluate it against an environment {"user": ..., "resource": ..., "action": ...}; NULL when evaluation errors';

CREATE FUNCTION datamesh.eval_condition_detail(expr pg_catalog.text, env pg_catalog.jsonb, schema pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'eval_condition_detail';
COMMENT ON FUNCTION datamesh.eval_condition_detail(pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb) IS
    'like eval_condition, but returns {"result": true|false|null, "error": message or null}';

CREATE FUNCTION datamesh.eval_compiled(program pg_catalog.bytea, env pg_catalog.jsonb)
    RETURNS pg_catalog.bool
    LANGUAGE C STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'eval_compiled';
COMMENT ON FUNCTION datamesh.eval_compiled(pg_catalog.bytea, pg_catalog.jsonb) IS
    'evaluate a compiled policy condition against an environment; NULL when evaluation errors; rejects a bytea that is not a valid program';

CREATE FUNCTION datamesh.policy_default_schema()
    RETURNS pg_catalog.jsonb
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'policy_default_schema';
COMMENT ON FUNCTION datamesh.policy_default_schema() IS
    'the built-in schema of policy conditions: roots, attributes and their types';

CREATE FUNCTION datamesh._policy_eval_loop(program pg_catalog.bytea, env pg_catalog.jsonb, iterations pg_catalog.int4,
                                           trusted pg_catalog.bool DEFAULT false)
    RETURNS pg_catalog.float8
    LANGUAGE C VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'policy_eval_loop';
COMMENT ON FUNCTION datamesh._policy_eval_loop(pg_catalog.bytea, pg_catalog.jsonb, pg_catalog.int4, pg_catalog.bool) IS
    'benchmark helper: evaluate a compiled condition iterations times in C (checked each time, or once if trusted) and return the nanoseconds per evaluation';
