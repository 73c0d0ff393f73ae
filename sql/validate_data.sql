--
-- Contracts on live data: verify_contract compares the relation with its
-- contract; validate_data runs every data rule over the rows in one scan,
-- as the caller, and records the run.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE ROLE vd_owner NOLOGIN;
CREATE ROLE vd_reader NOLOGIN;
CREATE ROLE vd_nobody NOLOGIN;
GRANT datamesh_reader TO vd_reader, vd_nobody;
CREATE SCHEMA vd AUTHORIZATION vd_owner;
GRANT USAGE ON SCHEMA vd TO vd_reader, vd_nobody;
SELECT datamesh.create_domain('vd-shop', 'vd_owner');
SET ROLE vd_owner;
CREATE TABLE vd.customers (customer_id bigint PRIMARY KEY, email text, country text NOT NULL,
                           segment text, lifetime_value numeric(12,2), region_code int, signup_day date);
INSERT INTO vd.customers VALUES
    (1, 'ann@example.com', 'DE', 'high_value', 100.00, 1, '2024-01-01'),
    (2, 'bob@example.com', 'FR', 'low_value', 5.00, 2, '2024-01-02'),
    (3, NULL, 'DE', 'vip', -3.00, 1, '2024-01-03'),
    (4, 'not-an-email', 'IT', 'low_value', 20.00, 1, NULL),
    (5, 'eve@example.com', 'DE', NULL, 7000.00, 2, '2024-01-05'),
    (6, 'eve@example.com', 'ES', 'medium_value', 10.00, 3, '2024-01-06');
GRANT SELECT ON vd.customers TO vd_reader;
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'vd-customers', 'domain', 'vd-shop', 'version', '1.0.0', 'owner', 'shop@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "customers", "type": "table", "relation": "vd.customers"}]'::jsonb))::text) ->> 'result';
RESET ROLE;

INSERT INTO datamesh.contracts (product_id, version, status, compatibility, schema_format, schema, product_version,
                                port_name, relation, uniqueness_constraints, min_completeness, row_count_min,
                                row_count_max, quality_rules, manifest, published_by, partition_by)
VALUES ('vd-customers', '1.0.0', 'active', 'BACKWARD', 'native', '{}', '1.0.0', 'customers', 'vd.customers',
        '[["email"], ["country", "region_code"]]', 0.95, 1, 1000,
        '[{"name": "positive_value", "rule": "lifetime_value >= 0", "severity": "warning"},
          {"name": "known_country", "rule": "country IN (''DE'', ''FR'', ''IT'', ''ES'') -- EU only", "severity": "error"}]',
        '{}', 'vd_owner', '{signup_day}');
INSERT INTO datamesh.contract_fields (product_id, version, ordinal, name, type, sql_type, nullable, required,
                                      is_unique, is_primary_key, min_value, max_value, enum_values, pattern, max_null_rate)
VALUES ('vd-customers', '1.0.0', 1, 'customer_id', 'long', 'bigint', false, true, false, true, NULL, NULL, NULL, NULL, NULL),
       ('vd-customers', '1.0.0', 2, 'email', 'string', 'text', true, false, false, false, NULL, NULL, NULL, '^[^@]+@[^@]+$', 0.1),
       ('vd-customers', '1.0.0', 3, 'country', 'string', 'varchar(2)', false, true, false, false, NULL, NULL, NULL, NULL, NULL),
       ('vd-customers', '1.0.0', 4, 'segment', 'string', 'text', false, true, false, false, NULL, NULL,
        '{high_value,medium_value,low_value}', NULL, NULL),
       ('vd-customers', '1.0.0', 5, 'lifetime_value', 'double', 'double precision', true, false, false, false, 0, 5000, NULL, NULL, NULL),
       ('vd-customers', '1.0.0', 6, 'region_code', 'int', 'bigint', true, false, false, false, NULL, NULL, NULL, NULL, NULL),
       ('vd-customers', '1.0.0', 7, 'churn_score', 'double', 'double precision', true, false, false, false, NULL, NULL, NULL, NULL, NULL),
       ('vd-customers', '1.0.0', 8, 'signup_day', 'date', 'timestamptz', true, false, false, false, NULL, NULL, NULL, NULL, NULL);

-- verify_contract: every mismatch between the contract and the table
SET ROLE vd_reader;
SELECT * FROM datamesh.verify_contract('vd-customers');
SELECT * FROM datamesh.verify_contract('vd-customers', '9.9.9');
SELECT * FROM datamesh.verify_contract('no-such-product');

-- validate_data: every rule, measured in one scan (plus one grouped pass per
-- unique key that no unique index guarantees)
SELECT rule_name, rule_kind, severity, passed, measured, threshold, failing_rows, example_keys, message
  FROM datamesh.validate_data('vd-customers');
RESET ROLE;
SELECT r.product_id, r.version, r.relation, r.row_count, r.rules, r.failed, r.passed, r.run_by,
       r.finished_at >= r.started_at AS timed
  FROM datamesh.contract_validation_runs r ORDER BY r.run_id;
SELECT ordinal, rule_name, passed, failing_rows FROM datamesh.contract_validation_results
 WHERE NOT passed ORDER BY run_id, ordinal;
SELECT product_id, version, rules, failed, passed, failed_rules FROM datamesh.contract_validation_latest;

-- the data is read with the caller's privileges, not the extension owner's
SET ROLE vd_nobody;
SELECT * FROM datamesh.validate_data('vd-customers');
RESET ROLE;
SET ROLE vd_owner;
SELECT * FROM datamesh.validate_data('vd-customers');
RESET ROLE;

