-- Lineage: customer-analytics-360's upstream graph, propagated PII, impact of a change
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo 'L1. Upstream of customer-analytics-360 (input ports and dependencies of current versions)'
SELECT product_id, depth, array_to_string(path, ' <- ') AS path, edge_types[1] AS via
  FROM datamesh.lineage('customer-analytics-360', 'upstream');
SELECT datamesh.get_product_lineage('raw-users') AS "seed 001 get_product_lineage('raw-users')";

\echo 'L2. The analytics team declares column lineage (copy, hash, aggregate)'
SET ROLE analytics_team;
\o /dev/null
SELECT datamesh.add_column_lineage('raw-users', 'email', 'customer-analytics-360', 'email');
SELECT datamesh.add_column_lineage('raw-users', 'customer_id', 'customer-analytics-360', 'customer_id');
SELECT datamesh.add_column_lineage('raw-users', 'country', 'customer-analytics-360', 'country');
SELECT datamesh.add_column_lineage('raw-users', 'ssn', 'customer-analytics-360', 'ssn_hash', 'hash');
SELECT datamesh.add_column_lineage('user-interactions', 'event_id', 'customer-analytics-360', 'lifetime_value', 'aggregate');
\o
RESET ROLE;

\echo 'L3. A Spark job reports its run through OpenLineage (datasets map to products by output port)'
SET ROLE platform_team;
SELECT d.role, d.ds ->> 'namespace' AS namespace, d.ds ->> 'name' AS name,
       coalesce(d.ds ->> 'product_id', '(unknown: recorded as a dataset node)') AS product
  FROM datamesh.ingest_openlineage('{"eventType": "COMPLETE", "eventTime": "2026-11-30T10:05:00Z",
        "run": {"runId": "0190c0de-0000-7000-8000-0000000000d1"},
        "job": {"namespace": "spark-prod", "name": "build_customer_360"},
        "inputs": [{"namespace": "postgres://db.internal:5432", "name": "mesh.customer.users"},
                   {"namespace": "s3://crm-exports", "name": "contacts.csv"}],
        "outputs": [{"namespace": "postgres://db.internal:5432", "name": "mesh.analytics.customer_360"}]}') r,
       LATERAL (SELECT 'input' AS role, x AS ds FROM jsonb_array_elements(r -> 'inputs') x
                UNION ALL SELECT 'output', x FROM jsonb_array_elements(r -> 'outputs') x) d;
RESET ROLE;

\echo 'L4. The upstream graph as Mermaid (paste into any Mermaid renderer)'
\pset format unaligned
\pset tuples_only on
SELECT datamesh.lineage_mermaid('customer-analytics-360', 'upstream');
\pset format aligned
\pset tuples_only off

\echo 'L5. PII follows the data: raw-users.email is pii, and so is the customer-analytics-360 column copied from it'
\echo '    (its contract says so too: both origins are listed); hash and aggregate stop it'
SELECT c AS column, e -> 'tags' AS tags, e -> 'pii' AS pii,
       (SELECT string_agg(DISTINCT p ->> 'from', ', ') FROM jsonb_array_elements(e -> 'provenance') p) AS came_from,
       (SELECT string_agg(DISTINCT (s -> 'stopped_at' ->> 'transformation') || ' stops ' || (s ->> 'from'), ', ')
          FROM jsonb_array_elements(e -> 'stopped') s) AS stopped
  FROM unnest(ARRAY['email', 'ssn_hash', 'lifetime_value', 'country']) c,
       LATERAL datamesh.effective_classification('customer-analytics-360', c) e;

\echo 'L6. Impact: what breaks if raw-users drops email?'
SELECT a ->> 'product_id' AS product, a ->> 'column' AS column, a ->> 'severity' AS severity,
       array_to_string(ARRAY(SELECT jsonb_array_elements_text(a -> 'path')), ' -> ') AS path
  FROM jsonb_array_elements(datamesh.impact('raw-users', '{"remove_column": "email"}') -> 'affected_columns') a;
SELECT c ->> 'product_id' AS consumer, c ->> 'owner' AS owner, c ->> 'status' AS status
  FROM jsonb_array_elements(datamesh.impact('raw-users', '{"remove_column": "email"}') -> 'consumers') c;
\echo '    ... and the active contracts that hold the column (both 2.3.0 and 2.4.0 are active)'
SELECT c ->> 'product_id' AS product, c ->> 'version' AS contract, c ->> 'field' AS field, c ->> 'reason' AS reason
  FROM jsonb_array_elements(datamesh.impact('raw-users', '{"remove_column": "email"}') -> 'contracts') c;

\echo 'L7. Policies see propagated tags: the standard pack masks PII for the analyst, the hashed column is not PII'
SELECT t ->> 'column' AS column, t ->> 'action' AS action, t ->> 'pattern' AS pattern,
       (SELECT p.name FROM datamesh.policies p WHERE p.id = t ->> 'policy_id') AS policy
  FROM jsonb_array_elements(datamesh.evaluate('analyst', 'query', 'customer-analytics-360',
                                              ARRAY['email', 'ssn_hash', 'country']) -> 'transformations') t;
