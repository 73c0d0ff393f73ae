#!/usr/bin/env bash
# README.md's quick start runs as written, in a fresh database: its SQL block
# is executed with ON_ERROR_STOP.  Its two roles are renamed (other tests of
# the cluster use the same names, and roles are cluster-wide).
set -euo pipefail
source "$(dirname "$0")/lib.bash"
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
db=datamesh_quick_start
work=
cleanup() {
    "$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" \
        -c "DROP ROLE IF EXISTS qs_platform_team, qs_customer_team" >/dev/null 2>&1 || true
    [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d /tmp/datamesh-quick-start-XXXXXX)
awk '/^## Quick start/ { q = 1; next } q && /^```sql/ { s = 1; next } s && /^```/ { exit } s' README.md \
    | sed -e 's/\bplatform_team\b/qs_platform_team/g' -e 's/\bcustomer_team\b/qs_customer_team/g' >"$work/quick_start.sql"
[ -s "$work/quick_start.sql" ] || fail "no sql block under \"## Quick start\" in README.md"
grep -q 'register_product' "$work/quick_start.sql" || fail "the quick start registers no product"
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION datamesh"
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/quick_start.sql" >"$work/out.txt" \
    || { cat "$work/out.txt"; fail "README.md's quick start failed"; }
grep -q 'raw-users' "$work/out.txt" || { cat "$work/out.txt"; fail "the quick start shows no product"; }
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "DROP OWNED BY qs_platform_team, qs_customer_team" >/dev/null
echo "ok: README.md's quick start ran ($(grep -c . "$work/quick_start.sql") lines)"
