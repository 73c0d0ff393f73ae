#!/usr/bin/env bash
# Without shared_preload_libraries, CREATE EXTENSION datamesh fails with
# 'datamesh must be loaded via "shared_preload_libraries"' and its hint, also
# when tried again in the same session, and leaves nothing behind.  Runs its
# own throwaway server (no preload) under /tmp; PG_CONFIG selects the
# installation.  DM_NOPRELOAD_PORT overrides the port (default 54359).
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
PORT=${DM_NOPRELOAD_PORT:-54359}
ROOT=$(mktemp -d /tmp/datamesh-nopreload-XXXXXX)
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
listen_addresses = ''
port = $PORT
unix_socket_directories = '$SOCK'
fsync = off
lc_messages = 'C'
CONF
as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start >/dev/null \
    || { cat "$ROOT/server.log"; fail "could not start the server without preload on port $PORT"; }

psql_np() {
    "$BINDIR/psql" -X -h "$SOCK" -p "$PORT" -U postgres -d postgres -v VERBOSITY=default "$@"
}

preload=$(psql_np -At -c "SHOW shared_preload_libraries")
[ -z "$preload" ] || fail "shared_preload_libraries is \"$preload\", expected empty"

# twice in one session: a failed _PG_init must not leave the library half-loaded
out=$(psql_np <<'SQL' 2>&1 || true
CREATE EXTENSION datamesh;
CREATE EXTENSION datamesh;
LOAD 'datamesh';
SQL
)
echo "$out"
n=$(grep -c 'ERROR:  datamesh must be loaded via "shared_preload_libraries"' <<<"$out" || true)
[ "$n" -eq 3 ] || fail "expected the preload error 3 times (2 x CREATE EXTENSION, LOAD), got $n"
h=$(grep -c 'HINT:  Add datamesh to the "shared_preload_libraries" setting in postgresql.conf and restart the server.' <<<"$out" || true)
[ "$h" -eq 3 ] || fail "expected the hint 3 times, got $h"
psql_np -At -v ON_ERROR_STOP=1 -c "CREATE EXTENSION datamesh" 2>"$ROOT/err.log" && fail "CREATE EXTENSION datamesh succeeded"
grep -q 'ERROR:  datamesh must be loaded via "shared_preload_libraries"' "$ROOT/err.log" \
    || { cat "$ROOT/err.log"; fail "unexpected error"; }
state=$(psql_np -At -c "DO \$\$ BEGIN CREATE EXTENSION datamesh; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'sqlstate=%', SQLSTATE; END \$\$" 2>&1)
grep -q 'sqlstate=55000' <<<"$state" || fail "expected SQLSTATE 55000, got: $state"

# nothing left behind
left=$(psql_np -At <<'SQL'
SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'datamesh')
     + (SELECT count(*) FROM pg_extension WHERE extname = 'datamesh')
     + (SELECT count(*) FROM pg_roles WHERE rolname IN ('datamesh_admin', 'datamesh_reader'))
     + (SELECT count(*) FROM pg_proc WHERE probin LIKE '%datamesh%');
SQL
)
[ "$left" = 0 ] || fail "$left datamesh objects (schema, extension, roles, functions) left behind"

# the same installation works once preloaded: only the preload was missing
echo "shared_preload_libraries = 'datamesh'" >>"$DATA/postgresql.conf"
as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 restart >/dev/null \
    || { cat "$ROOT/server.log"; fail "could not restart with the preload"; }
psql_np -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION datamesh" || fail "CREATE EXTENSION failed with the preload"
psql_np -At -c "SELECT datamesh.library_version()" >/dev/null || fail "library_version() failed"

echo "ok: CREATE EXTENSION refuses to run without the preload and leaves nothing behind"
