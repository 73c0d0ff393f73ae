-- Data contracts: table shape, functions, and privileges (who may publish
-- and change contracts, who may read them; no direct writes).  Every attack
-- runs as a role that should be refused.
BEGIN;
SELECT plan(65);

\i test/sql/pgtap_grant_temp.sql

------------------------------------------------------------------- shape
SELECT has_table('datamesh', 'contracts', 'table contracts exists');
SELECT has_table('datamesh', 'contract_fields', 'table contract_fields exists');
SELECT col_is_pk('datamesh', 'contracts', ARRAY['product_id', 'version'], 'a contract version is identified by product and version');
SELECT col_is_pk('datamesh', 'contract_fields', ARRAY['product_id', 'version', 'ordinal'], 'a field by its contract and ordinal');
SELECT col_type_is('datamesh', 'contracts', 'version', 'datamesh', 'semver', 'contract versions are semver');
SELECT col_type_is('datamesh', 'contracts', 'product_version', 'datamesh', 'semver', 'the bound product version is semver');
SELECT col_type_is('datamesh', 'contracts', 'relation', 'regclass', 'the bound relation is a regclass');
SELECT col_type_is('datamesh', 'contracts', 'published_by', 'regrole', 'the publisher is a regrole');
SELECT col_type_is('datamesh', 'contracts', 'partition_by', 'text[]', 'partition_by is text[]');
SELECT col_type_is('datamesh', 'contracts', 'schema', 'jsonb', 'schema is jsonb');
SELECT col_type_is('datamesh', 'contracts', 'manifest', 'jsonb', 'manifest is jsonb');
SELECT col_type_is('datamesh', 'contracts', 'effective_date', 'timestamp with time zone', 'dates are timestamptz');
SELECT col_type_is('datamesh', 'contract_fields', 'enum_values', 'text[]', 'enum values are text[]');
SELECT col_type_is('datamesh', 'contract_fields', 'max_null_rate', 'numeric', 'max_null_rate is numeric');
SELECT col_not_null('datamesh', 'contract_fields', 'nullable', 'nullable is always known');
SELECT fk_ok('datamesh', 'contract_fields', ARRAY['product_id', 'version'], 'datamesh', 'contracts', ARRAY['product_id', 'version']);
SELECT fk_ok('datamesh', 'contracts', ARRAY['product_id', 'product_version'],
             'datamesh', 'product_versions', ARRAY['product_id', 'version']);
SELECT ok((SELECT 'datamesh.contracts'::regclass = ANY (extconfig) AND 'datamesh.contract_fields'::regclass = ANY (extconfig)
             FROM pg_extension WHERE extname = 'datamesh'), 'contract tables are dumped by pg_dump');
SELECT has_function('datamesh', 'publish_contract', ARRAY['text']);
SELECT has_function('datamesh', 'validate_contract', ARRAY['text']);
SELECT has_function('datamesh', 'set_contract_status', ARRAY['text', 'datamesh.semver', 'text']);
SELECT has_function('datamesh', 'contract_ddl', ARRAY['text', 'datamesh.semver', 'text']);
SELECT has_function('datamesh', 'scaffold_table', ARRAY['text', 'text', 'datamesh.semver']);
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'datamesh.publish_contract(text)'::regprocedure), false,
          'publish_contract runs as its caller (trampoline)');
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'datamesh.scaffold_table(text, text, datamesh.semver)'::regprocedure), false,
          'scaffold_table runs as its caller');
SELECT has_function('datamesh', 'contract_ddl_from_document', ARRAY['text', 'text']);
SELECT has_function('datamesh', 'scaffold_table_from_document', ARRAY['text', 'text']);
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'datamesh.scaffold_table_from_document(text, text)'::regprocedure), false,
          'scaffold_table_from_document runs as its caller');
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'datamesh.contract_ddl_from_document(text, text)'::regprocedure), false,
          'contract_ddl_from_document runs as its caller (trampoline)');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'datamesh'::regnamespace AND p.proname LIKE '\_%contract%'
              AND has_function_privilege('public', p.oid, 'EXECUTE')), 0,
          'no internal contract function is executable by PUBLIC');

