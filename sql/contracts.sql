--
-- Data contracts: publishing seed 002's DataContract, binding to the
-- product's in-database output port, seed 001's DataContract/FieldContract
-- fields, Avro and JSON Schema schemas, ownership, status, reading and
-- exporting, contract_ddl and scaffold_table.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

------------------------------------------------------------------ fixtures
CREATE ROLE ct_owner NOLOGIN;
CREATE ROLE ct_member NOLOGIN;
CREATE ROLE ct_other NOLOGIN;
CREATE ROLE ct_reader NOLOGIN;
CREATE ROLE ct_admin NOLOGIN;
GRANT ct_owner TO ct_member;
GRANT datamesh_reader TO ct_reader;
GRANT datamesh_admin TO ct_admin;
CREATE SCHEMA ct AUTHORIZATION ct_owner;
CREATE SCHEMA ct_scaffold AUTHORIZATION ct_owner;
SET ROLE ct_owner;
CREATE TABLE ct.customer_360 (customer_id text PRIMARY KEY, email text, country text NOT NULL,
                              lifetime_value double precision NOT NULL, segment text NOT NULL);
CREATE TABLE ct.orders (order_id bigint PRIMARY KEY, customer_id text NOT NULL, total numeric(12,2) NOT NULL);
CREATE TABLE ct.orders_archive (order_id bigint PRIMARY KEY);
RESET ROLE;
SELECT datamesh.create_domain('ct-customer', 'ct_owner', 'Contracts test domain');
SELECT datamesh.create_domain('ct-other', 'ct_other', 'A domain ct_owner does not manage');

\set product 'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: NAME\n  domain: ct-customer\n  owner: ct-team@example.com\n  version: VERSION\nspec:\n  description: A product of the contracts test.\n  schema: {fields: [{name: id, type: text}]}\n  output_ports:\nPORTS  sla:\n    availability: 99.9%\n'
SET ROLE ct_owner;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'customer-analytics-360'), 'VERSION', '2.3.0'),
    'PORTS', E'    - {name: customer-360-table, type: table, relation: ct.customer_360}\n    - {name: customer-360-api, type: rest-api, endpoint: "https://api.example.com/c360"}\n')) ->> 'result' AS c360;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'ct-orders'), 'VERSION', '1.0.0'),
    'PORTS', E'    - {name: orders, type: table, relation: ct.orders}\n    - {name: archive, type: table, relation: ct.orders_archive}\n')) ->> 'result' AS orders;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'ct-api-only'), 'VERSION', '0.1.0'),
    'PORTS', E'    - {name: api, type: rest-api, endpoint: "https://api.example.com/x"}\n')) ->> 'result' AS api_only;
RESET ROLE;

----------------------------------------------- seed 002's DataContract
\set seed002 `cat test/contracts/good/customer-360-2.3.0.yaml`
-- a role outside the domain may not publish, and nothing is written
SET ROLE ct_other;
SELECT datamesh.publish_contract(:'seed002');
RESET ROLE;
SELECT count(*) AS contracts FROM datamesh.contracts;
-- a member of the domain's owner role may; the single in-database output
-- port of the product's latest version is the one the contract binds to
SET ROLE ct_member;
SELECT jsonb_pretty(datamesh.publish_contract(:'seed002'));
RESET ROLE;
SELECT product_id, version, status, compatibility, schema_format, product_version, port_name, relation,
       max_latency_minutes, partition_by, uniqueness_constraints, primary_key, published_by, source_format
  FROM datamesh.contracts;
SELECT sla -> 'availability' AS sla_availability, consumer_expectations -> 'throughput' AS throughput,
       deprecation ->> 'notice_period' AS notice_period
  FROM datamesh.contracts;
SELECT ordinal, name, type, sql_type, nullable, required, is_unique, pii, classification, min_value, max_value,
       enum_values, doc
  FROM datamesh.contract_fields ORDER BY ordinal;
-- publishing the same document again changes nothing; other content under
-- the same version is refused
SET ROLE ct_owner;
SELECT datamesh.publish_contract(:'seed002') ->> 'result' AS again;
SELECT datamesh.publish_contract(replace(:'seed002', 'Customer segment', 'Segment'));
RESET ROLE;

