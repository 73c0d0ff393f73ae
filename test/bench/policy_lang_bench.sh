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
cd "$(dirname "$0")/../.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54332}
n=${BENCH_ITERATIONS:-200000}

bash test/bin/install-deps
make -s PG_CONFIG="$PG_CONFIG" >/dev/null && make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
test/bin/pgserver start
trap 'test/bin/pgserver stop' EXIT
eval "$(test/bin/pgserver env)"
psql -X -q -c "DROP DATABASE IF EXISTS bench_policy" -c "CREATE DATABASE bench_policy" >/dev/null
export PGDATABASE=bench_policy
psql -X -q -c "CREATE EXTENSION datamesh"
psql -X -q -v n="$n" -f test/bench/policy_lang_bench.sql
