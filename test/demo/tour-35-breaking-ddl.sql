-- Contracts on live data: verify_contract, validate_data, and breaking DDL stopped
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo 'G1. The orders team publishes a contract for its orders table (consumed by daily-revenue)'
SET ROLE orders_team;
INSERT INTO sales.orders VALUES (1, 10, '2026-01-05 10:00+00', 25.00), (2, 11, '2026-01-05 11:30+00', 120.50),
                                (3, 10, '2026-01-06 09:15+00', -4.00), (4, 12, '2099-01-01 00:00+00', 18.00);
SELECT r ->> 'result' AS result, r ->> 'version' AS version, r ->> 'relation' AS relation
  FROM datamesh.publish_contract($yaml$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: orders, version: 1.0.0}
schema:
  compatibility: backward
  definition:
    fields:
      - {name: order_id, type: bigint, required: true, primary_key: true}
      - {name: customer_id, type: bigint, required: true}
      - {name: ordered_at, type: timestamptz, required: true}
      - {name: total, type: "numeric(12,2)", required: true, min: 0}
row_count: {min: 1}
quality_rules:
  - {name: not_in_the_future, rule: "ordered_at <= now()", severity: warning}
$yaml$) r;

\echo 'G2. verify_contract: the table against its contract (nothing enforces total >= 0)'
SELECT kind, column_name, expected, message FROM datamesh.verify_contract('orders');

\echo 'G3. validate_data: every rule over the rows in one scan, as the caller; failing rules show example keys'
SELECT rule_name, passed, measured, threshold, failing_rows, example_keys, message
  FROM datamesh.validate_data('orders');
SELECT product_id, version, row_count, rules, failed, passed, run_by FROM datamesh.contract_validation_runs
 WHERE product_id = 'orders';

\echo 'G4. A breaking ALTER TABLE is refused before it lands, naming each change and the consumers'
ALTER TABLE sales.orders DROP COLUMN total, ALTER COLUMN customer_id TYPE text;

\echo '    ... so is a DROP that cascades to the table, and renaming it, even inside a DO block'
DROP SCHEMA sales CASCADE;
DO $$ BEGIN ALTER TABLE sales.orders RENAME TO orders_v1; END $$;

\echo 'G5. Compatible changes pass untouched (no output: no error)'
ALTER TABLE sales.orders ADD COLUMN coupon text;
CREATE INDEX orders_customer_idx ON sales.orders (customer_id);
COMMENT ON COLUMN sales.orders.total IS 'order total in EUR';
ALTER TABLE sales.orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;
ALTER TABLE sales.orders DROP COLUMN coupon;   -- not in the contract: dropping it is compatible too
RESET ROLE;

\echo 'G6. Turning the guard off takes a superuser; an emergency override takes the product owner, lasts one'
\echo '    transaction and is audited (rolled back here, so the mesh stays as it was)'
SET ROLE orders_team;
SET datamesh.contract_guard = off;
BEGIN;
SELECT datamesh.override_contract_guard('orders', 'INC-4711: billing reads "amount" until its hot fix ships') AS override_id;
ALTER TABLE sales.orders RENAME COLUMN total TO amount;
SELECT o.product_id, o.reason, o.granted_by, c.statement, c.change
  FROM datamesh.contract_guard_overrides o JOIN datamesh.contract_guard_overridden_changes c USING (override_id);
ROLLBACK;
RESET ROLE;
