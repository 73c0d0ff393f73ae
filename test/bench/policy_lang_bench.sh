#!/usr/bin/env bash
# Policy condition evaluation micro benchmark (not a test): builds and installs
# datamesh, starts a private server, and for each of the seeds' conditions
# prints
#   - ns per PolicyEvaluate() of the compiled program, measured in C inside the
#     server (datamesh._policy_eval_loop: the cost the policy engine pays),
#     and per PolicyEvaluateTrusted() (a cached program checked once),
#   - us per call of datamesh.eval_compiled() from SQL (env jsonb split per call),
#   - us per call of the same condition hand-written as a SQL jsonb expression,
# and the ratio of the last two, all measured side by side in one run.
#   BENCH_ITERATIONS   evaluations per condition (default 200000)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54332}
n=${BENCH_ITERATIONS:-200000}

bench_setup bench_policy
psql -X -q -v n="$n" -f test/bench/policy_lang_bench.sql
