-- one round of validate_bench.sh: time every contender on bench.orders as it is now,
-- under the current settings (:mode)
UPDATE datamesh.contracts SET uniqueness_constraints = '[]' WHERE product_id = 'bench-orders';
SELECT :'phase' || '_rules ' || count(*) FROM datamesh.validate_data('bench-orders');
SELECT :'phase' || '_measured ' || count(*) FILTER (WHERE r ->> 'agg' IS NOT NULL OR r ->> 'group_sql' IS NOT NULL)
  FROM jsonb_array_elements(datamesh._validation_plan('bench-orders', NULL, current_user::regrole) -> 'rules') r;
SELECT
:'phase' || '_guaranteed ' || count(*) FILTER (WHERE r ->> 'guaranteed_by' IS NOT NULL)
  FROM jsonb_array_elements(datamesh._validation_plan('bench-orders', NULL, current_user::regrole) -> 'rules') r;
SELECT :'phase' || '_' || :'mode' || '_scan_cost ' || round(pg_temp.plan_cost(datamesh._validation_plan('bench-orders', NULL, current_user::regrole) ->> 'scan_sql'));
-- count(*) and validate_data alternate, 5 runs each, so that both see the same load
INSERT INTO t SELECT :'phase' || '_' || :'mode' || x.what, x.ms
  FROM pg_temp.pair('SELECT count(*) FROM bench.orders', $$SELECT datamesh.validate_data_json('bench-orders')$$, 5) p,
       LATERAL (VALUES ('_count', p[1]), ('_validate', p[2])) x(what, ms);
-- the seeds' approach: one query per rule, each scanning the table
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_per_rule', pg_temp.clock($q$
DO $$
DECLARE
    rule text;
    n bigint;
BEGIN
    FOREACH rule IN ARRAY ARRAY[
        'true', 'order_id IS NULL', 'customer_id IS NULL', 'status IS NULL',
        $r$status NOT IN ('new', 'paid', 'shipped', 'returned')$r$, 'total IS NULL', 'total < 0', 'total > 100000',
        'email IS NULL', $r$email !~ '^[^@]+@[^@]+$'$r$, 'country IS NULL', $r$country NOT IN ('DE', 'FR', 'IT', 'ES', 'NL')$r$,
        'qty IS NULL', 'qty < 1', 'qty > 100', 'score < 0', 'score > 1', 'note IS NULL',
        $r$NOT (total < 900 OR status <> 'new')$r$, $r$NOT (created >= date '2000-01-01')$r$] LOOP
        EXECUTE 'SELECT count(*) FROM bench.orders WHERE ' || rule INTO n;
    END LOOP;
END $$ $q$, 3));
UPDATE datamesh.contracts SET uniqueness_constraints = '[["customer_id", "created"]]' WHERE product_id = 'bench-orders';
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_validate_unique', pg_temp.clock($$SELECT datamesh.validate_data_json('bench-orders')$$, 3));
UPDATE datamesh.contracts SET uniqueness_constraints = '[]' WHERE product_id = 'bench-orders';
-- JIT: the scan's plan costs less than jit_above_cost, so it is not compiled
-- by default; measured once more with JIT forced
SET jit = on;
SET jit_above_cost = 0;
INSERT INTO t SELECT :'phase' || '_' || :'mode' || x.what, x.ms
  FROM pg_temp.pair('SELECT count(*) FROM bench.orders', $$SELECT datamesh.validate_data_json('bench-orders')$$, 3) p,
       LATERAL (VALUES ('_count_jit', p[1]), ('_validate_jit', p[2])) x(what, ms);
RESET jit_above_cost;
RESET jit;