---------------------------------------------------------------- fixtures
CREATE ROLE dmc_admin NOLOGIN;
GRANT datamesh_admin TO dmc_admin;
CREATE ROLE dmc_alice NOLOGIN;
CREATE ROLE dmc_bob NOLOGIN;
CREATE ROLE dmc_reader NOLOGIN;
GRANT datamesh_reader TO dmc_reader;
CREATE ROLE dmc_mallory NOLOGIN;
CREATE SCHEMA dmc_s AUTHORIZATION dmc_alice;
GRANT CREATE ON SCHEMA public TO dmc_bob;
CREATE TABLE dmc_s.users (id int PRIMARY KEY, email text);
ALTER TABLE dmc_s.users OWNER TO dmc_alice;
CREATE TABLE dmc_s.accounts (id int PRIMARY KEY, email text);
ALTER TABLE dmc_s.accounts OWNER TO dmc_alice;
SELECT datamesh.create_domain('dmc-alice', 'dmc_alice');
SELECT datamesh.create_domain('dmc-bob', 'dmc_bob');
SET ROLE dmc_alice;
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'dmc-users', 'domain', 'dmc-alice', 'version', '1.0.0', 'owner', 'a@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', jsonb_build_array(jsonb_build_object('name', 'users', 'type', 'table', 'relation', 'dmc_s.users'))))::text);
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'dmc-accounts', 'domain', 'dmc-alice', 'version', '1.0.0', 'owner', 'a@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', jsonb_build_array(jsonb_build_object('name', 'accounts', 'type', 'table', 'relation', 'dmc_s.accounts'))))::text);
RESET ROLE;
CREATE FUNCTION pg_temp.contract(version text, product text DEFAULT 'dmc-users') RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
        'metadata', jsonb_build_object('product_id', product, 'version', version),
        'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
            jsonb_build_object('name', 'id', 'type', 'int', 'required', true),
            jsonb_build_object('name', 'email', 'type', 'string', 'pii', true)))))::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.contract(text, text) TO PUBLIC;

------------------------------------------------------------- publishing
SET ROLE dmc_bob;
SELECT throws_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.0.0'))$$, '42501',
                 'permission denied to publish contracts of data product "dmc-users"',
                 'another domain''s owner cannot publish into it');
RESET ROLE;
SET ROLE dmc_mallory;
SELECT throws_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.0.0'))$$, '42501', NULL,
                 'a role outside every domain cannot publish');
RESET ROLE;
SET ROLE dmc_reader;
SELECT throws_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.0.0'))$$, '42501', NULL,
                 'a catalog reader cannot publish');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM datamesh.contracts WHERE product_id = 'dmc-users'), 0, 'nothing was written');
SET ROLE dmc_alice;
SELECT lives_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.0.0'))$$, 'the domain owner publishes');
RESET ROLE;
SET ROLE dmc_admin;
SELECT lives_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.0.0', 'dmc-accounts'))$$, 'an administrator publishes too');
RESET ROLE;
SELECT results_eq($$SELECT product_id, version::text, published_by::text, relation::text FROM datamesh.contracts
                     WHERE product_id LIKE 'dmc-%' ORDER BY product_id$$,
                  $$VALUES ('dmc-accounts', '1.0.0', 'dmc_admin', 'dmc_s.accounts'), ('dmc-users', '1.0.0', 'dmc_alice', 'dmc_s.users')$$,
                  'the publisher is recorded and the contract binds to the product''s table');

-- acting through someone else's code or forging the caller
SET ROLE dmc_bob;
CREATE FUNCTION public.dmc_bob_publishes() RETURNS jsonb LANGUAGE sql SECURITY DEFINER
    AS $$ SELECT datamesh.publish_contract(pg_temp.contract('1.1.0')) $$;
RESET ROLE;
SET ROLE dmc_alice;
SELECT throws_ok($$SELECT public.dmc_bob_publishes()$$, '42501', NULL,
                 'a SECURITY DEFINER function publishes with its owner''s rights, not its caller''s');
SELECT throws_ok($$SELECT datamesh._publish_contract(pg_temp.contract('1.1.0'), 'dmc_alice')$$, '42501', NULL,
                 'the implementation cannot be called directly');
SELECT throws_ok($$SELECT datamesh._store_contract('{}', 'dmc_admin', 'datamesh', NULL)$$, '42501', NULL,
                 'nor the storing helper');
SELECT throws_ok($$SELECT datamesh._set_contract_status('dmc-users', '1.0.0', 'retired', 'dmc_admin')$$, '42501', NULL,
                 'nor the status implementation');

-- no direct writes, even for the domain owner
SELECT throws_ok($$INSERT INTO datamesh.contracts (product_id, version, status, compatibility, schema_format, schema, manifest, published_by)
                   VALUES ('dmc-users', '9.0.0', 'active', 'NONE', 'native', '[]', '{}', 'dmc_alice')$$,
                 '42501', NULL, 'no direct INSERT into contracts');
