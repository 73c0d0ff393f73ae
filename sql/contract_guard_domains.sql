--
-- The breaking-DDL guard and domains: ALTER DOMAIN ... DROP NOT NULL and
-- ALTER DOMAIN ... DROP CONSTRAINT are refused when a contracted column of
-- that domain (or of a domain over it) would lose a promised NOT NULL or
-- rule; compatible ALTER DOMAIN changes pass.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = notice;

CREATE ROLE gd_owner NOLOGIN;
CREATE ROLE gd_other NOLOGIN;
CREATE SCHEMA gd AUTHORIZATION gd_owner;
CREATE SCHEMA gd2 AUTHORIZATION gd_owner;
GRANT USAGE ON SCHEMA gd TO gd_other;
SELECT datamesh.create_domain('gd-shop', 'gd_owner');
CREATE FUNCTION pg_temp.product(name text, rel text, inputs jsonb DEFAULT '[]') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'gd-shop', 'version', '1.0.0', 'owner', 'shop@example.com'),
        'spec', jsonb_build_object('sla', jsonb_build_object('availability', '99%'),
                                   'output_ports', jsonb_build_array(jsonb_build_object('name', 't', 'type', 'table', 'relation', rel)),
                                   'input_ports', inputs))::text
$$;

SET ROLE gd_owner;
CREATE DOMAIN gd.code AS text NOT NULL CONSTRAINT code_format CHECK (VALUE ~ '^[A-Z]{3}$');
CREATE DOMAIN gd.sku AS gd.code CONSTRAINT sku_known CHECK (VALUE <> 'XXX');
CREATE DOMAIN gd.qty AS integer CONSTRAINT qty_min CHECK (VALUE >= 1) CONSTRAINT qty_max CHECK (VALUE <= 1000);
CREATE DOMAIN gd.label AS text CONSTRAINT label_set CHECK (VALUE IN ('a', 'b'));
CREATE DOMAIN gd.note AS text NOT NULL;
CREATE TABLE gd.items (id bigint PRIMARY KEY, sku gd.sku, quantity gd.qty, label gd.label,
                       note gd.note, spare gd.qty, CONSTRAINT quantity_min CHECK (quantity >= 1));
CREATE TABLE gd.archive (sku gd.code);   -- no contract
SELECT datamesh.register_product(pg_temp.product('gd-items', 'gd.items')) ->> 'result' AS items;
SELECT datamesh.register_product(pg_temp.product('gd-report', 'gd.archive', '[{"source": "gd-items", "version": "^1.0.0"}]')) ->> 'result' AS report;
SELECT datamesh.publish_contract($y$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: gd-items, version: 1.0.0}
schema:
  definition:
    fields:
      - {name: id, type: long, required: true, primary_key: true}
      - {name: sku, type: string, required: true, pattern: '^[A-Z]{3}$'}
      - {name: quantity, type: int, min: 1, max: 1000}
      - {name: label, type: string, enum: [a, b]}
      - {name: note, type: string, required: true}
$y$) ->> 'result' AS contract;

-- refused: the promised NOT NULL of "sku" comes from gd.code only
ALTER DOMAIN gd.code DROP NOT NULL;
-- refused: the pattern of "sku" comes from gd.code's CHECK
ALTER DOMAIN gd.code DROP CONSTRAINT code_format;
-- refused: only qty_max enforces max 1000 of "quantity" (the table's
-- quantity_min CHECK still enforces min 1, so qty_min may go)
ALTER DOMAIN gd.qty DROP CONSTRAINT qty_max;
ALTER DOMAIN gd.label DROP CONSTRAINT label_set;
ALTER DOMAIN gd.note DROP NOT NULL;
-- inside a DO block too
DO $$ BEGIN EXECUTE 'ALTER DOMAIN gd.label DROP CONSTRAINT IF EXISTS label_set'; END $$;
-- changing the column from its domain to the contract's own type loses what
-- the domain enforced
ALTER TABLE gd.items ALTER COLUMN sku TYPE text;
ALTER TABLE gd.items ALTER COLUMN quantity TYPE integer;
BEGIN;
ALTER TABLE gd.items ADD CONSTRAINT quantity_max CHECK (quantity <= 1000);
ALTER TABLE gd.items ALTER COLUMN quantity TYPE integer;   -- the table's CHECKs enforce both now
ROLLBACK;
-- a domain over the contract's type is that type (as verify_contract reads
-- it); what the old domain enforced must still hold under the new one
CREATE DOMAIN gd.ident AS bigint;
CREATE DOMAIN gd.qty_same AS integer CONSTRAINT same_max CHECK (VALUE <= 1000);
CREATE DOMAIN gd.qty_loose AS integer;
CREATE DOMAIN gd.qty_wide AS bigint CONSTRAINT wide_max CHECK (VALUE <= 1000);
BEGIN;
ALTER TABLE gd.items ALTER COLUMN id TYPE gd.ident;        -- passes: bigint stays bigint
ALTER TABLE gd.items ALTER COLUMN quantity TYPE gd.qty_same;   -- passes: max 1000 still enforced
SELECT * FROM datamesh.verify_contract('gd-items');                -- no mismatch
ROLLBACK;
ALTER TABLE gd.items ALTER COLUMN quantity TYPE gd.qty_loose;  -- refused: max 1000 would be lost
ALTER TABLE gd.items ALTER COLUMN quantity TYPE gd.qty_wide;   -- refused: a domain over bigint
ALTER TABLE gd.items ALTER COLUMN id TYPE gd.qty_loose;        -- refused: a domain over integer
DROP DOMAIN gd.ident, gd.qty_same, gd.qty_loose, gd.qty_wide;
RESET ROLE;
-- and for a superuser
ALTER DOMAIN gd.code DROP NOT NULL;

