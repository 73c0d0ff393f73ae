-- The breaking-DDL guard, validate_data and the override under attack: every
-- attempt to get a breaking change past an active contract, to turn the guard
-- off, to forge an override or a validation result, or to read data through
-- validate_data without SELECT runs as a role that should be refused.
BEGIN;
SELECT plan(58);

\i test/sql/pgtap_grant_temp.sql

------------------------------------------------------------------- shape
SELECT has_function('datamesh', 'verify_contract', ARRAY['text', 'datamesh.semver']);
SELECT has_function('datamesh', 'validate_data', ARRAY['text', 'datamesh.semver']);
SELECT has_function('datamesh', 'override_contract_guard', ARRAY['text', 'text']);
SELECT has_function('datamesh', '_contract_consumers', ARRAY['text']);
SELECT ok((SELECT bool_and(t::regclass = ANY (extconfig)) FROM pg_extension,
                  unnest(ARRAY['datamesh.contract_validation_runs', 'datamesh.contract_validation_results',
                               'datamesh.contract_guard_overrides', 'datamesh.contract_guard_overridden_changes']) t
            WHERE extname = 'datamesh'), 'validation and override tables are dumped by pg_dump');
SELECT is((SELECT context FROM pg_settings WHERE name = 'datamesh.contract_guard'), 'superuser',
          'the guard parameter can be changed by superusers only');
SELECT function_privs_are('datamesh', '_override_contract_guard', ARRAY['text', 'text', 'regrole'], 'public', ARRAY[]::text[],
                          'nobody calls the override implementation directly');
SELECT function_privs_are('datamesh', '_record_validation', ARRAY['jsonb', 'jsonb', 'timestamp with time zone', 'regrole'],
                          'public', ARRAY[]::text[], 'nor the validation recorder');

------------------------------------------------------------------- setup
CREATE ROLE gt_owner NOLOGIN;          -- the domain owner
CREATE ROLE gt_tableowner NOLOGIN;     -- owns the table, not a domain member
CREATE ROLE gt_creator NOLOGIN;        -- may CREATE in the schema
CREATE ROLE gt_mallory NOLOGIN;
GRANT gt_owner TO gt_tableowner;       -- needed to register the port ...
CREATE SCHEMA gt AUTHORIZATION gt_owner;
GRANT USAGE, CREATE ON SCHEMA gt TO gt_creator, gt_tableowner;
GRANT USAGE ON SCHEMA gt TO gt_mallory;
SET ROLE gt_owner;
CREATE TABLE gt.items (id int PRIMARY KEY, label text NOT NULL, note text);
CREATE TABLE gt.other (id int PRIMARY KEY, label text NOT NULL);
RESET ROLE;
SELECT datamesh.create_domain('gt-domain', 'gt_owner');
GRANT datamesh_reader TO gt_mallory;
SET ROLE gt_owner;
SELECT lives_ok($$SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'gt-items', 'domain', 'gt-domain', 'version', '1.0.0', 'owner', 'gt@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "items", "type": "table", "relation": "gt.items"}]'::jsonb))::text)$$, 'product registered');
SELECT lives_ok($$SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'gt-other', 'domain', 'gt-domain', 'version', '1.0.0', 'owner', 'gt@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "other", "type": "table", "relation": "gt.other"}]'::jsonb))::text)$$, 'second product registered');
SELECT lives_ok($$SELECT datamesh.publish_contract(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
    'metadata', jsonb_build_object('product_id', p, 'version', '1.0.0'),
    'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
        jsonb_build_object('name', 'id', 'type', 'int', 'required', true),
        jsonb_build_object('name', 'label', 'type', 'string', 'required', true)))))::text)
    FROM unnest(ARRAY['gt-items', 'gt-other']) p$$, 'contracts published');
RESET ROLE;
-- ... then the table changes hands and the new owner leaves the domain
ALTER TABLE gt.items OWNER TO gt_tableowner;
REVOKE gt_owner FROM gt_tableowner;

