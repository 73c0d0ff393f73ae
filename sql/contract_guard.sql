--
-- The breaking-DDL guard: while an active contract binds a relation, every
-- statement that would break it fails before anything lands, naming the
-- contract, each breaking change and the consumers; compatible changes pass.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = notice;

CREATE ROLE cg_owner NOLOGIN;
CREATE ROLE cg_other NOLOGIN;
CREATE SCHEMA cg AUTHORIZATION cg_owner;
SELECT datamesh.create_domain('cg-shop', 'cg_owner');

SET ROLE cg_owner;
CREATE TABLE cg.orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL,
                        status text NOT NULL CHECK (status IN ('new', 'paid')),
                        total numeric(12,2) NOT NULL CHECK (total >= 0), note text,
                        internal_flag boolean);
CREATE UNIQUE INDEX orders_customer_note ON cg.orders (customer_id, note);
CREATE TABLE cg.events (id bigint NOT NULL, day date NOT NULL, kind text) PARTITION BY RANGE (day);
CREATE TABLE cg.events_jan PARTITION OF cg.events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE cg.events_feb PARTITION OF cg.events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE cg.parent (id int NOT NULL, v int NOT NULL);
CREATE TABLE cg.child () INHERITS (cg.parent);
CREATE VIEW cg.order_totals AS SELECT order_id, total FROM cg.orders;
CREATE TYPE cg.mood AS ENUM ('happy', 'sad');
CREATE DOMAIN cg.label AS text CHECK (VALUE <> '');
CREATE TABLE cg.moods (id int, mood cg.mood, label cg.label);
CREATE UNIQUE INDEX moods_id ON cg.moods (id);
CREATE TABLE cg.report (x int);
CREATE TYPE cg.reading AS (sensor int, value numeric);
CREATE TABLE cg.readings OF cg.reading;
RESET ROLE;

-- a product with in-database ports, and two consumers
CREATE FUNCTION pg_temp.product(name text, ports jsonb, inputs jsonb DEFAULT '[]') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'cg-shop', 'version', '1.0.0', 'owner', 'shop@example.com'),
        'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
                                   'output_ports', ports, 'input_ports', inputs))::text
