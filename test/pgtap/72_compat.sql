-- Compatibility checker: function shape, who may call it, and hostile input
-- (deep nesting, huge unions, recursive types, a hostile search_path).
BEGIN;
SELECT plan(30);

SELECT has_function('datamesh', 'check_compatibility', ARRAY['jsonb', 'jsonb', 'text'], 'check_compatibility(old, new, mode)');
SELECT has_function('datamesh', 'check_compatibility', ARRAY['jsonb[]', 'jsonb', 'text'], 'check_compatibility(previous[], new, mode)');
SELECT has_function('datamesh', 'is_compatible', ARRAY['jsonb', 'jsonb', 'text'], 'is_compatible(old, new, mode)');
SELECT has_function('datamesh', 'is_compatible', ARRAY['jsonb[]', 'jsonb', 'text'], 'is_compatible(previous[], new, mode)');
SELECT has_function('datamesh', 'required_bump', ARRAY['jsonb', 'jsonb'], 'required_bump(old, new)');
SELECT has_function('datamesh', 'schema_fields', ARRAY['jsonb'], 'schema_fields(schema)');
SELECT has_function('datamesh', 'schema_format', ARRAY['jsonb'], 'schema_format(schema)');
SELECT function_returns('datamesh', 'is_compatible', ARRAY['jsonb', 'jsonb', 'text'], 'boolean', 'is_compatible returns boolean');
SELECT function_returns('datamesh', 'required_bump', ARRAY['jsonb', 'jsonb'], 'text', 'required_bump returns text');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'datamesh'::regnamespace
              AND p.proname IN ('check_compatibility', 'is_compatible', 'required_bump', 'schema_fields', 'schema_format')
              AND p.provolatile = 'i' AND p.proisstrict AND p.proparallel = 's' AND NOT p.prosecdef),
          7, 'all seven are immutable, strict, parallel safe and not security definer');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'datamesh'::regnamespace
              AND p.proname IN ('check_compatibility', 'is_compatible', 'required_bump', 'schema_fields', 'schema_format')
              AND obj_description(p.oid, 'pg_proc') IS NOT NULL),
          7, 'all seven have a comment');
SELECT is((SELECT pg_get_function_arguments('datamesh.check_compatibility(jsonb, jsonb, text)'::regprocedure)),
          'old jsonb, new jsonb, mode text DEFAULT ''FULL''::text', 'the default mode is FULL');

-- anyone may compare schemas: the functions read only their arguments
CREATE ROLE dm_compat_nobody NOLOGIN;
SET ROLE dm_compat_nobody;
SELECT ok(datamesh.is_compatible('[{"name": "a", "type": "int"}]', '[{"name": "a", "type": "int"}]'),
          'a role without any grant can call is_compatible');
SELECT is((SELECT count(*)::int FROM datamesh.check_compatibility('[{"name": "a", "type": "int"}]', '[]')), 1,
          'a role without any grant can call check_compatibility');
SELECT is((SELECT sql_type FROM datamesh.schema_fields('[{"name": "a", "type": "uuid"}]')), 'uuid',
          'a role without any grant can call schema_fields');
RESET ROLE;

-- a hostile search_path changes nothing (C functions look up no names)
CREATE SCHEMA dm_compat_evil;
CREATE FUNCTION dm_compat_evil.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql AS $$ SELECT 'evil'::text $$;
CREATE FUNCTION dm_compat_evil.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT 'evil' $$;
SET search_path = dm_compat_evil, public, pg_catalog;
SELECT is(datamesh.required_bump('[{"name": "a", "type": "int"}]', '[{"name": "a", "type": "bigint"}]'), 'major',
          'required_bump is unaffected by a hostile search_path');
SELECT is((SELECT string_agg(change_kind, ',') FROM datamesh.check_compatibility('[{"name": "A", "type": "INT"}]', '[{"name": "A", "type": "TEXT"}]')),
          'type_changed', 'check_compatibility is unaffected by a hostile search_path');
RESET search_path;

