--
-- ODCS v3: the real contracts of the Open Data Contract Standard
-- (test/fixtures/odcs, read client-side) import; import -> export -> import
-- is lossless for everything datamesh models; sections datamesh does not
-- model are kept; a native contract exports to ODCS and imports back to the
-- same contract; malformed ODCS is refused with its path.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

------------------------------------------------------------------ fixtures
CREATE ROLE od_owner NOLOGIN;
CREATE ROLE od_reader NOLOGIN;
GRANT datamesh_reader TO od_reader;
CREATE SCHEMA od AUTHORIZATION od_owner;
SET ROLE od_owner;
CREATE TABLE od.payments (txn_ref_dt date, rcvr_id varchar(18) PRIMARY KEY, rcvr_cntry_code varchar(2));
CREATE TABLE od.payments_copy (txn_ref_dt date, rcvr_id varchar(18) PRIMARY KEY, rcvr_cntry_code varchar(2));
CREATE TABLE od.air_quality (air_quality_status text PRIMARY KEY);
CREATE TABLE od.events (id bigint PRIMARY KEY, kind text NOT NULL, amount numeric(10,2), at timestamptz NOT NULL);
CREATE TABLE od.events_copy (LIKE od.events INCLUDING ALL);
RESET ROLE;
SELECT datamesh.create_domain('od-domain', 'od_owner', 'ODCS test domain');
\set product 'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: NAME\n  domain: od-domain\n  owner: od-team@example.com\n  version: 1.0.0\nspec:\n  description: A product of the ODCS test.\n  schema: {fields: [{name: id, type: text}]}\n  output_ports:\n    - {name: main, type: table, relation: RELATION}\n  sla:\n    availability: 99.9%\n'
SET ROLE od_owner;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-payments'), 'RELATION', 'od.payments')) ->> 'result' AS payments;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-payments-copy'), 'RELATION', 'od.payments_copy')) ->> 'result' AS payments_copy;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-air'), 'RELATION', 'od.air_quality')) ->> 'result' AS air;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-sla'), 'RELATION', 'od.events')) ->> 'result' AS sla;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-roles'), 'RELATION', 'od.events_copy')) ->> 'result' AS roles;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-native'), 'RELATION', 'od.events')) ->> 'result' AS native;
SELECT datamesh.register_product(replace(replace(:'product', 'NAME', 'od-native-copy'), 'RELATION', 'od.events_copy')) ->> 'result' AS native_copy;
RESET ROLE;

