#!/usr/bin/env bash
# JIT stays off for queries over a small catalog with the server defaults
# (jit = on, jit_above_cost = 100000): every datamesh view, common joins of
# views and lineage functions, and the main functions, on an empty catalog
# and on the example mesh with column lineage.  auto_explain (loaded in the
# session, log_level warning, nested statements included) prints the plan of
# every statement, the ones run inside the functions too; the test fails if
# any plan uses JIT or costs jit_above_cost or more, and names the query.
# Needs PGHOST/PGPORT/PGUSER of a running server with datamesh preloaded
# (test/bin/pgserver) and PG_CONFIG of the installation.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
# one database (SRC), dropped with the scratch directory WORK on exit
dump_restore_init dm_lineage_jit dm_lineage_jit

# the queries: one a line
cat >"$WORK/queries" <<'SQL'
SELECT * FROM datamesh.products
SELECT * FROM datamesh.versions
SELECT * FROM datamesh.product_ports
SELECT * FROM datamesh.contract_validation_latest
SELECT * FROM datamesh.lineage_dataset_products
SELECT * FROM datamesh.column_lineage_edges
SELECT * FROM datamesh.lineage_edges
SELECT count(*) FROM datamesh.lineage_edges
SELECT * FROM datamesh.versions WHERE is_current
SELECT * FROM datamesh.products p JOIN datamesh.product_ports pp USING (product_id)
SELECT * FROM datamesh.products p JOIN datamesh.versions v USING (product_id)
SELECT * FROM datamesh.lineage_edges e JOIN datamesh.products p ON p.product_id = e.target
SELECT * FROM datamesh.column_lineage_edges c JOIN datamesh.products p ON p.product_id = c.target_product
SELECT * FROM datamesh.lineage_edges e JOIN datamesh.column_lineage_edges c ON c.target_product = e.target
SELECT * FROM datamesh.lineage_edges a JOIN datamesh.lineage_edges b ON b.source = a.target
SELECT * FROM datamesh.products p JOIN datamesh.lineage_edges e ON e.source = p.product_id JOIN datamesh.products q ON q.product_id = e.target
SELECT * FROM datamesh.lineage_dataset_products d JOIN datamesh.products p USING (product_id)
SELECT p.*, c.* FROM datamesh.products p LEFT JOIN datamesh.contract_validation_latest c USING (product_id)
SELECT p.product_id, l.* FROM datamesh.products p CROSS JOIN LATERAL datamesh.lineage(p.product_id, 'both', NULL, NULL) l
SELECT * FROM datamesh.lineage('raw-users', 'downstream') l JOIN datamesh.products p USING (product_id)
SELECT * FROM datamesh.lineage('raw-users', 'downstream') l JOIN datamesh.column_lineage_edges c ON c.target_product = l.product_id
SELECT * FROM datamesh.column_lineage('raw-users', 'email', 'downstream') l JOIN datamesh.products p USING (product_id)
SELECT datamesh.get_product_lineage('raw-users')
SELECT datamesh.lineage_graph('customer-analytics-360')
SELECT datamesh.lineage_mermaid('customer-analytics-360', 'upstream')
SELECT datamesh.lineage_dot('customer-analytics-360', 'upstream')
SELECT datamesh.impact('raw-users', '{"remove_column": "email"}')
SELECT datamesh.impact_consumers('raw-users')
SELECT datamesh.effective_classification('customer-analytics-360', 'email')
SELECT datamesh.column_attributes('customer-analytics-360', 'email')
SELECT datamesh.get_product('raw-users')
SELECT * FROM datamesh.effective_policies('customer-analytics')
SELECT * FROM datamesh._lineage_consumers('raw-users')
SELECT datamesh._lineage_product_columns('customer-analytics-360', NULL)
SELECT datamesh.evaluate('analyst', 'read', 'customer-analytics-360')
SELECT datamesh.check_compliance('customer-analytics-360')
SQL

# Run every query under auto_explain; print "query<TAB>max cost<TAB>JIT plans"
probe() {
    local label=$1 q out maxcost jits errors=0
    while IFS= read -r q; do
        out=$("$BINDIR/psql" -X -q -d "$SRC" 2>&1 <<SQL
LOAD 'auto_explain';
SET jit = on;
RESET jit_above_cost;
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_format = json;
SET auto_explain.log_level = warning;  -- some functions set client_min_messages = warning
\o /dev/null
$q;
SQL
) || true
        if grep -q '^ERROR' <<<"$out"; then
            echo "FAIL ($label): $q: $(grep -m1 '^ERROR' <<<"$out")"
            errors=$((errors + 1))
            continue
        fi
        grep -q '"Total Cost"' <<<"$out" || { echo "FAIL ($label): $q: no plan logged"; errors=$((errors + 1)); continue; }
        maxcost=$(grep -o '"Total Cost": [0-9.]*' <<<"$out" | awk '{ if ($3 > m) m = $3 } END { printf "%.0f", m }')
        jits=$(grep -c '"JIT":' <<<"$out" || true)
        printf '%-8s %10s %s\n' "$label" "$maxcost" "$q"
        if [ "$jits" -ne 0 ] || [ "$maxcost" -ge 100000 ]; then
            echo "FAIL ($label): $q: $jits plan(s) with JIT, highest estimated cost $maxcost (jit_above_cost 100000)"
            errors=$((errors + 1))
        fi
    done <"$WORK/queries"
    return "$errors"
}

create_source_db 2>/dev/null
[ "$(psql_db "$SRC" -At -c "SELECT pg_jit_available()")" = t ] || fail "JIT is not available on this server (llvmjit)"
failures=0

echo "== empty catalog (the queries that name no product)"
# only queries that do not name a product
grep -v "'raw-users'\|'customer-analytics" "$WORK/queries" >"$WORK/q_empty"
mv "$WORK/queries" "$WORK/q_all"
cp "$WORK/q_empty" "$WORK/queries"
probe empty || failures=$((failures + $?))

echo "== example mesh with column lineage"
psql_db "$SRC" -f test/demo/setup.sql >/dev/null
register_demo_mesh >/dev/null
psql_db "$SRC" -At >/dev/null <<'SQL'
SELECT datamesh.add_column_lineage('raw-users', 'email', 'customer-analytics-360', 'email');
SELECT datamesh.add_column_lineage('raw-users', 'ssn', 'customer-analytics-360', 'ssn_hash', 'hash');
SELECT datamesh.set_column_tags('raw-users', 'email', '{pii,gdpr}', 'confidential');
SQL
[ "$(psql_db "$SRC" -At -c "SELECT count(*) > 0 FROM datamesh.lineage('raw-users', 'downstream')")" = t ] \
    || fail "the example mesh has no lineage"
cp "$WORK/q_all" "$WORK/queries"
probe mesh || failures=$((failures + $?))

[ "$failures" -eq 0 ] || fail "$failures quer(y/ies) planned with JIT or above jit_above_cost"
echo "ok: no plan uses JIT, every estimated cost is below jit_above_cost"
