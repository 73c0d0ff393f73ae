--
-- Scaffolding a product's table from its contract document before anything
-- is registered or published (contract_ddl_from_document,
-- scaffold_table_from_document): the document is checked as publish_contract
-- checks it (same error, nothing created), the DDL equals contract_ddl's for
-- the same contract once published, and the table is created as the caller.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

------------------------------------------------------------------ fixtures
CREATE ROLE sc_owner NOLOGIN IN ROLE datamesh_reader;
CREATE ROLE sc_other NOLOGIN IN ROLE datamesh_reader;
CREATE ROLE sc_outsider NOLOGIN;
CREATE SCHEMA sc AUTHORIZATION sc_owner;
GRANT USAGE ON SCHEMA sc TO sc_other;
SELECT datamesh.create_domain('sc-domain', 'sc_owner', 'Scaffolding test domain');
-- the error a statement raises, as sqlstate | message | detail | hint
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN concat_ws(' | ', st, msg, det, hnt);
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.error_of(text) TO sc_owner;

SELECT $$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: sc-orders
  version: 1.0.0
  description: Orders as the shop records them.
schema:
  compatibility: backward
  definition:
    fields:
      - {name: order_id, type: bigint, required: true, primary_key: true, doc: "The order's number"}
      - {name: customer, type: text, required: true, pattern: "^C[0-9]+$"}
      - {name: status, type: text, required: true, enum: [open, shipped], default: open}
      - {name: total, type: "numeric(12,2)", required: true, min: 0, max: 100000}
      - {name: coupon, type: text, unique: true}
      - {name: placed_at, type: timestamptz}
uniqueness_constraints:
  - [customer, placed_at]
$$ AS doc \gset
SELECT $$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: sc-orders, version: 1.1.0}
schema:
  definition:
    fields:
      - {name: order_id, type: no_such_type, required: maybe}
      - {name: order_id, type: bigint}
$$ AS bad \gset

------------------------------------- the DDL from the document, nothing registered
SET ROLE sc_owner;
SELECT datamesh.contract_ddl_from_document(:'doc', 'sc.orders') AS ddl \gset
SELECT :'ddl' AS ddl;
SELECT datamesh.contract_ddl_from_document(:'doc') LIKE E'CREATE TABLE sc_orders (\n%' AS default_name;
SELECT datamesh.contract_ddl_from_document(:'doc', 'a.b.c.d');
SELECT count(*) AS contracts, (SELECT count(*) FROM datamesh.data_products) AS products FROM datamesh.contracts;
RESET ROLE;
-- readers only
SET ROLE sc_outsider;
SELECT datamesh.contract_ddl_from_document(:'doc', 'sc.orders');
SELECT datamesh.scaffold_table_from_document(:'doc', 'sc.orders');
RESET ROLE;

------------------------------------------ an invalid document: publish_contract's error
SET ROLE sc_owner;
SELECT datamesh.contract_ddl_from_document(:'bad', 'sc.bad');
SELECT datamesh.scaffold_table_from_document(:'bad', 'sc.bad');
SELECT datamesh.contract_ddl_from_document('{kind: DataContract}', 'sc.bad');
SELECT datamesh.contract_ddl_from_document('not: [valid', 'sc.bad');
SELECT to_regclass('sc.bad') IS NULL AS nothing_created;

------------------------------------------------- scaffolding runs as the caller
-- sc_other has no CREATE on schema sc: PostgreSQL's own error
SET ROLE sc_other;
SELECT datamesh.scaffold_table_from_document(:'doc', 'sc.orders');
RESET ROLE;
SET ROLE sc_owner;
SELECT datamesh.scaffold_table_from_document(:'doc', 'orders');
SELECT datamesh.scaffold_table_from_document(:'doc', NULL);
SELECT datamesh.scaffold_table_from_document(:'doc', 'sc.orders') AS scaffolded;
SELECT datamesh.scaffold_table_from_document(:'doc', 'sc.orders');
RESET ROLE;
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.oid = 'sc.orders'::regclass;
SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
 WHERE conrelid = 'sc.orders'::regclass ORDER BY conname;

-------------------------- then register with the table as a port, publish, compare
SET ROLE sc_owner;
SELECT datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: sc-orders, domain: sc-domain, owner: sc-team@example.com, version: 1.0.0}
spec:
  description: Orders.
  output_ports:
    - {name: orders-table, type: table, relation: sc.orders}
  sla: {availability: 99.9%}
$$) ->> 'result' AS registered;
SELECT r ->> 'result' AS result, r ->> 'port' AS port, r ->> 'relation' AS relation, r -> 'warnings' AS warnings
  FROM datamesh.publish_contract(:'doc') r;
-- the same DDL from the document and from the published contract
SELECT datamesh.contract_ddl('sc-orders') = :'ddl' AS same_ddl_bound,
       datamesh.contract_ddl('sc-orders', '1.0.0', 'other."Orders Copy"')
         = datamesh.contract_ddl_from_document(:'doc', 'other."Orders Copy"') AS same_ddl_named;
-- the contract holds on the scaffolded table
SELECT count(*) AS mismatches FROM datamesh.verify_contract('sc-orders');
-- an invalid document: the same error as publish_contract, nothing written
SELECT pg_temp.error_of(format('SELECT datamesh.contract_ddl_from_document(%L, %L)', :'bad', 'sc.bad'))
     = pg_temp.error_of(format('SELECT datamesh.publish_contract(%L)', :'bad')) AS same_error,
       pg_temp.error_of(format('SELECT datamesh.scaffold_table_from_document(%L, %L)', :'bad', 'sc.bad'))
     = pg_temp.error_of(format('SELECT datamesh.publish_contract(%L)', :'bad')) AS same_error_scaffold;
SELECT pg_temp.error_of(format('SELECT datamesh.publish_contract(%L)', :'bad')) AS publish_error;
RESET ROLE;
SELECT count(*) AS contracts, to_regclass('sc.bad') IS NULL AS nothing_created FROM datamesh.contracts WHERE product_id = 'sc-orders';
-- the existing signatures resolve as before with literal arguments
SELECT datamesh.contract_ddl('sc-orders', '1.0.0') = :'ddl' AS product_and_version,
       datamesh.contract_ddl('sc-orders', relation_name => 'sc.orders') = :'ddl' AS named_relation;
