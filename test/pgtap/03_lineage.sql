-- Lineage: shape and privileges.  Column lineage of a product is declared by
-- its domain's owners (or admins), column tags likewise; OpenLineage events
-- by datamesh_admin or datamesh_lineage_ingest; catalog readers read lineage.
BEGIN;
SELECT plan(31);

\i test/sql/pgtap_grant_temp.sql

CREATE ROLE ln_admin NOLOGIN;
GRANT datamesh_admin TO ln_admin;
CREATE ROLE ln_alice NOLOGIN;
CREATE ROLE ln_bob NOLOGIN;
CREATE ROLE ln_mallory NOLOGIN;
CREATE ROLE ln_ingest NOLOGIN;
GRANT datamesh_lineage_ingest TO ln_ingest;

CREATE FUNCTION pg_temp.manifest(name text, dom text) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', dom, 'version', '1.0.0', 'owner', 'team@example.com'),
        'spec', jsonb_build_object('output_ports', jsonb_build_array(
            jsonb_build_object('name', 'main', 'type', 'file', 'location', 's3://x/' || name)),
            'schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%')))::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.manifest(text, text) TO PUBLIC;

SET ROLE ln_admin;
DO $$ BEGIN PERFORM datamesh.create_domain('ln-alice', 'ln_alice'); PERFORM datamesh.create_domain('ln-bob', 'ln_bob'); END $$;
RESET ROLE;
SET ROLE ln_alice;
DO $$ BEGIN PERFORM datamesh.register_product(pg_temp.manifest('ln-users', 'ln-alice')); END $$;
RESET ROLE;
SET ROLE ln_bob;
DO $$ BEGIN PERFORM datamesh.register_product(pg_temp.manifest('ln-report', 'ln-bob')); END $$;
RESET ROLE;

-- shape
SELECT has_function('datamesh', 'lineage', ARRAY['text', 'text', 'integer', 'integer']);
SELECT has_function('datamesh', 'column_lineage', ARRAY['text', 'text', 'text', 'integer', 'integer', 'boolean']);
SELECT has_function('datamesh', 'lineage_graph', ARRAY['text', 'text', 'integer', 'integer']);
SELECT has_function('datamesh', 'get_product_lineage', ARRAY['text']);
SELECT has_function('datamesh', 'impact', ARRAY['text', 'jsonb']);
SELECT has_function('datamesh', 'effective_classification', ARRAY['text', 'text']);
SELECT has_function('datamesh', 'column_attributes', ARRAY['text', 'text']);
SELECT has_function('datamesh', 'ingest_openlineage', ARRAY['jsonb']);
SELECT function_returns('datamesh', 'get_product_lineage', ARRAY['text'], 'jsonb');
SELECT col_is_pk('datamesh', 'column_lineage', ARRAY['target_product', 'target_column', 'source_product', 'source_column'],
                 'a column edge is identified by its two ends');
SELECT has_role('datamesh_lineage_ingest');
SELECT is((SELECT count(*)::int FROM pg_trigger t WHERE t.tgname = 'lineage_invalidate'), 8,
          'every table behind the lineage views invalidates the cache');

-- who declares column lineage: the target product's domain owners and admins
SET ROLE ln_mallory;
SELECT throws_ok($$SELECT datamesh.add_column_lineage('ln-users', 'email', 'ln-report', 'email')$$, '42501',
                 'permission denied to declare lineage of data product "ln-report"', 'a stranger cannot declare lineage');
RESET ROLE;
SET ROLE ln_alice;
SELECT throws_ok($$SELECT datamesh.add_column_lineage('ln-users', 'email', 'ln-report', 'email')$$, '42501', NULL,
                 'the source product''s owner cannot declare lineage of a product she does not own');
RESET ROLE;
SET ROLE ln_bob;
SELECT lives_ok($$SELECT datamesh.add_column_lineage('ln-users', 'email', 'ln-report', 'email')$$,
                'the target product''s owner declares its lineage');
