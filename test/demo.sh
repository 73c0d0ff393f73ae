#!/usr/bin/env bash
# The datamesh demo: install what is needed, build, start a private throwaway
# PostgreSQL 15 server under /tmp, load the example e-commerce mesh from the
# seeds and take a short tour.  The server keeps running afterwards so you
# can look around; "test/bin/pgserver stop" (with DM_PGPORT=54330) stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export DM_PGPORT=${DM_PGPORT:-54330}

bash test/bin/install-deps
echo "== building datamesh"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "== starting a private PostgreSQL server on port $DM_PGPORT (data under /tmp)"
test/bin/pgserver start
eval "$(test/bin/pgserver env)"

psql -X -q -c "CREATE DATABASE mesh" >/dev/null
export PGDATABASE=mesh
psql -X -q -c "CREATE EXTENSION datamesh"
echo "== loading the example mesh (roles, tables, domains, data products)"
psql -X -q -f test/demo/setup.sql
for f in test/demo/manifests/*.yaml; do
    domain=$(sed -n 's/^  domain: *//p' "$f" | head -1)
    owner=$(psql -X -At -c "SELECT owner FROM datamesh.domains WHERE name = '$domain'")
    result=$(psql -X -At -q -v ON_ERROR_STOP=1 -v manifest="$(cat "$f")" <<SQL
SET ROLE "$owner";
SELECT format('%s %s: %s', r->>'product_id', r->>'version', r->>'result') FROM datamesh.register_product(:'manifest') r;
SQL
)
    echo "   $owner: $result"
done

echo "== the tour"
psql -X -f test/demo/tour.sql
# each feature adds its own chapter: test/demo/tour-<feature>.sql, run in name order
for f in test/demo/tour-*.sql; do
    [ -e "$f" ] || continue
    echo "== $(sed -n '1s/^-- *//p' "$f")"
    psql -X -f "$f"
done
echo
echo "The demo server is still running. Connect with:"
echo "  psql -h $PGHOST -p $PGPORT -U postgres mesh"
echo "Stop it with: DM_PGPORT=$DM_PGPORT test/bin/pgserver stop"
