#!/usr/bin/env bash
# pg_dump / pg_restore keeps data contracts: publish seed 002's contract and
# a later version over the demo mesh, import an ODCS contract, dump (-Fc),
# restore into a fresh database, compare the contract tables, get_contract
# and export_odcs, and show that the restored contracts still work (a
# breaking change is refused against them, a compatible one is published).
# Needs PGHOST/PGPORT/PGUSER of a running server with datamesh preloaded
# (test/bin/pgserver) and PG_CONFIG of the installation.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
dump_restore_init dm_ct_dump_src dm_ct_dump_dst

# what the contracts of a database are, one line per item
fingerprint() {
    psql_db "$1" -At <<'SQL'
SELECT format('%s %s %s', t, n, m) FROM (
    SELECT 'contracts' AS t, count(*) AS n,
           md5(string_agg(x::text, '|' ORDER BY x.product_id, x.version::text)) AS m
      FROM datamesh.contracts x
    UNION ALL
    SELECT 'contract_fields', count(*), md5(string_agg(x::text, '|' ORDER BY x.product_id, x.version::text, x.ordinal))
      FROM datamesh.contract_fields x
    UNION ALL
    SELECT 'get_contract(' || product_id || ' ' || version || ')', 1, md5(datamesh.get_contract(product_id, version)::text)
      FROM datamesh.contracts
    UNION ALL
    SELECT 'export_odcs(' || product_id || ' ' || version || ')', 1, md5(datamesh.export_odcs(product_id, version))
      FROM datamesh.contracts) f
 ORDER BY 1;
SQL
}

echo "== source database $SRC with the demo mesh and contracts"
create_source_db
psql_db "$SRC" -f test/demo/setup.sql >/dev/null
register_demo_mesh
seed=$(cat test/contracts/good/customer-360-2.3.0.yaml)
odcs=$(cat test/fixtures/odcs/full-example.odcs.yaml)
out=$(psql_db "$SRC" -At -v seed="$seed" -v odcs="$odcs" <<'SQL'
SET ROLE analytics_team;
SELECT datamesh.publish_contract(:'seed') ->> 'result';
SELECT datamesh.publish_contract(replace(replace(:'seed', '2.3.0', '2.4.0'), '      - name: segment',
    E'      - name: nickname\n        type: ["null", "string"]\n        required: false\n      - name: segment')) ->> 'result';
SELECT datamesh.deprecate_contract('customer-analytics-360', '2.3.0') ->> 'status';
RESET ROLE;
SET ROLE orders_team;
SELECT datamesh.import_odcs(:'odcs', 'orders') ->> 'result';
SQL
) || fail "publishing failed"
[ "$out" = $'published\npublished\ndeprecated\npublished' ] || fail "unexpected publish results: $out"
fingerprint "$SRC" >"$WORK/src.txt"
grep -q '^contracts 3 ' "$WORK/src.txt" || { cat "$WORK/src.txt"; fail "expected 3 contracts in $SRC"; }
echo "   $(wc -l <"$WORK/src.txt") fingerprint lines"

dump_and_compare fingerprint "the restored contracts differ from the dumped ones"

echo "== the restored contracts work"
out=$(psql_db "$DST" -At -v seed="$seed" 2>"$WORK/use.log" <<'SQL'
SELECT relation FROM datamesh.contracts WHERE product_id = 'customer-analytics-360' AND version::text = '2.4.0';
SELECT set_config('dm.seed', :'seed', false) IS NOT NULL AS seed_set \gset
SET ROLE analytics_team;
DO $$
BEGIN
    PERFORM datamesh.publish_contract(replace(replace(current_setting('dm.seed'), '2.3.0', '2.5.0'),
        E'      - name: country\n', E'      - name: land\n'));
    RAISE EXCEPTION 'a breaking change was published';
EXCEPTION WHEN check_violation THEN
    RAISE NOTICE 'refused';
END $$;
SELECT datamesh.publish_contract(replace(replace(:'seed', '2.3.0', '2.5.0'), '      - name: segment',
    E'      - name: nickname\n        type: ["null", "string"]\n        required: false\n      - name: alias\n        type: ["null", "string"]\n        required: false\n      - name: segment')) ->> 'checked_against';
SQL
) || { cat "$WORK/use.log"; fail "using the restored contracts failed"; }
expected=$'analytics.customer_360\n["2.4.0", "2.3.0"]'
if [ "$out" != "$expected" ] || ! grep -q refused "$WORK/use.log"; then
    printf 'got:\n%s\nexpected:\n%s\n' "$out" "$expected"
    cat "$WORK/use.log"
    fail "the restored contracts do not behave as expected"
fi
echo "   the relation binding survived, a breaking 2.5.0 was refused, a compatible 2.5.0 was checked against 2.4.0 and 2.3.0"
echo "ok: dump and restore keep data contracts"
