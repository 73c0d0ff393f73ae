# Helpers sourced by the benchmarks (test/bench/*.sh); not a benchmark
# itself, hence not named *.sh (make bench runs every test/bench/*.sh).
# Sourcing it moves to the top of the source tree.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# bench_setup DB: build and install datamesh with PG_CONFIG, start the
# private server on DM_PGPORT (stopped on exit), and make DB a fresh
# database with the extension, the default of every psql that follows
bench_setup() {
    bash test/bin/install-deps
    make -s PG_CONFIG="$PG_CONFIG" >/dev/null && make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
    test/bin/pgserver start
    trap 'test/bin/pgserver stop' EXIT
    eval "$(test/bin/pgserver env)"
    psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
    export PGDATABASE=$1
    psql -X -q -c "CREATE EXTENSION datamesh"
}
