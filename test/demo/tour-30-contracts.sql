-- Data contracts: publishing, versioning, ODCS, scaffolding
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo 'C1. Seed 002''s DataContract for customer-analytics-360, published by its domain''s team;'
\echo '    it binds to the product''s single in-database output port'
\set c360 `cat test/contracts/good/customer-360-2.3.0.yaml`
SET ROLE analytics_team;
SELECT r ->> 'result' AS result, r ->> 'version' AS version, r ->> 'compatibility' AS mode,
       r ->> 'port' AS port, r ->> 'relation' AS relation
  FROM datamesh.publish_contract(:'c360') r;
RESET ROLE;

\echo 'C2. Its fields in canonical form (types as PostgreSQL sees them)'
SELECT ordinal, name, type, sql_type, nullable, pii, classification, min_value, enum_values
  FROM datamesh.contract_fields WHERE product_id = 'customer-analytics-360' AND version::text = '2.3.0'
 ORDER BY ordinal;

\echo 'C3. Another team may not publish a contract for it'
SET ROLE orders_team;
SELECT datamesh.publish_contract(:'c360');
RESET ROLE;

\echo 'C4. An optional field is a minor version: checked against 2.3.0 and published'
\set nickname '      - name: nickname\n        type: ["null", "string"]\n        doc: "What the customer wants to be called"\n        required: false\n'
SET ROLE analytics_team;
SELECT r ->> 'version' AS version, r ->> 'declared_bump' AS declared, r ->> 'required_bump' AS required,
       r -> 'checked_against' AS checked_against
  FROM datamesh.publish_contract(replace(replace(:'c360', '2.3.0', '2.4.0'), '      - name: segment',
                                         :'nickname' || '      - name: segment')) r;

\echo 'C5. Removing a field and changing a type in a minor version: refused, every change listed, nothing written'
SELECT datamesh.publish_contract(replace(replace(replace(:'c360', '2.3.0', '2.5.0'),
    E'      - name: country\n        type: string\n        doc: "Customer country (ISO 3166-1 alpha-2)"\n        required: true\n        pii: false\n', ''),
    'type: double', 'type: long'));
RESET ROLE;
SELECT version, status, compatibility FROM datamesh.contracts
 WHERE product_id = 'customer-analytics-360' ORDER BY version;

\echo 'C6. A bad contract: every problem with its path'
SET ROLE analytics_team;
SELECT datamesh.publish_contract($yaml$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: customer-analytics-360, version: 2.6}
schema:
  compatibility: sideways
  definition:
    fields:
      - {name: score, type: "decimal(5,2)", min: 10, max: 1}
      - {name: code, type: string, pattern: "[A-Z"}
      - {name: tier, type: varchar2}
$yaml$);
RESET ROLE;

\echo 'C7. The table a contract describes, as DDL (scaffold_table runs it as the caller)'
SELECT datamesh.contract_ddl('customer-analytics-360', '2.4.0', 'analytics.customer_360_next');

\echo 'C8. ODCS v3: the contract exported (first lines), and what datamesh reads from the standard''s full example'
SELECT string_agg(l, E'\n' ORDER BY n) AS "export_odcs (first 12 lines)"
  FROM regexp_split_to_table(datamesh.export_odcs('customer-analytics-360', '2.4.0'), E'\n') WITH ORDINALITY AS t(l, n)
 WHERE n <= 12;
\set odcs `cat test/fixtures/odcs/full-example.odcs.yaml`
SELECT f ->> 'name' AS field, f ->> 'type' AS type, f ->> 'classification' AS classification,
       f ->> 'primary_key' AS primary_key, f ->> 'max_null_rate' AS max_null_rate
  FROM jsonb_array_elements(datamesh.odcs_to_contract(:'odcs', 'customer-analytics-360') #> '{schema,definition,fields}') f;
SELECT c #> '{schema,primary_key}' AS primary_key, c -> 'partition_by' AS partition_by,
       c -> 'row_count' AS row_count, c -> 'max_latency_minutes' AS max_latency_minutes
  FROM datamesh.odcs_to_contract(:'odcs', 'customer-analytics-360') c;