------------------------------------------------- owning the table is not enough
SET ROLE gt_tableowner;
SELECT throws_ok($$ALTER TABLE gt.items DROP COLUMN label$$, '2BP01', NULL,
                 'the table owner cannot drop a contracted column');
SELECT throws_ok($$DROP TABLE gt.items$$, '2BP01', NULL, 'nor drop the table');
SELECT throws_ok($$ALTER TABLE gt.items RENAME TO items_v2$$, '2BP01', NULL, 'nor rename it');
SELECT throws_ok($$ALTER TABLE gt.items ALTER COLUMN label DROP NOT NULL$$, '2BP01', NULL, 'nor drop a promised NOT NULL');
SELECT throws_ok($$SELECT datamesh.override_contract_guard('gt-items', 'I own the table after all')$$, '42501',
                 'permission denied to override the contract guard of data product "gt-items"',
                 'a table owner outside the domain cannot override the guard');
SELECT lives_ok($$ALTER TABLE gt.items ADD COLUMN extra int$$, 'a compatible change passes');
SELECT lives_ok($$ALTER TABLE gt.items DROP COLUMN extra$$, 'and so does dropping a column the contract does not name');
-- his own SECURITY DEFINER function, DO blocks, DROP OWNED
CREATE FUNCTION gt.wipe() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN DROP TABLE gt.items; END $$;
SELECT throws_ok($$SELECT gt.wipe()$$, '2BP01', NULL, 'a SECURITY DEFINER function does not get past the guard');
SELECT throws_ok($q$DO $do$ BEGIN EXECUTE 'ALTER TABLE gt.items RENAME COLUMN label TO title'; END $do$$q$, '2BP01', NULL,
                 'nor a DO block');
SELECT throws_ok($$DROP OWNED BY gt_tableowner$$, '2BP01', NULL, 'nor DROP OWNED');
-- turning the guard off
SELECT throws_ok($$SET datamesh.contract_guard = off$$, '42501', NULL, 'a non-superuser cannot SET the guard off');
SELECT throws_ok($$SET LOCAL datamesh.contract_guard = off$$, '42501', NULL, 'nor SET LOCAL');
SELECT throws_ok($$SELECT set_config('datamesh.contract_guard', 'off', true)$$, '42501', NULL, 'nor set_config()');
SELECT throws_ok($$CREATE FUNCTION gt.unguarded() RETURNS void LANGUAGE sql SET datamesh.contract_guard = off AS 'SELECT 1'$$,
                 '42501', NULL, 'nor attach the setting to a function');
SELECT throws_ok($$ALTER ROLE gt_tableowner SET datamesh.contract_guard = off$$, '42501', NULL, 'nor to his role');
-- the catalog cannot be changed behind the guard's back
SELECT throws_ok($$UPDATE datamesh.contracts SET status = 'retired'$$, '42501', NULL, 'no direct retirement of a contract');
SELECT throws_ok($$ALTER TABLE datamesh.contracts DISABLE TRIGGER contract_guard$$, '42501', NULL,
                 'nor disabling the guard''s trigger');
SELECT throws_ok($$INSERT INTO datamesh.contract_guard_overrides (product_id, reason, granted_by, session_role, xact_id)
                   VALUES ('gt-items', 'forged override', 'gt_owner', 'gt_owner', pg_current_xact_id())$$, '42501', NULL,
                 'no forged override row');
SELECT throws_ok($$SELECT datamesh._override_contract_guard('gt-items', 'forged caller here', 'gt_owner')$$, '42501', NULL,
                 'no override with a forged caller');
-- operators planted for the hostile search_path test below
CREATE TABLE gt.trap_log (who text);
GRANT INSERT ON gt.trap_log TO PUBLIC;
CREATE FUNCTION gt.trap_text_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO gt.trap_log VALUES (current_user); RETURN $1 OPERATOR(pg_catalog.=) $2; END $f$;
CREATE FUNCTION gt.trap_xid8_eq(xid8, xid8) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO gt.trap_log VALUES (current_user); RETURN $1 OPERATOR(pg_catalog.=) $2; END $f$;
CREATE OPERATOR gt.= (LEFTARG = text, RIGHTARG = text, FUNCTION = gt.trap_text_eq);
CREATE OPERATOR gt.= (LEFTARG = xid8, RIGHTARG = xid8, FUNCTION = gt.trap_xid8_eq);
RESET ROLE;

