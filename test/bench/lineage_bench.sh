#!/usr/bin/env bash
# Lineage benchmark: datamesh.lineage (graph cached per backend, BFS in C)
# against an equivalent WITH RECURSIVE query over the same edge table, on a
# synthetic mesh of 10,000 products and 100,000 input-port edges (layered,
# fan-in/fan-out, cycles).  Full downstream closures and depth-5 traversals
# from random products; checks that both return the same rows; prints
# timings, ratios and the cache's memory.  Never fails on timing.
# Uses PG_CONFIG and DM_PGPORT like test/check.sh; starts the private server
# if needed and drops its database afterwards (DM_BENCH_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/../.."

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54333}

make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
test/bin/pgserver start >/dev/null
eval "$(test/bin/pgserver env)"

db=dm_lineage_bench
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
[ -n "${DM_BENCH_KEEP:-}" ] || trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
psql -X -q -d "$db" -c "CREATE EXTENSION datamesh"
start=$(date +%s)
psql -X -d "$db" -v ON_ERROR_STOP=1 -f test/bench/lineage_bench.sql
echo "benchmark took $(( $(date +%s) - start )) s"
