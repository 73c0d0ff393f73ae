#!/usr/bin/env bash
# Policy decision benchmark (not a test): builds and installs datamesh, starts
# a private server, builds a mesh of 20 domains x 5 products, 100 principals
# and 500 policies (the standard pack, global and domain policies), then makes
# the same decisions with datamesh.evaluate (C) and with a straightforward
# PL/pgSQL evaluator of the same policies, side by side in one backend.
# Prints the medians per decision (all, with and without an audit row, the
# decision alone), the PL/pgSQL median, the ratio against the 20x target and
# the median against the 10 us target, and a batch figure that includes the
# commit writing the buffered audit rows.
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
        printf "\nmedian per decision, measured inside the server (%d decisions, %d of them audited):\n", n, v["audited_count"];
        printf "  datamesh.evaluate (C), all decisions:          %6.2f us  (p99 %.2f us)\n", v["c_median_us"], v["c_p99_us"];
        printf "  C, decisions that record an audit row:        %6.2f us\n", v["audited_median_us"];
        printf "  C, decisions that record none:                %6.2f us\n", v["unaudited_median_us"];
        printf "  C, the decision alone (evaluation_time_ms):   %6.2f us\n", v["c_engine_median_us"];
        printf "  PL/pgSQL evaluator:                           %6.2f us\n", v["plpgsql_median_us"];
        printf "ratio: C is %.1fx faster than PL/pgSQL (target 20x: %s)\n",
               v["plpgsql_median_us"] / v["c_median_us"], (v["plpgsql_median_us"] / v["c_median_us"] >= 20 ? "met" : "missed");
        printf "target: median <= 10 us per decision with its audit row: %s (%.2f us)\n",
               (v["c_median_us"] <= 10 ? "met" : "missed"), v["c_median_us"];
        printf "batch: %d decisions in one statement with its commit (%d audit rows written): %.2f ms = %.2f us each\n",
               n, v["audit_rows_written"], ms, ms * 1000 / n }'
