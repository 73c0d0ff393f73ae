#!/usr/bin/env bash
# The buffered decision audit is durable: rows of committed decisions are in
# datamesh.policy_audit after a clean restart and after a crash (immediate
# stop, WAL recovery); rows of rolled-back decisions are not.  Runs its own
# throwaway server (with the preload) under /tmp; PG_CONFIG selects the
# installation.  DM_AUDIT_RESTART_PORT overrides the port (default 54361).
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
PORT=${DM_AUDIT_RESTART_PORT:-54361}
ROOT=$(mktemp -d /tmp/datamesh-auditrestart-XXXXXX)
DATA=$ROOT/data
SOCK=$ROOT/sock

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cleanup() {
    if [ -f "$DATA/postmaster.pid" ]; then
        as_owner "$BINDIR/pg_ctl" -D "$DATA" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$ROOT"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

mkdir -p "$DATA" "$SOCK"
chmod 755 "$ROOT"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$ROOT"
as_owner "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$ROOT/initdb.log" 2>&1 || { cat "$ROOT/initdb.log"; fail "initdb"; }
cat >>"$DATA/postgresql.conf" <<CONF
shared_preload_libraries = 'datamesh'
listen_addresses = ''
port = $PORT
unix_socket_directories = '$SOCK'
lc_messages = 'C'
CONF
start() {
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start >/dev/null \
        || { cat "$ROOT/server.log"; fail "could not start the server on port $PORT"; }
}
start

q() {
    "$BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"
}
rows() {
    q -c "SELECT string_agg(action, ' ' ORDER BY id) FROM datamesh.policy_audit WHERE product_id = 'ar-orders'"
}

q <<'SQL' >/dev/null
CREATE EXTENSION datamesh;
CREATE ROLE ar_owner NOLOGIN;
CREATE ROLE ar_reader NOLOGIN;
SELECT datamesh.create_domain('ar-dom', 'ar_owner');
SELECT datamesh.register_product(jsonb_build_object(
    'apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'ar-orders', 'domain', 'ar-dom', 'version', '1.0.0',
                                   'owner', 'ar@example.com'),
    'spec', jsonb_build_object('schema', jsonb_build_object(), 'sla', jsonb_build_object('availability', '99%'),
                               'output_ports', jsonb_build_array(jsonb_build_object('name', 'events', 'type', 'stream',
                                                                                    'topic', 'ar'))))::text);
SQL

# committed in a transaction block, rolled back, autocommitted
q <<'SQL' >/dev/null
BEGIN;
SELECT datamesh.evaluate('ar_reader', 'one', 'ar-orders');
SELECT datamesh.evaluate('ar_reader', 'two', 'ar-orders');
COMMIT;
BEGIN;
SELECT datamesh.evaluate('ar_reader', 'rolled-back', 'ar-orders');
ROLLBACK;
SELECT datamesh.evaluate('ar_reader', 'three', 'ar-orders');
SQL
[ "$(rows)" = "one two three" ] || fail "before restart: got \"$(rows)\""

as_owner "$BINDIR/pg_ctl" -D "$DATA" -w -t 60 stop -m fast >/dev/null || fail "clean stop"
start
[ "$(rows)" = "one two three" ] || fail "after a clean restart: got \"$(rows)\""

# a crash right after the commit: recovery replays the rows from the WAL
q -c "SELECT datamesh.evaluate('ar_reader', 'before-crash', 'ar-orders')" >/dev/null
as_owner "$BINDIR/pg_ctl" -D "$DATA" -w -t 60 stop -m immediate >/dev/null || fail "immediate stop"
start
[ "$(rows)" = "one two three before-crash" ] || fail "after crash recovery: got \"$(rows)\""

echo "ok: committed decisions keep their audit rows across a restart and a crash; rolled-back ones leave none"
