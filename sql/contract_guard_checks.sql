--
-- The breaking-DDL guard and CHECK constraints: when one ALTER TABLE drops
-- several, each refusal line names the rule that constraint really enforces;
-- a CHECK replaced in the same statement by one that still proves the rule
-- passes.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = notice;

CREATE ROLE gc_owner NOLOGIN;
CREATE SCHEMA gc AUTHORIZATION gc_owner;
SELECT datamesh.create_domain('gc-shop', 'gc_owner');
CREATE FUNCTION pg_temp.product(version text, ports jsonb) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', 'gc-orders', 'domain', 'gc-shop', 'version', version,
                                       'owner', 'shop@example.com'),
        'spec', jsonb_build_object('sla', jsonb_build_object('availability', '99%'), 'output_ports', ports))::text
$$;
-- nine rules on seven columns (enum, min, max, pattern)
\set fields '    fields:\n      - {name: id, type: long, required: true, primary_key: true}\n      - {name: status, type: string, required: true, enum: [new, paid, shipped]}\n      - {name: channel, type: string, enum: [web, shop]}\n      - {name: total, type: double, min: 0, max: 100000}\n      - {name: quantity, type: int, min: 1, max: 1000}\n      - {name: sku, type: string, pattern: ''^[A-Z]{3}-[0-9]+$''}\n      - {name: email, type: string, pattern: ''@''}\n      - {name: discount, type: int, max: 50}\n'

-- version 1.0.0 has no in-database port: scaffold the table from its
-- contract, then bind version 1.1.0 (same fields) to it
SET ROLE gc_owner;
SELECT datamesh.register_product(pg_temp.product('1.0.0', '[{"name": "orders", "type": "stream", "topic": "orders"}]')) ->> 'result' AS product;
SELECT datamesh.publish_contract(E'apiVersion: datamesh.io/v1\nkind: DataContract\nmetadata: {product_id: gc-orders, version: 1.0.0, product_version: 1.0.0}\nschema:\n  definition:\n' || :'fields') ->> 'result' AS contract;
SELECT datamesh.scaffold_table('gc-orders', 'gc.orders', '1.0.0');
SELECT datamesh.register_product(pg_temp.product('1.1.0', '[{"name": "orders", "type": "table", "relation": "gc.orders"}]')) ->> 'result' AS product;
SELECT datamesh.publish_contract(E'apiVersion: datamesh.io/v1\nkind: DataContract\nmetadata: {product_id: gc-orders, version: 1.1.0, product_version: 1.1.0}\nschema:\n  definition:\n' || :'fields') ->> 'result' AS contract;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'gc.orders'::regclass AND contype = 'c' ORDER BY conname;
SELECT kind, column_name, expected FROM datamesh.verify_contract('gc-orders', '1.1.0') ORDER BY 1, 2;

-- all nine scaffolded CHECKs at once: each line names its own rule
ALTER TABLE gc.orders DROP CONSTRAINT status_enum, DROP CONSTRAINT channel_enum, DROP CONSTRAINT total_min,
    DROP CONSTRAINT total_max, DROP CONSTRAINT quantity_min, DROP CONSTRAINT quantity_max,
    DROP CONSTRAINT sku_pattern, DROP CONSTRAINT email_pattern, DROP CONSTRAINT discount_max;
-- a CHECK that enforces nothing the contract states is not listed
ALTER TABLE gc.orders ADD CONSTRAINT id_positive CHECK (id > 0),
    ADD CONSTRAINT quantity_range CHECK (quantity BETWEEN 1 AND 1000);
ALTER TABLE gc.orders DROP CONSTRAINT id_positive, DROP CONSTRAINT total_max, DROP CONSTRAINT discount_max;
-- quantity_range alone enforces both rules of "quantity": the two
-- single-rule CHECKs may go while it stays, not with it
ALTER TABLE gc.orders DROP CONSTRAINT quantity_range, DROP CONSTRAINT quantity_min, DROP CONSTRAINT quantity_max;
ALTER TABLE gc.orders DROP CONSTRAINT quantity_range, DROP CONSTRAINT quantity_min;
BEGIN;
ALTER TABLE gc.orders DROP CONSTRAINT quantity_min, DROP CONSTRAINT quantity_max;
ROLLBACK;

