-- Policy engine security: who may manage which policies, principal
-- attributes cannot be forged, the audit log is protected and append-only.
-- Every test attacks as a role that should be refused.
BEGIN;
SELECT plan(43);

\i test/sql/pgtap_grant_temp.sql

CREATE ROLE pt_admin NOLOGIN;
GRANT datamesh_admin TO pt_admin;
CREATE ROLE pt_alice NOLOGIN;
CREATE ROLE pt_bob NOLOGIN;
CREATE ROLE pt_reader NOLOGIN;
GRANT datamesh_reader TO pt_reader;
CREATE ROLE pt_mallory NOLOGIN;
CREATE ROLE pt_readers NOLOGIN;
GRANT pt_readers TO pt_reader, pt_alice;

DO $$
BEGIN
    PERFORM datamesh.create_domain('pt-alice', 'pt_alice');
    PERFORM datamesh.create_domain('pt-bob', 'pt_bob');
    PERFORM datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'pt-users', 'domain', 'pt-alice', 'version', '1.0.0',
                                   'owner', 'alice@example.com', 'tags', jsonb_build_array('gdpr')),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
                               'output_ports', jsonb_build_array(jsonb_build_object('name', 's', 'type', 'stream',
                                                                                    'topic', 't'))))::text);
END $$;

SET ROLE pt_admin;
SELECT lives_ok($$SELECT datamesh.create_policy(name => 'pt readers', kind => 'access', effect => 'allow',
                                                condition => $c$'pt_readers' in user.roles$c$)$$,
                'an administrator creates a global policy');
SELECT lives_ok($$SELECT datamesh.create_policy(name => 'pt no cn', kind => 'access', effect => 'deny',
                                                target => '{"tags": ["gdpr"]}', condition => $c$has(user.region) && user.region == 'CN'$c$)$$,
                'and a global deny');
SELECT lives_ok($$SELECT datamesh.set_principal_attributes('pt_reader', '{"region": "CN"}')$$,
                'an administrator sets principal attributes');
RESET ROLE;

-- domain owners manage their own domain's policies only
SET ROLE pt_alice;
SELECT lives_ok($$SELECT datamesh.create_policy(name => 'alice only', kind => 'access', effect => 'deny',
                                                domain => 'pt-alice', condition => 'false')$$,
                'a domain owner creates a policy in her domain');
SELECT lives_ok($$SELECT datamesh.disable_policy((SELECT id FROM datamesh.policies WHERE name = 'alice only'))$$,
                'and disables it');
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'evil global', kind => 'access', effect => 'allow')$$,
                 '42501', 'permission denied to create global policy "evil global"',
                 'a domain owner cannot create a global policy');
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'evil', kind => 'access', effect => 'allow', domain => 'pt-bob')$$,
                 '42501', 'permission denied to create policy "evil" of domain "pt-bob"',
                 'nor a policy in another domain');
SELECT throws_ok($$SELECT datamesh.disable_policy('pt no cn')$$, '42501',
                 'permission denied to disable global policy "pt no cn"',
                 'a domain owner cannot disable a global policy');
SELECT throws_ok($$SELECT datamesh.alter_policy('pt no cn', condition => 'false')$$, '42501', NULL,
                 'nor weaken its condition');
SELECT throws_ok($$SELECT datamesh.alter_policy('pt no cn', enforcement => 'audit')$$, '42501', NULL,
                 'nor lower its enforcement level');
SELECT throws_ok($$SELECT datamesh.drop_policy('pt no cn')$$, '42501', NULL, 'nor drop it');
SELECT throws_ok($$SELECT datamesh.install_standard_policies()$$, '42501', NULL,
                 'nor install the standard pack');
SELECT lives_ok($$SELECT datamesh.create_policy(name => 'alice allows cn', kind => 'access', effect => 'allow',
                                                domain => 'pt-alice', condition => $c$user.region == 'CN'$c$)$$,
                'a domain owner may add a domain allow ...');
RESET ROLE;
SELECT is(datamesh.evaluate('pt_reader', 'query', 'pt-users') ->> 'decision', 'deny',
          '... which cannot override the global deny');
SET ROLE pt_bob;
SELECT throws_ok($$SELECT datamesh.disable_policy('alice allows cn')$$, '42501',
                 'permission denied to disable policy "alice allows cn" of domain "pt-alice"',
                 'another domain''s owner cannot disable a domain policy');
SELECT throws_ok($$SELECT datamesh.drop_policy('alice allows cn')$$, '42501', NULL, 'nor drop it');
RESET ROLE;

-- the policy table is written only through the functions
SET ROLE pt_alice;
SELECT throws_ok($$INSERT INTO datamesh.policies (id, name, kind, effect, created_by)
                   VALUES ('x', 'x', 'access', 'allow', 'pt_alice')$$, '42501', NULL, 'no direct INSERT into policies');
SELECT throws_ok($$UPDATE datamesh.policies SET enabled = false$$, '42501', NULL, 'no direct UPDATE of policies');
SELECT throws_ok($$DELETE FROM datamesh.policies$$, '42501', NULL, 'no direct DELETE from policies');
SELECT throws_ok($$SELECT datamesh._create_policy('forged', 'access', 'allow', NULL, NULL, NULL, '{}', '{}', 'block',
                                                   NULL, NULL, true, 'pt_admin')$$,
                 '42501', NULL, 'the privileged implementation cannot be called with a forged caller');
