--
-- Classification propagation: column tags and classifications flow downstream
-- along column lineage, stop at mask, hash, aggregate (and the like) and at
-- blocked edges, and record where they came from; impact analysis.
--
\i test/sql/demo_mesh.sql

-- raw-users declares email and ssn as pii in its schema; the analytics team
-- copies email, hashes ssn, and aggregates interactions
SET ROLE analytics_team;
SELECT datamesh.add_column_lineage('customer-domain.raw-users', 'email', 'customer-analytics-360', 'email') ->> 'result' AS email;
SELECT datamesh.add_column_lineage('raw-users', 'customer_id', 'customer-analytics-360', 'customer_id') ->> 'result' AS customer_id;
SELECT datamesh.add_column_lineage('raw-users', 'country', 'customer-analytics-360', 'country', 'identity') ->> 'result' AS country;
SELECT datamesh.add_column_lineage('raw-users', 'ssn', 'customer-analytics-360', 'ssn_hash', 'hash', 'sha256 of the ssn', 'encode(sha256(ssn::bytea), ''hex'')') ->> 'result' AS ssn_hash;
SELECT datamesh.add_column_lineage('user-interactions', 'event_id', 'customer-analytics-360', 'lifetime_value', 'aggregate') ->> 'result' AS lifetime_value;
SELECT datamesh.add_column_lineage('raw-users', 'email', 'customer-analytics-360', 'segment', 'transform') ->> 'result' AS segment;
RESET ROLE;
-- the customer team tags a column of its own; only the product's domain owner may
SET ROLE customer_team;
SELECT datamesh.set_column_tags('raw-users', 'country', ARRAY['GDPR', ' location ', 'gdpr'], 'confidential');
SELECT datamesh.set_column_tags('customer-analytics-360', 'country', ARRAY['mine']);
SELECT datamesh.set_column_tags('raw-users', 'country', ARRAY['no spaces allowed']);
SELECT datamesh.set_column_tags('raw-users', 'country', ARRAY[NULL]);
SELECT datamesh.set_column_tags('nope', 'country', ARRAY['x']);
RESET ROLE;
SELECT product_id, column_name, tags, classification, set_by FROM datamesh.column_tags ORDER BY 1, 2;

-- email copies the pii tag, with where it came from
SELECT jsonb_pretty(datamesh.effective_classification('customer-analytics-360', 'email'));
-- a transform propagates too
SELECT datamesh.effective_classification('customer-analytics-360', 'segment') -> 'tags' AS segment_tags;
-- the strongest classification wins; tags from column_tags
SELECT jsonb_pretty(datamesh.effective_classification('customer-analytics-360', 'country'));
-- hash and aggregate stop propagation, and say where
SELECT jsonb_pretty(datamesh.effective_classification('customer-analytics-360', 'ssn_hash'));
SELECT datamesh.effective_classification('customer-analytics-360', 'lifetime_value') -> 'tags' AS lifetime_value_tags;
-- a column's own declaration
SELECT datamesh.effective_classification('raw-users', 'email') - 'product_id' AS raw_email;
SELECT datamesh.effective_classification('raw-users', 'no_such_column') AS unknown_column;
SELECT datamesh.effective_classification('no-such-product', 'x');

-- what the policy engine reads
SELECT jsonb_pretty(datamesh.column_attributes('customer-analytics-360', 'email'));
SELECT datamesh.column_attributes('customer-analytics-360', 'lifetime_value') - 'provenance' AS lifetime_value;

-- a chain: a derived product copies customer-analytics-360.email again, then masks it further down
SET ROLE analytics_team;
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'marketing-audience', 'domain', 'customer-analytics', 'version', '1.0.0',
                                   'owner', 'analytics@company.com'),
    'spec', jsonb_build_object('schema', '{"fields": [{"name": "contact", "type": "text"}, {"name": "contact_masked", "type": "text"}]}'::jsonb,
        'sla', '{"availability": "99%"}'::jsonb,
        'output_ports', '[{"name": "audience", "type": "file", "location": "s3://marketing/audience"}]'::jsonb,
        'input_ports', '[{"source": "customer-analytics.customer-analytics-360"}]'::jsonb,
        'lineage', '[{"column": "contact", "sources": [{"product": "customer-analytics-360", "column": "email"}]},
                     {"column": "contact_masked", "transformation": "mask", "sources": [{"product": "customer-analytics-360", "column": "email"}]},
                     {"column": "country", "block_propagation": true, "sources": [{"product": "customer-analytics-360", "column": "country"}]}]'::jsonb))::text) ->> 'result' AS registered;
RESET ROLE;
SELECT datamesh.effective_classification('marketing-audience', 'contact') -> 'provenance' AS contact_provenance;
SELECT datamesh.effective_classification('marketing-audience', 'contact_masked') -> 'stopped' AS contact_masked_stopped;
-- blocked by the edge, whatever the transformation
SELECT datamesh.effective_classification('marketing-audience', 'country') - '{product_id,column}'::text[] AS blocked_country;
-- blocking a function edge: declare it again with block_propagation
SET ROLE analytics_team;
SELECT datamesh.add_column_lineage('raw-users', 'email', 'customer-analytics-360', 'segment', 'transform', NULL, NULL, true) ->> 'result' AS blocked;
RESET ROLE;
SELECT datamesh.effective_classification('customer-analytics-360', 'segment') -> 'stopped' -> 0 -> 'stopped_at' AS segment_stopped_at;
-- the propagation graph itself
SELECT product_id, column_name, depth, transformations
  FROM datamesh.column_lineage('raw-users', 'email', 'downstream', NULL, NULL, true);