------------------------------------------------------ binding to a port
\set orders 'apiVersion: datamesh.io/v1\nkind: DataContract\nmetadata:\n  product_id: ct-orders\n  version: VERSION\nEXTRAschema:\n  definition:\n    fields:\n      - {name: order_id, type: long, required: true, primary_key: true}\n      - {name: customer_id, type: string, required: true}\n      - {name: total, type: "decimal(12,2)", required: true, min: 0}\n'
SET ROLE ct_owner;
-- two in-database ports: the contract must name one
SELECT datamesh.publish_contract(replace(replace(:'orders', 'VERSION', '1.0.0'), 'EXTRA', ''));
-- a port that does not exist, a port that is not in the database, a
-- product version that is not registered
SELECT datamesh.publish_contract(replace(replace(:'orders', 'VERSION', '1.0.0'), 'EXTRA', E'  port: nope\n  product_version: 9.9.9\n'));
SELECT datamesh.publish_contract(replace(replace(:'seed002', '  version: 2.3.0', E'  version: 2.3.0\n  port: customer-360-api'), 'x', 'x'));
SELECT datamesh.publish_contract(replace(replace(:'orders', 'VERSION', '1.0.0'), 'EXTRA', E'  port: orders\n  product_version: 1.0.0\n')) ->> 'relation' AS bound_to;
-- a product without in-database ports: stored, not enforced, with a warning
SELECT datamesh.publish_contract(replace(replace(replace(:'orders', 'VERSION', '0.1.0'), 'EXTRA', E'  status: draft\n'), 'ct-orders', 'ct-api-only'))
       - '{checked_against}'::text[] AS unbound;
RESET ROLE;
SELECT product_id, version, port_name, relation, primary_key FROM datamesh.contracts ORDER BY product_id;
SELECT product_id, name, sql_type, nullable, required, is_unique, is_primary_key, min_value
  FROM datamesh.contract_fields WHERE product_id = 'ct-orders' ORDER BY ordinal;

-- unknown product, product in a domain the caller does not manage
SET ROLE ct_owner;
SELECT datamesh.publish_contract(replace(replace(replace(:'orders', 'VERSION', '1.0.0'), 'EXTRA', ''), 'ct-orders', 'ct-no-such-product'));
RESET ROLE;

------------------------------------------ seed 001 DataContract fields
SET ROLE ct_owner;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'ct-events'), 'VERSION', '1.0.0'),
    'PORTS', E'    - {name: events, type: table, relation: ct.orders}\n')) ->> 'result' AS events;
SELECT datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: ct-events
  version: 1.0.0
  contract_id: events-contract
  description: Seed 001's DataContract with every FieldContract feature
schema:
  definition:
    fields:
      - {name: event_id, type: string, nullable: false, description: Event identifier}
      - name: event_type
        type: string
        nullable: false
        constraints: {enum: [click, view, purchase]}
      - name: amount
        type: float
        constraints: {min: 0, max: 100000}
      - name: occurred_at
        type: timestamp
        nullable: false
      - name: user_agent
        type: string
        constraints: {pattern: '^[A-Za-z]'}
        max_null_rate: 0.2
      - {name: tags, type: "array<string>"}
      - {name: payload, type: object}
partition_by: [occurred_at]
min_completeness: 0.95
max_null_rate: {amount: 0.05}
uniqueness_constraints: [event_id, [event_type, occurred_at]]
max_latency_minutes: 15
row_count: {min: 1, max: 1000000}
quality_rules:
  - {name: amount_rounded, rule: "amount = round(amount::numeric, 2)", severity: warning}
schema_evolution_policy: full
backward_compatible: true
effective_date: "2026-01-01T00:00:00Z"
deprecated_date: "2027-01-01"
$$) ->> 'result' AS seed001;
RESET ROLE;
SELECT contract_id, compatibility, schema_evolution_policy, partition_by, min_completeness,
       uniqueness_constraints, max_latency_minutes, row_count_min, row_count_max, quality_rules,
       effective_date AT TIME ZONE 'UTC' AS effective_utc, deprecated_date IS NOT NULL AS has_deprecated_date
  FROM datamesh.contracts WHERE product_id = 'ct-events';
SELECT ordinal, name, type, sql_type, nullable, required, is_unique, min_value, max_value, enum_values, pattern,
       max_null_rate, doc
  FROM datamesh.contract_fields WHERE product_id = 'ct-events' ORDER BY ordinal;

---------------------------------------------------------------- versioning
-- each new version is checked against the earlier ones in the product's
-- mode (seed 002 says backward) and its declared semver bump against the
-- one its changes need; what is refused is listed change by change
\set nickname '      - name: nickname\n        type: ["null", "string"]\n        doc: "What the customer wants to be called"\n        required: false\n'
\set country '      - name: country\n        type: string\n        doc: "Customer country (ISO 3166-1 alpha-2)"\n        required: true\n        pii: false\n'
SET ROLE ct_owner;
-- an optional field: a minor version
SELECT datamesh.publish_contract(replace(replace(:'seed002', '2.3.0', '2.4.0'), '      - name: segment', :'nickname' || '      - name: segment'))
       - 'warnings' AS minor;
