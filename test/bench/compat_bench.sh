#!/usr/bin/env bash
# Compatibility-check benchmark (not a test): builds and installs datamesh,
# starts a private server, generates two 1,000-field contracts (native and
# Avro) that differ in realistic ways, and times each check inside the server.
# Prints the median per check against the 1 ms target of issue 3, and the
# median of seed 001's approach (a name join in SQL that checks far less)
# measured side by side.  Never fails on timing.
#   BENCH_FIELDS  fields per contract (default 1000)
#   BENCH_CALLS   timed calls per function (default 200)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54332}
fields=${BENCH_FIELDS:-1000}
calls=${BENCH_CALLS:-200}

bench_setup bench_compat

out=$(psql -X -v fields="$fields" -v calls="$calls" -f test/bench/compat_bench.sql 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v '^ *RESULT\|^ *result *$\|^-*$'
echo "$out" | sed -n 's/^ *RESULT \(.*\) \([0-9.e-]*\)$/\1\t\2/p' | awk -F'\t' -v fields="$fields" '
    { m[$1] = $2 }
    END {
        seed = m["seed 001 approach in SQL (names, types, nullability only)"];
        n = split("native is_compatible|native check_compatibility (all rows)|native required_bump|avro is_compatible|avro check_compatibility (all rows)", keys, "|");
        for (i = 1; i <= n; i++) {
            k = keys[i];
            if (fields == 1000)
                printf "%-40s median %.3f ms for two %d-field contracts: %.2fx the 1 ms target (%s); seed approach %.3f ms = %.2fx this\n",
                    k, m[k], fields, m[k] / 1.0, m[k] < 1.0 ? "met" : "NOT met", seed, seed / m[k];
            else
                printf "%-40s median %.3f ms for two %d-field contracts (%.3f ms per 1,000 fields; the 1 ms target is for 1,000); seed approach %.3f ms = %.2fx this\n",
                    k, m[k], fields, m[k] * 1000 / fields, seed, seed / m[k];
        }
    }'