------------------------------------------- a role with CREATE on the schema
SET ROLE gt_creator;
SELECT throws_ok($$DROP TABLE gt.items$$, '42501', NULL, 'CREATE on the schema does not let a role drop the table');
SELECT throws_ok($$ALTER TABLE gt.items RENAME COLUMN label TO title$$, '42501', NULL, 'nor rename its columns');
SELECT lives_ok($$CREATE VIEW gt.creator_view AS SELECT 1 AS x$$, 'it creates its own objects');
SELECT lives_ok($$DROP VIEW gt.creator_view$$, 'and drops them');
RESET ROLE;

--------------------------------------------------------------- overrides
SET ROLE gt_mallory;
SELECT throws_ok($$SELECT datamesh.override_contract_guard('gt-items', 'mallory says so, trust me')$$, '42501', NULL,
                 'a role outside the domain cannot override');
SELECT throws_ok($$ALTER SCHEMA gt RENAME TO gt_renamed$$, '42501', NULL,
                 'a role that may not rename the schema hears so, not the contracts in it');
RESET ROLE;
SAVEPOINT override;
SET ROLE gt_owner;
SELECT ok(datamesh.override_contract_guard('gt-other', 'incident 99: relabel the other table') > 0,
          'the product owner overrides the guard for one product');
SET ROLE gt_tableowner;
SELECT throws_ok($$ALTER TABLE gt.items RENAME COLUMN label TO title$$, '2BP01', NULL,
                 'an override for one product does not cover another');
SET ROLE gt_owner;
-- (with a hostile search_path: the guard's own queries, run as the extension
-- owner over the override rows, must not use the planted operators)
SET search_path = gt, pg_catalog, public;
SELECT lives_ok($$ALTER TABLE gt.other RENAME COLUMN label TO title$$, 'but lets the breaking change through for its own');
RESET search_path;
RESET ROLE;
SELECT is_empty($$SELECT * FROM gt.trap_log WHERE who <> 'gt_owner'$$,
                'and a hostile search_path did not capture the guard''s queries');
SELECT is((SELECT c.change FROM datamesh.contract_guard_overridden_changes c), 'column "label" of table "gt.other" would be renamed to "title"',
          'and the change is recorded');
ROLLBACK TO SAVEPOINT override;
SELECT is_empty($$SELECT FROM datamesh.contract_guard_overrides$$, 'an override ends with its transaction');

----------------------------------------------------------- validate_data
SET ROLE gt_mallory;
SELECT throws_ok($$SELECT * FROM datamesh.validate_data('gt-items')$$, '42501', 'permission denied for table items',
                 'validate_data reads the data as its caller: no SELECT, no validation');
SELECT throws_ok($$SELECT datamesh._record_validation('{}', '{}', now(), 'gt_owner')$$, '42501', NULL,
                 'a caller cannot record a forged validation run');
RESET ROLE;
-- the product owner's code (a quality rule, a CHECK constraint) never runs with
-- the extension owner's rights, not even when constants are folded
SET ROLE gt_owner;
CREATE FUNCTION gt.record_superuser() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        INSERT INTO gt.trap_log VALUES ('superuser ' || current_user);   -- or ALTER ROLE ... SUPERUSER
    END IF;