-- documentation only: a patch
SELECT datamesh.publish_contract(replace(replace(replace(:'seed002', '2.3.0', '2.4.1'), '      - name: segment', :'nickname' || '      - name: segment'),
                                         'Customer segment', 'Segment of the customer')) ->> 'declared_bump' AS patch;
-- removing a field in a minor version, an added field in a patch
SELECT datamesh.publish_contract(replace(replace(replace(:'seed002', '2.3.0', '2.5.0'), '      - name: segment', :'nickname' || '      - name: segment'),
                                         :'country', ''));
SELECT datamesh.publish_contract(replace(replace(:'seed002', '2.3.0', '2.4.2'), '      - name: segment',
                                         :'nickname' || replace(:'nickname', 'nickname', 'alias') || '      - name: segment'));
-- several changes at once: every one is listed
SELECT datamesh.publish_contract(replace(replace(replace(replace(:'seed002', '2.3.0', '2.5.0'), :'country', ''),
                                                 'type: double', 'type: long'), E'        required: true\n        pii: false\n        enum',
                                         E'        required: false\n        pii: false\n        enum'));
-- loosening the mode is a broken promise too; and versions only go up within a major line
SELECT datamesh.publish_contract(replace(replace(replace(:'seed002', '2.3.0', '2.5.0'), '      - name: segment', :'nickname' || '      - name: segment'),
                                         'compatibility: backward', 'compatibility: none'));
SELECT datamesh.publish_contract(replace(:'seed002', '2.3.0', '2.3.5'));
-- the way forward for a breaking change: a new major version
SELECT datamesh.publish_contract(replace(replace(:'seed002', '2.3.0', '3.0.0'), :'country', '')) - 'warnings' AS major;
RESET ROLE;
SELECT version, status, compatibility, (SELECT count(*) FROM datamesh.contract_fields f
                                         WHERE f.product_id = c.product_id AND f.version::text = c.version::text) AS fields
  FROM datamesh.contracts c WHERE product_id = 'customer-analytics-360' ORDER BY version;
-- ct-orders says nothing about its mode: FULL, the checker's default.  A
-- required field without a default breaks it (old data has no value for it)
SET ROLE ct_owner;
SELECT datamesh.publish_contract(replace(replace(:'orders', 'VERSION', '1.1.0'), 'EXTRA', E'  port: orders\n')
                                 || E'      - {name: channel, type: string, required: true}\n');
SELECT datamesh.publish_contract(replace(replace(:'orders', 'VERSION', '1.1.0'), 'EXTRA', E'  port: orders\n')
                                 || E'      - {name: channel, type: string, required: true, default: web}\n') ->> 'result' AS with_default;
RESET ROLE;

------------------------------------------- Avro and JSON Schema schemas
SELECT jsonb_pretty(datamesh.validate_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: ct-events, version: 2.0.0}
schema:
  format: avro
  definition:
    type: record
    name: Event
    namespace: com.example
    fields:
      - {name: id, type: long}
      - {name: email, type: ["null", string], default: null}
      - {name: kind, type: {type: enum, name: Kind, symbols: [A, B]}, default: A}
      - {name: at, type: {type: long, logicalType: timestamp-millis}}
      - {name: price, type: {type: bytes, logicalType: decimal, precision: 10, scale: 2}}
      - {name: tags, type: {type: array, items: string}, doc: free tags}
      - {name: attrs, type: {type: map, values: string}}
$$) - '{fields}'::text[]);
SELECT f ->> 'name' AS name, f ->> 'sql_type' AS sql_type, f ->> 'nullable' AS nullable, f ->> 'required' AS required,
       f -> 'enum_values' AS enum_values, f -> 'default_value' AS default_value
  FROM jsonb_array_elements(datamesh.validate_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: ct-events, version: 2.0.0}
schema:
  definition:
    type: record
    name: Event
    fields:
      - {name: id, type: long}
      - {name: email, type: ["null", string], default: null}
      - {name: kind, type: {type: enum, name: Kind, symbols: [A, B]}, default: A}
      - {name: at, type: {type: long, logicalType: timestamp-millis}}
      - {name: price, type: {type: bytes, logicalType: decimal, precision: 10, scale: 2}}
      - {name: tags, type: {type: array, items: string}, doc: free tags}
      - {name: attrs, type: {type: map, values: string}}
