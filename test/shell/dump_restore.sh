#!/usr/bin/env bash
# pg_dump / pg_restore round trip of a datamesh catalog: load the demo mesh
# into a fresh database, fingerprint every catalog table, the products view
# and get_product of every product, dump (-Fc), restore into another fresh
# database, compare, and show that the restored catalog still works.
# Needs PGHOST/PGPORT/PGUSER of a running server with datamesh preloaded
# (test/bin/pgserver) and PG_CONFIG of the installation.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
dump_restore_init dm_dump_src dm_dump_dst

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
create_source_db
psql_db "$SRC" -f test/demo/setup.sql
register_demo_mesh
# a deprecated version and a draft, so that status and status_changed_at are kept too
psql_db "$SRC" <<'SQL'
SET ROLE customer_team;
SELECT datamesh.set_version_status('raw-users', '1.0.0', 'deprecated');
SQL
fingerprint "$SRC" >"$WORK/src.txt"
echo "   $(wc -l <"$WORK/src.txt") fingerprint lines"
grep -q '^datamesh.product_versions 7 ' "$WORK/src.txt" || { cat "$WORK/src.txt"; fail "expected 7 product versions in $SRC"; }

dump_and_compare fingerprint "the restored catalog differs from the dumped one"

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
