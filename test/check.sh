#!/usr/bin/env bash
# Run the whole datamesh test suite: install what is needed, build with
# warnings as errors, install, start a private throwaway PostgreSQL 15 server
# under /tmp with shared_preload_libraries = 'datamesh', then run pg_regress,
# isolation, pgTAP and shell tests.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54329}
log=${DM_TEST_LOG:-/tmp/datamesh-test-$DM_PGPORT}
rm -rf "$log" && mkdir -p "$log"

bash test/bin/install-deps || exit 1
echo "== build"
if ! make -s PG_CONFIG="$PG_CONFIG" >"$log/build.log" 2>&1 || ! make -s PG_CONFIG="$PG_CONFIG" install >>"$log/build.log" 2>&1; then
    cat "$log/build.log"
    echo "build: FAILED"
    echo "0 passed, 1 failed"
    exit 1
fi
grep -iE 'warning|error' "$log/build.log" || true

test/bin/pgserver start || { echo "server: FAILED"; echo "0 passed, 1 failed"; exit 1; }
trap 'test/bin/pgserver stop' EXIT
eval "$(test/bin/pgserver env)"

passed=0
failed=0

echo "== pg_regress and isolation"
make -s PG_CONFIG="$PG_CONFIG" installcheck >"$log/regress.log" 2>&1
rc=$?
grep -E '^(ok|not ok|test | *[a-z_0-9]+ +\.\.\. )' "$log/regress.log" || cat "$log/regress.log"
n_ok=$(grep -cE '\.\.\. ok|^ok ' "$log/regress.log")
n_bad=$(grep -cE '\.\.\. FAILED|^not ok ' "$log/regress.log")
if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
passed=$((passed + n_ok)); failed=$((failed + n_bad))
if [ "$n_bad" -ne 0 ]; then
    for d in regression.diffs output_iso/regression.diffs; do
        [ -f "$d" ] && head -c 20000 "$d"
    done
fi

echo "== pgTAP"
psql -X -q -c "DROP DATABASE IF EXISTS datamesh_tap" -c "CREATE DATABASE datamesh_tap" >/dev/null
psql -X -q -d datamesh_tap -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION datamesh" >/dev/null
pg_prove -d datamesh_tap --verbose test/pgtap/*.sql >"$log/pgtap.log" 2>&1
rc=$?
grep -E '^(test/|not ok|Files=|Result:)' "$log/pgtap.log"
n_ok=$(grep -cE '^ok [0-9]' "$log/pgtap.log")
n_bad=$(grep -cE '^not ok [0-9]' "$log/pgtap.log")
if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; grep -vE '^ok ' "$log/pgtap.log" | head -50; fi
[ "$n_bad" -ne 0 ] && grep -B2 -A12 '^not ok' "$log/pgtap.log" | head -200
passed=$((passed + n_ok)); failed=$((failed + n_bad))

echo "== shell tests"
for t in test/shell/*.sh; do
    [ -e "$t" ] || continue
    if bash "$t" >"$log/$(basename "$t").log" 2>&1; then
        echo "ok   $t"
        passed=$((passed + 1))
    else
        echo "FAIL $t"; tail -40 "$log/$(basename "$t").log"
        failed=$((failed + 1))
    fi
done

echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