$$) -> 'fields') AS f;
SELECT datamesh.validate_contract($$
{"apiVersion": "datamesh.io/v1", "kind": "DataContract",
 "metadata": {"product_id": "ct-events", "version": "2.0.0"},
 "schema": {"format": "json_schema", "definition": {
   "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
   "required": ["id", "kind"],
   "properties": {
     "id": {"type": "integer", "minimum": 1, "description": "identifier"},
     "kind": {"type": "string", "enum": ["a", "b"]},
     "seen": {"type": "string", "format": "date-time"},
     "score": {"type": ["number", "null"], "maximum": 1},
     "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
     "labels": {"type": "array", "items": {"type": "string"}}}}}}
$$) #> '{schema_format}' AS json_schema_format;
SELECT f ->> 'name' AS name, f ->> 'sql_type' AS sql_type, f ->> 'nullable' AS nullable, f ->> 'required' AS required,
       f ->> 'min_value' AS min, f ->> 'max_value' AS max, f -> 'enum_values' AS enum_values, f ->> 'pattern' AS pattern
  FROM jsonb_array_elements(datamesh.validate_contract($$
{"apiVersion": "datamesh.io/v1", "kind": "DataContract",
 "metadata": {"product_id": "ct-events", "version": "2.0.0"},
 "schema": {"format": "json_schema", "definition": {
   "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
   "required": ["id", "kind"],
   "properties": {
     "id": {"type": "integer", "minimum": 1, "description": "identifier"},
     "kind": {"type": "string", "enum": ["a", "b"]},
     "seen": {"type": "string", "format": "date-time"},
     "score": {"type": ["number", "null"], "maximum": 1},
     "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
     "labels": {"type": "array", "items": {"type": "string"}}}}}}
$$) -> 'fields') AS f ORDER BY (f ->> 'ordinal')::int;
-- validate_contract lists every problem and writes nothing
SELECT jsonb_pretty(datamesh.validate_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: ct-events, version: 2.0}
schema:
  compatibility: sideways
  definition:
    fields:
      - {name: a, type: integer, min: 5, max: 1}
      - {name: b, type: varchar2}
      - {name: c, type: string, pattern: "(unclosed"}
$$));

------------------------------------------------------------------ status
SET ROLE ct_other;
SELECT datamesh.deprecate_contract('customer-analytics-360', '2.3.0');
RESET ROLE;
SET ROLE ct_owner;
SELECT version, status FROM datamesh.contracts WHERE product_id = 'ct-api-only';
SELECT datamesh.activate_contract('ct-api-only', '0.1.0');
SELECT datamesh.set_contract_status('ct-api-only', '0.1.0', 'draft');
SELECT datamesh.set_contract_status('ct-api-only', '0.1.0', 'paused');
SELECT datamesh.deprecate_contract('ct-api-only', '0.1.0');
SELECT datamesh.retire_contract('ct-api-only', '0.1.0');
SELECT datamesh.activate_contract('ct-api-only', '0.1.0');
SELECT datamesh.deprecate_contract('ct-api-only', '9.0.0');
SELECT datamesh.deprecate_contract('ct-no-such-product', '1.0.0');
-- 0.y.z: each 0.y is a line of its own (0.1.0 is retired, so 0.2.0 is checked
-- against nothing); within a line the bump rules hold; the 0.1 line may still grow
SELECT datamesh.publish_contract(replace(replace(replace(:'orders', 'VERSION', '0.2.0'), 'EXTRA', ''), 'ct-orders', 'ct-api-only'))
       ->> 'result' AS zero_two;
SELECT datamesh.publish_contract(replace(replace(replace(:'orders', 'VERSION', '0.2.1'), 'EXTRA', ''), 'ct-orders', 'ct-api-only')
                                 || E'      - {name: note, type: string}\n') ->> 'declared_bump' AS patch_adds_field;
SELECT datamesh.publish_contract(replace(replace(replace(:'orders', 'VERSION', '0.1.1'), 'EXTRA', ''), 'ct-orders', 'ct-api-only'))
       ->> 'result' AS older_zero_line;
RESET ROLE;
SELECT version, status, deprecated_date IS NOT NULL AS has_deprecated_date, published_by, status_changed_by
  FROM datamesh.contracts WHERE product_id = 'ct-api-only' ORDER BY version;

------------------------------------------------------ reading, exporting
SET ROLE ct_reader;
SELECT c ->> 'version' AS version, c ->> 'status' AS status, jsonb_array_length(c -> 'fields') AS fields,
       c #>> '{fields,0,name}' AS first_field
  FROM datamesh.get_contract('customer-analytics-360') c;
