# Helpers sourced by the shell tests (test/shell/*.sh); not a test itself,
# hence not named *.sh (test/check.sh runs every test/shell/*.sh).
# Sourcing it moves to the top of the source tree.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

fail() {
    echo "FAIL: $*"
    exit 1
}

# check_corpus DIR MIN: DIR holds at least MIN files, each named
# NN-short-description.EXT with a distinct NN and starting with a
# "# expect: SQLSTATE text" line
check_corpus() {
    local dir=$1 min=$2 errors=0 n=0 f name dups
    [ -d "$dir" ] || fail "$dir does not exist"
    for f in "$dir"/*; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        name=$(basename "$f")
        if ! [[ $name =~ ^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\.(yaml|json|txt|sql)$ ]]; then
            echo "FAIL: $name: not named NN-short-description.(yaml|json|txt|sql)"
            errors=$((errors + 1))
        fi
        if ! head -n 1 "$f" | LC_ALL=C grep -qE '^# expect: [0-9A-Z]{5} [^[:space:]].*$'; then
            echo "FAIL: $name: first line is not \"# expect: SQLSTATE text\""
            errors=$((errors + 1))
        fi
    done
    dups=$(for f in "$dir"/*; do basename "$f" | cut -c1-2; done | sort | uniq -d | tr '\n' ' ')
    if [ -n "$dups" ]; then
        echo "FAIL: numbers used by more than one file: $dups"
        errors=$((errors + 1))
    fi
    if [ "$n" -lt "$min" ]; then
        echo "FAIL: $n corpus files, at least $min expected"
        errors=$((errors + 1))
    fi
    [ "$errors" -eq 0 ] || exit 1
    echo "ok: $n corpus files with valid headers"
}

# dump_restore_init SRC DST: BINDIR of PG_CONFIG's installation, WORK a
# scratch directory, SRC and DST the databases of a dump/restore round trip,
# dropped (with WORK) on exit
dump_restore_init() {
    PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
    BINDIR=$("$PG_CONFIG" --bindir)
    SRC=$1
    DST=$2
    WORK=$(mktemp -d "/tmp/datamesh-$SRC-XXXXXX")
    trap dump_restore_cleanup EXIT
}

# drop the databases and the scratch directory of dump_restore_init
dump_restore_cleanup() {
    "$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
        >/dev/null 2>&1 || true
    rm -rf "$WORK"
}

# psql_db DB ARGS...: psql on DB, stopping at the first error
psql_db() {
    local db=$1
    shift
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# create_source_db: a fresh SRC with datamesh (DST dropped too)
create_source_db() {
    "$BINDIR/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST"
    "$BINDIR/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $SRC"
    psql_db "$SRC" -c "CREATE EXTENSION datamesh"
}

# register_demo_mesh: register test/demo/manifests in SRC, each as the owner
# of its domain, printing "owner: product version: result" lines
register_demo_mesh() {
    local f domain owner result
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
}

# dump_and_compare FINGERPRINT MESSAGE: pg_dump -Fc SRC, pg_restore into a
# new DST, and fail with MESSAGE unless FINGERPRINT (a function taking a
# database) gives DST the lines it gave SRC in $WORK/src.txt
dump_and_compare() {
    local fingerprint=$1 message=$2
    echo "== pg_dump -Fc, pg_restore into $DST"
    "$BINDIR/pg_dump" -Fc -d "$SRC" -f "$WORK/src.dump"
    "$BINDIR/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DST"
    "$BINDIR/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.log" \
        || { cat "$WORK/restore.log"; fail "pg_restore failed"; }
    if [ -s "$WORK/restore.log" ]; then
        cat "$WORK/restore.log"
        fail "pg_restore reported problems"
    fi
    "$fingerprint" "$DST" >"$WORK/dst.txt"
    if ! diff -u "$WORK/src.txt" "$WORK/dst.txt"; then
        fail "$message (diff above: - $SRC, + $DST)"
    fi
    echo "   fingerprints identical ($(wc -l <"$WORK/dst.txt") items)"
}