SELECT throws_ok($$SELECT datamesh._set_policy_enabled('pt no cn', false, 'pt_admin')$$, '42501', NULL,
                 'nor the enable/disable implementation');
RESET ROLE;

-- principal attributes: set by administrators only, never from the session
SET ROLE pt_reader;
SELECT throws_ok($$SELECT datamesh.set_principal_attributes('pt_reader', '{"region": "EU"}')$$, '42501',
                 'permission denied to set attributes of role "pt_reader"',
                 'a principal cannot set its own attributes');
SELECT throws_ok($$INSERT INTO datamesh.principal_attributes VALUES ('pt_reader', '{"region": "EU"}', 'pt_reader')$$,
                 '42501', NULL, 'nor write the attribute table');
SELECT throws_ok($$UPDATE datamesh.principal_attributes SET attributes = '{"region": "EU"}'$$,
                 '42501', NULL, 'nor update it');
SELECT throws_ok($$SELECT datamesh._set_principal_attributes('pt_reader', '{"region": "EU"}', 'pt_admin')$$,
                 '42501', NULL, 'nor call the implementation with a forged caller');
SELECT throws_ok($$SELECT datamesh.define_principal_attribute('backdoor', 'bool')$$, '42501', NULL,
                 'nor declare new attributes');
SELECT throws_ok($$SET datamesh.region = 'EU'$$, '42602', NULL, 'the datamesh GUC prefix cannot carry attributes');
SET myapp.region = 'EU';
DO $$ BEGIN PERFORM set_config('user.region', 'EU', false); END $$;
SELECT is(datamesh.evaluate('pt_reader', 'query', 'pt-users') ->> 'reason', 'denied by policy "pt no cn"',
          'session settings do not change what policies see (region stays CN)');
SELECT is(datamesh.principal_attributes('pt_reader'), '{"region": "CN"}'::jsonb,
          'a principal reads its own attributes');
SELECT throws_ok($$SELECT datamesh.principal_attributes('pt_alice')$$, '42501',
                 'permission denied to read attributes of role "pt_alice"', 'but not another role''s');
SELECT throws_ok($$SELECT * FROM datamesh.principal_attributes$$, '42501', NULL, 'nor the attribute table');
RESET ROLE;
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'sneaky', kind => 'access', effect => 'allow',
                                                 condition => $c$current_setting('myapp.region') == 'EU'$c$)$$,
                 '42883', NULL, 'conditions cannot read session settings');

-- the audit log: readable by administrators only, append-only for everyone
SET ROLE pt_reader;
SELECT throws_ok($$SELECT * FROM datamesh.policy_audit$$, '42501', NULL, 'a reader cannot read the audit log');
SELECT throws_ok($$INSERT INTO datamesh.policy_audit (principal, requested_by, action, decision, policy_ids, enforcement)
                   VALUES ('x', 'x', 'x', 'allow', '{}', '{}')$$, '42501', NULL, 'nor forge audit rows');
RESET ROLE;
SET ROLE pt_mallory;
SELECT throws_ok($$SELECT datamesh.evaluate('pt_reader', 'query', 'pt-users')$$, '42501', NULL,
                 'a role outside the catalog cannot ask for decisions');
RESET ROLE;
SET ROLE pt_admin;
SELECT ok((SELECT count(*) FROM datamesh.policy_audit WHERE product_id = 'pt-users') >= 2,
          'administrators read the audit log, which recorded the denials');
SELECT throws_ok($$UPDATE datamesh.policy_audit SET decision = 'allow'$$, '42501', NULL,
                 'administrators cannot UPDATE it');
SELECT throws_ok($$DELETE FROM datamesh.policy_audit$$, '42501', NULL, 'nor DELETE from it');
SELECT throws_ok($$TRUNCATE datamesh.policy_audit$$, '42501', NULL, 'nor TRUNCATE it');
RESET ROLE;
SELECT throws_ok($$UPDATE datamesh.policy_audit SET decision = 'allow'$$, '42501',
                 'datamesh.policy_audit is append-only', 'even the table owner cannot UPDATE it');
SELECT throws_ok($$DELETE FROM datamesh.policy_audit$$, '42501', 'datamesh.policy_audit is append-only',
                 'nor DELETE');
SELECT throws_ok($$TRUNCATE datamesh.policy_audit$$, '42501', 'datamesh.policy_audit is append-only',
                 'nor TRUNCATE');

-- hostile objects on the search_path are never used by the engine (it runs
-- its queries as the extension owner)
CREATE SCHEMA pt_hostile;
CREATE FUNCTION pt_hostile.jsonb_array_elements_text(jsonb) RETURNS SETOF text
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile function called'; END $$;
CREATE FUNCTION pt_hostile.substring(text, text) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile function called'; END $$;
SET search_path = pt_hostile, pg_catalog, public;
SELECT datamesh.alter_policy('pt readers', description => 'reload the cache');
SELECT is(datamesh.evaluate('pt_reader', 'query', 'pt-users') ->> 'reason', 'denied by policy "pt no cn"',
          'a cache reload under a hostile search_path calls nothing from it');
RESET search_path;

SELECT * FROM finish();
ROLLBACK;