RESET ROLE;
SET ROLE ln_admin;
SELECT lives_ok($$SELECT datamesh.add_column_lineage('ln-users', 'id', 'ln-report', 'id')$$, 'an admin declares lineage');
RESET ROLE;
SET ROLE ln_alice;
SELECT throws_ok($$SELECT datamesh.remove_column_lineage('ln-users', 'email', 'ln-report', 'email')$$, '42501', NULL,
                 'nor remove it');
RESET ROLE;
SET ROLE ln_mallory;
SELECT throws_ok($$INSERT INTO datamesh.column_lineage VALUES ('ln-users', 'ssn', 'ln-report', 'ssn', 'identity', NULL, NULL, false, 'ln_mallory')$$,
                 '42501', NULL, 'the table is not writable directly');
SELECT throws_ok($$SELECT datamesh._add_column_lineage('ln-users', 'email', 'ln-report', 'x', 'identity', NULL, NULL, false, 'ln_bob')$$,
                 '42501', NULL, 'the implementation cannot be called with a forged caller');
-- column tags: the product's domain owners and admins
SELECT throws_ok($$SELECT datamesh.set_column_tags('ln-users', 'email', ARRAY['pii'])$$, '42501',
                 'permission denied to tag columns of data product "ln-users"', 'a stranger cannot tag columns');
RESET ROLE;
SET ROLE ln_alice;
SELECT lives_ok($$SELECT datamesh.set_column_tags('ln-users', 'email', ARRAY['pii'])$$, 'the owner tags her columns');
RESET ROLE;
-- reading: catalog readers only
SET ROLE ln_mallory;
SELECT throws_ok($$SELECT * FROM datamesh.lineage('ln-users')$$, '42501', NULL, 'a non-reader cannot read lineage');
SELECT throws_ok($$SELECT datamesh.effective_classification('ln-report', 'email')$$, '42501', NULL,
                 'nor classifications');
RESET ROLE;
SET ROLE ln_bob;
SELECT is((SELECT array_agg(product_id) FROM datamesh.lineage('ln-users')), ARRAY['ln-report'], 'a reader reads lineage');
SELECT is(datamesh.effective_classification('ln-report', 'email') -> 'tags', '["pii"]', 'and sees propagated tags');
RESET ROLE;
-- OpenLineage: admins and datamesh_lineage_ingest
SET ROLE ln_bob;
SELECT throws_ok($$SELECT datamesh.ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "0190c0de-0000-7000-8000-00000000000a"}, "job": {"namespace": "x", "name": "y"}}')$$,
                 '42501', 'permission denied to ingest OpenLineage events', 'a domain owner cannot ingest events');
RESET ROLE;
SET ROLE ln_ingest;
SELECT lives_ok($$SELECT datamesh.ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "0190c0de-0000-7000-8000-00000000000a"}, "job": {"namespace": "x", "name": "y"}}')$$,
                'a member of datamesh_lineage_ingest ingests events');
SELECT throws_ok($$SELECT datamesh.ingest_openlineage('{"eventTime": "2026-01-01T00:00:00Z"}')$$, '22023',
                 'invalid OpenLineage event: $.run: required (only RunEvents are accepted)', 'malformed events are refused');
SELECT throws_ok($$DELETE FROM datamesh.lineage_runs$$, '42501', NULL, 'ingested runs are not writable directly');
RESET ROLE;
SET ROLE ln_admin;
SELECT lives_ok($$SELECT datamesh.ingest_openlineage('{"eventTime": "2026-01-01T00:01:00Z", "eventType": "COMPLETE", "run": {"runId": "0190c0de-0000-7000-8000-00000000000a"}, "job": {"namespace": "x", "name": "y"}}')$$,
                'an admin ingests events');
RESET ROLE;
SELECT is((SELECT state FROM datamesh.lineage_runs WHERE run_id = '0190c0de-0000-7000-8000-00000000000a'), 'COMPLETE',
          'the run moved on');

SELECT * FROM finish();
ROLLBACK;
