-- Cross-feature attacks: a hostile domain owner, reader or pipeline trying
-- to reach another domain through OpenLineage mapping, lineage, tags,
-- policies and the audit log, forged callers, shadowing objects, diagram
-- injection and unbounded inputs.
BEGIN;
SET client_min_messages = warning;
SELECT plan(45);

\i test/sql/pgtap_grant_temp.sql

CREATE ROLE rx_admin NOLOGIN;
GRANT datamesh_admin TO rx_admin;
CREATE ROLE rx_alice NOLOGIN;
CREATE ROLE rx_bob NOLOGIN;
CREATE ROLE rx_ceo NOLOGIN;
CREATE ROLE rx_ingest NOLOGIN;
GRANT datamesh_lineage_ingest TO rx_ingest;

CREATE FUNCTION pg_temp.manifest(name text, dom text, loc text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', dom, 'version', '1.0.0', 'owner', 'team@example.com'),
        'spec', jsonb_build_object('output_ports', jsonb_build_array(
            jsonb_build_object('name', 'main', 'type', 'file', 'location', coalesce(loc, 's3://rx/' || name))),
            'schema', jsonb_build_object('fields', jsonb_build_array(
                jsonb_build_object('name', 'email', 'type', 'string', 'pii', true),
                jsonb_build_object('name', 'mail2', 'type', 'string'))),
            'sla', jsonb_build_object('availability', '99%')))::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.manifest(text, text, text) TO PUBLIC;

SET ROLE rx_admin;
DO $$ BEGIN
    PERFORM datamesh.create_domain('rx-a', 'rx_alice');
    PERFORM datamesh.create_domain('rx-b', 'rx_bob');
    PERFORM datamesh.set_principal_attributes('rx_ceo', '{"region": "US"}');
END $$;
RESET ROLE;
SET ROLE rx_alice;
DO $$ BEGIN PERFORM datamesh.register_product(pg_temp.manifest('rx-users', 'rx-a')); END $$;
RESET ROLE;
SET ROLE rx_bob;
DO $$ BEGIN PERFORM datamesh.register_product(pg_temp.manifest('rx-report', 'rx-b')); END $$;
RESET ROLE;

-- 1. internal functions: no privileged (SECURITY DEFINER) datamesh._* function
-- is executable by anyone but the extension owner; every SQL function is pinned
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'datamesh'::regnamespace AND p.proname LIKE '\_%' AND p.prosecdef
       AND (p.proacl IS NULL
            OR EXISTS (SELECT FROM aclexplode(p.proacl) a
                        WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner))$$,
    'no SECURITY DEFINER internal function is executable by PUBLIC or any role but its owner');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'datamesh'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
       AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)$$,
    'every SQL and PL/pgSQL function pins search_path');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'datamesh'::regnamespace AND p.prosecdef
       AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')$$,
    'no C function runs as its owner (C trampolines run as the caller)');

-- 2. OpenLineage mapping hijack: a port claiming another domain's location
-- would make events about that product's dataset map to the attacker's product
SET ROLE rx_bob;
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('a-rx-hijack', 'rx-b', 's3://rx/rx-users/'))$$, '22023',
    NULL, 'a domain owner cannot claim the output location of another domain''s product');
SELECT ok(datamesh.validate_product(pg_temp.manifest('a-rx-hijack', 'rx-b', 's3://rx/rx-users'))::text
          LIKE '%is the location of data product \\"rx-users\\" of another domain%',
    'validate_product reports it too');
SELECT throws_ok($$SELECT datamesh.register_product(pg_temp.manifest('a-rx-pg', 'rx-b', 'postgres://db/public.secret'))$$, '22023',
    NULL, 'nor claim an in-database dataset through a file port, without owning its relation');
RESET ROLE;
SET ROLE rx_alice;
SELECT lives_ok($$SELECT datamesh.register_product(pg_temp.manifest('rx-users-copy', 'rx-a', 's3://rx/rx-users'))$$,
    'the owning domain may publish the location twice');
RESET ROLE;