-- quality rules run read-only and cannot change roles
CREATE FUNCTION public.vd_sneaky() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE public.vd_planted (x int);
    RETURN true;
END $$;
UPDATE datamesh.contracts SET quality_rules = '[{"name": "sneaky", "rule": "public.vd_sneaky()", "severity": "error"}]'
 WHERE product_id = 'vd-customers';
SET ROLE vd_reader;
SELECT rule_name, passed FROM datamesh.validate_data('vd-customers') WHERE rule_kind = 'quality_rule';
RESET ROLE;
SELECT to_regclass('public.vd_planted') AS planted;
UPDATE datamesh.contracts SET quality_rules = '[{"name": "bad", "rule": "true); DROP TABLE vd.customers; --", "severity": "error"}]'
 WHERE product_id = 'vd-customers';
SET ROLE vd_reader;
SELECT count(*) FROM datamesh.validate_data('vd-customers');
RESET ROLE;

-- clean data passes; an empty table breaks the row-count bound
UPDATE datamesh.contracts SET quality_rules = '[]', uniqueness_constraints = '[]', partition_by = '{}'
 WHERE product_id = 'vd-customers';
SET datamesh.contract_guard = off;
ALTER TABLE vd.customers ALTER COLUMN region_code TYPE bigint, ADD COLUMN churn_score double precision,
    ALTER COLUMN signup_day TYPE timestamptz;
RESET datamesh.contract_guard;
UPDATE vd.customers SET email = 'c' || customer_id || '@example.com', segment = 'low_value', lifetime_value = 1,
                        signup_day = '2024-01-01';
SET ROLE vd_reader;
SELECT * FROM datamesh.verify_contract('vd-customers');
SELECT rule_name, message FROM datamesh.validate_data('vd-customers') WHERE NOT passed;
RESET ROLE;
-- rules the table's constraints already prove are not measured (a NOT VALID
-- constraint proves nothing)
ALTER TABLE vd.customers ADD CONSTRAINT value_range CHECK (lifetime_value BETWEEN 0 AND 5000),
    ADD CONSTRAINT segment_enum CHECK (segment IN ('high_value', 'medium_value', 'low_value')),
    ALTER COLUMN segment SET NOT NULL;
ALTER TABLE vd.customers ADD CONSTRAINT email_pattern CHECK (email ~ '^[^@]+@[^@]+$') NOT VALID;
SET ROLE vd_reader;
SELECT rule_name, passed, message FROM datamesh.validate_data('vd-customers')
 WHERE rule_kind IN ('not_null', 'min', 'max', 'enum', 'pattern');
SELECT * FROM datamesh.verify_contract('vd-customers');
RESET ROLE;
-- an enum list shorter than 9 values is hashed (padded to 9 in the scan); on a
-- column that is not text it compares the value as text, as before
UPDATE datamesh.contract_fields SET enum_values = '{1,NULL,2}' WHERE product_id = 'vd-customers' AND name = 'region_code';
SET ROLE vd_reader;
SELECT rule_name, passed, failing_rows, example_keys, message FROM datamesh.validate_data('vd-customers')
 WHERE rule_kind = 'enum';
RESET ROLE;
UPDATE datamesh.contract_fields SET enum_values = NULL WHERE product_id = 'vd-customers' AND name = 'region_code';
-- a hundred quality rules in the one scan: every rule keeps its own count
-- (rule not_i fails on customer i only)
UPDATE datamesh.contracts
   SET quality_rules = (SELECT jsonb_agg(jsonb_build_object('name', 'not_' || i, 'rule', 'customer_id <> ' || i,
                                                            'severity', 'error') ORDER BY i)
                          FROM generate_series(1, 100) i)
 WHERE product_id = 'vd-customers';
SET ROLE vd_reader;
SELECT rule_name, passed, failing_rows, example_keys FROM datamesh.validate_data('vd-customers')
 WHERE rule_kind = 'quality_rule' AND (NOT passed OR rule_name IN ('not_7', 'not_89', 'not_90', 'not_100'));
SELECT count(*) AS rules, count(*) FILTER (WHERE passed) AS passed FROM datamesh.validate_data('vd-customers');
-- the same under parallel plans (the scan runs with the caller's settings)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT rule_name, passed, failing_rows, example_keys FROM datamesh.validate_data('vd-customers')
 WHERE rule_kind = 'quality_rule' AND (NOT passed OR rule_name IN ('not_7', 'not_89', 'not_90', 'not_100'));
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET ROLE;
UPDATE datamesh.contracts SET quality_rules = '[]' WHERE product_id = 'vd-customers';
DELETE FROM vd.customers;
SET ROLE vd_reader;
SELECT rule_name, passed, measured, threshold, message FROM datamesh.validate_data('vd-customers') WHERE NOT passed;
SELECT datamesh.validate_data_json('vd-customers') -> 'passed' AS passed;
RESET ROLE;

UPDATE datamesh.contracts SET status = 'retired' WHERE product_id = 'vd-customers';
DROP FUNCTION public.vd_sneaky();
DROP SCHEMA vd CASCADE;
DELETE FROM datamesh.contracts WHERE product_id = 'vd-customers';
SET ROLE vd_owner;
SELECT datamesh.delete_product('vd-customers');
RESET ROLE;
SELECT datamesh.drop_domain('vd-shop');
DROP ROLE vd_owner, vd_reader, vd_nobody;
