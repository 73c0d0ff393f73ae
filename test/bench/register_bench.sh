#!/usr/bin/env bash
# Registration throughput benchmark (not a test): builds and installs datamesh,
# starts a private server, generates a synthetic mesh of 100 domains x 100
# products (10,000 YAML manifests with ports and dependencies) and registers
# them one by one.  Prints manifests/s, the ratio to the 500/s target and
# the cost per manifest of the first and the last 1,000 (flat: it does not
# grow with the catalog).
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
times=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -3 | tr '\n' ' ')
n=$((domains * per_domain))
awk -v n="$n" -v times="$times" 'BEGIN {
    split(times, t, " ");                     # first slice, middle, last slice
    slice = n / 2 < 1000 ? int(n / 2) : 1000;
    ms = t[1] + t[2] + t[3];
    rate = n / (ms / 1000.0);
    printf "registration: %d manifests in %.2f s = %.0f manifests/s (%.2f ms each)\n", n, ms / 1000.0, rate, ms / n;
    printf "per manifest: first %d %.2f ms, last %d %.2f ms (last/first %.2f)\n",
           slice, t[1] / slice, slice, t[3] / slice, t[3] / t[1];
    printf "target 500 manifests/s: %.2fx the target\n", rate / 500.0 }'