SET ROLE rx_ingest;
SELECT is(datamesh.ingest_openlineage($j${"eventTime": "2026-01-01T00:00:00Z", "eventType": "COMPLETE",
    "run": {"runId": "3f1f5a36-0b4c-4c3e-9b0e-1f0e3f1f5a36"},
    "job": {"namespace": "x\"]\nclick n0 \"javascript:alert(1)\"\n%%", "name": "j\"];evil"},
    "inputs": [{"namespace": "s3://rx", "name": "rx-users"}],
    "outputs": [{"namespace": "s3://rx", "name": "rx-report", "facets": {"columnLineage": {"fields": {"mail2": {"inputFields": [
        {"namespace": "s3://rx", "name": "rx-users", "field": "email", "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}}}}}]}$j$)
    #>> '{inputs,0,product_id}', 'rx-users', 'the observed dataset maps to its owner''s product');
RESET ROLE;

-- 3. lineage and tags across domains
SET ROLE rx_bob;
SELECT throws_ok($$SELECT datamesh.set_column_tags('rx-users', 'email', '{}')$$, '42501', NULL,
    'a domain owner cannot untag another domain''s column');
SELECT throws_ok($$SELECT datamesh.add_column_lineage('rx-report', 'mail2', 'rx-users', 'email', 'hash', block_propagation => true)$$,
    '42501', NULL, 'nor declare lineage into another domain''s product');
SELECT lives_ok($$SELECT datamesh.add_column_lineage('rx-users', 'email', 'rx-report', 'mail2', 'hash', block_propagation => true)$$,
    'he declares a hash edge into his own product');
SELECT ok((datamesh.effective_classification('rx-report', 'mail2') ->> 'pii')::boolean,
    'a declared hash edge does not cancel the observed identity edge: the PII still arrives');
RESET ROLE;

-- 4. principal attributes through decisions: a domain policy testing another
-- role's attributes would read them one bit at a time
SET ROLE rx_bob;
SELECT lives_ok($$SELECT datamesh.create_policy(name => 'probe', kind => 'access', effect => 'deny', domain => 'rx-b',
                                                 condition => $c$user.region == 'US'$c$)$$,
    'a domain owner writes a policy over user attributes');
SELECT throws_ok($$SELECT datamesh.evaluate('rx_ceo', 'query', 'rx-report')$$, '42501',
    'permission denied to evaluate policies for role "rx_ceo"',
    'but cannot ask for decisions about a role he is not a member of');
SELECT is(datamesh.evaluate('rx_bob', 'query', 'rx-report') ->> 'principal', 'rx_bob', 'he asks for his own');
-- a temporary table shadowing a datamesh table changes nothing
CREATE TEMP TABLE principal_attributes (role regrole, attributes jsonb);
INSERT INTO principal_attributes VALUES ('rx_bob', '{"region": "US"}');
CREATE TEMP TABLE policies (id text);
SELECT is(datamesh.evaluate('rx_bob', 'query', 'rx-report') #>> '{policies_applied,0,reason}',
    'evaluation error, fail closed: attribute "user.region" is absent',
    'temporary tables named like datamesh tables are not read by decisions');
RESET ROLE;
SET ROLE rx_admin;
SELECT is(datamesh.evaluate('rx_ceo', 'query', 'rx-report') ->> 'decision', 'deny', 'administrators evaluate for every role');
-- 5. the audit log is not writable by COPY either
SELECT throws_ok($$COPY datamesh.policy_audit (principal, action, product_id, decision) FROM PROGRAM 'true'$$, '42501', NULL,
    'an administrator cannot COPY rows into the audit log');
RESET ROLE;

-- 6. diagrams: hostile OpenLineage names stay inside their quoted labels
SELECT unalike(datamesh.lineage_mermaid('rx-report'), E'%\nclick%', 'a job name cannot add Mermaid statements');
SELECT doesnt_match(datamesh.lineage_dot('rx-report'), '[^\\]"\];evil', 'nor close a DOT label');

-- 7. bounded inputs: a cyclic event and huge limits end cleanly
SET ROLE rx_ingest;
SELECT lives_ok($$SELECT datamesh.ingest_openlineage($j${"eventTime": "2026-01-01T00:00:01Z",
    "run": {"runId": "4f1f5a36-0b4c-4c3e-9b0e-1f0e3f1f5a36"}, "job": {"namespace": "rx", "name": "loop"},
    "inputs": [{"namespace": "s3://rx", "name": "rx-report"}], "outputs": [{"namespace": "s3://rx", "name": "rx-users"}]}$j$)$$,
    'an event closing a cycle is recorded');
RESET ROLE;
SELECT cmp_ok((SELECT count(*)::int FROM datamesh.lineage('rx-users', 'downstream', 2147483647, 2147483647)), '<', 100,
    'traversal of a cycle with huge limits terminates');

-- 8. the breaking-DDL guard against the owner of a type or collation a
-- contracted column uses (he owns neither the table nor the domain)
CREATE ROLE rx_typeowner NOLOGIN;
CREATE SCHEMA rx AUTHORIZATION rx_alice;
GRANT USAGE ON SCHEMA rx TO rx_typeowner;
CREATE TYPE rx.mood AS ENUM ('calm', 'angry');
ALTER TYPE rx.mood OWNER TO rx_typeowner;
CREATE COLLATION rx.coll (provider = libc, locale = 'C');
ALTER COLLATION rx.coll OWNER TO rx_typeowner;
SET ROLE rx_alice;
CREATE TABLE rx.feelings (id int PRIMARY KEY, mood rx.mood NOT NULL, moods rx.mood[], label text COLLATE rx.coll);
SELECT lives_ok($$SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'rx-feelings', 'domain', 'rx-a', 'version', '1.0.0', 'owner', 'a@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "t", "type": "table", "relation": "rx.feelings"}]'::jsonb))::text);
  SELECT datamesh.publish_contract(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
    'metadata', jsonb_build_object('product_id', 'rx-feelings', 'version', '1.0.0'),
    'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
        jsonb_build_object('name', 'id', 'type', 'int', 'required', true),
        jsonb_build_object('name', 'mood', 'type', 'string', 'required', true, 'enum', jsonb_build_array('calm', 'angry')),
        jsonb_build_object('name', 'moods', 'type', jsonb_build_object('type', 'array', 'items', 'string')),
        jsonb_build_object('name', 'label', 'type', 'string')))))::text)$$,
    'a contract binds a table with an enum column');
RESET ROLE;
SET ROLE rx_typeowner;
SELECT throws_ok($$ALTER TYPE rx.mood RENAME VALUE 'calm' TO 'serene'$$, '2BP01',
    'statement would break data contract "rx-feelings" 1.0.0',
    'the enum type''s owner cannot rename a value every row of a contracted column holds');
SELECT throws_ok($$ALTER TYPE rx.mood RENAME VALUE 'bored' TO 'serene'$$, '22023', NULL,
    'a value that does not exist is PostgreSQL''s error, not the guard''s');
SELECT lives_ok($$ALTER TYPE rx.mood ADD VALUE 'bored'$$, 'adding a value only widens the type');
SELECT throws_ok($$DROP COLLATION rx.coll CASCADE$$, '2BP01', NULL,
    'nor drop a collation, cascading to a contracted column');
RESET ROLE;

-- 9. validate_data records example keys of failing rows; a natural key is
-- data: readers without SELECT on the table must not read them afterwards
SET ROLE rx_alice;
CREATE TABLE rx.people (email text PRIMARY KEY, age int);
INSERT INTO rx.people VALUES ('ceo@example.com', -1);
SELECT lives_ok($$SELECT datamesh.register_product(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'rx-people', 'domain', 'rx-a', 'version', '1.0.0', 'owner', 'a@example.com'),
    'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
        'output_ports', '[{"name": "t", "type": "table", "relation": "rx.people"}]'::jsonb))::text);
  SELECT datamesh.publish_contract(jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
    'metadata', jsonb_build_object('product_id', 'rx-people', 'version', '1.0.0'),
    'schema', jsonb_build_object('definition', jsonb_build_object('fields', jsonb_build_array(
        jsonb_build_object('name', 'email', 'type', 'string', 'primary_key', true),
        jsonb_build_object('name', 'age', 'type', 'int', 'min', 0)))),
    'quality_rules', jsonb_build_array(jsonb_build_object('name', 'trojan', 'severity', 'error', 'rule',
        $r$pg_catalog.set_config('search_path', 'rx_evil, pg_catalog', false) IS NOT NULL
           AND pg_catalog.set_config('work_mem', '77MB', false) IS NOT NULL
           AND pg_catalog.set_config('application_name', 'trojan', true) IS NOT NULL$r$)))::text)$$,
    'a contract keyed by e-mail address, with a rule that changes settings');