-- hostile input: errors, never crashes or runaway work
SELECT throws_ok($$SELECT datamesh.is_compatible('[]'::jsonb, '[]', 'sideways')$$, '22023', NULL, 'unknown mode: 22023');
SELECT throws_ok($$SELECT * FROM datamesh.schema_fields('[{"name": "a", "type": "text", "pattern": "(["}]')$$, '2201B', NULL, 'invalid pattern: 2201B');
SELECT throws_ok($$SELECT * FROM datamesh.schema_fields('{"type": "object", "properties": {"a": {"oneOf": []}}}')$$, '0A000', NULL, 'unsupported JSON Schema keyword: 0A000');
SELECT throws_like(
    format($$SELECT * FROM datamesh.schema_fields('[{"name": "a", "type": %s}]')$$,
           repeat('{"type": "array", "items": ', 300) || '"int"' || repeat('}', 300)),
    '%nested more than 200 levels deep%', 'a type nested 300 deep is refused');
SELECT throws_like(
    format($$SELECT * FROM datamesh.schema_fields('{"type": "object", "properties": {"a": %s}}')$$,
           repeat('{"type": "object", "properties": {"b": ', 300) || '{"type": "string"}' || repeat('}}', 300)),
    '%nested more than 200 levels deep%', 'a JSON Schema nested 300 deep is refused');
SELECT throws_like(
    $$SELECT * FROM datamesh.schema_fields('[{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]')$$,
    '%duplicate field name "a"%', 'duplicate field names are refused');
SELECT is((SELECT count(*)::int FROM datamesh.schema_fields(
              jsonb_build_object('type', 'record', 'name', 'R', 'fields', jsonb_build_array(jsonb_build_object(
                'name', 'u', 'type', (SELECT jsonb_agg(jsonb_build_object('type', 'record', 'name', 'R' || i, 'fields', '[]'::jsonb))
                                         FROM generate_series(1, 2000) i)))))),
          1, 'a union of 2,000 records is read');
SELECT ok(datamesh.is_compatible(
              jsonb_build_object('type', 'record', 'name', 'R', 'fields', jsonb_build_array(jsonb_build_object(
                'name', 'u', 'type', (SELECT jsonb_agg(jsonb_build_object('type', 'record', 'name', 'R' || i, 'fields', '[]'::jsonb))
                                         FROM generate_series(1, 2000) i)))),
              jsonb_build_object('type', 'record', 'name', 'R', 'fields', jsonb_build_array(jsonb_build_object(
                'name', 'u', 'type', (SELECT jsonb_agg(jsonb_build_object('type', 'record', 'name', 'R' || i, 'fields', '[]'::jsonb))
                                         FROM generate_series(1, 2000) i))))),
          'two unions of 2,000 records compare');
SELECT ok(datamesh.is_compatible(
              '{"type": "record", "name": "Node", "fields": [{"name": "v", "type": "int"}, {"name": "kids", "type": {"type": "array", "items": "Node"}}]}'::jsonb,
              '{"type": "record", "name": "Node", "fields": [{"name": "v", "type": "int"}, {"name": "kids", "type": {"type": "array", "items": "Node"}}, {"name": "w", "type": "long", "default": 0}]}'),
          'a recursive type terminates');
SELECT is(datamesh.is_compatible(ARRAY(SELECT '[{"name": "a", "type": "int"}]'::jsonb FROM generate_series(1, 500)),
                                 '[{"name": "a", "type": "int"}]'::jsonb, 'FULL_TRANSITIVE'),
          true, '500 previous versions compare');
SELECT throws_ok($$SELECT datamesh.is_compatible(ARRAY['[]'::jsonb, NULL], '[]'::jsonb, 'FULL_TRANSITIVE')$$, '22004', NULL, 'a NULL previous schema: 22004');
SELECT is(datamesh.is_compatible(NULL::jsonb, '[]'), NULL, 'NULL in, NULL out');
SELECT is((SELECT count(*)::int FROM datamesh.check_compatibility(NULL::jsonb, '[]')), 0, 'NULL in, no rows');

SELECT * FROM finish();
ROLLBACK;
