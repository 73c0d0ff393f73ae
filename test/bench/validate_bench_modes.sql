-- validate_bench.sh: one round serial, one round parallel, on bench.orders as it is now
\set mode serial
SET max_parallel_workers_per_gather = 0;
\i test/bench/validate_bench_round.sql
\set mode parallel
RESET max_parallel_workers_per_gather;
\i test/bench/validate_bench_round.sql
