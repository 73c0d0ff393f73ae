-- Policy decision benchmark: :domains domains x :products_per_domain products,
-- :principals principals, 500 policies (global + domain).  The same decisions
-- are made by datamesh.evaluate (C, cached, compiled) and by a straightforward
-- PL/pgSQL evaluator of the same policies (it walks each condition's syntax
-- tree from explain_compiled, compiled once, and queries the catalog per
-- decision), side by side in one run.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
\set QUIET on

------------------------------------------------------------------ the mesh
SELECT format('CREATE ROLE %I NOLOGIN', r)
  FROM unnest(ARRAY['data_consumer', 'data_producer', 'data_admin', 'data_steward', 'compliance_officer']) r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT format('CREATE ROLE bench_owner_%s NOLOGIN', d) FROM generate_series(1, :domains) d
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner_' || d) \gexec
SELECT format('CREATE ROLE bench_p_%s NOLOGIN', i) FROM generate_series(1, :principals) i
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_p_' || i) \gexec
SELECT format('GRANT %I TO bench_p_%s', (ARRAY['data_consumer', 'data_producer', 'data_admin'])[1 + i % 3], i)
  FROM generate_series(1, :principals) i \gexec
SELECT format('GRANT data_steward TO bench_p_%s', i) FROM generate_series(1, :principals) i WHERE i % 7 = 0 \gexec
SELECT format('GRANT compliance_officer TO bench_p_%s', i) FROM generate_series(1, :principals) i WHERE i % 11 = 0 \gexec

SELECT count(datamesh.create_domain(format('bench-%s', d), format('bench_owner_%s', d)::regrole))
  FROM generate_series(1, :domains) d;
SELECT count(datamesh.set_principal_attributes(format('bench_p_%s', i)::regrole, jsonb_build_object(
           'region', (ARRAY['EU', 'US', 'APAC', 'CN'])[1 + i % 4],
           'team', format('team-%s', 1 + i % :domains),
           'role', (ARRAY['analyst', 'data_scientist', 'engineer', 'intern'])[1 + i % 4],
           'completed_pii_training', i % 3 <> 0)))
  FROM generate_series(1, :principals) i;
SELECT count(datamesh.register_product(jsonb_build_object(
           'apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
           'metadata', jsonb_build_object('name', format('bench-%s-%s', d, p), 'domain', format('bench-%s', d),
                                          'version', '1.0.0', 'owner', format('team-%s@example.com', d),
                                          'classification', (ARRAY['public', 'internal', 'confidential', 'restricted'])[1 + (d + p) % 4],
                                          'tags', to_jsonb(ARRAY['bench', format('tag-%s', p)]
                                                           || CASE WHEN p % 2 = 0 THEN ARRAY['pii'] ELSE '{}' END
                                                           || CASE WHEN p % 3 = 0 THEN ARRAY['gdpr'] ELSE '{}' END)),
           'spec', jsonb_build_object(
               'schema', jsonb_build_object('fields', jsonb_build_array(
                   jsonb_build_object('name', 'id', 'type', 'bigint'),
                   jsonb_build_object('name', 'email', 'type', 'text', 'pii', true),
                   jsonb_build_object('name', 'ssn', 'type', 'text', 'pii', true),
                   jsonb_build_object('name', 'country', 'type', 'text'),
                   jsonb_build_object('name', 'amount', 'type', 'numeric', 'classification', 'confidential'))),
               'sla', jsonb_build_object('availability', '99.9%', 'completeness', '99%'),
               'retention', '1 year',
               'output_ports', jsonb_build_array(jsonb_build_object('name', 'events', 'type', 'stream',
                                                                    'topic', format('bench.%s.%s', d, p)))))::text))
  FROM generate_series(1, :domains) d, generate_series(1, :products_per_domain) p;

---------------------------------------------------------------- 500 policies
-- the standard pack (16), 24 more global ones, then 23 per domain
SELECT jsonb_array_length(datamesh.install_standard_policies() -> 'installed') AS pack;
SELECT count(datamesh.create_policy(name => format('global filler %s', i), kind => 'access', effect => 'deny',
                                    condition => format($c$user.team == 'team-%s' && action == 'delete'$c$, i),
                                    target => CASE WHEN i % 2 = 0 THEN jsonb_build_object('tags', jsonb_build_array(format('tag-%s', 1 + i % 5)))
                                                   ELSE '{}' END))
  FROM generate_series(1, 24) i;