SELECT is((SELECT example_keys FROM datamesh.validate_data('rx-people') WHERE rule_kind = 'min'),
    '[{"email": "ceo@example.com"}]'::jsonb, 'the owner sees the failing keys');
RESET ROLE;
GRANT SELECT ON rx.people TO rx_bob;
GRANT USAGE ON SCHEMA rx TO rx_bob;
SET ROLE rx_bob;
SET work_mem = '4MB';
SET application_name = 'rx_attacks';
SET search_path = "$user", public;
SELECT is((SELECT passed FROM datamesh.validate_data('rx-people') WHERE rule_name = 'trojan'), true,
    'a rule that changes settings runs (as its caller)');
SELECT is(current_setting('search_path'), '"$user", public',
    'but does not leave its search_path in the caller''s session');
SELECT is(current_setting('work_mem') || ' ' || current_setting('application_name'), '4MB rx_attacks',
    'nor any other setting, session or local');
RESET work_mem;
RESET application_name;
RESET search_path;
RESET ROLE;
SET ROLE rx_bob;
SELECT throws_ok($$SELECT example_keys FROM datamesh.contract_validation_results$$, '42501', NULL,
    'another domain''s owner cannot read the recorded example keys');
SELECT lives_ok($$SELECT rule_name, passed, failing_rows FROM datamesh.contract_validation_results$$,
    'but reads the outcomes');