SELECT throws_ok($$UPDATE datamesh.contracts SET status = 'retired'$$, '42501', NULL, 'no direct UPDATE of contracts');
SELECT throws_ok($$DELETE FROM datamesh.contract_fields$$, '42501', NULL, 'no direct DELETE of contract fields');
SELECT throws_ok($$TRUNCATE datamesh.contracts$$, '42501', NULL, 'no TRUNCATE');
RESET ROLE;

-------------------------------------------------------------------- status
SET ROLE dmc_bob;
SELECT throws_ok($$SELECT datamesh.deprecate_contract('dmc-users', '1.0.0')$$, '42501',
                 'permission denied to change contracts of data product "dmc-users"',
                 'another owner cannot deprecate a contract');
SELECT throws_ok($$SELECT datamesh.retire_contract('dmc-users', '1.0.0')$$, '42501', NULL, 'nor retire it');
SELECT throws_ok($$SELECT datamesh.set_contract_status('dmc-users', '1.0.0', 'retired')$$, '42501', NULL, 'nor set its status');
RESET ROLE;
SET ROLE dmc_alice;
SELECT is(datamesh.deprecate_contract('dmc-users', '1.0.0') ->> 'status', 'deprecated', 'the owner deprecates');
SELECT throws_ok($$SELECT datamesh.activate_contract('dmc-users', '1.0.0')$$, '22023', NULL, 'but never goes back');
RESET ROLE;
SET ROLE dmc_admin;
SELECT is(datamesh.retire_contract('dmc-accounts', '1.0.0') ->> 'status', 'retired', 'an administrator retires');
RESET ROLE;

------------------------------------------------------------------ reading
SET ROLE dmc_reader;
SELECT is((SELECT count(*)::int FROM datamesh.contracts WHERE product_id LIKE 'dmc-%'), 2, 'catalog readers read contracts');
SELECT is((SELECT count(*)::int FROM datamesh.contract_fields WHERE product_id LIKE 'dmc-%'), 4, 'and their fields');
SELECT is(datamesh.get_contract('dmc-users') ->> 'status', 'deprecated', 'and get_contract');
SELECT ok(datamesh.contract_ddl('dmc-users') LIKE 'CREATE TABLE dmc_s.users (%', 'readers generate DDL');
SELECT is((datamesh.validate_contract(pg_temp.contract('2.0.0')) ->> 'valid')::bool, true, 'readers validate contracts');
RESET ROLE;
SET ROLE dmc_mallory;
SELECT throws_ok($$SELECT * FROM datamesh.contracts$$, '42501', NULL, 'a role without datamesh_reader cannot read contracts');
SELECT throws_ok($$SELECT * FROM datamesh.contract_fields$$, '42501', NULL, 'nor their fields');
SELECT throws_ok($$SELECT datamesh.get_contract('dmc-users')$$, '42501', NULL, 'nor call get_contract');
SELECT throws_ok($$SELECT datamesh.contract_ddl('dmc-users')$$, '42501', NULL, 'nor contract_ddl');
RESET ROLE;

-- scaffold_table creates the table as the caller, who owns it
SET ROLE dmc_reader;
SELECT throws_ok($$SELECT datamesh.scaffold_table('dmc-users', 'dmc_s.users_copy')$$, '42501', NULL,
                 'scaffolding into a schema the caller cannot create in is refused');
RESET ROLE;
SET ROLE dmc_alice;
SELECT is(datamesh.scaffold_table('dmc-users', 'dmc_s.users_v2')::text, 'dmc_s.users_v2', 'the owner scaffolds a table');
RESET ROLE;
SELECT is((SELECT relowner::regrole::text FROM pg_class WHERE oid = 'dmc_s.users_v2'::regclass), 'dmc_alice',
          'the scaffolded table belongs to the caller, not to the extension owner');

-- a hostile search_path cannot redirect publishing
SET ROLE dmc_bob;
CREATE TABLE public.dmc_trap_log (fn text);
GRANT INSERT, SELECT ON public.dmc_trap_log TO PUBLIC;
CREATE FUNCTION public.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.dmc_trap_log VALUES ('jsonb_typeof') RETURNING 'object' $$;
CREATE FUNCTION public.pg_has_role(oid, oid, text) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.dmc_trap_log VALUES ('pg_has_role') RETURNING true $$;
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.dmc_trap_log VALUES ('format') RETURNING 'trapped' $$;
RESET ROLE;
SET ROLE dmc_alice;
SET search_path = public, pg_catalog;
SELECT lives_ok($$SELECT datamesh.publish_contract(pg_temp.contract('1.1.0'))$$,
                'publishing works with hostile functions first on the search_path');
SELECT is_empty($$SELECT * FROM public.dmc_trap_log$$, 'and none of them ran');
RESET search_path;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
