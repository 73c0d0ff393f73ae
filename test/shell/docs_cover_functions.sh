#!/usr/bin/env bash
# Every public function of schema datamesh (name not starting with "_") is
# documented under docs/ (its name followed by "(" in some docs/*.md), and
# every GUC defined in src/guc.c appears in docs/reference.md.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
db=datamesh_docs_cover
cleanup() { "$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION datamesh"
functions=$("$BINDIR/psql" -X -At -v ON_ERROR_STOP=1 -d "$db" -c \
    "SELECT DISTINCT proname FROM pg_catalog.pg_proc
      WHERE pronamespace = 'datamesh'::regnamespace AND proname NOT LIKE '\_%' ORDER BY 1")
[ -n "$functions" ] || fail "no public functions found in schema datamesh"
missing=0 n=0
for f in $functions; do
    n=$((n + 1))
    if ! grep -rqE "(^|[^A-Za-z0-9_])$f *\(" docs/; then
        echo "FAIL: function datamesh.$f is not documented under docs/"
        missing=$((missing + 1))
    fi
done
gucs=$(grep -oE 'Variable\("datamesh\.[a-z_]+"' src/guc.c | sed 's/.*("//; s/"$//' | sort -u)
[ -n "$gucs" ] || fail "no GUCs found in src/guc.c"
for g in $gucs; do
    n=$((n + 1))
    if ! grep -qF "$g" docs/reference.md; then
        echo "FAIL: GUC $g is not in docs/reference.md"
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ] || exit 1
echo "ok: $n functions and GUCs documented"