SELECT datamesh.get_contract('customer-analytics-360', '1.0.0');
SELECT datamesh.get_contract('ct-orders', NULL) ->> 'port_name' AS orders_port;
SELECT datamesh.export_contract('ct-orders');
-- readers may not publish
SELECT datamesh.publish_contract(:'seed002');
RESET ROLE;
-- the export publishes back to the identical contract
SELECT datamesh.yaml_to_jsonb(datamesh.export_contract(product_id, version)) = manifest AS round_trips, count(*)
  FROM datamesh.contracts GROUP BY 1;
SET ROLE ct_owner;
SELECT datamesh.publish_contract(datamesh.export_contract('ct-events')) ->> 'result' AS republished_export;
RESET ROLE;

------------------------------------------------ contract_ddl, scaffold_table
SELECT datamesh.contract_ddl('ct-orders');
SELECT datamesh.contract_ddl('ct-events', '1.0.0', 'ct_scaffold.Events');
SELECT datamesh.contract_ddl('customer-analytics-360', relation_name => '"Weird Schema"."My Table"');
SELECT datamesh.contract_ddl('ct-orders', relation_name => 'a.b.c.d');
SELECT datamesh.contract_ddl('ct-orders', relation_name => '');
-- scaffolding runs as the caller: ct_other has no CREATE on ct_scaffold
SET ROLE ct_other;
SELECT datamesh.scaffold_table('ct-events', 'ct_scaffold.events');
RESET ROLE;
SET ROLE ct_owner;
SELECT datamesh.scaffold_table('ct-events', 'events');
SELECT datamesh.scaffold_table('ct-events', 'ct_scaffold.events') AS scaffolded;
SELECT datamesh.scaffold_table('ct-events', 'ct_scaffold.events');
RESET ROLE;
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.oid = 'ct_scaffold.events'::regclass;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, col_description(a.attrelid, a.attnum) AS comment
  FROM pg_attribute a WHERE a.attrelid = 'ct_scaffold.events'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
 WHERE conrelid = 'ct_scaffold.events'::regclass ORDER BY conname;
SET ROLE ct_owner;
INSERT INTO ct_scaffold.events (event_id, event_type, occurred_at) VALUES ('e1', 'click', '2026-01-01');
INSERT INTO ct_scaffold.events (event_id, event_type, occurred_at) VALUES ('e2', 'hover', '2026-01-01');
INSERT INTO ct_scaffold.events (event_id, event_type, occurred_at, amount) VALUES ('e3', 'view', '2026-01-01', -1);
INSERT INTO ct_scaffold.events (event_id, event_type, occurred_at, user_agent) VALUES ('e4', 'view', '2026-01-01', '1x');
INSERT INTO ct_scaffold.events (event_id, event_type, occurred_at) VALUES ('e1', 'view', '2026-01-02');
RESET ROLE;

-- identifiers and literals from a contract are quoted: a field name, a
-- pattern or a doc cannot inject SQL into the DDL the caller runs
SET ROLE ct_owner;
SELECT datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: ct-events, version: 2.0.0, description: "it's \"quoted\"; DROP TABLE ct.orders; --"}
schema:
  primary_key: ["Order ID"]
  definition:
    fields:
      - {name: "Order ID", type: long, doc: "the key'); DROP TABLE ct.orders; --"}
      - {name: select, type: string, enum: ["a'b", "c"], default: "a'b"}
      - {name: "x\"); DROP TABLE ct.orders; --", type: string, pattern: "^'[a-z]+$"}
$$) ->> 'result' AS hostile_names;
SELECT datamesh.contract_ddl('ct-events', '2.0.0', 'ct_scaffold."Hostile Names"');
SELECT datamesh.scaffold_table('ct-events', 'ct_scaffold."Hostile Names"', '2.0.0') AS scaffolded;
RESET ROLE;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
  FROM pg_attribute a WHERE a.attrelid = 'ct_scaffold."Hostile Names"'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT count(*) AS orders_still_there FROM ct.orders;

------------------------------------------------------------------ cleanup
SET ROLE ct_owner;
SELECT datamesh.delete_product('customer-analytics-360');
SELECT datamesh.delete_product('ct-orders');
SELECT datamesh.delete_product('ct-api-only');
SELECT datamesh.delete_product('ct-events');
RESET ROLE;
SELECT count(*) AS contracts_left FROM datamesh.contracts;
SELECT count(*) AS fields_left FROM datamesh.contract_fields;
SELECT datamesh.drop_domain('ct-customer');
SELECT datamesh.drop_domain('ct-other');
DROP SCHEMA ct, ct_scaffold CASCADE;
DROP ROLE ct_owner, ct_member, ct_other, ct_reader, ct_admin;
