#!/usr/bin/env bash
# Policy decision benchmark (not a test): builds and installs datamesh, starts
# a private server, builds a mesh of 20 domains x 5 products, 100 principals
# and 500 policies (the standard pack, global and domain policies), then makes
# the same decisions with datamesh.evaluate (C) and with a straightforward
# PL/pgSQL evaluator of the same policies, side by side in one backend.
# Prints the medians per decision, the ratio, and the cost of audit writes.
#   BENCH_DECISIONS           decisions timed for C (default 5000)
#   BENCH_BASELINE_DECISIONS  of those, timed for PL/pgSQL too (default 500)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54332}
decisions=${BENCH_DECISIONS:-5000}
baseline=${BENCH_BASELINE_DECISIONS:-500}

bash test/bin/install-deps
make -s PG_CONFIG="$PG_CONFIG" >/dev/null && make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
test/bin/pgserver start
trap 'test/bin/pgserver stop' EXIT
eval "$(test/bin/pgserver env)"
psql -X -q -c "CREATE DATABASE bench" >/dev/null
export PGDATABASE=bench
psql -X -q -c "CREATE EXTENSION datamesh"

out=$(psql -X -v domains=20 -v products_per_domain=5 -v principals=100 -v decisions="$decisions" \
           -v baseline_decisions="$baseline" -f test/bench/policy_bench.sql 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v '^RESULT'
ms=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
echo "$out" | sed -n 's/^RESULT //p' | tr ' ' '\n' | sed 's/=/ /' | awk -v n="$decisions" -v ms="$ms" '
    { v[$1] = $2 }
    END {
        printf "datamesh.evaluate (C):   median %.2f us per decision (engine-internal %.2f us, p99 %.2f us)\n",
               v["c_median_us"], v["c_engine_median_us"], v["c_p99_us"];
        printf "PL/pgSQL evaluator:      median %.2f us per decision\n", v["plpgsql_median_us"];
        printf "ratio: C is %.1fx faster (target 20x); target <= 10 us per decision: %s\n",
               v["plpgsql_median_us"] / v["c_median_us"], (v["c_median_us"] <= 10 ? "met" : "missed");
        printf "audit writes: median %.2f us with an audit row (deny, mask, warn), %.2f us without\n",
               v["audited_median_us"], v["unaudited_median_us"];
        printf "batch: %d decisions in one statement, %.2f ms = %.2f us each\n", n, ms, ms * 1000 / n }'
