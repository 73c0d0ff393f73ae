-- Ownership and privileges: who may create domains, register products,
-- read the catalog; catalog tables are written only through the functions.
-- Every test attacks as a role that should be refused.
BEGIN;
SELECT plan(34);

\i test/sql/pgtap_grant_temp.sql

CREATE ROLE dm_admin NOLOGIN;
GRANT datamesh_admin TO dm_admin;
CREATE ROLE dm_alice NOLOGIN;
CREATE ROLE dm_bob NOLOGIN;
CREATE ROLE dm_mallory NOLOGIN;
CREATE SCHEMA dm_alice_s AUTHORIZATION dm_alice;
CREATE TABLE dm_alice_s.users (id int PRIMARY KEY);
ALTER TABLE dm_alice_s.users OWNER TO dm_alice;
CREATE SCHEMA dm_bob_s AUTHORIZATION dm_bob;
CREATE TABLE dm_bob_s.secrets (id int PRIMARY KEY);
ALTER TABLE dm_bob_s.secrets OWNER TO dm_bob;
GRANT CREATE ON SCHEMA public TO dm_alice, dm_bob;

CREATE FUNCTION pg_temp.manifest(name text, dom text, version text, relation text) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', dom, 'version', version, 'owner', 'team@example.com'),
        'spec', jsonb_build_object('output_ports', jsonb_build_array(
            jsonb_build_object('name', 'main', 'type', 'table', 'relation', relation)),
            'schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%')))::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.manifest(text, text, text, text) TO PUBLIC;

-- domains: administrators only
SET ROLE dm_mallory;
SELECT throws_ok($$SELECT datamesh.create_domain('evil', 'dm_mallory')$$, '42501',
                 'permission denied to create domain "evil"', 'a role without datamesh_admin cannot create domains');
RESET ROLE;
SET ROLE dm_alice;
SELECT throws_ok($$SELECT datamesh.create_domain('alice-domain', 'dm_alice')$$, '42501', NULL,
                 'a future domain owner cannot create her own domain');
RESET ROLE;
SET ROLE dm_admin;
SELECT lives_ok($$SELECT datamesh.create_domain('alice-domain', 'dm_alice', 'Alice''s domain')$$,
                'an administrator creates a domain');
SELECT lives_ok($$SELECT datamesh.create_domain('bob-domain', 'dm_bob')$$, 'and another');
RESET ROLE;
SELECT ok(pg_has_role('dm_alice', 'datamesh_reader', 'MEMBER'), 'domain owners may read the catalog');

-- registration: members of the domain's owner role only
SET ROLE dm_alice;
SELECT lives_ok($$SELECT datamesh.register_product(pg_temp.manifest('alice-users', 'alice-domain', '1.0.0', 'dm_alice_s.users'))$$,
                'the owner registers a product in her domain');
RESET ROLE;
SET ROLE dm_bob;
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('bob-in-alice', 'alice-domain', '1.0.0', 'dm_bob_s.secrets'))$$,
                 '42501', 'permission denied to register data products in domain "alice-domain"',
                 'another domain''s owner cannot register into it');
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('alice-users', 'bob-domain', '1.0.1', 'dm_bob_s.secrets'))$$,
                 '42501', NULL, 'nor take over a product by naming his own domain');
RESET ROLE;
SET ROLE dm_mallory;
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('evil', 'alice-domain', '1.0.0', 'dm_alice_s.users'))$$,
                 '42501', NULL, 'a role outside the domain cannot register');
RESET ROLE;
SET ROLE dm_alice;
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('alice-steals', 'alice-domain', '1.0.0', 'dm_bob_s.secrets'))$$,
                 '22023', 'invalid manifest for data product "alice-steals": 1 problem',
                 'a domain owner cannot publish another role''s table as her port');
SELECT is((datamesh.validate_product(pg_temp.manifest('alice-steals', 'alice-domain', '1.0.0', 'dm_bob_s.secrets')) -> 'problems') ->> 0,
          'spec.output_ports[0].relation: role "dm_alice" does not own relation "dm_bob_s.secrets"',
          'and the problem says why');

-- catalog tables: no direct writes, even for owners
SELECT throws_ok($$INSERT INTO datamesh.data_products (product_id, domain) VALUES ('x', 'alice-domain')$$,
                 '42501', NULL, 'no direct INSERT into the catalog');
