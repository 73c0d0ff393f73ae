-- Compatibility-check benchmark: two generated contracts of :fields fields
-- (native: typed, documented, constrained; and the same as Avro records),
-- the new one with realistic changes (docs, added optional fields, widened
-- types, a tightened constraint).  Each call is timed inside the server
-- (clock_timestamp() around it, :calls calls); prints the median and p90.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = notice;

CREATE TEMP TABLE contracts AS
WITH f AS (
  SELECT i,
         (ARRAY['bigint', 'integer', 'text', 'varchar(40)', 'numeric(12,2)', 'boolean', 'timestamptz', 'date', 'uuid', 'double precision'])[1 + i % 10] AS t
    FROM generate_series(1, :fields) i
)
SELECT 'native_old'::text AS name, jsonb_build_object('type', 'record', 'name', 'Bench', 'fields', jsonb_agg(
         jsonb_strip_nulls(jsonb_build_object(
           'name', 'field_' || i, 'type', t, 'doc', 'field number ' || i,
           'required', i % 3 = 0, 'pii', i % 17 = 0,
           'min', CASE WHEN t IN ('bigint', 'integer', 'numeric(12,2)') THEN 0 END,
           'max', CASE WHEN t = 'integer' THEN 1000000 END,
           'enum', CASE WHEN i % 10 = 2 AND i % 7 = 0 THEN jsonb_build_array('a', 'b', 'c') END,
           'pattern', CASE WHEN i % 10 = 3 AND i % 11 = 0 THEN '^[A-Z][a-z]+$' END)) ORDER BY i)) AS schema
  FROM f
UNION ALL
SELECT 'native_new', jsonb_build_object('type', 'record', 'name', 'Bench', 'fields', jsonb_agg(
         jsonb_strip_nulls(jsonb_build_object(
           'name', 'field_' || i,
           'type', CASE WHEN i % 100 = 1 THEN 'bigint' WHEN i % 100 = 3 THEN 'varchar(80)' WHEN i % 100 = 4 THEN 'numeric' ELSE t END,
           'doc', CASE WHEN i % 50 = 0 THEN 'renamed doc ' || i ELSE 'field number ' || i END,
           'required', i % 3 = 0, 'pii', i % 17 = 0,
           'min', CASE WHEN t IN ('bigint', 'integer', 'numeric(12,2)') THEN CASE WHEN i = 5 THEN 1 ELSE 0 END END,
           'max', CASE WHEN t = 'integer' THEN 1000000 END,
           'enum', CASE WHEN i % 10 = 2 AND i % 7 = 0 THEN jsonb_build_array('a', 'b', 'c') END,
           'pattern', CASE WHEN i % 10 = 3 AND i % 11 = 0 THEN '^[A-Z][a-z]+$' END)) ORDER BY i)
         || (SELECT jsonb_agg(jsonb_build_object('name', 'extra_' || j, 'type', 'text')) FROM generate_series(1, 5) j))
  FROM f
UNION ALL
SELECT 'avro_old', jsonb_build_object('type', 'record', 'name', 'Bench', 'namespace', 'bench', 'fields', jsonb_agg(
         jsonb_build_object('name', 'field_' || i, 'doc', 'field number ' || i,
                            'type', CASE WHEN i % 3 = 0 THEN to_jsonb((ARRAY['long', 'int', 'string', 'double', 'boolean'])[1 + i % 5])
                                         ELSE jsonb_build_array('null', (ARRAY['long', 'int', 'string', 'double', 'boolean'])[1 + i % 5]) END)
         || CASE WHEN i % 3 = 0 THEN '{}'::jsonb ELSE '{"default": null}' END ORDER BY i))
  FROM generate_series(1, :fields) i