$$;
SET ROLE cg_owner;
SELECT datamesh.register_product(pg_temp.product('cg-orders', '[
    {"name": "orders", "type": "table", "relation": "cg.orders"},
    {"name": "events", "type": "table", "relation": "cg.events"},
    {"name": "parent", "type": "table", "relation": "cg.parent"},
    {"name": "totals", "type": "view", "relation": "cg.order_totals"},
    {"name": "moods", "type": "table", "relation": "cg.moods"},
    {"name": "readings", "type": "table", "relation": "cg.readings"}]')) ->> 'result' AS orders;
SELECT datamesh.register_product(pg_temp.product('cg-revenue', '[{"name": "r", "type": "table", "relation": "cg.report"}]',
    '[{"source": "cg-orders", "version": "^1.0.0"}]')) ->> 'result' AS revenue;
SELECT datamesh.register_product(pg_temp.product('cg-forecast', '[{"name": "f", "type": "stream", "topic": "f"}]',
    '[{"source": "cg-orders", "version": ">=1.0.0"}]')) ->> 'result' AS forecast;
RESET ROLE;

-- contracts, one per port (stored directly: this test is about the guard)
CREATE FUNCTION pg_temp.contract(version text, port text, rel regclass, fields jsonb, status text DEFAULT 'active',
                                 uniq jsonb DEFAULT '[]') RETURNS void
LANGUAGE sql AS $$
    INSERT INTO datamesh.contracts (product_id, version, status, compatibility, schema_format, schema,
                                    product_version, port_name, relation, uniqueness_constraints, manifest, published_by)
    VALUES ('cg-orders', version::datamesh.semver, status, 'BACKWARD', 'native', jsonb_build_object('fields', fields),
            '1.0.0', port, rel, uniq, '{}', 'cg_owner');
    INSERT INTO datamesh.contract_fields (product_id, version, ordinal, name, type, sql_type, nullable, required,
                                          is_unique, is_primary_key, min_value, max_value, enum_values)
    SELECT 'cg-orders', version::datamesh.semver, f.n::int, f.v ->> 'name', f.v ->> 'type', f.v ->> 'type',
           coalesce((f.v ->> 'nullable')::boolean, true), coalesce((f.v ->> 'required')::boolean, false),
           coalesce((f.v ->> 'unique')::boolean, false), coalesce((f.v ->> 'pk')::boolean, false),
           (f.v ->> 'min')::numeric, (f.v ->> 'max')::numeric,
           CASE WHEN f.v ? 'enum' THEN ARRAY(SELECT jsonb_array_elements_text(f.v -> 'enum')) END
      FROM jsonb_array_elements(fields) WITH ORDINALITY f(v, n);
$$;
SELECT pg_temp.contract('1.0.0', 'orders', 'cg.orders', '[
    {"name": "order_id", "type": "bigint", "required": true, "nullable": false, "pk": true},
    {"name": "customer_id", "type": "bigint", "required": true, "nullable": false},
    {"name": "status", "type": "text", "required": true, "nullable": false, "enum": ["new", "paid"]},
    {"name": "total", "type": "numeric(12,2)", "required": true, "nullable": false, "min": 0},
    {"name": "note", "type": "text"}]', uniq => '[["customer_id", "note"]]');
SELECT pg_temp.contract('1.1.0', 'events', 'cg.events', '[
    {"name": "id", "type": "bigint", "required": true, "nullable": false},
    {"name": "day", "type": "date", "required": true, "nullable": false}]');
SELECT pg_temp.contract('1.2.0', 'parent', 'cg.parent', '[
    {"name": "id", "type": "integer", "required": true, "nullable": false},
    {"name": "v", "type": "integer", "required": true, "nullable": false}]');
SELECT pg_temp.contract('1.3.0', 'totals', 'cg.order_totals', '[
    {"name": "order_id", "type": "bigint"}, {"name": "total", "type": "numeric(12,2)"}]');
SELECT pg_temp.contract('1.4.0', 'moods', 'cg.moods', '[
    {"name": "id", "type": "integer", "unique": true}, {"name": "mood", "type": "text"},
    {"name": "label", "type": "text"}]');
SELECT pg_temp.contract('1.5.0', 'readings', 'cg.readings', '[
    {"name": "sensor", "type": "integer"}, {"name": "value", "type": "numeric"}]');
-- a draft contract guards nothing
SELECT pg_temp.contract('2.0.0', 'orders', 'cg.orders', '[{"name": "internal_flag", "type": "boolean"}]', 'draft');

SET ROLE cg_owner;
-- refused: the error names the contract, each change and the consumers
ALTER TABLE cg.orders DROP COLUMN total;
ALTER TABLE cg.orders DROP COLUMN note, ALTER COLUMN total TYPE text, ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE cg.orders RENAME COLUMN status TO state;
ALTER TABLE cg.orders RENAME TO orders_old;
ALTER TABLE cg.orders SET SCHEMA public;
ALTER TABLE cg.orders DROP CONSTRAINT orders_pkey;
ALTER TABLE cg.orders DROP CONSTRAINT orders_status_check;
ALTER TABLE cg.orders DROP CONSTRAINT orders_total_check;
DROP INDEX cg.orders_customer_note;
-- a column drop taking away the only CHECK that still enforces a rule
BEGIN;
ALTER TABLE cg.orders ADD CONSTRAINT orders_flagged CHECK (total >= 0 AND internal_flag IS NOT TRUE);
ALTER TABLE cg.orders DROP CONSTRAINT orders_total_check;   -- passes: orders_flagged enforces min 0 too
ALTER TABLE cg.orders DROP COLUMN internal_flag;            -- drops orders_flagged with it
ROLLBACK;
DROP TABLE cg.orders;
DROP TABLE cg.orders CASCADE;
DROP VIEW cg.order_totals;
ALTER VIEW cg.order_totals RENAME COLUMN total TO amount;
ALTER VIEW cg.order_totals RENAME TO totals;
CREATE OR REPLACE VIEW cg.order_totals AS SELECT order_id, total::numeric(14,2) AS total FROM cg.orders;
CREATE OR REPLACE VIEW cg.order_totals (order_id, amount) AS SELECT order_id, total FROM cg.orders;
-- DROP ... CASCADE reaching a guarded relation
ALTER TABLE cg.orders DROP COLUMN internal_flag, DROP COLUMN total CASCADE;
DROP TYPE cg.mood CASCADE;
DROP DOMAIN cg.label CASCADE;
DROP INDEX cg.moods_id;
DROP INDEX CONCURRENTLY cg.moods_id;   -- decided before it starts: it commits as it goes
SELECT indisvalid FROM pg_index WHERE indexrelid = 'cg.moods_id'::regclass;
DROP SCHEMA cg CASCADE;
-- typed tables, through their composite type
ALTER TYPE cg.reading ALTER ATTRIBUTE value TYPE text CASCADE;
ALTER TYPE cg.reading RENAME ATTRIBUTE sensor TO sensor_id CASCADE;
ALTER TYPE cg.reading DROP ATTRIBUTE value CASCADE;
-- partitions and inheritance children
ALTER TABLE cg.events_jan ALTER COLUMN day DROP NOT NULL;
ALTER TABLE cg.events ALTER COLUMN day TYPE timestamptz;
DROP TABLE cg.events_feb;
ALTER TABLE cg.events DETACH PARTITION cg.events_jan;
ALTER TABLE cg.child ALTER COLUMN v DROP NOT NULL;
ALTER TABLE cg.child NO INHERIT cg.parent;
ALTER TABLE cg.parent RENAME COLUMN v TO value;
-- inside functions, DO blocks and transactions
CREATE FUNCTION cg.cleanup() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP VIEW cg.order_totals; END $$;
SELECT cg.cleanup();
DO $$ BEGIN EXECUTE 'ALTER TABLE cg.orders DROP COLUMN note'; END $$;
BEGIN;
ALTER TABLE cg.orders ADD COLUMN discount numeric;
ALTER TABLE cg.orders ALTER COLUMN total TYPE numeric(14,2);
ROLLBACK;
-- an exception handler catches the refusal; nothing was dropped
DO $$
BEGIN
    DROP TABLE cg.orders CASCADE;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'refused: %', SQLERRM;
END $$;
RESET ROLE;
-- a superuser is refused too
DROP OWNED BY cg_owner;
ALTER SCHEMA cg RENAME TO cg2;
SELECT count(*) AS orders_columns FROM pg_attribute WHERE attrelid = 'cg.orders'::regclass AND attnum > 0 AND NOT attisdropped;

-- compatible changes pass untouched
SET ROLE cg_owner;
ALTER TABLE cg.orders ADD COLUMN discount numeric;
ALTER TABLE cg.orders DROP COLUMN discount;
ALTER TABLE cg.orders DROP COLUMN internal_flag;
ALTER TABLE cg.orders ALTER COLUMN note SET DEFAULT 'none';
ALTER TABLE cg.orders ALTER COLUMN note DROP NOT NULL;
ALTER TABLE cg.orders ALTER COLUMN note SET STATISTICS 200;
ALTER TABLE cg.orders ADD CONSTRAINT orders_total_small CHECK (total < 1000000);
CREATE INDEX orders_customer ON cg.orders (customer_id);
DROP INDEX cg.orders_customer;
-- a redundant unique index may go while another one still enforces the key ...
CREATE UNIQUE INDEX orders_customer_note_dup ON cg.orders (customer_id, note);
DROP INDEX cg.orders_customer_note, cg.orders_customer_note_dup;   -- (refused: both at once)
DROP INDEX cg.orders_customer_note_dup;
COMMENT ON TABLE cg.orders IS 'orders of the shop';
COMMENT ON COLUMN cg.orders.total IS 'order total';
GRANT SELECT ON cg.orders TO cg_other;
REVOKE SELECT ON cg.orders FROM cg_other;
ALTER TABLE cg.orders RENAME CONSTRAINT orders_total_check TO orders_total_nonnegative;
ALTER TABLE cg.orders DROP CONSTRAINT orders_total_small;   -- enforces nothing the contract states
-- ... and so may a CHECK when another one still enforces the rule
ALTER TABLE cg.orders ADD CONSTRAINT orders_total_min CHECK (total >= 0);
ALTER TABLE cg.orders DROP CONSTRAINT orders_total_nonnegative, DROP CONSTRAINT orders_total_min;   -- (refused: both)
ALTER TABLE cg.orders DROP CONSTRAINT orders_total_nonnegative;
CREATE OR REPLACE VIEW cg.order_totals AS SELECT order_id, total, customer_id FROM cg.orders;
CREATE TABLE cg.events_mar PARTITION OF cg.events FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
ALTER TABLE cg.events ADD COLUMN source text;
ALTER TYPE cg.reading ADD ATTRIBUTE unit text CASCADE;
ALTER TABLE cg.report RENAME TO report_v2;
ALTER TABLE cg.report_v2 RENAME TO report;
DROP TABLE cg.report CASCADE;
RESET ROLE;

-- every change to the contracts and their fields reaches the guard at once
-- (through the empty table datamesh.contract_guard_sentinel, so cached plans
-- reading the contract tables are kept), and a rolled-back one is forgotten
SELECT count(*) AS sentinel_rows FROM datamesh.contract_guard_sentinel;
BEGIN;
DELETE FROM datamesh.contract_fields
 WHERE product_id = 'cg-orders' AND version OPERATOR(datamesh.=) '1.0.0' AND name = 'note';
ALTER TABLE cg.orders RENAME COLUMN note TO remark;    -- passes: "note" is no longer a field
ROLLBACK;
BEGIN;
UPDATE datamesh.contracts SET status = 'deprecated'
 WHERE product_id = 'cg-orders' AND version OPERATOR(datamesh.=) '1.0.0';
ALTER TABLE cg.orders RENAME COLUMN status TO state;   -- passes: the contract no longer guards
ROLLBACK;
\set VERBOSITY terse
ALTER TABLE cg.orders RENAME COLUMN note TO remark;    -- refused again after the rollbacks
ALTER TABLE cg.orders RENAME COLUMN status TO state;
\set VERBOSITY default

-- the way forward: once a contract is deprecated or retired it stops guarding
UPDATE datamesh.contracts SET status = 'retired' WHERE product_id = 'cg-orders' AND version OPERATOR(datamesh.=) '1.3.0';
SET ROLE cg_owner;
CREATE OR REPLACE VIEW cg.order_totals AS SELECT order_id, total, customer_id FROM cg.orders;
DROP VIEW cg.order_totals;
RESET ROLE;

-- the guard can be turned off by a superuser only
SET ROLE cg_owner;
SET datamesh.contract_guard = off;
RESET ROLE;
SET datamesh.contract_guard = off;
ALTER TABLE cg.parent RENAME COLUMN v TO v2;
ALTER TABLE cg.parent RENAME COLUMN v2 TO v;
RESET datamesh.contract_guard;

-- the emergency override: product owner only, this transaction only, audited
SET ROLE cg_other;
SELECT datamesh.override_contract_guard('cg-orders', 'incident 17: hot fix');
RESET ROLE;
SET ROLE cg_owner;
SELECT datamesh.override_contract_guard('cg-orders', 'fix');
SELECT datamesh.override_contract_guard('no-such-product', 'incident 17: hot fix');
BEGIN;
SELECT datamesh.override_contract_guard('cg-orders', 'incident 17: drop the broken note column') > 0 AS overridden;
ALTER TABLE cg.orders DROP COLUMN note;
COMMIT;
ALTER TABLE cg.orders RENAME COLUMN status TO state;
RESET ROLE;
SELECT o.product_id, o.reason, o.granted_by, c.contract_version, c.statement, c.change, c.executed_by
  FROM datamesh.contract_guard_overrides o JOIN datamesh.contract_guard_overridden_changes c USING (override_id)
 ORDER BY o.override_id;
DELETE FROM datamesh.contract_guard_overrides;
UPDATE datamesh.contract_guard_overridden_changes SET change = 'nothing';
TRUNCATE datamesh.contract_guard_overrides CASCADE;
SELECT count(*) AS overrides_kept FROM datamesh.contract_guard_overrides;

-- a guarded relation can be dropped once its contracts stop guarding
UPDATE datamesh.contracts SET status = 'retired' WHERE product_id = 'cg-orders';
SET ROLE cg_owner;
DROP SCHEMA cg CASCADE;
RESET ROLE;
DELETE FROM datamesh.contracts WHERE product_id = 'cg-orders';
SET ROLE cg_owner;
SELECT datamesh.delete_product('cg-forecast');
SELECT datamesh.delete_product('cg-revenue');
SELECT datamesh.delete_product('cg-orders');
RESET ROLE;
SELECT datamesh.drop_domain('cg-shop');
DROP ROLE cg_owner, cg_other;