SELECT count(datamesh.create_policy(name => format('%s rule %s', d, i), domain => format('bench-%s', d),
           kind => CASE WHEN i <= 15 THEN (ARRAY['access', 'privacy'])[1 + i % 2] ELSE 'quality' END,
           effect => CASE WHEN i > 15 THEN 'require'
                          WHEN i % 5 = 0 THEN 'allow'
                          WHEN i % 2 = 1 THEN 'deny'
                          ELSE 'mask' END,
           condition => CASE WHEN i > 15 THEN format('!has(resource.sla.completeness) || resource.sla.completeness >= %s', 90 + i % 5)
                             WHEN i % 5 = 0 THEN format($c$user.team == 'team-%s' && user.completed_pii_training$c$, d)
                             WHEN i % 2 = 1 THEN format($c$user.region == 'APAC' && resource.id == 'bench-%s-%s'$c$, d, 1 + i % :products_per_domain)
                             ELSE $c$!('data_steward' in user.roles)$c$ END,
           target => CASE WHEN i % 2 = 0 AND i % 5 <> 0 AND i <= 15
                          THEN jsonb_build_object('columns', jsonb_build_array((ARRAY['country', 'amount', 'id'])[1 + i % 3]))
                          ELSE '{}' END,
           parameters => CASE WHEN i % 2 = 0 AND i % 5 <> 0 AND i <= 15
                              THEN jsonb_build_object('style', (ARRAY['partial', 'hash', 'email'])[1 + i % 3])
                              ELSE '{}' END))
  FROM generate_series(1, :domains) d, generate_series(1, 23) i;
SELECT count(*) AS policies, count(*) FILTER (WHERE domain IS NULL) AS global,
       count(*) FILTER (WHERE kind IN ('access', 'privacy')) AS request_time
  FROM datamesh.policies;

------------------------------------------------------------ the decisions
-- pseudo-random (seeded) principals, products and actions: few repeats
SELECT setseed(0.42);
CREATE TEMP TABLE decisions AS
SELECT n, format('bench_p_%s', 1 + floor(random() * :principals))::regrole AS principal,
       format('bench-%s-%s', 1 + floor(random() * :domains), 1 + floor(random() * :products_per_domain)) AS product_id,
       (ARRAY['query', 'query', 'query', 'export'])[1 + floor(random() * 4)::int] AS action
  FROM generate_series(1, :decisions) n;

---------------------------------------------- the PL/pgSQL baseline evaluator
CREATE SCHEMA baseline;
CREATE TABLE baseline.audit (principal text, action text, product_id text, decision text, policy_ids text[],
                             at timestamptz DEFAULT clock_timestamp());

-- the same policies with each condition's syntax tree, computed once
CREATE TABLE baseline.policies AS
SELECT p.id, (substring(p.id FROM '[0-9]+$'))::int8 AS seq, p.domain, p.kind, p.effect, p.enforcement, p.target,
       p.parameters,
       CASE WHEN p.compiled_condition IS NOT NULL THEN datamesh.explain_compiled(p.compiled_condition) -> 'ast' END AS cond,
       CASE WHEN p.compiled_unless IS NOT NULL THEN datamesh.explain_compiled(p.compiled_unless) -> 'ast' END AS unl,
       p.effect <> 'allow' AND (p.effect IN ('mask', 'redact') OR p.target ? 'columns' OR p.target ? 'column_tags'
           OR 'column' = ANY (ARRAY(SELECT jsonb_array_elements_text(datamesh.explain_compiled(p.compiled_condition) -> 'roots'))
                              || ARRAY(SELECT jsonb_array_elements_text(datamesh.explain_compiled(p.compiled_unless) -> 'roots'))))
           AS per_column
  FROM datamesh.policies p WHERE p.enabled;