-- replacing a CHECK in one statement: passes when the new one still proves
-- the rule (judged with the same prover, before anything runs) ...
ALTER TABLE gc.orders DROP CONSTRAINT total_min, ADD CONSTRAINT total_nonnegative CHECK (total >= 0);
ALTER TABLE gc.orders DROP CONSTRAINT status_enum, ADD CONSTRAINT status_enum CHECK (status IN ('new', 'paid'));
-- ... and is refused when it does not, or will not be validated
ALTER TABLE gc.orders DROP CONSTRAINT total_max, ADD CONSTRAINT total_small CHECK (total <= 200000);
ALTER TABLE gc.orders DROP CONSTRAINT sku_pattern,
    ADD CONSTRAINT sku_format CHECK (sku ~ '^[A-Z]{3}-[0-9]+$') NOT VALID;
ALTER TABLE gc.orders DROP CONSTRAINT email_pattern, ADD CONSTRAINT email_at CHECK (no_such_column ~ '@');
-- a new CHECK that rows violate makes the statement fail on its own
INSERT INTO gc.orders (id, status, total, discount) VALUES (1, 'new', 500, 10);
ALTER TABLE gc.orders DROP CONSTRAINT discount_max, ADD CONSTRAINT discount_small CHECK (discount <= 5);
SELECT conname FROM pg_constraint WHERE conrelid = 'gc.orders'::regclass AND contype = 'c' ORDER BY conname;
SELECT kind, column_name, expected FROM datamesh.verify_contract('gc-orders', '1.1.0') ORDER BY 1, 2;

-- a partitioned table: the statement reaches every partition, each is judged
-- with its own constraints, the added CHECK included
CREATE TABLE gc.events (id int NOT NULL, day date NOT NULL,
                        qty int CONSTRAINT qty_min CHECK (qty >= 1) CONSTRAINT qty_max CHECK (qty <= 10))
    PARTITION BY RANGE (day);
CREATE TABLE gc.events_jan PARTITION OF gc.events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'gc-events', 'domain', 'gc-shop', 'version', '1.0.0', 'owner', 'shop@example.com'),
    'spec', jsonb_build_object('sla', jsonb_build_object('availability', '99%'),
                               'output_ports', '[{"name": "t", "type": "table", "relation": "gc.events"}]'::jsonb))::text) ->> 'result' AS product;
SELECT datamesh.publish_contract(E'apiVersion: datamesh.io/v1\nkind: DataContract\nmetadata: {product_id: gc-events, version: 1.0.0}\nschema:\n  definition:\n    fields:\n      - {name: id, type: int, required: true}\n      - {name: qty, type: int, min: 1, max: 10}\n') ->> 'result' AS contract;
ALTER TABLE gc.events DROP CONSTRAINT qty_min, DROP CONSTRAINT qty_max;
-- (qty > 0 does not prove qty >= 1: the prover does not reason about integers)
ALTER TABLE gc.events DROP CONSTRAINT qty_min, ADD CONSTRAINT qty_positive CHECK (qty > 0);
ALTER TABLE gc.events DROP CONSTRAINT qty_min, ADD CONSTRAINT qty_low CHECK (qty >= 2),
    DROP CONSTRAINT qty_max, ADD CONSTRAINT qty_high CHECK (qty <= 5);
SELECT conrelid::regclass, conname FROM pg_constraint WHERE conrelid IN ('gc.events'::regclass, 'gc.events_jan'::regclass)
   AND contype = 'c' ORDER BY 1, 2;
RESET ROLE;

UPDATE datamesh.contracts SET status = 'retired' WHERE product_id IN ('gc-orders', 'gc-events');
SET ROLE gc_owner;
DROP SCHEMA gc CASCADE;
RESET ROLE;
DELETE FROM datamesh.contracts WHERE product_id IN ('gc-orders', 'gc-events');
SET ROLE gc_owner;
SELECT datamesh.delete_product('gc-events');
SELECT datamesh.delete_product('gc-orders');
RESET ROLE;
SELECT datamesh.drop_domain('gc-shop');
DROP ROLE gc_owner;