-- impact analysis
SELECT jsonb_pretty(datamesh.impact('raw-users', '{"remove_column": "email"}'));
SELECT datamesh.impact('raw-users', '{"rename_column": {"from": "country", "to": "country_code"}}') -> 'affected_columns' AS rename_country;
SELECT a ->> 'product_id' AS product, a ->> 'column' AS column, a ->> 'severity' AS severity, a -> 'transformations' AS via
  FROM jsonb_array_elements(datamesh.impact('raw-users', '{"retype_column": {"column": "email", "to": "citext"}}') -> 'affected_columns') a;
SELECT p ->> 'product_id' AS product, p ->> 'status' AS status
  FROM jsonb_array_elements(datamesh.impact('user-interactions', '{"remove_column": "occurred_at"}') -> 'downstream_products') p;
-- a new contract schema: fields removed or retyped against the current schema
SELECT datamesh.impact('raw-users', '{"contract": {"fields": [{"name": "customer_id", "type": "text"}, {"name": "email", "type": "text"}, {"name": "country", "type": "text"}]}}') -> 'changed_columns' AS contract_changes;
SELECT datamesh.impact('raw-users', '{"contract": {"fields": [{"name": "customer_id", "type": "text"}, {"name": "email", "type": "text"}, {"name": "country", "type": "text"}]}}') -> 'breaking' AS contract_breaks;
-- who to tell (the function the breaking-DDL guard can call)
SELECT datamesh.impact_consumers('raw-users') AS all_downstream,
       datamesh.impact_consumers('raw-users', '{"remove_column": "email"}') AS broken_by_removing_email,
       datamesh.impact_consumers('product-catalog', '{"remove_column": "price"}') AS unknown_without_column_lineage;
-- bad changes
SELECT datamesh.impact('raw-users', '{}');
SELECT datamesh.impact('raw-users', '{"remove_column": 5}');
SELECT datamesh.impact('raw-users', '{"rename_column": {"from": "email"}}');
SELECT datamesh.impact('raw-users', '{"retype_column": "email"}');
SELECT datamesh.impact('raw-users', '{"drop_table": true}');
SELECT datamesh.impact('raw-users', '{"remove_column": "email", "remove_column2": "ssn"}');
SELECT datamesh.impact('lab-x', '{"remove_column": "a"}');

-- the breaking-DDL guard's consumer list from lineage (datamesh._contract_consumers' columns)
SELECT * FROM datamesh._lineage_consumers('raw-users');
SELECT * FROM datamesh._lineage_consumers('marketing-audience');

-- with contracts: an active contract's fields declare tags and types, and
-- impact names the contracts a change breaks
\set c `cat test/contracts/good/customer-360-2.3.0.yaml`
SET ROLE analytics_team;
SELECT datamesh.publish_contract(:'c') ->> 'result' AS contract;
RESET ROLE;
SELECT e -> 'tags' AS tags, (SELECT jsonb_agg(p ->> 'origin' ORDER BY p ->> 'tag', p ->> 'origin') FROM jsonb_array_elements(e -> 'provenance') p) AS origins
  FROM datamesh.effective_classification('customer-analytics-360', 'email') e;
SELECT datamesh.column_attributes('customer-analytics-360', 'lifetime_value') ->> 'type' AS lifetime_value_type;
SELECT datamesh.effective_classification('marketing-audience', 'contact') -> 'tags' AS contact_tags;
SELECT jsonb_pretty(datamesh.impact('raw-users', '{"remove_column": "email"}') -> 'contracts');
-- a new contract version for customer-analytics-360 without segment (BACKWARD allows that)
SELECT i -> 'breaking' AS breaking, i -> 'changed_columns' AS changed, i -> 'contracts' -> 0 ->> 'scope' AS scope
  FROM datamesh.impact('customer-analytics-360', '{"contract": {"type": "record", "name": "Customer360", "fields": [
        {"name": "customer_id", "type": "string"}, {"name": "email", "type": ["null", "string"], "pii": true},
        {"name": "country", "type": "string"}, {"name": "lifetime_value", "type": "double"}]}}') i;
-- and with a retyped country as well, which BACKWARD refuses
SELECT jsonb_pretty(i - '{change,downstream_products,affected_columns,consumers,compatibility}'::text[]) AS impact,
       (SELECT jsonb_agg(jsonb_build_object('change', x ->> 'change_kind', 'path', x ->> 'path', 'severity', x ->> 'severity')
                         ORDER BY x ->> 'path', x ->> 'change_kind')
          FROM jsonb_array_elements(i -> 'compatibility') x WHERE x ->> 'severity' = 'breaking') AS breaking_rows
  FROM datamesh.impact('customer-analytics-360', '{"contract": {"type": "record", "name": "Customer360", "fields": [
        {"name": "customer_id", "type": "string"}, {"name": "email", "type": ["null", "string"], "pii": true},
        {"name": "country", "type": "int"}, {"name": "lifetime_value", "type": "double"}]}}') i;

-- every column of a product as the policy engine sees it (datamesh._product_columns' shape)
SELECT c ->> 'name' AS name, c ->> 'type' AS type, c -> 'tags' AS tags, c ->> 'classification' AS classification,
       c -> 'pii' AS pii
  FROM jsonb_array_elements(datamesh._lineage_product_columns('customer-analytics-360', NULL)) c;
SELECT c ->> 'name' AS name, c ->> 'type' AS type, c -> 'tags' AS tags, c ->> 'classification' AS classification
  FROM jsonb_array_elements(datamesh._lineage_product_columns('raw-users', '1.0.0')) c;
