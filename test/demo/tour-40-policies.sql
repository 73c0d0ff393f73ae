-- Federated governance: policies as code, decisions in microseconds
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

-- principals of the seeds' examples (roles are cluster-wide: create once)
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['data_consumer', 'data_producer', 'data_admin', 'data_steward', 'compliance_officer',
                             'analyst_cn', 'auditor', 'dpo']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;
GRANT data_consumer TO analyst;
GRANT data_producer TO analyst_cn;
GRANT data_admin TO auditor, dpo;
GRANT compliance_officer TO dpo;

\echo
\echo '1. The platform installs the standard policy pack (seeds 001, 002, 004) in one call'
SET ROLE platform_team;
SELECT jsonb_array_length(r -> 'installed') AS installed, jsonb_array_length(r -> 'already_present') AS already_present
  FROM datamesh.install_standard_policies() r;

\echo '2. The customer-analytics team adds its own rule (seed 002 manifest: analysts with PII training)'
RESET ROLE;
SET ROLE analytics_team;
SELECT datamesh.create_policy(
    name => 'analysts with pii training', kind => 'access', effect => 'allow', domain => 'customer-analytics',
    condition => $$user.role in ['analyst', 'data_scientist'] && user.completed_pii_training$$,
    reason => 'User has completed PII training and has {user.role} role') AS policy_id;
\echo '   ... but it cannot touch the global ones:'
SELECT datamesh.disable_policy('gdpr-denied-from-cn');
\echo '   ... and a condition that does not type-check is refused with its position:'
SELECT datamesh.create_policy(name => 'typo', kind => 'access', effect => 'deny', domain => 'customer-analytics',
                              condition => $$user.region > 3$$);
RESET ROLE;
\echo '   Effective policies of the domain, with provenance (seed 004 get_effective_policies):'
SELECT policy_id, name, provenance, effect, enforcement FROM datamesh.effective_policies('customer-analytics')
 WHERE kind IN ('access', 'privacy') ORDER BY provenance DESC, policy_id;

\echo '3. Principal attributes live in a protected table, set by administrators only'
SET ROLE platform_team;
\o /dev/null
SELECT datamesh.set_principal_attributes('analyst', '{"role": "analyst", "region": "US", "completed_pii_training": true}');
SELECT datamesh.set_principal_attributes('analyst_cn', '{"role": "analyst", "region": "CN", "completed_pii_training": true}');
SELECT datamesh.set_principal_attributes('auditor', '{"role": "auditor", "region": "EU"}');
SELECT datamesh.set_principal_attributes('dpo', '{"role": "compliance_officer", "region": "EU"}');
\o
SELECT role, attributes FROM datamesh.principal_attributes ORDER BY role::text;
RESET ROLE;
\echo '   ... a principal cannot set its own (nor can a GUC or session variable: they are never read):'
SET ROLE analyst;
SELECT datamesh.set_principal_attributes('analyst', '{"region": "EU"}');
RESET ROLE;

\echo '4. Seed 002 POST /policy/evaluate: the analyst queries customer-analytics-360'
\echo '   customer-analytics-360 is confidential: a data consumer is denied whatever the domain allows'
SELECT d ->> 'decision' AS decision, d ->> 'reason' AS reason
  FROM datamesh.evaluate('analyst', 'query', 'customer-analytics-360', ARRAY['customer_id', 'email', 'lifetime_value']) d;
\echo '   once the analyst is a data producer: allowed, e-mail masked. Two masks apply: GDPR data outside the EU, and'
\echo '   PII (the contract published in the contracts chapter declares email pii); the strongest wins'
GRANT data_producer TO analyst;
SELECT jsonb_pretty(datamesh.evaluate('analyst', 'query', 'customer-analytics-360',
                                      ARRAY['customer_id', 'email', 'lifetime_value']) - 'evaluation_time_ms');

\echo '5. GDPR data cannot be accessed from China (a global deny beats the domain allow)'
SELECT d ->> 'decision' AS decision, d ->> 'reason' AS reason,
       (SELECT string_agg(p ->> 'name' || '=' || (p ->> 'decision'), ', ') FROM jsonb_array_elements(d -> 'policies_applied') p) AS applied
  FROM datamesh.evaluate('analyst_cn', 'query', 'customer-analytics-360') d;

\echo '6. SSN redacted for everyone but compliance officers; PII masked unless privileged'
SELECT who, t ->> 'column' AS "column", t ->> 'action' AS action, coalesce(t ->> 'pattern', t ->> 'replacement') AS pattern,
       (SELECT name FROM datamesh.policies WHERE id = t ->> 'policy_id') AS policy
  FROM unnest(ARRAY['auditor', 'dpo']) who,
       jsonb_array_elements(datamesh.evaluate(who::regrole, 'query', 'raw-users', ARRAY['email', 'ssn']) -> 'transformations') t;
SELECT d ->> 'decision' AS dpo_decision, jsonb_array_length(d -> 'transformations') AS transformations
  FROM datamesh.evaluate('dpo', 'query', 'raw-users', ARRAY['email', 'ssn']) d;

\echo '7. Compliance of the mesh (seed 001 evaluate_product: compliant, violations, warnings)'
SELECT product_id, c -> 'compliant' AS compliant, jsonb_array_length(c -> 'violations') AS violations,
       (SELECT string_agg(w ->> 'reason', '; ') FROM jsonb_array_elements(c -> 'warnings') w) AS warnings
  FROM datamesh.products p, datamesh.check_compliance(p.product_id) c ORDER BY product_id;

\echo '8. Registration runs compliance: block-level violations reject it, itemized; nothing is written'
SET ROLE analytics_team;
SELECT datamesh.register_product($yaml$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: churn-scores
  domain: customer-analytics
  owner: analytics-team
  version: 1.0.0
  classification: confidential
spec:
  retention: 10 years
  output_ports:
    - name: scores
      type: stream
      topic: customer-analytics.churn-scores
$yaml$);
\echo '   warnings do not block: they are raised and recorded'
SELECT r ->> 'result' AS result, r -> 'policy_warnings' -> 0 ->> 'reason' AS policy_warning
  FROM datamesh.register_product($yaml$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: churn-scores
  domain: customer-analytics
  owner: analytics-team@company.com
  version: 1.0.0
  classification: confidential
spec:
  retention: 2 years
  sla:
    availability: 99.5%
    completeness: 90%
  output_ports:
    - name: scores
      type: stream
      topic: customer-analytics.churn-scores
$yaml$) r;
RESET ROLE;

\echo '9. Every deny, mask and warning is in the append-only audit log'
SELECT principal, action, product_id, decision, enforcement, left(reason, 60) AS reason
  FROM datamesh.policy_audit ORDER BY id DESC LIMIT 6;
\echo '   ... and nobody can change or delete it, not even its owner:'
DELETE FROM datamesh.policy_audit;

\echo '10. Speed: a decision takes microseconds inside the server (test/bench/policy_bench.sh compares)'
SELECT count(*) AS decisions,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY (d ->> 'evaluation_time_ms')::numeric * 1000)::numeric, 1) AS median_us
  FROM generate_series(1, 1000) g,
       LATERAL datamesh.evaluate('analyst', 'query', 'customer-analytics-360', ARRAY['customer_id', 'email', 'g' || (g % 2)]) d;
