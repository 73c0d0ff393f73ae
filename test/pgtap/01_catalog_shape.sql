-- Catalog shape: schema, tables, views, types, functions, and the install
-- script's rules (pinned search_path, comments, config dump).
BEGIN;
SELECT plan(44);

SELECT has_schema('datamesh');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'datamesh'), false, 'extension is not relocatable');
SELECT is((SELECT d.deptype::text FROM pg_depend d
            WHERE d.classid = 'pg_namespace'::regclass AND d.objid = 'datamesh'::regnamespace
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'datamesh')),
          'e', 'schema datamesh belongs to the extension');

SELECT tables_are('datamesh', ARRAY['domains', 'data_products', 'product_versions', 'output_ports',
    'input_ports', 'product_dependencies', 'product_slas', 'quality_rules', 'observability_metrics',
    'observability_alerts', 'declared_policies',
    -- contracts (issue 3)
    'contracts', 'contract_fields', 'contract_validation_runs', 'contract_validation_results',
    'contract_guard_overrides', 'contract_guard_overridden_changes', 'contract_guard_sentinel',
    -- policy engine (issue 4)
    'policies', 'principal_attribute_types', 'principal_attributes', 'policy_audit', 'policy_products_sentinel',
    -- lineage (issue 5)
    'column_lineage', 'column_tags', 'lineage_jobs', 'lineage_datasets', 'lineage_job_io',
    'openlineage_column_edges', 'lineage_runs', 'lineage_sentinel']);
SELECT views_are('datamesh', ARRAY['products', 'versions', 'product_ports', 'contract_validation_latest',
    'lineage_dataset_products', 'column_lineage_edges', 'lineage_edges']);
SELECT has_type('datamesh', 'semver', 'type semver exists');
SELECT enum_has_labels('datamesh', 'classification', ARRAY['public', 'internal', 'confidential', 'restricted']);
SELECT enum_has_labels('datamesh', 'product_type', ARRAY['source', 'aggregate', 'consumer_aligned', 'derived']);
SELECT enum_has_labels('datamesh', 'product_status', ARRAY['draft', 'active', 'deprecated', 'retired']);

-- proper types
SELECT col_type_is('datamesh', 'product_versions', 'version', 'datamesh', 'semver', 'versions are semver');
SELECT col_type_is('datamesh', 'product_versions', 'retention', 'interval', 'retention is an interval');
SELECT col_type_is('datamesh', 'product_versions', 'classification', 'datamesh', 'classification', 'classification is an ordered enum');
SELECT col_type_is('datamesh', 'product_versions', 'manifest', 'jsonb', 'manifest is jsonb');
SELECT col_type_is('datamesh', 'product_versions', 'tags', 'text[]', 'tags are text[]');
SELECT col_type_is('datamesh', 'product_slas', 'availability', 'numeric(6,3)', 'availability is numeric');
SELECT col_type_is('datamesh', 'product_slas', 'freshness', 'interval', 'freshness is an interval');
SELECT col_type_is('datamesh', 'output_ports', 'relation', 'regclass', 'in-database ports are regclass');
SELECT col_type_is('datamesh', 'domains', 'owner', 'regrole', 'domain owner is a regrole');
SELECT col_is_pk('datamesh', 'product_versions', ARRAY['product_id', 'version'], 'a version is identified by product and version');
SELECT fk_ok('datamesh', 'input_ports', ARRAY['source_product', 'resolved_version'],
             'datamesh', 'product_versions', ARRAY['product_id', 'version']);

-- public functions
SELECT has_function('datamesh', 'yaml_to_jsonb', ARRAY['text']);
SELECT has_function('datamesh', 'jsonb_to_yaml', ARRAY['jsonb']);
SELECT has_function('datamesh', 'register_product', ARRAY['text']);
SELECT has_function('datamesh', 'validate_product', ARRAY['text']);
SELECT has_function('datamesh', 'get_product', ARRAY['text', 'datamesh.semver']);
SELECT has_function('datamesh', 'export_manifest', ARRAY['text', 'datamesh.semver']);
SELECT has_function('datamesh', 'create_domain', ARRAY['text', 'regrole', 'text']);
SELECT has_function('datamesh', 'satisfies', ARRAY['datamesh.semver', 'text']);
SELECT function_returns('datamesh', 'register_product', ARRAY['text'], 'jsonb');
SELECT function_returns('datamesh', 'satisfies', ARRAY['datamesh.semver', 'text'], 'boolean');

-- install script rules
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'datamesh'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
       AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c = 'search_path=pg_catalog, pg_temp')
$$, 'every SQL and PL/pgSQL function pins search_path = pg_catalog, pg_temp');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'datamesh'::regnamespace AND p.prokind = 'f' AND l.lanname NOT IN ('sql', 'plpgsql', 'c')
$$, 'functions are written in SQL, PL/pgSQL or C only');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'datamesh'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
$$, 'every function has a comment');
SELECT is_empty($$
    SELECT c.oid::regclass::text FROM pg_class c
     WHERE c.relnamespace = 'datamesh'::regnamespace AND c.relkind IN ('r', 'v')
       AND obj_description(c.oid, 'pg_class') IS NULL
$$, 'every table and view has a comment');
SELECT is_empty($$
    SELECT t.typname::text FROM pg_type t
     WHERE t.typnamespace = 'datamesh'::regnamespace AND t.typtype IN ('b', 'e') AND t.typcategory <> 'A'
       AND obj_description(t.oid, 'pg_type') IS NULL
$$, 'every type has a comment');
SELECT is_empty($$
    SELECT c.oid::regclass::text FROM pg_class c
     WHERE c.relnamespace = 'datamesh'::regnamespace AND c.relkind = 'r'
       AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'datamesh')::oid[])
$$, 'every catalog table is registered with pg_extension_config_dump');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'datamesh'::regnamespace AND p.prosecdef
       AND has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'datamesh'::regnamespace AND p.proname LIKE '\_%'
       AND has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'no internal function is executable by PUBLIC');

SELECT is(datamesh.library_version(),
          (SELECT extversion FROM pg_extension WHERE extname = 'datamesh'),
          'library and SQL versions agree');
SELECT has_role('datamesh_admin');
SELECT has_role('datamesh_reader');
SELECT is(pg_has_role('datamesh_admin', 'datamesh_reader', 'MEMBER'), true, 'admins can read the catalog');
SELECT is(current_setting('datamesh.yaml_max_depth'), '64', 'GUC datamesh.yaml_max_depth is registered');
SELECT throws_ok($$SET datamesh.no_such_setting = 1$$, '42602', NULL,
                 'the datamesh GUC prefix is reserved');

SELECT * FROM finish();
ROLLBACK;
