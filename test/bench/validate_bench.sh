#!/usr/bin/env bash
# validate_data benchmark (not a test): builds and installs datamesh, starts a
# private server, builds a 1,000,000-row table with a contract of 20 data
# rules (not-null, enum, min/max, pattern, null rates, completeness, row
# count, SQL quality rules; the primary key's uniqueness is guaranteed by its
# index), then times, side by side in one session (medians; count(*) and
# validate_data alternate, 5 runs each, the others 3 runs):
#   - a bare SELECT count(*) over the table (the baseline, target <= 1.5x),
#   - datamesh.validate_data (one scan, plus recording the run),
#   - one query per rule (the seeds' approach),
#   - validate_data with an extra composite unique key that no index
#     guarantees (one grouped pass more, reported on its own line),
#   - count(*) and validate_data again with JIT forced (jit_above_cost = 0),
# each serial (max_parallel_workers_per_gather = 0) and parallel (the
# server's setting, 2 by default), every contender under the same settings;
# first on the raw table (only NOT NULL and the primary key), then after
# adding the CHECK constraints datamesh.contract_ddl() scaffolds (min/max,
# enum, pattern): rules those constraints prove are not measured again.
# Prints the times and ratios; never fails on timing.
#   BENCH_ROWS  table size (default 1000000)
#   BENCH_KEEP  set: leave the server running afterwards (to profile)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54332}
rows=${BENCH_ROWS:-1000000}

bench_setup bench
[ -z "${BENCH_KEEP:-}" ] || trap - EXIT

echo "== building a $rows-row table and its contract"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" <<'SQL'
CREATE ROLE bench_owner NOLOGIN;
CREATE SCHEMA bench AUTHORIZATION bench_owner;
CREATE TABLE bench.orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL,
    total numeric(12,2) NOT NULL, email text, country text NOT NULL, qty int NOT NULL, score double precision,
    created date NOT NULL, note text);
INSERT INTO bench.orders
SELECT i, i % 50000, (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + i % 4], (i % 100000) / 100.0,
       CASE WHEN i % 20 = 0 THEN NULL ELSE 'user' || (i % 50000) || '@example.com' END,
       (ARRAY['DE', 'FR', 'IT', 'ES', 'NL'])[1 + i % 5], 1 + i % 9, (i % 1000) / 1000.0,
       date '2024-01-01' + (i % 365), CASE WHEN i % 3 = 0 THEN 'gift' END
  FROM generate_series(1, :rows) i;
ALTER TABLE bench.orders OWNER TO bench_owner;
VACUUM ANALYZE bench.orders;
SELECT datamesh.create_domain('bench', 'bench_owner');
SET ROLE bench_owner;
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'bench-orders', 'domain', 'bench', 'version', '1.0.0', 'owner', 'b@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "orders", "type": "table", "relation": "bench.orders"}]'::jsonb))::text) IS NOT NULL AS registered;
SELECT datamesh.publish_contract($yaml$
apiVersion: datamesh.io/v1
kind: DataContract
metadata: {product_id: bench-orders, version: 1.0.0}
schema:
  definition:
    fields:
      - {name: order_id, type: long, required: true, primary_key: true}
      - {name: customer_id, type: long, required: true}
      - {name: status, type: string, required: true, enum: [new, paid, shipped, returned]}
      - {name: total, type: "decimal(12,2)", required: true, min: 0, max: 100000}
      - {name: email, type: string, pattern: "^[^@]+@[^@]+$", max_null_rate: 0.1}
      - {name: country, type: string, required: true, enum: [DE, FR, IT, ES, NL]}
      - {name: qty, type: int, required: true, min: 1, max: 100}
      - {name: score, type: double, min: 0, max: 1}
      - {name: created, type: date, required: true}
      - {name: note, type: string, max_null_rate: 0.9}
min_completeness: 0.9
row_count: {min: 1, max: 100000000}
quality_rules:
  - {name: big_orders_paid, rule: "total < 900 OR status <> 'new'", severity: warning}
  - {name: created_this_century, rule: "created >= date '2000-01-01'", severity: error}
$yaml$) ->> 'result' AS contract;
RESET ROLE;
GRANT SELECT ON bench.orders TO PUBLIC;
SQL

psql -X -q -v ON_ERROR_STOP=1 -At <<'SQL' > /tmp/datamesh-validate-bench-$$.out
\timing off
\pset fieldsep " "
CREATE TEMP TABLE t (what text, ms float8);
CREATE FUNCTION pg_temp.clock(sql text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    times float8[] := '{}';
BEGIN
    FOR i IN 1 .. n LOOP
        t0 := clock_timestamp();
        EXECUTE sql;
        times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END $$;
-- two contenders alternating n times: their medians
CREATE FUNCTION pg_temp.pair(a text, b text, n int) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    ta float8[] := '{}';
    tb float8[] := '{}';
BEGIN
    FOR i IN 1 .. n LOOP
        t0 := clock_timestamp();
        EXECUTE a;
        ta := ta || extract(epoch FROM clock_timestamp() - t0) * 1000;
        t0 := clock_timestamp();
        EXECUTE b;
        tb := tb || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    RETURN ARRAY[(SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ta) x),
                 (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(tb) x)];