RESET ROLE;

-- 10. a hostile search_path: operators and functions that shadow built-ins
-- are never called by the new features' functions (the path is set inside each
-- tested statement: pgTAP itself would call them)
CREATE SCHEMA rx_evil AUTHORIZATION rx_bob;
SET ROLE rx_bob;
CREATE FUNCTION rx_evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'hijacked by rx_evil'; END $$;
CREATE OPERATOR rx_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = rx_evil.texteq);
CREATE FUNCTION rx_evil.lower(text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'hijacked by rx_evil'; END $$;
CREATE FUNCTION rx_evil.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'hijacked by rx_evil'; END $$;
GRANT USAGE ON SCHEMA rx_evil TO PUBLIC;
SELECT lives_ok($$SET search_path = rx_evil, pg_catalog, public; SELECT datamesh.lineage('rx-users', 'both'); SELECT datamesh.lineage_mermaid('rx-users');
                  SELECT datamesh.lineage_dot('rx-users'); SELECT datamesh.column_lineage('rx-users', 'email', 'both'); RESET search_path$$,
    'lineage functions ignore a hostile search_path');
SELECT lives_ok($$SET search_path = rx_evil, pg_catalog, public; SELECT datamesh.effective_classification('rx-report', 'mail2'); SELECT datamesh.column_attributes('rx-report', 'mail2');
                  SELECT datamesh.impact('rx-users', '{"remove_column": "email"}'); RESET search_path$$,
    'classification and impact ignore it');
SELECT lives_ok($$SET search_path = rx_evil, pg_catalog, public;
                  SELECT datamesh.set_column_tags('rx-report', 'mail2', ARRAY['reload']);  -- drops the cached product
                  SELECT datamesh.evaluate('rx_bob', 'query', 'rx-report'); SELECT datamesh.check_compliance('rx-report'); RESET search_path$$,
    'decisions (and the cache loads behind them) ignore it');
SELECT lives_ok($$SET search_path = rx_evil, pg_catalog, public; SELECT datamesh.set_column_tags('rx-report', 'mail2', ARRAY['Internal']);
                  SELECT datamesh.add_column_lineage('rx-users', 'email', 'rx-report', 'email'); RESET search_path$$,
    'lineage and tag writes ignore it');
RESET ROLE;
SET ROLE rx_alice;
SELECT lives_ok($$SET search_path = rx_evil, pg_catalog, public; SELECT datamesh.validate_data('rx-people'); SELECT datamesh.verify_contract('rx-people');
                  SELECT datamesh.contract_ddl('rx-people'); RESET search_path$$,
    'validate_data, verify_contract and contract_ddl ignore it');
RESET ROLE;

-- 11. the extension's triggers stay
SET ROLE rx_bob;
SELECT throws_ok($$DROP TRIGGER contract_guard ON datamesh.contracts$$, '42501', NULL,
    'a domain owner cannot drop the guard''s trigger');
RESET ROLE;
SET ROLE rx_admin;
SELECT throws_ok($$ALTER TABLE datamesh.policy_audit DISABLE TRIGGER USER$$, '42501', NULL,
    'an administrator cannot disable the audit log''s triggers');
RESET ROLE;

-- 12. a domain policy cannot name another domain's product, so it never reaches it
SET ROLE rx_bob;
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'grab', kind => 'access', effect => 'allow', domain => 'rx-b',
                                                  target => '{"products": ["rx-users"]}')$$, '22023',
    'data product "rx-users" of domain "rx-a" cannot be selected by a policy of domain "rx-b"',
    'a domain owner cannot write an allow policy naming another domain''s product');
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'block', kind => 'access', effect => 'deny', domain => 'rx-b',
                                                  target => '{"products": ["rx-users"]}')$$, '22023',
    'data product "rx-users" of domain "rx-a" cannot be selected by a policy of domain "rx-b"',
    'nor a deny policy');
SELECT is(datamesh.evaluate('rx_bob', 'query', 'rx-users') -> 'policies_applied', '[]'::jsonb,
    'neither applies to it: domain policies judge only their domain''s products');
-- bounded conditions
SELECT throws_ok($$SELECT datamesh.create_policy(name => 'deep', kind => 'access', effect => 'deny', domain => 'rx-b',
                                                  condition => repeat('!', 3000) || 'true')$$, '54000', NULL,
    'a deeply nested condition is refused cleanly');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
