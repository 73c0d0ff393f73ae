-- Policy condition evaluation micro benchmark (run by policy_lang_bench.sh).
\set ON_ERROR_STOP on
CREATE TEMP TABLE cases (name text, cond text, sql_expr text);
INSERT INTO cases VALUES
  ('pii_training', $$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$,
   $$(e->'user'->>'role') IN ('analyst', 'data_scientist') AND (e->'user'->>'completed_pii_training')::boolean$$),
  ('gdpr_cn', $$'gdpr' in resource.tags and user.region == 'CN'$$,
   $$(e->'resource'->'tags') ? 'gdpr' AND (e->'user'->>'region') = 'CN'$$),
  ('email_eu', $$user.region != 'EU'$$,
   $$(e->'user'->>'region') <> 'EU'$$),
  ('retention', $$resource.retention_days <= 2555$$,
   $$(e->'resource'->>'retention_days')::numeric <= 2555$$),
  ('sla_required', $$has(resource.sla)$$,
   $$(e->'resource') ? 'sla'$$),
  ('classification', $$resource.classification in ['public', 'internal'] or (user.role == 'data_producer' and resource.classification == 'confidential')$$,
   $$(e->'resource'->>'classification') IN ('public', 'internal') OR ((e->'user'->>'role') = 'data_producer' AND (e->'resource'->>'classification') = 'confidential')$$),
  ('ssn_officer', $$column.name == 'ssn' and not ('compliance_officer' in user.roles)$$,
   $$(e->'column'->>'name') = 'ssn' AND NOT ((e->'user'->'roles') ? 'compliance_officer')$$),
  ('matches', $$resource.id.matches('^sales\\.') and lower(user.region) == 'eu'$$,
   $$(e->'resource'->>'id') ~ '^sales\.' AND lower(e->'user'->>'region') = 'eu'$$);

CREATE TEMP TABLE env AS SELECT $${
  "user": {"role": "analyst", "roles": ["analyst", "reader"], "region": "EU", "team": "sales",
           "completed_pii_training": true},
  "resource": {"id": "sales.orders", "domain": "sales", "tags": ["gdpr", "pii"],
               "classification": "confidential", "owner": "sales_team", "retention_days": 1095,
               "sla": {"availability": 99.9}},
  "column": {"name": "ssn", "type": "text", "tags": ["pii"], "pii": true},
  "action": "read"
}$$::jsonb AS e;

CREATE FUNCTION pg_temp.bench(n int) RETURNS TABLE (name text, c_ns float8, trusted_ns float8, sql_call_us float8, sql_expr_us float8)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    p bytea;
    env jsonb := (SELECT e FROM env);
    t0 timestamptz;
    m int := greatest(n / 10, 1);
    a bigint;
    b bigint;
BEGIN
    FOR r IN SELECT * FROM cases LOOP
        p := datamesh.compile_condition(r.cond);
        name := r.name;
        PERFORM datamesh._policy_eval_loop(p, env, 1000);         -- warm up
        c_ns := datamesh._policy_eval_loop(p, env, n);
        trusted_ns := datamesh._policy_eval_loop(p, env, n, true);
        t0 := clock_timestamp();
        SELECT count(*) FILTER (WHERE datamesh.eval_compiled(p, v.e)) INTO a FROM generate_series(1, m), env v;
        sql_call_us := extract(epoch FROM clock_timestamp() - t0) * 1e6 / m;
        t0 := clock_timestamp();
        -- env is read from a table row so the planner cannot fold the expression
        EXECUTE format('SELECT count(*) FILTER (WHERE %s) FROM generate_series(1, $1), env', r.sql_expr)
           INTO b USING m;
        sql_expr_us := extract(epoch FROM clock_timestamp() - t0) * 1e6 / m;
        IF a IS DISTINCT FROM b THEN
            RAISE EXCEPTION 'case %: compiled and SQL disagree (% vs %)', r.name, a, b;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;

\pset footer off
SELECT name, round(c_ns::numeric, 0) AS "C ns/eval",
       round(trusted_ns::numeric, 0) AS "trusted ns/eval",
       round(sql_call_us::numeric, 2) AS "eval_compiled us/call",
       round(sql_expr_us::numeric, 2) AS "SQL jsonb expr us/call",
       round((sql_expr_us / (c_ns / 1000))::numeric, 1) AS "SQL expr / C"
  FROM pg_temp.bench(:n);