-- passes: nothing the contract states is lost
SET ROLE gd_owner;
BEGIN;
ALTER DOMAIN gd.qty DROP CONSTRAINT qty_min;       -- the table's CHECK still enforces min 1
ROLLBACK;
ALTER DOMAIN gd.sku DROP CONSTRAINT sku_known;     -- the contract does not say "not XXX"
ALTER DOMAIN gd.qty ADD CONSTRAINT qty_even CHECK (VALUE % 2 = 0) NOT VALID;
ALTER DOMAIN gd.qty DROP CONSTRAINT qty_even;
ALTER DOMAIN gd.label SET DEFAULT 'a';
ALTER DOMAIN gd.label DROP DEFAULT;
ALTER DOMAIN gd.label ADD CONSTRAINT label_short CHECK (length(VALUE) < 10);
ALTER DOMAIN gd.label SET NOT NULL;
ALTER DOMAIN gd.label DROP NOT NULL;               -- "label" is not required
ALTER DOMAIN gd.label DROP CONSTRAINT IF EXISTS no_such_constraint;
ALTER DOMAIN gd.label RENAME CONSTRAINT label_short TO label_len;
ALTER DOMAIN gd.label RENAME TO label_kind;        -- the guard compares types by OID
ALTER DOMAIN gd.label_kind SET SCHEMA gd2;
ALTER DOMAIN gd2.label_kind SET SCHEMA gd;
ALTER DOMAIN gd.label_kind RENAME TO label;
-- once the table declares NOT NULL itself, the domain's may go
ALTER TABLE gd.items ALTER COLUMN note SET NOT NULL;
ALTER DOMAIN gd.note DROP NOT NULL;
-- the domain's CHECK makes a table CHECK redundant, and the other way round;
-- the last one of them left may not go
ALTER TABLE gd.items ADD CONSTRAINT label_ab CHECK (label IN ('a', 'b'));
ALTER TABLE gd.items DROP CONSTRAINT label_ab;
ALTER TABLE gd.items ADD CONSTRAINT label_ab CHECK (label IN ('a', 'b'));
ALTER DOMAIN gd.label DROP CONSTRAINT label_set;
ALTER TABLE gd.items DROP CONSTRAINT label_ab;
RESET ROLE;
-- a role that does not own the domain hears so from PostgreSQL
SET ROLE gd_other;
ALTER DOMAIN gd.code DROP NOT NULL;
RESET ROLE;
SELECT typname, typnotnull, (SELECT string_agg(conname, ', ' ORDER BY conname) FROM pg_constraint WHERE contypid = t.oid) AS checks
  FROM pg_type t WHERE typnamespace = 'gd'::regnamespace AND typtype = 'd' ORDER BY typname;

UPDATE datamesh.contracts SET status = 'retired' WHERE product_id = 'gd-items';
SET ROLE gd_owner;
ALTER DOMAIN gd.code DROP NOT NULL;
DROP SCHEMA gd, gd2 CASCADE;
RESET ROLE;
DELETE FROM datamesh.contracts WHERE product_id = 'gd-items';
SET ROLE gd_owner;
SELECT datamesh.delete_product('gd-report');
SELECT datamesh.delete_product('gd-items');
RESET ROLE;
SELECT datamesh.drop_domain('gd-shop');
DROP ROLE gd_owner, gd_other;
