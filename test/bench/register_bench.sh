#!/usr/bin/env bash
# Registration throughput benchmark (not a test): builds and installs datamesh,
# starts a private server, generates a synthetic mesh of 100 domains x 100
# products (10,000 YAML manifests with ports and dependencies) and registers
# them one by one.  Prints manifests/s and the ratio to the 500/s target.
#   BENCH_DOMAINS, BENCH_PER_DOMAIN  size of the mesh (default 100 x 100)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54331}
domains=${BENCH_DOMAINS:-100}
per_domain=${BENCH_PER_DOMAIN:-100}

bench_setup bench

out=$(psql -X -v domains="$domains" -v per_domain="$per_domain" -f test/bench/register_bench.sql 2>&1) || { echo "$out"; exit 1; }
echo "$out"
ms=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
n=$((domains * per_domain))
awk -v n="$n" -v ms="$ms" 'BEGIN {
    rate = n / (ms / 1000.0);
    printf "registration: %d manifests in %.2f s = %.0f manifests/s (%.1f ms each)\n", n, ms / 1000.0, rate, ms / n;
    printf "target 500 manifests/s: %.2fx the target\n", rate / 500.0 }'