END $f$;
CREATE FUNCTION gt.not_as_superuser(int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    PERFORM gt.record_superuser();
    RETURN true;
END $f$;
ALTER TABLE gt.other ADD CONSTRAINT owner_code CHECK (gt.not_as_superuser(1));
RESET ROLE;
UPDATE datamesh.contracts SET quality_rules = '[{"name": "owner_code", "rule": "gt.not_as_superuser(1)", "severity": "error"}]'
 WHERE product_id = 'gt-other';
SET ROLE gt_owner;
SELECT lives_ok($$SELECT * FROM datamesh.validate_data('gt-other')$$, 'validate_data runs the owner''s quality rule');
RESET ROLE;
SELECT is_empty($$SELECT * FROM gt.trap_log WHERE who LIKE 'superuser %'$$,
                'the owner''s quality rule and CHECK never ran with the extension owner''s rights');
SET ROLE gt_owner;
SELECT ok((SELECT bool_and(passed) FROM datamesh.validate_data('gt-other')), 'the owner validates an empty, conforming table');
RESET ROLE;

------------------------------ domains and CHECK replacements under attack
CREATE DOMAIN gt.code AS text NOT NULL CONSTRAINT code_format CHECK (VALUE ~ '^[a-z]+$');
SET ROLE gt_owner;
CREATE TABLE gt.coded (code gt.code, n int CONSTRAINT n_min CHECK (n >= 0));
SELECT lives_ok($$SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'gt-coded', 'domain', 'gt-domain', 'version', '1.0.0', 'owner', 'gt@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "coded", "type": "table", "relation": "gt.coded"}]'::jsonb))::text)$$, 'third product registered');
SELECT lives_ok($$SELECT datamesh.publish_contract(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
    'metadata', jsonb_build_object('product_id', 'gt-coded', 'version', '1.0.0'),
    'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
        jsonb_build_object('name', 'code', 'type', 'string', 'required', true, 'pattern', '^[a-z]+$'),
        jsonb_build_object('name', 'n', 'type', 'int', 'min', 0)))))::text)$$, 'contract on a domain column published');
RESET ROLE;
ALTER TABLE gt.coded OWNER TO gt_tableowner;
ALTER DOMAIN gt.code OWNER TO gt_tableowner;
CREATE FUNCTION gt.trap_int_ge(int, int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN INSERT INTO gt.trap_log VALUES ('ge ' || current_user); RETURN true; END $f$;
CREATE OPERATOR gt.>= (LEFTARG = int, RIGHTARG = int, FUNCTION = gt.trap_int_ge);
CREATE FUNCTION gt.yes(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
SET ROLE gt_tableowner;
SELECT throws_ok($$ALTER DOMAIN gt.code DROP NOT NULL$$, '2BP01', NULL,
                 'owning the domain does not let a role drop the NOT NULL a contracted column relies on');
SELECT throws_ok($$ALTER DOMAIN gt.code DROP CONSTRAINT code_format$$, '2BP01', NULL,
                 'nor the CHECK that enforces its pattern');
CREATE FUNCTION gt.loosen() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN ALTER DOMAIN gt.code DROP NOT NULL; END $$;
SELECT throws_ok($$SELECT gt.loosen()$$, '2BP01', NULL, 'not even in a SECURITY DEFINER function');
SELECT throws_ok($$ALTER TABLE gt.coded ALTER COLUMN code TYPE text$$, '2BP01', NULL,
                 'nor can the column leave the domain for the contract''s own type');
SELECT throws_ok($$ALTER TABLE gt.coded DROP CONSTRAINT n_min, ADD CONSTRAINT n_any CHECK (gt.yes(n))$$, '2BP01', NULL,
                 'a replacement CHECK calling a user function proves nothing');
SET search_path = gt, pg_catalog, public;
SELECT throws_ok($$ALTER TABLE gt.coded DROP CONSTRAINT n_min$$, '2BP01', NULL,
                 'an operator planted on the search_path does not make the contract''s rule unprovable');
SELECT throws_ok($$ALTER TABLE gt.coded DROP CONSTRAINT n_min, ADD CONSTRAINT n_fake CHECK (n >= 0)$$, '2BP01', NULL,
                 'nor one through an operator planted on the search_path');
RESET search_path;
SELECT is_empty($$SELECT * FROM gt.trap_log WHERE who LIKE 'ge %'$$, 'and the planted operator never ran');
SELECT lives_ok($$ALTER TABLE gt.coded DROP CONSTRAINT n_min, ADD CONSTRAINT n_nonnegative CHECK (n >= 0)$$,
                'a replacement CHECK that proves the rule passes');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
