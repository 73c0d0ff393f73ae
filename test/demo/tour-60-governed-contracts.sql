-- Contracts, policies and lineage together: governed publication, contract-aware decisions
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo 'W1. The platform requires every contract to carry an SLA and its PII fields to be classified'
SET ROLE platform_team;
SELECT datamesh.create_policy(name => 'contracts declare an sla', kind => 'compliance', effect => 'require',
         condition => $$action != 'publish' || has(contract.sla)$$,
         reason => 'contract {contract.version} of {contract.product_id} declares no SLA') AS policy_id;
SELECT datamesh.create_policy(name => 'contract pii classified', kind => 'compliance', effect => 'require',
         enforcement => 'warn',
         condition => $$!has(contract.pii_fields) || size(contract.unclassified_pii_fields) == 0$$,
         reason => 'PII fields {contract.unclassified_pii_fields} have no privacy classification') AS policy_id;
RESET ROLE;

\echo 'W2. Publishing is judged like registration: a contract without an SLA is refused, nothing is written'
SET ROLE orders_team;
SELECT datamesh.publish_contract($yaml$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: orders, version: 1.1.0}
schema:
  compatibility: backward
  definition:
    fields:
      - {name: order_id, type: bigint, required: true, primary_key: true}
      - {name: customer_id, type: bigint, required: true}
      - {name: ordered_at, type: timestamptz, required: true}
      - {name: total, type: "numeric(12,2)", required: true, min: 0}
      - {name: buyer_email, type: string, pii: true}
row_count: {min: 1}
$yaml$);
\echo '    with an SLA it is published; warnings (the unclassified PII field, and the product''s retention) are'
\echo '    raised, returned and audited'
SELECT r ->> 'result' AS result,
       (SELECT string_agg(w ->> 'policy', ', ') FROM jsonb_array_elements(r -> 'policy_warnings') w) AS policy_warnings
  FROM datamesh.publish_contract($yaml$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: orders, version: 1.1.0}
schema:
  compatibility: backward
  definition:
    fields:
      - {name: order_id, type: bigint, required: true, primary_key: true}
      - {name: customer_id, type: bigint, required: true}
      - {name: ordered_at, type: timestamptz, required: true}
      - {name: total, type: "numeric(12,2)", required: true, min: 0}
      - {name: buyer_email, type: string, pii: true}
row_count: {min: 1}
sla: {availability: 99.9%, freshness: 15 minutes}
$yaml$) r;
RESET ROLE;
SELECT principal, action, product_id, details ->> 'contract_version' AS contract, reason
  FROM datamesh.policy_audit WHERE action = 'publish' ORDER BY id;

\echo 'W3. Decisions see the newest active contract: its PII field is masked for the analyst, and'
\echo '    check_compliance reads the contract root too (the warning stands until a classified version)'
SELECT t ->> 'column' AS column, t ->> 'action' AS action,
       (SELECT p.name FROM datamesh.policies p WHERE p.id = t ->> 'policy_id') AS policy
  FROM jsonb_array_elements(datamesh.evaluate('analyst', 'query', 'orders',
                                              ARRAY['order_id', 'buyer_email', 'total']) -> 'transformations') t;
SELECT w ->> 'policy' AS policy, w ->> 'reason' AS reason
  FROM jsonb_array_elements(datamesh.check_compliance('orders') -> 'warnings') w
 WHERE w ->> 'policy' = 'contract pii classified';