SELECT throws_ok($$UPDATE datamesh.product_versions SET status = 'retired'$$, '42501', NULL, 'no direct UPDATE');
SELECT throws_ok($$DELETE FROM datamesh.domains$$, '42501', NULL, 'no direct DELETE');
SELECT throws_ok($$TRUNCATE datamesh.output_ports$$, '42501', NULL, 'no TRUNCATE');
SELECT throws_ok($$SELECT datamesh._register_product(pg_temp.manifest('forged', 'bob-domain', '1.0.0', 'dm_alice_s.users'), 'dm_bob')$$,
                 '42501', NULL, 'the privileged implementation cannot be called with a forged caller');
SELECT throws_ok($$SELECT datamesh._create_domain('forged', 'dm_alice', NULL, 'dm_admin')$$,
                 '42501', NULL, 'nor the domain implementation');
SELECT results_eq($$SELECT product_id, current_version::text FROM datamesh.products$$,
                  $$VALUES ('alice-users', '1.0.0')$$, 'catalog readers discover products');
RESET ROLE;

-- discovery needs catalog read access
SET ROLE dm_mallory;
SELECT throws_ok($$SELECT * FROM datamesh.products$$, '42501', NULL, 'a role without datamesh_reader cannot read the catalog');
SELECT throws_ok($$SELECT * FROM datamesh.product_versions$$, '42501', NULL, 'nor its tables');
SELECT throws_ok($$SELECT datamesh.get_product('alice-users')$$, '42501', NULL, 'nor call get_product');
RESET ROLE;

-- lifecycle changes: owners and administrators only
SET ROLE dm_bob;
SELECT throws_ok($$SELECT datamesh.set_version_status('alice-users', '1.0.0', 'retired')$$, '42501', NULL,
                 'another owner cannot retire a product');
SELECT throws_ok($$SELECT datamesh.delete_product('alice-users')$$, '42501', NULL, 'nor delete it');
SELECT throws_ok($$SELECT datamesh.alter_domain('alice-domain', description => 'mine now')$$, '42501', NULL,
                 'nor alter the domain');
RESET ROLE;
SET ROLE dm_alice;
SELECT throws_ok($$SELECT datamesh.alter_domain('alice-domain', owner => 'dm_bob')$$, '42501', NULL,
                 'an owner cannot hand her domain to another role');
SELECT lives_ok($$SELECT datamesh.alter_domain('alice-domain', description => 'Users of Alice')$$,
                'but may describe it');
SELECT throws_ok($$SELECT datamesh.drop_domain('alice-domain')$$, '42501', NULL, 'an owner cannot drop her domain');
RESET ROLE;
SET ROLE dm_admin;
SELECT throws_ok($$SELECT datamesh.drop_domain('alice-domain')$$, '2BP01',
                 'cannot drop domain "alice-domain" because it has 1 data product(s)',
                 'a domain with products cannot be dropped');
RESET ROLE;

-- acting through someone else's code or session
SET ROLE dm_bob;
CREATE FUNCTION public.bob_publishes() RETURNS jsonb LANGUAGE sql SECURITY DEFINER
    AS $$ SELECT datamesh.register_product(pg_temp.manifest('laundered', 'alice-domain', '1.0.0', 'dm_alice_s.users')) $$;
RESET ROLE;
SET ROLE dm_alice;
SELECT throws_ok($$SELECT public.bob_publishes()$$, '42501', NULL,
                 'a SECURITY DEFINER function acts with its owner''s rights, not its caller''s');
RESET ROLE;
SET ROLE dm_bob;
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('via-set-role', 'alice-domain', '1.0.0', 'dm_alice_s.users'))$$,
                 '42501', NULL, 'a superuser session after SET ROLE has only that role''s rights');
RESET ROLE;

-- a hostile search_path cannot redirect the catalog functions
SET ROLE dm_alice;
CREATE TABLE public.dm_trap_log (fn text);
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.dm_trap_log VALUES ('format') RETURNING 'trapped' $$;
CREATE FUNCTION public.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.dm_trap_log VALUES ('jsonb_typeof') RETURNING 'object' $$;
CREATE FUNCTION public.pg_has_role(oid, oid, text) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.dm_trap_log VALUES ('pg_has_role') RETURNING true $$;
SET search_path = public, pg_catalog;
SELECT lives_ok($$SELECT datamesh.register_product(pg_temp.manifest('alice-users', 'alice-domain', '1.1.0', 'dm_alice_s.users'))$$,
                'registration works with hostile functions first on the search_path');
SELECT is_empty($$SELECT * FROM public.dm_trap_log$$, 'and none of them ran');
RESET search_path;
SELECT lives_ok($$SELECT datamesh.set_version_status('alice-users', '1.0.0', 'deprecated')$$,
                'the owner moves her version forward');
SELECT throws_ok($$SELECT datamesh.set_version_status('alice-users', '1.0.0', 'active')$$, '22023', NULL,
                 'but never back');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
