-- Lineage benchmark body (run by test/bench/lineage_bench.sh in a fresh database).
-- Builds a synthetic mesh straight into the catalog tables as superuser
-- (registration of 10,000 manifests would take minutes): 10,000 products in
-- 10 layers of 1,000, one version each; 100,000 input ports: every product of
-- layers 1-9 reads 10 products near its position (+-20) in lower layers (8 of
-- the layer just below, 2 of any lower layer), and every product has one
-- more input from one or two layers above (wrapping around), which closes
-- many cycles.  Then compares datamesh.lineage with an equivalent
-- WITH RECURSIVE query over datamesh.input_ports (the same edges: every
-- product has only its current version), checks both give the same rows,
-- and prints timings.
\set QUIET on
\pset footer off
-- both sides run with the server's JIT settings: neither plan's estimated
-- cost reaches jit_above_cost (see test/shell/lineage_jit.sh)
SET client_min_messages = warning;
SELECT setseed(0.42);

INSERT INTO datamesh.domains (name, owner) VALUES ('bench', 'postgres');
INSERT INTO datamesh.data_products (product_id, domain)
SELECT 'p' || i, 'bench' FROM generate_series(0, 9999) i;
INSERT INTO datamesh.product_versions (product_id, version, display_name, owner_team, product_type,
                                       classification, status, manifest, registered_by)
SELECT 'p' || i, '1.0.0', 'p' || i, 'bench', 'derived', 'internal', 'active', '{}', 'postgres'
  FROM generate_series(0, 9999) i;
INSERT INTO datamesh.input_ports (product_id, version, ordinal, source_product, version_range, mode, resolved_version)
SELECT 'p' || i, '1.0.0', k,
       'p' || (CASE WHEN k < 8 THEN i / 1000 - 1 ELSE floor(random() * (i / 1000))::int END * 1000
               + (i % 1000 + 1000 + floor(random() * 41)::int - 20) % 1000),
       '*', 'batch', '1.0.0'
  FROM generate_series(1000, 9999) i, generate_series(0, 9) k;
-- one more input each from one or two layers above (wrapping around): cycles
INSERT INTO datamesh.input_ports (product_id, version, ordinal, source_product, version_range, mode, resolved_version)
SELECT 'p' || i, '1.0.0', 10,
       'p' || (((i / 1000 + 1 + floor(random() * 2)::int) % 10) * 1000 + (i % 1000 + 1000 + floor(random() * 41)::int - 20) % 1000),
       '*', 'batch', '1.0.0'
  FROM generate_series(0, 9999) i;
ANALYZE datamesh.input_ports;
ANALYZE datamesh.product_versions;
RESET client_min_messages;

\echo '== graph'
SELECT (SELECT count(*) FROM datamesh.data_products) AS products,
       (SELECT count(*) FROM datamesh.input_ports) AS input_ports,
       (SELECT count(*) FROM datamesh.lineage_edges) AS distinct_edges;

-- the baseline: the same traversals as recursive CTEs over the edge table
CREATE FUNCTION pg_temp.cte_closure(root text) RETURNS text[] LANGUAGE sql AS $$
    WITH RECURSIVE r(node) AS (
        SELECT root
        UNION
        SELECT i.product_id FROM r JOIN datamesh.input_ports i ON i.source_product = r.node)
    SELECT array_agg(node ORDER BY node COLLATE "C") FROM r WHERE node <> root
$$;
CREATE FUNCTION pg_temp.cte_depth(root text, max_depth int) RETURNS text[] LANGUAGE sql AS $$
    WITH RECURSIVE r(node, depth) AS (
        SELECT root, 0
        UNION
        SELECT i.product_id, r.depth + 1 FROM r JOIN datamesh.input_ports i ON i.source_product = r.node
         WHERE r.depth < max_depth)
    SELECT array_agg(node || ':' || d ORDER BY node COLLATE "C")
      FROM (SELECT node, min(depth) AS d FROM r WHERE node <> root GROUP BY node) m
$$;
CREATE FUNCTION pg_temp.dm_closure(root text) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(product_id ORDER BY product_id COLLATE "C") FROM datamesh.lineage(root, 'downstream', NULL, NULL)
$$;
CREATE FUNCTION pg_temp.dm_depth(root text, max_depth int) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(product_id || ':' || depth ORDER BY product_id COLLATE "C") FROM datamesh.lineage(root, 'downstream', max_depth, NULL)
$$;

