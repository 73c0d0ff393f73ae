-- one round of validate_bench.sh: time every contender on bench.orders as it is now,
-- under the current settings (:mode)
UPDATE datamesh.contracts SET uniqueness_constraints = '[]' WHERE product_id = 'bench-orders';
SELECT :'phase' || '_rules ' || count(*) FROM datamesh.validate_data('bench-orders');
SELECT :'phase' || '_measured ' || count(*) FILTER (WHERE r ->> 'agg' IS NOT NULL OR r ->> 'group_sql' IS NOT NULL)
  FROM jsonb_array_elements(datamesh._validation_plan('bench-orders', NULL, current_user::regrole) -> 'rules') r;
SELECT
:'phase' || '_guaranteed ' || count(*) FILTER (WHERE r ->> 'guaranteed_by' IS NOT NULL)
  FROM jsonb_array_elements(datamesh._validation_plan('bench-orders', NULL, current_user::regrole) -> 'rules') r;
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_count', pg_temp.clock('SELECT count(*) FROM bench.orders', 3));
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_validate', pg_temp.clock($$SELECT datamesh.validate_data_json('bench-orders')$$, 3));
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
SET jit = off;
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_count_nojit', pg_temp.clock('SELECT count(*) FROM bench.orders', 3));
INSERT INTO t VALUES (:'phase' || '_' || :'mode' || '_validate_nojit', pg_temp.clock($$SELECT datamesh.validate_data_json('bench-orders')$$, 3));
RESET jit;