-- a node's value (jsonb), or SQL NULL for an evaluation error
CREATE FUNCTION baseline.eval(node jsonb, env jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    op text := node ->> 'op';
    l jsonb;
    r jsonb;
    a jsonb;
    saw_error boolean := false;
BEGIN
    CASE op
    WHEN 'literal' THEN RETURN node -> 'value';
    WHEN 'list' THEN
        RETURN (SELECT coalesce(jsonb_agg(baseline.eval(i, env)), '[]') FROM jsonb_array_elements(node -> 'items') i);
    WHEN 'path' THEN
        RETURN env #> (ARRAY[node ->> 'root'] || ARRAY(SELECT jsonb_array_elements_text(node -> 'path')));
    WHEN 'has' THEN
        RETURN to_jsonb(env #> (ARRAY[node ->> 'root'] || ARRAY(SELECT jsonb_array_elements_text(node -> 'path'))) IS NOT NULL);
    WHEN 'not' THEN
        l := baseline.eval(node -> 'arg', env);
        RETURN CASE WHEN l IS NULL THEN NULL ELSE to_jsonb(NOT l::boolean) END;
    WHEN 'and', 'or' THEN
        FOR a IN SELECT * FROM jsonb_array_elements(node -> 'args') LOOP
            l := baseline.eval(a, env);
            IF l IS NULL THEN
                saw_error := true;
            ELSIF l::boolean = (op = 'or') THEN
                RETURN l;
            END IF;
        END LOOP;
        RETURN CASE WHEN saw_error THEN NULL ELSE to_jsonb(op = 'and') END;
    WHEN 'call' THEN
        l := baseline.eval(node -> 'args' -> 0, env);
        r := CASE WHEN jsonb_array_length(node -> 'args') > 1 THEN baseline.eval(node -> 'args' -> 1, env) END;
        IF l IS NULL OR (jsonb_array_length(node -> 'args') > 1 AND r IS NULL) THEN
            RETURN NULL;
        END IF;
        RETURN CASE node ->> 'function'
            WHEN 'size' THEN to_jsonb(CASE jsonb_typeof(l) WHEN 'array' THEN jsonb_array_length(l) ELSE length(l #>> '{}') END)
            WHEN 'lower' THEN to_jsonb(lower(l #>> '{}'))
            WHEN 'upper' THEN to_jsonb(upper(l #>> '{}'))
            WHEN 'startsWith' THEN to_jsonb(starts_with(l #>> '{}', r #>> '{}'))
            WHEN 'endsWith' THEN to_jsonb(right(l #>> '{}', length(r #>> '{}')) = r #>> '{}')
            WHEN 'contains' THEN to_jsonb(strpos(l #>> '{}', r #>> '{}') > 0)
            WHEN 'matches' THEN to_jsonb((l #>> '{}') ~ (r #>> '{}'))
            END;
    ELSE
        l := baseline.eval(node -> 'left', env);
        r := baseline.eval(node -> 'right', env);
        IF l IS NULL OR r IS NULL THEN
            RETURN NULL;
        END IF;
        IF op = 'in' THEN
            RETURN to_jsonb(r @> jsonb_build_array(l));
        ELSIF op IN ('==', '!=') THEN
            RETURN to_jsonb((l = r) = (op = '=='));
        ELSIF jsonb_typeof(l) = 'number' AND jsonb_typeof(r) = 'number' THEN
            RETURN to_jsonb(CASE op WHEN '<' THEN l::numeric < r::numeric WHEN '<=' THEN l::numeric <= r::numeric
                                    WHEN '>' THEN l::numeric > r::numeric ELSE l::numeric >= r::numeric END);
        ELSIF jsonb_typeof(l) = 'string' AND jsonb_typeof(r) = 'string' THEN
            RETURN to_jsonb(CASE op WHEN '<' THEN (l #>> '{}') < (r #>> '{}') COLLATE "C"
                                    WHEN '<=' THEN (l #>> '{}') <= (r #>> '{}') COLLATE "C"
                                    WHEN '>' THEN (l #>> '{}') > (r #>> '{}') COLLATE "C"
                                    ELSE (l #>> '{}') >= (r #>> '{}') COLLATE "C" END);
        END IF;
        RETURN NULL;
    END CASE;
END
$$;

-- one decision, the same combining rules as datamesh.evaluate
CREATE FUNCTION baseline.evaluate(principal regrole, act text, pid text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    resource jsonb := datamesh._product_attributes(pid, NULL);
    columns jsonb := datamesh._product_columns(pid, NULL);
    env jsonb;
    p record;
    c jsonb;
    w jsonb;
    u jsonb;
    granted boolean := false;
    blocked boolean := false;
    applied text[] := '{}';
    best jsonb := '{}';      -- column -> {strength, seq, id}
    strength int;
    outcome text;
BEGIN
    env := jsonb_build_object(
        'user', coalesce((SELECT a.attributes FROM datamesh.principal_attributes a WHERE a.role = principal), '{}')
                || jsonb_build_object('name', principal::text,
                                      'roles', (WITH RECURSIVE m(roleid) AS (
                                                    SELECT principal::oid
                                                    UNION SELECT am.roleid FROM pg_auth_members am JOIN m ON am.member = m.roleid)
                                                SELECT jsonb_agg(r.rolname ORDER BY r.rolname) FROM m JOIN pg_roles r ON r.oid = m.roleid)),
        'resource', resource, 'action', act);
    FOR p IN SELECT * FROM baseline.policies bp
              WHERE bp.kind IN ('access', 'privacy')
                AND (bp.domain IS NULL OR bp.domain = resource ->> 'domain')
                AND (NOT bp.target ? 'products' OR bp.target -> 'products' ? pid)
                AND (NOT bp.target ? 'domains' OR bp.target -> 'domains' ? (resource ->> 'domain'))
                AND (NOT bp.target ? 'classifications' OR bp.target -> 'classifications' ? (resource ->> 'classification'))
                AND (NOT bp.target ? 'tags' OR bp.target -> 'tags' ?| ARRAY(SELECT jsonb_array_elements_text(resource -> 'tags')))
              ORDER BY bp.seq LOOP
        FOR c IN SELECT x FROM jsonb_array_elements(CASE WHEN p.per_column THEN columns ELSE '[null]' END) x
                  WHERE NOT p.per_column
                     OR ((NOT p.target ? 'columns' OR p.target -> 'columns' ? (x ->> 'name'))
                         AND (NOT p.target ? 'column_tags'
                              OR p.target -> 'column_tags' ?| ARRAY(SELECT jsonb_array_elements_text(x -> 'tags')))) LOOP
            env := env || jsonb_build_object('column', c);
            w := CASE WHEN p.cond IS NULL THEN 'true' ELSE baseline.eval(p.cond, env) END;
            u := CASE WHEN p.unl IS NULL THEN 'false' ELSE baseline.eval(p.unl, env) END;
            outcome := CASE
                WHEN p.effect = 'allow' THEN CASE WHEN w = 'true' AND u = 'false' THEN 'applies' END
                WHEN p.effect = 'require' THEN CASE WHEN u = 'true' OR w = 'true' THEN NULL ELSE 'applies' END
                ELSE CASE WHEN w = 'false' OR u = 'true' THEN NULL ELSE 'applies' END END;
            CONTINUE WHEN outcome IS NULL;
            IF p.effect = 'allow' THEN
                granted := true;
                CONTINUE;
            END IF;
            applied := applied || p.id;
            CONTINUE WHEN p.enforcement <> 'block';
            IF p.effect IN ('deny', 'require') THEN
                blocked := true;
            ELSIF p.effect IN ('mask', 'redact') THEN
                strength := CASE WHEN p.effect = 'redact' THEN 4 WHEN p.parameters ->> 'style' = 'hash' THEN 3
                                 WHEN p.parameters ->> 'style' = 'partial' THEN 2 ELSE 1 END;
                IF NOT best ? (c ->> 'name') OR (best -> (c ->> 'name') ->> 'strength')::int < strength THEN
                    best := best || jsonb_build_object(c ->> 'name', jsonb_build_object('strength', strength, 'id', p.id));
                END IF;
            END IF;
        END LOOP;
    END LOOP;
    IF NOT (granted AND NOT blocked) OR best <> '{}' THEN
        INSERT INTO baseline.audit (principal, action, product_id, decision, policy_ids)
        VALUES (principal::text, act, pid, CASE WHEN granted AND NOT blocked THEN 'allow' ELSE 'deny' END, applied);
    END IF;
    RETURN jsonb_build_object('decision', CASE WHEN granted AND NOT blocked THEN 'allow' ELSE 'deny' END,
                              'masked', CASE WHEN granted AND NOT blocked
                                             THEN (SELECT coalesce(jsonb_object_agg(k, v -> 'id'), '{}') FROM jsonb_each(best) e(k, v))
                                             ELSE '{}' END);
END
$$;

-- per-decision timings of one evaluator, measured inside the server
CREATE FUNCTION baseline.time_each(use_c boolean, sample int) RETURNS TABLE (n int, us float8, result jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    d record;
    t0 timestamptz;
    r jsonb;
BEGIN
    FOR d IN SELECT * FROM decisions x WHERE x.n <= sample ORDER BY x.n LOOP
        t0 := clock_timestamp();
        IF use_c THEN
            r := datamesh.evaluate(d.principal, d.action, d.product_id);
        ELSE
            r := baseline.evaluate(d.principal, d.action, d.product_id);
        END IF;
        n := d.n;
        us := extract(epoch FROM clock_timestamp() - t0) * 1e6;
        result := r;
        RETURN NEXT;
    END LOOP;
END
$$;

----------------------------------------------------------------- measuring
-- warm both (caches, plans), then time the same decisions side by side
SELECT count(*) FROM baseline.time_each(true, :decisions);
SELECT count(*) FROM baseline.time_each(false, 50);

CREATE TEMP TABLE c_runs AS SELECT * FROM baseline.time_each(true, :decisions);
CREATE TEMP TABLE plpgsql_runs AS SELECT * FROM baseline.time_each(false, :baseline_decisions);

-- the two evaluators agree on every decision and every winning mask
SELECT count(*) AS compared,
       count(*) FILTER (WHERE c.result ->> 'decision' <> b.result ->> 'decision') AS decision_mismatches,
       count(*) FILTER (WHERE (c.result ->> 'decision') = 'allow' AND
                              (SELECT coalesce(jsonb_object_agg(t ->> 'column', t -> 'policy_id'), '{}')
                                 FROM jsonb_array_elements(c.result -> 'transformations') t) <> b.result -> 'masked')
           AS mask_mismatches
  FROM c_runs c JOIN plpgsql_runs b USING (n) \gset
\echo compared :compared decisions: :decision_mismatches decision and :mask_mismatches mask mismatches between C and PL/pgSQL

SELECT count(*) FILTER (WHERE result ->> 'decision' = 'allow') AS allowed,
       count(*) FILTER (WHERE result ->> 'decision' = 'deny') AS denied,
       count(*) FILTER (WHERE jsonb_array_length(result -> 'transformations') > 0) AS masked,
       round(avg(jsonb_array_length(result -> 'policies_applied')), 1) AS avg_policies_applied
  FROM c_runs;

-- medians: per call (PL/pgSQL loop, clock_timestamp around each call) and,
-- for C, the engine's own evaluation_time_ms (the decision up to its
-- document: no serialization, no audit row)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS c_median_us,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (result ->> 'evaluation_time_ms')::float8 * 1000) AS c_engine_median_us,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY us) AS c_p99_us
  FROM c_runs \gset
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS plpgsql_median_us FROM plpgsql_runs \gset
-- decisions that record an audit row (deny, mask, warn, audit) against those that do not
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us) FILTER (WHERE result ->> 'decision' = 'deny'
           OR jsonb_array_length(result -> 'transformations') > 0
           OR result -> 'policies_applied' @> '[{"decision": "warn"}]' OR result -> 'policies_applied' @> '[{"decision": "audit"}]')
           AS audited_median_us,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY us) FILTER (WHERE NOT (result ->> 'decision' = 'deny'
           OR jsonb_array_length(result -> 'transformations') > 0
           OR result -> 'policies_applied' @> '[{"decision": "warn"}]' OR result -> 'policies_applied' @> '[{"decision": "audit"}]'))
           AS unaudited_median_us,
       count(*) FILTER (WHERE result ->> 'decision' = 'deny'
           OR jsonb_array_length(result -> 'transformations') > 0
           OR result -> 'policies_applied' @> '[{"decision": "warn"}]' OR result -> 'policies_applied' @> '[{"decision": "audit"}]')
           AS audited_count
  FROM c_runs \gset
-- batch throughput: all decisions in one statement, including the commit
-- that writes the buffered audit rows
SELECT count(*) AS audit_rows_before FROM datamesh.policy_audit \gset
\timing on
SELECT count(datamesh.evaluate(principal, action, product_id)) FROM decisions;
\timing off
SELECT count(*) - :audit_rows_before AS audit_rows_written FROM datamesh.policy_audit \gset
\echo RESULT c_median_us=:c_median_us c_engine_median_us=:c_engine_median_us c_p99_us=:c_p99_us plpgsql_median_us=:plpgsql_median_us audited_median_us=:audited_median_us unaudited_median_us=:unaudited_median_us audited_count=:audited_count audit_rows_written=:audit_rows_written