CREATE TEMP TABLE timings (kind text, impl text, root text, ms float8, n int, same bool);
CREATE FUNCTION pg_temp.measure(kind text, nroots int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    root text;
    t0 timestamptz;
    a text[];
    b text[];
    ta float8;
    tb float8;
BEGIN
    FOR root IN SELECT 'p' || floor(random() * CASE kind WHEN 'closure' THEN 10000 ELSE 5000 END)::int
                  FROM generate_series(1, nroots) LOOP
        t0 := clock_timestamp();
        a := CASE kind WHEN 'closure' THEN pg_temp.dm_closure(root) ELSE pg_temp.dm_depth(root, 5) END;
        ta := extract(epoch FROM clock_timestamp() - t0) * 1000;
        t0 := clock_timestamp();
        b := CASE kind WHEN 'closure' THEN pg_temp.cte_closure(root) ELSE pg_temp.cte_depth(root, 5) END;
        tb := extract(epoch FROM clock_timestamp() - t0) * 1000;
        INSERT INTO timings VALUES (kind, 'datamesh', root, ta, coalesce(cardinality(a), 0), a IS NOT DISTINCT FROM b),
                                   (kind, 'cte', root, tb, coalesce(cardinality(b), 0), a IS NOT DISTINCT FROM b);
    END LOOP;
END
$$;

\echo '== JIT: the server settings, and the estimated costs of the plans measured'
CREATE FUNCTION pg_temp.plan_cost(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    p json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT json) ' || q INTO p;
    RETURN round((p -> 0 -> 'Plan' ->> 'Total Cost')::numeric);
END
$$;
SELECT current_setting('jit') AS jit, current_setting('jit_above_cost') AS jit_above_cost,
       pg_temp.plan_cost($q$SELECT source, target, edge_type, true FROM datamesh.lineage_edges$q$) AS graph_load_cost,
       pg_temp.plan_cost($q$WITH RECURSIVE r(node) AS (SELECT 'p5'::text UNION
                            SELECT i.product_id FROM r JOIN datamesh.input_ports i ON i.source_product = r.node)
                            SELECT array_agg(node ORDER BY node COLLATE "C") FROM r WHERE node <> 'p5'$q$) AS cte_closure_cost,
       pg_temp.plan_cost($q$SELECT array_agg(product_id ORDER BY product_id COLLATE "C")
                            FROM datamesh.lineage('p5', 'downstream', NULL, NULL)$q$) AS datamesh_closure_cost;

\echo '== first call: reads the graph into the backend cache'
SELECT extract(epoch FROM clock_timestamp() - now()) IS NOT NULL AS started \gset
DO $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM count(*) FROM datamesh.lineage('p0', 'downstream', 1, NULL);
    RAISE NOTICE 'cache build + first call: % ms', round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 1);
END $$;
SELECT (s -> 'product_graph' ->> 'nodes')::int AS cached_nodes, (s -> 'product_graph' ->> 'edges')::int AS cached_edges,
       pg_size_pretty((s -> 'product_graph' ->> 'bytes')::bigint) AS cache_memory
  FROM datamesh.lineage_cache_stats() s;

SET client_min_messages = warning;  -- depth-5 walks are cut, by design
\o /dev/null
SELECT pg_temp.measure('closure', 50);
SELECT pg_temp.measure('depth5', 400);
\o
RESET client_min_messages;

\echo '== results (same = datamesh and the recursive CTE return identical rows)'
SELECT kind, impl, count(*) AS runs, round(avg(n)) AS avg_rows,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p95_ms,
       round(sum(ms)::numeric, 1) AS total_ms, bool_and(same) AS all_same
  FROM timings GROUP BY kind, impl ORDER BY kind, impl;
\echo '== ratios (recursive CTE time / datamesh time)'
SELECT kind, round((sum(ms) FILTER (WHERE impl = 'cte') / sum(ms) FILTER (WHERE impl = 'datamesh'))::numeric, 1) AS speedup_total,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE impl = 'cte')
              / percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE impl = 'datamesh'))::numeric, 1) AS speedup_p95,
       bool_and(same) AS results_equal
  FROM timings GROUP BY kind ORDER BY kind;
SELECT CASE WHEN bool_and(same) THEN 'OK: every traversal returned the same rows as the recursive CTE'
            ELSE 'MISMATCH: ' || string_agg(DISTINCT kind || ' ' || root, ', ') FILTER (WHERE NOT same) END AS verdict
  FROM timings;