END $$;
CREATE FUNCTION pg_temp.plan_cost(sql text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || sql INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Total Cost')::float8;
END $$;
-- whether this server compiles with JIT at all (a JIT section in EXPLAIN ANALYZE)
CREATE FUNCTION pg_temp.jit_works() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    SET LOCAL jit = on;
    SET LOCAL jit_above_cost = 0;
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(qty) FROM bench.orders WHERE order_id < 1000' INTO plan;
    RETURN plan -> 0 -> 'JIT' IS NOT NULL;
END $$;
SELECT 'jit ' || current_setting('jit');
SELECT 'jit_above_cost ' || current_setting('jit_above_cost');
SELECT 'jit_works ' || CASE WHEN pg_temp.jit_works() THEN 'yes' ELSE 'no' END;
SELECT 'workers ' || current_setting('max_parallel_workers_per_gather');
SELECT count(*) FROM bench.orders;   -- warm the cache
\set phase raw
\i test/bench/validate_bench_modes.sql
ALTER TABLE bench.orders ADD CONSTRAINT status_enum CHECK (status IN ('new', 'paid', 'shipped', 'returned')),
    ADD CONSTRAINT total_min CHECK (total >= 0), ADD CONSTRAINT total_max CHECK (total <= 100000),
    ADD CONSTRAINT email_pattern CHECK (email::text ~ '^[^@]+@[^@]+$'),
    ADD CONSTRAINT country_enum CHECK (country IN ('DE', 'FR', 'IT', 'ES', 'NL')),
    ADD CONSTRAINT qty_min CHECK (qty >= 1), ADD CONSTRAINT qty_max CHECK (qty <= 100),
    ADD CONSTRAINT score_min CHECK (score >= 0), ADD CONSTRAINT score_max CHECK (score <= 1);
\set phase constrained
\i test/bench/validate_bench_modes.sql
SELECT what || ' ' || round(ms::numeric, 1) FROM t;
SQL

out=/tmp/datamesh-validate-bench-$$.out
awk -v rows="$rows" '
{ v[$1] = $2 }
END {
    printf "times are medians (count(*) and validate_data alternating, 5 runs each; the others 3) in one session; count(*) and the seeds'"'"' queries run under the same settings as validate_data\n";
    printf "(serial: max_parallel_workers_per_gather = 0; parallel: = %s; jit = %s, jit_above_cost = %s)\n", v["workers"], v["jit"], v["jit_above_cost"];
    printf "JIT: the scan plans cost %d (raw) and %d (constrained) < jit_above_cost, so they are not compiled by default;\n", v["raw_serial_scan_cost"], v["constrained_serial_scan_cost"];
    printf "     the rows \"JIT forced\" set jit_above_cost = 0 (%s)\n\n", (v["jit_works"] == "yes") ? "this server compiles" : "but this server has no working JIT provider: EXPLAIN ANALYZE shows no JIT section, so those rows are the same as without";
    split("raw constrained", phases, " ");
    for (i = 1; i <= 2; i++) {
        p = phases[i];
        if (p == "raw")
            printf "raw table (NOT NULL and primary key only), %d rows, %d rules: %d measured in the scan, %d guaranteed by constraints\n", rows, v[p "_rules"], v[p "_measured"], v[p "_guaranteed"];
        else
            printf "with the CHECK constraints contract_ddl() scaffolds: %d measured in the scan, %d guaranteed by constraints\n", v[p "_measured"], v[p "_guaranteed"];
        printf "  %-38s %22s %22s\n", "", "serial", "parallel";
        split("count validate per_rule validate_unique count_jit validate_jit", kinds, " ");
        label["count"] = "SELECT count(*)";
        label["validate"] = "validate_data (one scan, recorded)";
        label["per_rule"] = "one query per rule (seeds)";
        label["validate_unique"] = "+ unindexed unique key (+1 pass)";
        label["count_jit"] = "SELECT count(*), JIT forced";
        label["validate_jit"] = "validate_data, JIT forced";
        for (k = 1; k <= 6; k++) {
            line = sprintf("  %-38s", label[kinds[k]]);
            for (m = 1; m <= 2; m++) {
                mode = (m == 1) ? "serial" : "parallel";
                base = (kinds[k] ~ /_jit/) ? v[p "_" mode "_count_jit"] : v[p "_" mode "_count"];
                x = v[p "_" mode "_" kinds[k]];
                if (kinds[k] ~ /^count/)
                    line = line sprintf(" %9.1f ms          ", x);
                else
                    line = line sprintf(" %9.1f ms %6.2fx    ", x, x / base);
            }
            print line;
        }
        for (m = 1; m <= 2; m++) {
            mode = (m == 1) ? "serial" : "parallel";
            c = v[p "_" mode "_count"]; val = v[p "_" mode "_validate"]; per = v[p "_" mode "_per_rule"];
            printf "  %-8s validate_data / count(*) = %.2fx (target <= 1.5x: %s); one query per rule / validate_data = %.1fx\n",
                mode, val / c, (val / c <= 1.5) ? "met" : "not met", per / val;
        }
        printf "\n";
    }
}' "$out"
rm -f "$out"
