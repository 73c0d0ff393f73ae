-- Cross-feature attacks whose error texts matter (the pgTAP suite
-- test/pgtap/95_cross_feature_attacks.sql has the rest): a domain owner
-- claiming another domain's output location, a reader asking for decisions
-- about another role, the owner of an enum type renaming a value a contract
-- relies on, and a decision that tries to leave its audit row behind a
-- prepared transaction.
\set SHOW_CONTEXT never

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'at_alice') THEN
        CREATE ROLE at_alice NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'at_bob') THEN
        CREATE ROLE at_bob NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'at_ceo') THEN
        CREATE ROLE at_ceo NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'at_typeowner') THEN
        CREATE ROLE at_typeowner NOLOGIN;
    END IF;
END $$;
CREATE FUNCTION pg_temp.manifest(name text, dom text, loc text) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', dom, 'version', '1.0.0', 'owner', 'team@example.com'),
        'spec', jsonb_build_object('output_ports', jsonb_build_array(
            jsonb_build_object('name', 'main', 'type', 'file', 'location', loc)),
            'schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%')))::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.manifest(text, text, text) TO PUBLIC;
SELECT datamesh.create_domain('at-a', 'at_alice') IS NOT NULL AS created;
SELECT datamesh.create_domain('at-b', 'at_bob') IS NOT NULL AS created;

-- a port location is claimed by one domain
SET ROLE at_alice;
SELECT datamesh.register_product(pg_temp.manifest('at-users', 'at-a', 's3://at/users')) ->> 'product_id' AS registered;
RESET ROLE;
SET ROLE at_bob;
SELECT datamesh.register_product(pg_temp.manifest('at-hijack', 'at-b', 's3://at/users/'));
SELECT datamesh.register_product(pg_temp.manifest('at-pg', 'at-b', 'postgresql://db/public.accounts'));
SELECT datamesh.register_product(pg_temp.manifest('at-report', 'at-b', 's3://at/report')) ->> 'product_id' AS registered;

-- decisions only about roles the caller is a member of
SELECT datamesh.evaluate('at_ceo', 'query', 'at-report');
SELECT datamesh.evaluate('at_bob', 'query', 'at-report') ->> 'principal' AS own_decision;
RESET ROLE;

-- the breaking-DDL guard and enum values
CREATE SCHEMA at_s AUTHORIZATION at_alice;
GRANT USAGE ON SCHEMA at_s TO at_typeowner;
CREATE TYPE at_s.mood AS ENUM ('calm', 'angry');
ALTER TYPE at_s.mood OWNER TO at_typeowner;
SET ROLE at_alice;
CREATE TABLE at_s.feelings (id int PRIMARY KEY, mood at_s.mood NOT NULL);
SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'at-feelings', 'domain', 'at-a', 'version', '1.0.0', 'owner', 'a@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "t", "type": "table", "relation": "at_s.feelings"}]'::jsonb))::text) ->> 'product_id' AS registered;
SELECT datamesh.publish_contract(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
    'metadata', jsonb_build_object('product_id', 'at-feelings', 'version', '1.0.0'),
    'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
        jsonb_build_object('name', 'id', 'type', 'int', 'required', true),
        jsonb_build_object('name', 'mood', 'type', 'string', 'required', true)))))::text) ->> 'status' AS published;
RESET ROLE;
SET ROLE at_typeowner;
ALTER TYPE at_s.mood RENAME VALUE 'calm' TO 'serene';
ALTER TYPE at_s.mood RENAME VALUE 'bored' TO 'serene';
ALTER TYPE at_s.mood ADD VALUE 'bored';
RESET ROLE;

-- a decision in a prepared transaction: no row while prepared, none after
-- ROLLBACK PREPARED, and nothing left in the buffer for the next transaction
BEGIN;
SELECT datamesh.evaluate('at_ceo', 'query', 'at-report') ->> 'decision' AS decision;
PREPARE TRANSACTION 'at_audit';
SELECT count(*) AS rows_while_prepared FROM datamesh.policy_audit WHERE product_id = 'at-report' AND principal::text = 'at_ceo';
ROLLBACK PREPARED 'at_audit';
SELECT count(*) AS rows_after_rollback_prepared FROM datamesh.policy_audit WHERE product_id = 'at-report' AND principal::text = 'at_ceo';
BEGIN;
SELECT count(*) AS rows_in_next_transaction FROM datamesh.policy_audit WHERE product_id = 'at-report' AND principal::text = 'at_ceo';
COMMIT;

-- clean up
SET ROLE at_alice;
SELECT datamesh.retire_contract('at-feelings', '1.0.0') ->> 'status' AS retired;
DROP TABLE at_s.feelings;
RESET ROLE;
DROP SCHEMA at_s CASCADE;
SELECT datamesh.delete_product(p) IS NOT NULL AS deleted FROM unnest(ARRAY['at-users', 'at-report', 'at-feelings']) p;
SELECT datamesh.drop_domain(d) IS NOT NULL AS dropped FROM unnest(ARRAY['at-a', 'at-b']) d;
