-- Policy condition language: shape of the SQL surface, the SQLSTATE of each
-- error class, who may call what, and hostile inputs (search_path, bytea).
BEGIN;
SELECT plan(33);

SELECT has_function('datamesh', 'compile_condition', ARRAY['text', 'jsonb']);
SELECT has_function('datamesh', 'validate_condition', ARRAY['text', 'jsonb']);
SELECT has_function('datamesh', 'explain_condition', ARRAY['text', 'jsonb']);
SELECT has_function('datamesh', 'explain_compiled', ARRAY['bytea']);
SELECT has_function('datamesh', 'eval_condition', ARRAY['text', 'jsonb', 'jsonb']);
SELECT has_function('datamesh', 'eval_condition_detail', ARRAY['text', 'jsonb', 'jsonb']);
SELECT has_function('datamesh', 'eval_compiled', ARRAY['bytea', 'jsonb']);
SELECT has_function('datamesh', 'policy_default_schema', ARRAY[]::text[]);
SELECT function_returns('datamesh', 'compile_condition', ARRAY['text', 'jsonb'], 'bytea');
SELECT function_returns('datamesh', 'eval_compiled', ARRAY['bytea', 'jsonb'], 'boolean');

-- each error class has its SQLSTATE
SELECT throws_ok($$SELECT datamesh.compile_condition('user.role ==')$$, '42601', NULL, 'syntax error: 42601');
SELECT throws_ok($$SELECT datamesh.compile_condition('usr.role == ''a''')$$, '42P01', NULL, 'unknown root: 42P01');
SELECT throws_ok($$SELECT datamesh.compile_condition('user.regoin == ''a''')$$, '42703', NULL, 'unknown attribute: 42703');
SELECT throws_ok($$SELECT datamesh.compile_condition('trim(user.role) == ''a''')$$, '42883', NULL, 'unknown function: 42883');
SELECT throws_ok($$SELECT datamesh.compile_condition('size(user.role, 1) == 1')$$, '42883', NULL, 'wrong argument count: 42883');
SELECT throws_ok($$SELECT datamesh.compile_condition('user.region > 3')$$, '42804', NULL, 'type error: 42804');
SELECT throws_ok($$SELECT datamesh.compile_condition('not ''a''')$$, '42804', NULL, 'not of a string: 42804');
SELECT throws_ok($$SELECT datamesh.compile_condition('user.role.matches(''('')')$$, '2201B', NULL, 'invalid pattern: 2201B');
SELECT throws_ok($$SELECT datamesh.compile_condition(repeat('1', 101) || ' == 1')$$, '22003', NULL, 'number too long: 22003');
SELECT throws_ok($$SELECT datamesh.compile_condition(repeat('true and ', 600) || 'true')$$, '54000', NULL, 'too long: 54000');
SELECT throws_ok($$SELECT datamesh.compile_condition(repeat('(', 50) || 'true' || repeat(')', 50))$$, '54000', NULL, 'too deep: 54000');
SELECT throws_ok($$SELECT datamesh.compile_condition('true', '{"nobody": {}}')$$, '22023', NULL, 'invalid schema: 22023');
SELECT throws_ok($$SELECT datamesh.eval_compiled(datamesh.compile_condition('true'), '{"nobody": 1}')$$, '22023', NULL, 'unknown root in env: 22023');
SELECT throws_ok($$SELECT datamesh.eval_compiled('\x00'::bytea, '{}')$$, '22P03', NULL, 'garbage program: 22P03');
SELECT throws_ok($$SELECT datamesh.explain_compiled('\x444d504c'::bytea)$$, '22P03', NULL, 'truncated program: 22P03');

-- validate_condition reports the same SQLSTATE without raising
SELECT is(datamesh.validate_condition('user.region > 3') -> 'error' ->> 'sqlstate', '42804',
          'validate_condition reports the SQLSTATE');
SELECT lives_ok($$SELECT datamesh.validate_condition(repeat('(', 50))$$, 'validate_condition does not raise');

-- who may call: the language functions read only their arguments; everyone may use them
CREATE ROLE dm_pl_nobody NOLOGIN;
SELECT ok(has_function_privilege('dm_pl_nobody', 'datamesh.eval_compiled(bytea, jsonb)', 'EXECUTE'),
          'anyone may evaluate a compiled condition');
SELECT ok(has_function_privilege('dm_pl_nobody', 'datamesh.compile_condition(text, jsonb)', 'EXECUTE'),
          'anyone may compile a condition');
SELECT ok(NOT has_function_privilege('dm_pl_nobody', 'datamesh._policy_eval_loop(bytea, jsonb, integer, boolean)', 'EXECUTE'),
          'the benchmark helper is for the extension owner only');

-- a hostile search_path does not change what conditions mean
CREATE SCHEMA dm_pl_hostile;
CREATE FUNCTION dm_pl_hostile.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT 'hacked' $$;
CREATE FUNCTION dm_pl_hostile.numeric_cmp(numeric, numeric) RETURNS int LANGUAGE sql AS $$ SELECT 0 $$;
SET LOCAL search_path = dm_pl_hostile, pg_catalog, public;
SELECT is(datamesh.eval_condition('lower(user.region) == ''eu'' and resource.retention_days < 2555',
                                  '{"user": {"region": "EU"}, "resource": {"retention_days": 3000}}'),
          false, 'functions on the search_path are not used by conditions');
RESET search_path;

-- a condition is data: quotes and SQL in it are just characters
SELECT throws_ok($q$SELECT datamesh.eval_condition($$user.name == 'x''); DROP TABLE datamesh.domains; --'$$, '{"user": {"name": "x"}}')$q$,
                 '42601', NULL, 'SQL in a condition is not executed (a syntax error of the language)');
SELECT has_table('datamesh', 'domains', 'the catalog is intact');

SELECT * FROM finish();
ROLLBACK;
