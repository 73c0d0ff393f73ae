-- Cross-feature wiring: the policy caches are invalidated by every table
-- behind the contract root and the column attributes; the internal builders
-- and the publication path cannot be called around their checks; a hostile
-- search_path does not reach the compliance check run at publication.
BEGIN;
SELECT plan(11);

\i test/sql/pgtap_grant_temp.sql

SELECT is(ARRAY(SELECT c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE t.tgname = 'policy_cache_invalidate' AND t.tgnargs = 1
                   AND encode(t.tgargs, 'escape') = 'products\000'
                 ORDER BY 1),
          ARRAY['column_lineage', 'column_tags', 'contract_fields', 'contracts', 'data_products', 'domains',
                'lineage_datasets', 'openlineage_column_edges', 'output_ports', 'product_slas', 'product_versions'],
          'the catalog, contracts, contract fields and the lineage tables behind column tags invalidate the cached products (through the sentinel)');

CREATE ROLE pw_owner NOLOGIN;
CREATE ROLE pw_mallory NOLOGIN;
GRANT datamesh_reader TO pw_mallory;
\o /dev/null
SELECT datamesh.create_domain('pw-shop', 'pw_owner');
SET ROLE pw_owner;
SELECT datamesh.register_product(jsonb_build_object(
    'apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'pw-users', 'domain', 'pw-shop', 'version', '1.0.0', 'owner', 'pw@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
                               'output_ports', jsonb_build_array(jsonb_build_object('name', 's', 'type', 'stream',
                                                                                    'topic', 'pw'))))::text);
RESET ROLE;
SELECT datamesh.create_policy(name => 'pw contracts need an sla', kind => 'compliance', effect => 'require',
                              target => '{"products": ["pw-users"]}',
                              condition => $$action != 'publish' || has(contract.sla)$$);
\o

\set contract '{"apiVersion": "datamesh.io/v1", "kind": "DataContract", "metadata": {"product_id": "pw-users", "version": "1.0.0"}, "schema": {"definition": {"fields": [{"name": "email", "type": "string", "pii": true}]}}}'

SET ROLE pw_mallory;
SELECT throws_ok($$SELECT datamesh._product_columns('pw-users', NULL)$$, '42501', NULL,
                 'a reader cannot call the column attribute builder');
SELECT throws_ok($$SELECT datamesh._product_contract('pw-users', NULL)$$, '42501', NULL,
                 'nor the contract attribute builder');
SELECT throws_ok($$SELECT datamesh._contract_policy_attributes('{}', '[]')$$, '42501', NULL,
                 'nor the contract view');
RESET ROLE;
SET ROLE pw_owner;
SELECT throws_ok(format('SELECT datamesh._store_contract(%L::jsonb, %L, %L, NULL)', :'contract', 'pw_owner', 'datamesh'), '42501', NULL,
                 'the domain owner cannot store a contract around the publication path');
SELECT throws_ok($$SELECT datamesh._registration_compliance('pw-users', '1.0.0', 'pw_owner', '{"sla": {}}')$$, '42501', NULL,
                 'nor call the compliance check with a forged contract');
SELECT throws_ok(format('SELECT datamesh.publish_contract(%L)', :'contract'), '23514', NULL,
                 'a contract violating a block-level policy is refused');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM datamesh.contracts WHERE product_id = 'pw-users'), 0, 'and nothing is written');

-- hostile objects on the search_path are not used by publication or its compliance check
CREATE SCHEMA pw_hostile;
CREATE FUNCTION pw_hostile.jsonb_array_elements(jsonb) RETURNS SETOF jsonb
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile function called'; END $$;
CREATE FUNCTION pw_hostile.jsonb_strip_nulls(jsonb) RETURNS jsonb
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile function called'; END $$;
CREATE FUNCTION pw_hostile.lower(text) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile function called'; END $$;
GRANT USAGE ON SCHEMA pw_hostile TO PUBLIC;
SET ROLE pw_owner;
SET search_path = pw_hostile, pg_catalog, public;
SELECT is(datamesh.publish_contract(replace(:'contract', '"schema"', '"sla": {"availability": "99%"}, "schema"')) ->> 'result',
          'published', 'publication and its compliance check call nothing from a hostile search_path');
RESET search_path;
RESET ROLE;
SELECT is(datamesh.evaluate('pw_mallory', 'query', 'pw-users') ->> 'decision', 'deny',
          'evaluate loads the product with its contract root and columns (default deny)');
SELECT is(jsonb_array_length(datamesh._product_columns('pw-users', NULL)), 1,
          'the published contract''s field is the product''s column');

SELECT * FROM finish();
ROLLBACK;
