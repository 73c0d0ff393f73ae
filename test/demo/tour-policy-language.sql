-- Policy conditions: the seeds' rules as compiled, checked expressions
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo '1. The seeds'' rules, evaluated for an analyst in the EU reading a GDPR-tagged product'
CREATE TEMP TABLE demo_env AS SELECT $${
  "user": {"role": "analyst", "region": "EU", "completed_pii_training": true},
  "resource": {"id": "customer-analytics-360", "tags": ["gdpr", "pii"], "classification": "confidential",
               "retention_days": 1095, "sla": {"availability": 99.9}},
  "action": "read"}$$::jsonb AS env;
SELECT rule, datamesh.eval_condition(rule, env) AS result
  FROM demo_env, (VALUES ($$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$),
                         ($$'gdpr' in resource.tags and user.region == 'CN'$$),
                         ($$user.region != 'EU'$$),
                         ($$resource.retention_days <= 2555$$),
                         ($$has(resource.sla) and resource.sla.availability >= 99.5$$)) r(rule);

\echo '2. Mistakes are found when the condition is written, with the offset and what was expected'
SELECT q AS condition, v -> 'error' ->> 'sqlstate' AS sqlstate, v -> 'error' ->> 'message' AS message,
       v -> 'error' ->> 'detail' AS detail
  FROM (VALUES ($$user.role == 'analyst' and$$), ($$user.regoin == 'EU'$$), ($$user.region > 3$$),
               ($$resource.id.matches('(')$$)) t(q),
       LATERAL datamesh.validate_condition(q) v;

\echo '3. A missing attribute is an evaluation error (NULL), which "and"/"or" may absorb: policies fail closed'
SELECT c AS condition, datamesh.eval_condition_detail(c, env) AS outcome
  FROM demo_env, (VALUES ($$user.team == 'sales'$$), ($$false and user.team == 'sales'$$),
                         ($$has(user.team)$$)) t(c);

\echo '4. Compiled once into a bytea, evaluated without parsing'
SELECT length(p) AS bytes, datamesh.eval_compiled(p, env) AS result,
       datamesh.explain_compiled(p) -> 'roots' AS roots_read
  FROM demo_env, datamesh.compile_condition($$'gdpr' in resource.tags and user.region == 'CN'$$) p;