-- a model of a contract version for comparisons: everything datamesh
-- stores, without who published it, when, what it is bound to, and the
-- schema document as written (its form differs between datamesh and ODCS;
-- the fields it defines are compared)
CREATE FUNCTION pg_temp.model(pid text, ver text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT datamesh.get_contract(pid, ver::datamesh.semver)
           - '{product_id,published_by,published_at,status_changed_at,status_changed_by,product_version,port_name,relation,source_format,schema}'::text[]
$$;

-- the same for a contract document that is not published: what the checker makes of it
CREATE FUNCTION pg_temp.checked(doc jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('contract', r -> 'contract', 'fields', r -> 'fields', 'problems', r -> 'problems')
      FROM datamesh._check_contract(doc) r
$$;

\set full `cat test/fixtures/odcs/full-example.odcs.yaml`
\set validity `cat test/fixtures/odcs/column-validity.odcs.yaml`
\set sla `cat test/fixtures/odcs/database-table-sla.odcs.yaml`
\set roles `cat test/fixtures/odcs/service-and-operational-roles.odcs.yaml`

------------------------------------------------ the fixtures import
-- "my quantum" is no datamesh product name: the product is given
SET ROLE od_owner;
SELECT datamesh.import_odcs(:'full');
SELECT jsonb_pretty(datamesh.import_odcs(:'full', 'od-payments'));
SELECT datamesh.import_odcs(:'validity', 'od-air') ->> 'result' AS column_validity;
SELECT datamesh.import_odcs(:'sla', 'od-sla') ->> 'result' AS database_table_sla;
SELECT datamesh.import_odcs(:'roles', 'od-roles') ->> 'result' AS service_roles;
-- the same contract given as JSON converts alike
SELECT datamesh.odcs_to_contract(datamesh.yaml_to_jsonb(:'full')::text, 'od-payments')
       = datamesh.odcs_to_contract(:'full', 'od-payments') AS json_same_as_yaml;
-- importing the same document again changes nothing
SELECT datamesh.import_odcs(:'full', 'od-payments') ->> 'result' AS again;
RESET ROLE;
SELECT product_id, version, status, contract_id, source_format, partition_by, primary_key, row_count_min,
       max_latency_minutes, effective_date AT TIME ZONE 'UTC' AS effective_utc,
       deprecated_date AT TIME ZONE 'UTC' AS deprecated_utc
  FROM datamesh.contracts WHERE product_id LIKE 'od-%' ORDER BY product_id;
SELECT product_id, ordinal, name, type, sql_type, nullable, required, is_unique, is_primary_key, classification,
       max_null_rate, doc
  FROM datamesh.contract_fields WHERE product_id LIKE 'od-%' ORDER BY product_id, ordinal;
SELECT jsonb_pretty(sla) FROM datamesh.contracts WHERE product_id = 'od-sla';
-- the stored original is the document as given
SELECT product_id, source_document = datamesh.yaml_to_jsonb(CASE product_id WHEN 'od-payments' THEN :'full'
           WHEN 'od-air' THEN :'validity' WHEN 'od-sla' THEN :'sla' ELSE :'roles' END) AS original_kept
  FROM datamesh.contracts WHERE source_format = 'odcs' ORDER BY product_id;

------------------------------------------- import -> export -> import
SELECT datamesh.export_odcs('od-payments', '1.1.0');
SET ROLE od_owner;
SELECT datamesh.import_odcs(datamesh.export_odcs('od-payments', '1.1.0'), 'od-payments-copy') ->> 'result' AS reimported;
RESET ROLE;
SELECT pg_temp.model('od-payments', '1.1.0') = pg_temp.model('od-payments-copy', '1.1.0') AS lossless;
-- every section datamesh does not model is in the export, unchanged
SELECT key AS section, datamesh.yaml_to_jsonb(datamesh.export_odcs('od-payments', '1.1.0')) -> key = value AS kept
  FROM jsonb_each(datamesh.yaml_to_jsonb(:'full'))
 WHERE key NOT IN ('schema', 'customProperties', 'status', 'version')
 ORDER BY key;
-- the second schema object (not bound to a table) is kept as is, the first
-- keeps every property key datamesh does not model
SELECT datamesh.yaml_to_jsonb(datamesh.export_odcs('od-payments', '1.1.0')) #> '{schema,1}'
       = datamesh.yaml_to_jsonb(:'full') #> '{schema,1}' AS second_object_kept;
SELECT o.key, datamesh.yaml_to_jsonb(datamesh.export_odcs('od-payments', '1.1.0')) #> ARRAY['schema', '0', 'properties', '0', o.key] = o.value AS kept
  FROM jsonb_each(datamesh.yaml_to_jsonb(:'full') #> '{schema,0,properties,0}') o ORDER BY o.key;
SELECT x.value AS custom_property
  FROM jsonb_array_elements(datamesh.yaml_to_jsonb(datamesh.export_odcs('od-payments', '1.1.0')) -> 'customProperties') x;
-- the other fixtures round-trip too
SELECT product_id,
       pg_temp.checked(datamesh.odcs_to_contract(datamesh.export_odcs(product_id, version), product_id))
       = pg_temp.checked(datamesh.odcs_to_contract(datamesh.jsonb_to_yaml(source_document), product_id)) AS lossless
  FROM datamesh.contracts WHERE source_format = 'odcs' ORDER BY product_id;
SELECT datamesh.export_odcs('od-sla', '1.0.0');

-------------------------------------- native -> ODCS -> native contract
SET ROLE od_owner;
SELECT datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: od-native
  version: 2.1.0
  contract_id: events-contract
  description: Events with every datamesh feature
schema:
  compatibility: full_transitive
  primary_key: [id]
  definition:
    fields:
      - {name: id, type: long, doc: identifier}
      - {name: kind, type: string, required: true, enum: [click, view], default: click}
      - {name: amount, type: "decimal(10,2)", min: 0, max: 1000, pii: true, classification: confidential}
      - {name: at, type: timestamp, required: true}
      - {name: code, type: string, pattern: '^[A-Z]{3}$', max_null_rate: 0.25}
partition_by: [at]
uniqueness_constraints: [[kind, at]]
min_completeness: 0.9
max_latency_minutes: 30
row_count: {min: 10, max: 5000}
quality_rules:
  - {name: amount_positive, rule: amount > 0, severity: warning, description: no zero amounts}
sla:
  availability: {target: 99.9%}
consumer_expectations: {throughput: {queries_per_second: 10}}
deprecation: {notice_period: 90 days}
effective_date: "2026-01-01T00:00:00Z"
$$) ->> 'result' AS native;
RESET ROLE;
SELECT datamesh.export_odcs('od-native');
SET ROLE od_owner;
SELECT datamesh.import_odcs(datamesh.export_odcs('od-native'), 'od-native-copy') ->> 'result' AS imported;
RESET ROLE;
SELECT pg_temp.model('od-native', '2.1.0') = pg_temp.model('od-native-copy', '2.1.0') AS lossless;
SELECT key, a.value AS native, b.value AS via_odcs
  FROM jsonb_each(pg_temp.model('od-native', '2.1.0')) a FULL JOIN jsonb_each(pg_temp.model('od-native-copy', '2.1.0')) b USING (key)
 WHERE a.value IS DISTINCT FROM b.value;

-- an ODCS contract may arrive deprecated: it is published, then deprecated
SET ROLE od_owner;
SELECT datamesh.import_odcs(replace(replace(:'validity', 'status: active', 'status: deprecated'), 'version: 1.0.0', 'version: 1.0.1'),
                            'od-air') - '{warnings,checked_against}'::text[] AS deprecated_import;
RESET ROLE;
SELECT version, status, deprecated_date IS NOT NULL AS has_deprecated_date FROM datamesh.contracts
 WHERE product_id = 'od-air' ORDER BY version;
SELECT datamesh.yaml_to_jsonb(datamesh.export_odcs('od-air', '1.0.1')) ->> 'status' AS exported_status;

-- the product comes from customProperties datamesh.product_id of an export
SELECT datamesh.odcs_to_contract(datamesh.export_odcs('od-native')) #>> '{metadata,product_id}' AS product_from_export;
-- a reader converts and exports, but does not import
SET ROLE od_reader;
SELECT datamesh.odcs_to_contract(:'validity', 'od-air') #> '{schema,definition,fields,0}' AS first_field;
SELECT length(datamesh.export_odcs('od-air')) > 0 AS reader_exports;
SELECT datamesh.import_odcs(:'validity', 'od-air');
RESET ROLE;

------------------------------------------------------------ bad ODCS
SET ROLE od_owner;
SELECT datamesh.import_odcs('[1, 2]', 'od-air');
SELECT datamesh.import_odcs('kind: DataProduct
apiVersion: v2.2.0
version: 1
status: shiny
schema: {}', 'od-air');
SELECT datamesh.import_odcs(replace(:'validity', 'logicalType: string', 'logicalType: text'), 'od-air');
SELECT datamesh.import_odcs(replace(replace(:'validity', E'      logicalType: string\n', ''),
                                    'physicalType: varchar', 'physicalType: nvarchar2'), 'od-air');
SELECT datamesh.import_odcs(replace(:'validity', '- name: air_quality_status', '- nome: air_quality_status'), 'od-air');
SELECT datamesh.import_odcs(replace(:'validity', 'version: 1.0.0', 'version: 2.0.0
customProperties: [{property: datamesh.compatibility, value: sideways}]'), 'od-air');
SELECT datamesh.import_odcs(:'validity', 'od-no-such-product');
SELECT datamesh.import_odcs(:'validity');
SELECT datamesh.import_odcs(NULL, 'od-air');
RESET ROLE;

------------------------------------------------------------------ cleanup
SET ROLE od_owner;
SELECT datamesh.delete_product(p) FROM unnest(ARRAY['od-payments', 'od-payments-copy', 'od-air', 'od-sla', 'od-roles',
                                                    'od-native', 'od-native-copy']) AS p;
RESET ROLE;
SELECT datamesh.drop_domain('od-domain');
DROP SCHEMA od CASCADE;
DROP ROLE od_owner, od_reader;
