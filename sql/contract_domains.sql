--
-- Contracts on columns of domain types: verify_contract and validate_data
-- read a column's domain as the breaking-DDL guard does: its base type is
-- the column's type, its NOT NULL and its CHECKs (also those of a domain
-- beneath it) enforce the contract's rules.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE ROLE cdm_owner NOLOGIN;
CREATE SCHEMA cdm AUTHORIZATION cdm_owner;
SELECT datamesh.create_domain('cdm-shop', 'cdm_owner');
CREATE FUNCTION pg_temp.product(name text, rel text) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'cdm-shop', 'version', '1.0.0', 'owner', 'shop@example.com'),
        'spec', jsonb_build_object('sla', jsonb_build_object('availability', '99%'),
                                   'output_ports', jsonb_build_array(jsonb_build_object('name', 't', 'type', 'table', 'relation', rel))))::text
$$;
CREATE FUNCTION pg_temp.contract(name text) RETURNS text
LANGUAGE sql AS $$
    SELECT format($y$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: %s, version: 1.0.0}
schema:
  definition:
    fields:
      - {name: id, type: long, required: true, primary_key: true}
      - {name: sku, type: string, required: true, pattern: '^[A-Z]{3}$'}
      - {name: quantity, type: int, min: 1, max: 1000}
      - {name: label, type: string, enum: [a, b]}
      - {name: note, type: string, required: true}
      - {name: ref, type: int}
$y$, name)
$$;

SET ROLE cdm_owner;
CREATE DOMAIN cdm.code AS text NOT NULL CONSTRAINT code_format CHECK (VALUE ~ '^[A-Z]{3}$');
CREATE DOMAIN cdm.sku AS cdm.code;                                 -- a domain over a domain
CREATE DOMAIN cdm.qty AS integer CONSTRAINT qty_min CHECK (VALUE >= 1) CONSTRAINT qty_max CHECK (VALUE <= 1000);
CREATE DOMAIN cdm.label AS text CONSTRAINT label_set CHECK (VALUE IN ('a', 'b'));
CREATE DOMAIN cdm.note AS text NOT NULL;
CREATE DOMAIN cdm.bigref AS bigint;                                -- the wrong base type
CREATE DOMAIN cdm.free AS text;                                    -- enforces nothing
CREATE TABLE cdm.items (id bigint PRIMARY KEY, sku cdm.sku, quantity cdm.qty, label cdm.label,
                        note cdm.note, ref cdm.bigref);
INSERT INTO cdm.items VALUES (1, 'ABC', 5, 'a', 'x', 1), (2, 'DEF', 1000, 'b', 'y', 2);
-- the same columns, with domains that never had the guarantees
CREATE TABLE cdm.loose (id bigint PRIMARY KEY, sku cdm.free, quantity integer, label cdm.free,
                        note cdm.free, ref integer);
INSERT INTO cdm.loose VALUES (1, 'ABC', 5, 'a', 'x', 1), (2, 'abc', 5000, 'c', NULL, 2);
SELECT datamesh.register_product(pg_temp.product('cdm-items', 'cdm.items')) ->> 'result' AS items;
SELECT datamesh.register_product(pg_temp.product('cdm-loose', 'cdm.loose')) ->> 'result' AS loose;
SELECT datamesh.publish_contract(pg_temp.contract('cdm-items')) ->> 'result' AS contract;
SELECT datamesh.publish_contract(pg_temp.contract('cdm-loose')) ->> 'result' AS contract;

-- the domains enforce every rule: only "ref" (a domain over bigint, not int) mismatches
SELECT * FROM datamesh.verify_contract('cdm-items');
-- the rules the domains enforce are guaranteed, not measured
SELECT rule_name, rule_kind, passed, measured, threshold, failing_rows, message
  FROM datamesh.validate_data('cdm-items');

-- domains that never enforced anything: every rule is reported and measured
SELECT * FROM datamesh.verify_contract('cdm-loose');
SELECT rule_name, rule_kind, passed, measured, threshold, failing_rows, message
  FROM datamesh.validate_data('cdm-loose');

-- without the override the guard refuses to take the guarantees away
ALTER DOMAIN cdm.qty DROP CONSTRAINT qty_max;
-- with it, the rules the domains no longer enforce are reported and measured again
BEGIN;
SELECT datamesh.override_contract_guard('cdm-items', 'test: domains lose their guarantees') > 0 AS overridden;
ALTER DOMAIN cdm.qty DROP CONSTRAINT qty_max;
ALTER DOMAIN cdm.code DROP NOT NULL;
ALTER DOMAIN cdm.label DROP CONSTRAINT label_set;
SELECT * FROM datamesh.verify_contract('cdm-items');
SELECT rule_name, rule_kind, passed, measured, threshold, failing_rows, message
  FROM datamesh.validate_data('cdm-items');
ROLLBACK;
-- a table CHECK or a declared NOT NULL beside a domain still counts
BEGIN;
SELECT datamesh.override_contract_guard('cdm-items', 'test: the table enforces it') > 0 AS overridden;
ALTER DOMAIN cdm.qty DROP CONSTRAINT qty_max;
ALTER DOMAIN cdm.note DROP NOT NULL;
ALTER TABLE cdm.items ADD CONSTRAINT quantity_max CHECK (quantity <= 1000), ALTER COLUMN note SET NOT NULL;
SELECT * FROM datamesh.verify_contract('cdm-items');
ROLLBACK;
RESET ROLE;

UPDATE datamesh.contracts SET status = 'retired' WHERE product_id IN ('cdm-items', 'cdm-loose');
SET ROLE cdm_owner;
DROP SCHEMA cdm CASCADE;
RESET ROLE;
DELETE FROM datamesh.contract_validation_runs WHERE product_id IN ('cdm-items', 'cdm-loose');
DELETE FROM datamesh.contracts WHERE product_id IN ('cdm-items', 'cdm-loose');
SET ROLE cdm_owner;
SELECT datamesh.delete_product('cdm-items');
SELECT datamesh.delete_product('cdm-loose');
RESET ROLE;
SELECT datamesh.drop_domain('cdm-shop');
DROP ROLE cdm_owner;