UNION ALL
SELECT 'avro_new', jsonb_build_object('type', 'record', 'name', 'Bench', 'namespace', 'bench', 'fields', jsonb_agg(
         jsonb_build_object('name', 'field_' || i, 'doc', CASE WHEN i % 50 = 0 THEN 'renamed doc' ELSE 'field number ' || i END,
                            'type', CASE WHEN i % 3 = 0 THEN to_jsonb(CASE WHEN i % 5 = 1 AND i % 100 < 10 THEN 'long' ELSE (ARRAY['long', 'int', 'string', 'double', 'boolean'])[1 + i % 5] END)
                                         ELSE jsonb_build_array('null', (ARRAY['long', 'int', 'string', 'double', 'boolean'])[1 + i % 5]) END)
         || CASE WHEN i % 3 = 0 THEN '{}'::jsonb ELSE '{"default": null}' END ORDER BY i)
         || (SELECT jsonb_agg(jsonb_build_object('name', 'extra_' || j, 'type', jsonb_build_array('null', 'string'), 'default', NULL)) FROM generate_series(1, 5) j))
  FROM generate_series(1, :fields) i;

SELECT name, jsonb_array_length(schema -> 'fields') AS fields, pg_size_pretty(pg_column_size(schema)::bigint) AS size
  FROM contracts ORDER BY name;
SELECT 'native' AS pair, count(*) AS changes, count(*) FILTER (WHERE severity = 'breaking') AS breaking
  FROM contracts o, contracts n, datamesh.check_compatibility(o.schema, n.schema) WHERE o.name = 'native_old' AND n.name = 'native_new'
UNION ALL
SELECT 'avro', count(*), count(*) FILTER (WHERE severity = 'breaking')
  FROM contracts o, contracts n, datamesh.check_compatibility(o.schema, n.schema) WHERE o.name = 'avro_old' AND n.name = 'avro_new';

CREATE TEMP TABLE timings (what text, ms double precision);
SELECT set_config('bench.calls', :'calls', false) IS NOT NULL AS calls_set \gset

-- Each call: contracts held in PL/pgSQL variables (detoasted once), timed one by one.
DO $bench$
DECLARE
    o jsonb; n jsonb; ao jsonb; an jsonb;
    t0 timestamptz; i int; b boolean; c bigint; s text;
BEGIN
    SELECT schema INTO o FROM contracts WHERE name = 'native_old';
    SELECT schema INTO n FROM contracts WHERE name = 'native_new';
    SELECT schema INTO ao FROM contracts WHERE name = 'avro_old';
    SELECT schema INTO an FROM contracts WHERE name = 'avro_new';
    -- detoast into plain in-memory values
    o := o || '{}'; n := n || '{}'; ao := ao || '{}'; an := an || '{}';
    FOR i IN 1 .. current_setting('bench.calls')::int LOOP
        t0 := clock_timestamp();
        b := datamesh.is_compatible(o, n);
        INSERT INTO timings VALUES ('native is_compatible', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        SELECT count(*) INTO c FROM datamesh.check_compatibility(o, n);
        INSERT INTO timings VALUES ('native check_compatibility (all rows)', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        s := datamesh.required_bump(o, n);
        INSERT INTO timings VALUES ('native required_bump', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        b := datamesh.is_compatible(ao, an);
        INSERT INTO timings VALUES ('avro is_compatible', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        SELECT count(*) INTO c FROM datamesh.check_compatibility(ao, an);
        INSERT INTO timings VALUES ('avro check_compatibility (all rows)', extract(epoch FROM clock_timestamp() - t0) * 1000);
        t0 := clock_timestamp();
        -- seed 001's approach, in SQL: removed names, type changes, nullability by a name join
        SELECT count(*) INTO c FROM (
            SELECT name FROM jsonb_to_recordset(o -> 'fields') AS x(name text)
            EXCEPT SELECT name FROM jsonb_to_recordset(n -> 'fields') AS y(name text)
            UNION ALL
            SELECT x.name FROM jsonb_to_recordset(o -> 'fields') AS x(name text, type text, required boolean)
              JOIN jsonb_to_recordset(n -> 'fields') AS y(name text, type text, required boolean) USING (name)
             WHERE x.type IS DISTINCT FROM y.type OR (NOT coalesce(x.required, false) AND coalesce(y.required, false))) z;
        INSERT INTO timings VALUES ('seed 001 approach in SQL (names, types, nullability only)', extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END
$bench$;

SELECT what, count(*) AS calls,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 3) AS median_ms,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY ms))::numeric, 3) AS p90_ms
  FROM timings GROUP BY what ORDER BY min(ctid);
SELECT 'RESULT ' || what || ' ' || percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS result
  FROM timings GROUP BY what;
