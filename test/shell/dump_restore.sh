#!/usr/bin/env bash
# pg_dump / pg_restore round trip of a datamesh catalog: load the demo mesh
# into a fresh database, fingerprint every catalog table, the products view
# and get_product of every product, dump (-Fc), restore into another fresh
# database, compare, and show that the restored catalog still works.
# Needs PGHOST/PGPORT/PGUSER of a running server with datamesh preloaded
# (test/bin/pgserver) and PG_CONFIG of the installation.
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
SRC=dm_dump_src
DST=dm_dump_dst
WORK=$(mktemp -d /tmp/datamesh-dump-XXXXXX)

psql_db() {
    local db=$1
    shift
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

cleanup() {
    "$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
        >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

# the fingerprint of a database's catalog, one line per item
fingerprint() {
    psql_db "$1" -At <<'SQL'
DO $$
BEGIN
    IF (SELECT count(*) FROM pg_class
         WHERE relnamespace = 'datamesh'::regnamespace AND relkind = 'r') < 11 THEN
        RAISE EXCEPTION 'fewer catalog tables than expected';
    END IF;
END $$;
CREATE FUNCTION pg_temp.fingerprint() RETURNS TABLE (item text, n bigint, md5 text)
    LANGUAGE plpgsql AS $fn$
DECLARE
    t regclass;
    p text;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c
              WHERE c.relnamespace = 'datamesh'::regnamespace AND c.relkind IN ('r', 'v')
              ORDER BY c.relname
    LOOP
        item := t::text;
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM %s x',
                       '|', '', t)
           INTO n, md5;
        RETURN NEXT;
    END LOOP;
    FOR p IN SELECT product_id FROM datamesh.data_products ORDER BY product_id LOOP
        item := 'get_product(' || p || ')';
        n := 1;
        md5 := md5(datamesh.get_product(p)::text);
        RETURN NEXT;
        item := 'export_manifest(' || p || ')';
        md5 := md5(datamesh.export_manifest(p));
        RETURN NEXT;
    END LOOP;
    item := 'extension';
    SELECT count(*), string_agg(extname || ' ' || extversion, ',') INTO n, md5
      FROM pg_extension WHERE extname = 'datamesh';
    RETURN NEXT;
END
$fn$;
SELECT format('%s %s %s', item, n, md5) FROM pg_temp.fingerprint();
SQL
}

echo "== source database $SRC with the demo mesh"
"$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST"
"$BINDIR/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $SRC"
psql_db "$SRC" -c "CREATE EXTENSION datamesh"
psql_db "$SRC" -f test/demo/setup.sql
for f in test/demo/manifests/*.yaml; do
    domain=$(sed -n 's/^  domain: *//p' "$f" | head -1)
    owner=$(psql_db "$SRC" -At -c "SELECT owner FROM datamesh.domains WHERE name = '$domain'")
    [ -n "$owner" ] || fail "$f: domain \"$domain\" has no owner"
    result=$(psql_db "$SRC" -At -v manifest="$(cat "$f")" <<SQL
SET ROLE "$owner";
SELECT format('%s %s: %s', r->>'product_id', r->>'version', r->>'result') FROM datamesh.register_product(:'manifest') r;
SQL
) || fail "$f: registration failed"
    echo "   $owner: $result"
done
# a deprecated version and a draft, so that status and status_changed_at are kept too
psql_db "$SRC" <<'SQL'
SET ROLE customer_team;
SELECT datamesh.set_version_status('raw-users', '1.0.0', 'deprecated');
SQL
fingerprint "$SRC" >"$WORK/src.txt"
echo "   $(wc -l <"$WORK/src.txt") fingerprint lines"
grep -q '^datamesh.product_versions 7 ' "$WORK/src.txt" || { cat "$WORK/src.txt"; fail "expected 7 product versions in $SRC"; }

echo "== pg_dump -Fc, pg_restore into $DST"
"$BINDIR/pg_dump" -Fc -d "$SRC" -f "$WORK/src.dump"
"$BINDIR/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DST"
"$BINDIR/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.log" \
    || { cat "$WORK/restore.log"; fail "pg_restore failed"; }
if [ -s "$WORK/restore.log" ]; then
    cat "$WORK/restore.log"
    fail "pg_restore reported problems"
fi
fingerprint "$DST" >"$WORK/dst.txt"
if ! diff -u "$WORK/src.txt" "$WORK/dst.txt"; then
    fail "the restored catalog differs from the dumped one (diff above: - $SRC, + $DST)"
fi
echo "   fingerprints identical ($(wc -l <"$WORK/dst.txt") items)"

echo "== the restored catalog works"
out=$(psql_db "$DST" -At -v manifest="$(sed 's/^  version: 1.0.0$/  version: 1.1.0/' test/demo/manifests/02-orders.yaml)" <<'SQL'
SET ROLE orders_team;
SELECT datamesh.register_product(:'manifest') ->> 'result';
SELECT current_version FROM datamesh.products WHERE product_id = 'orders';
SELECT datamesh.register_product(datamesh.export_manifest('orders', '1.0.0')) ->> 'result';
SELECT datamesh.export_manifest('orders') LIKE '%version: 1.1.0%';
SELECT resolved_version FROM datamesh.input_ports WHERE product_id = 'daily-revenue';
SELECT datamesh.get_product('daily-revenue') #>> '{input_ports,0,current_match}';
RESET ROLE;
SELECT relation FROM datamesh.output_ports WHERE product_id = 'orders' AND name = 'orders-table' AND version OPERATOR(datamesh.=) '1.1.0';
SQL
) || fail "using the restored catalog failed"
expected=$'registered\n1.1.0\nunchanged\nt\n1.0.0\n1.1.0\nsales.orders'
if [ "$out" != "$expected" ]; then
    printf 'got:\n%s\nexpected:\n%s\n' "$out" "$expected"
    fail "the restored catalog does not behave as expected"
fi
echo "   registered orders 1.1.0, re-registered the exported 1.0.0 (unchanged), dependencies resolve"
echo "ok: dump and restore keep the datamesh catalog"
