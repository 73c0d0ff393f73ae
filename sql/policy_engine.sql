-- Policy engine: managing policies, principals, access decisions and every
-- combining rule, cache invalidation, compliance at registration, the audit
-- log.  Decisions are shown compactly by pg_temp.decide(); one is shown whole.
\set SHOW_CONTEXT never

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['pe_admin', 'pe_sales_owner', 'pe_mkt_owner', 'pe_readers', 'pe_team',
                             'pe_analyst', 'pe_intern', 'pe_cn_user', 'pe_newbie', 'pe_officer', 'pe_nobody']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;
GRANT datamesh_admin TO pe_admin;
GRANT pe_readers TO pe_analyst, pe_intern, pe_cn_user, pe_officer;

SELECT datamesh.create_domain('pe-sales', 'pe_sales_owner', 'policy engine test: sales');
SELECT datamesh.create_domain('pe-marketing', 'pe_mkt_owner', 'policy engine test: marketing');

-- a manifest with a schema, an SLA and a retention
CREATE FUNCTION pg_temp.manifest(name text, dom text, version text, classification text, tags text[],
                                 extra jsonb DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', dom, 'version', version,
                                       'owner', 'team@example.com', 'classification', classification,
                                       'tags', to_jsonb(tags)),
        'spec', jsonb_build_object(
            'schema', jsonb_build_object('fields', jsonb_build_array(
                jsonb_build_object('name', 'id', 'type', 'bigint'),
                jsonb_build_object('name', 'email', 'type', 'text', 'pii', true),
                jsonb_build_object('name', 'ssn', 'type', 'text', 'pii', true, 'tags', jsonb_build_array('national-id')),
                jsonb_build_object('name', 'amount', 'type', 'numeric'))),
            'sla', jsonb_build_object('availability', '99.5%', 'completeness', '99%'),
            'retention', '2 years',
            'output_ports', jsonb_build_array(jsonb_build_object('name', 'events', 'type', 'stream',
                                                                 'topic', name))) || extra)::text
$$;

-- a decision in one line: decision, reason, policies applied, transformations
CREATE FUNCTION pg_temp.decide(who regrole, act text, pid text, cols text[] DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s: %s', e ->> 'decision', e ->> 'reason')
           || coalesce(E'\n  applied: ' || (SELECT string_agg(format('%s=%s', p ->> 'name', p ->> 'decision'), ', '
                                                      ORDER BY p ->> 'name')
                                         FROM jsonb_array_elements(e -> 'policies_applied') p), '')
           || coalesce(E'\n  transform: ' || (SELECT string_agg(format('%s %s(%s) by %s', t ->> 'column', t ->> 'action',
                                                        coalesce(t ->> 'style', t ->> 'replacement'),
                                                        (SELECT x.name FROM datamesh.policies x WHERE x.id = t ->> 'policy_id')), ', ')
                                           FROM jsonb_array_elements(e -> 'transformations') t), '')
           || coalesce(E'\n  rows: ' || (SELECT string_agg(f ->> 'filter', ' AND ')
                                      FROM jsonb_array_elements(e -> 'row_filters') f), '')
      FROM datamesh.evaluate(who, act, pid, cols) e
$$;

-- an error as one line: SQLSTATE, message, detail
CREATE FUNCTION pg_temp.err(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    EXECUTE 'SELECT ' || q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ' ' || msg || coalesce(nullif(' | ' || det, ' | '), '');
END
$$;

SELECT datamesh.register_product(pg_temp.manifest('pe-orders', 'pe-sales', '1.0.0', 'internal', '{orders}')) ->> 'result' AS orders;
SELECT datamesh.register_product(pg_temp.manifest('pe-leads', 'pe-marketing', '1.0.0', 'confidential', '{gdpr,pii}')) ->> 'result' AS leads;

------------------------------------------------------------ default deny
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders');

--------------------------------------------------------- creating policies
SET ROLE pe_admin;
SELECT datamesh.create_policy(name => 'readers read', kind => 'access', effect => 'allow',
                              condition => $$'pe_readers' in user.roles$$,
                              description => 'members of pe_readers read every data product') LIKE 'global.access.%' AS global_id;
RESET ROLE;
SET ROLE pe_sales_owner;
SELECT datamesh.create_policy(name => 'no interns in sales', kind => 'access', effect => 'deny',
                              domain => 'pe-sales', condition => $$has(user.role) && user.role == 'intern'$$,
                              reason => 'interns do not read {resource.domain} data') LIKE 'pe-sales.access.%' AS domain_id;
RESET ROLE;

-- bad input: a clear error, and nothing is stored
SELECT count(*) AS policies_before FROM datamesh.policies;
SELECT pg_temp.err(q) AS "SQLSTATE, error, detail" FROM (VALUES
    ($q$datamesh.create_policy(name => 'x', kind => 'acess', effect => 'allow')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'permit')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', enforcement => 'shout')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$user.region == $$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$user.region = 'EU'$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$person.region == 'EU'$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$user.regoin == 'EU'$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$user.region > 3$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$user.region$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', unless => $$'a' in user.region$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny',
                              condition => repeat('true && ', 600) || 'true')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'allow', condition => $$column.pii$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', condition => $$row.region == 'EU'$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', domain => 'pe-nowhere')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', target => '{"product": ["pe-orders"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', target => '{"tags": "pii"}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', target => '{"classifications": ["secret"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', domain => 'pe-sales',
                              target => '{"domains": ["pe-marketing"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', domain => 'pe-sales',
                              target => '{"products": ["pe-orders", "pe-leads"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'deny', target => '{"products": ["pe-nothing"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'allow', enforcement => 'warn')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'allow', target => '{"columns": ["ssn"]}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'mask', condition => 'true')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'mask', target => '{"columns": ["ssn"]}',
                              parameters => '{"style": "blur"}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'mask', target => '{"columns": ["ssn"]}',
                              parameters => '{"show_first": 100}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'redact', target => '{"columns": ["ssn"]}',
                              parameters => '{"style": "hash"}')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'row_filter')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'privacy', effect => 'row_filter',
                              parameters => $${"filter": "row.region == column.name"}$$)$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'access', effect => 'require')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'retention', effect => 'allow')$q$),
    ($q$datamesh.create_policy(name => 'x', kind => 'retention', effect => 'mask')$q$),
    ($q$datamesh.create_policy(name => NULL, kind => 'access', effect => 'deny')$q$),
    ($q$datamesh.create_policy(name => 'readers read', kind => 'access', effect => 'allow')$q$)) t(q);
SELECT count(*) AS policies_after FROM datamesh.policies;

---------------------------------------------------------------- principals
SELECT datamesh.set_principal_attributes('pe_analyst', '{"region": "EU", "role": "analyst", "completed_pii_training": true}');
SELECT datamesh.set_principal_attributes('pe_intern', '{"region": "US", "role": "intern"}');
SELECT datamesh.set_principal_attributes('pe_cn_user', '{"region": "CN", "role": "analyst"}');
SELECT datamesh.set_principal_attributes('pe_officer', '{"region": "US", "role": "compliance_officer", "team": "risk"}');
SELECT datamesh.set_principal_attributes('pe_analyst', '{"shoe_size": 42}');
SELECT datamesh.set_principal_attributes('pe_analyst', '{"region": 7}');
SELECT datamesh.set_principal_attributes('pe_analyst', '[]');
SELECT datamesh.define_principal_attribute('cost_center', 'string', 'where the bills go');
SELECT datamesh.define_principal_attribute('cost_center', 'string');
SELECT datamesh.define_principal_attribute('roles', 'string');
SELECT datamesh.define_principal_attribute('grade', 'date');
SELECT datamesh.set_principal_attributes('pe_newbie', '{"cost_center": "cc-1", "region": null}');
SELECT datamesh.principal_attributes('pe_analyst') AS analyst, datamesh.principal_attributes('pe_newbie') AS newbie,
       datamesh.principal_attributes('pe_nobody') AS nobody;
SELECT datamesh.set_principal_attributes('pe_newbie', NULL);
SELECT datamesh.principal_attributes('pe_newbie') AS newbie_removed;

------------------------------------------------------- decisions: combining
-- an allow grants; a domain deny restricts in its own domain only
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders');
SELECT pg_temp.decide('pe_intern', 'query', 'pe-orders');
SELECT pg_temp.decide('pe_intern', 'query', 'pe-leads');
SELECT pg_temp.decide('pe_nobody', 'query', 'pe-leads');

-- any satisfied deny wins over any allow; a global deny beats a domain allow
SELECT datamesh.create_policy(name => 'no gdpr from cn', kind => 'access', effect => 'deny',
                              target => '{"tags": ["gdpr"]}', condition => $$has(user.region) && user.region == 'CN'$$,
                              reason => 'GDPR data cannot be accessed from {user.region}') IS NOT NULL AS created;
SET ROLE pe_mkt_owner;
SELECT datamesh.create_policy(name => 'marketing partners', kind => 'access', effect => 'allow',
                              domain => 'pe-marketing', condition => $$user.name == 'pe_cn_user'$$) IS NOT NULL AS created;
RESET ROLE;
SELECT pg_temp.decide('pe_cn_user', 'query', 'pe-leads');
SELECT pg_temp.decide('pe_cn_user', 'query', 'pe-orders');

-- a restriction that fails to evaluate counts as satisfied (fail closed);
-- an allow that fails is skipped
SELECT datamesh.create_policy(name => 'clearance needed', kind => 'access', effect => 'deny',
                              target => '{"classifications": ["confidential"]}',
                              condition => $$user.clearance != 'confidential'$$) IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'risk team reads', kind => 'access', effect => 'allow',
                              condition => $$user.team == 'risk'$$) IS NOT NULL AS created;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-leads');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders');
SELECT datamesh.set_principal_attributes('pe_analyst', '{"region": "EU", "role": "analyst", "completed_pii_training": true, "clearance": "confidential"}');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-leads');
SELECT datamesh.drop_policy('clearance needed');

-- require: the condition must hold, else the request is denied
SELECT datamesh.create_policy(name => 'pii training', kind => 'access', effect => 'require',
                              target => '{"tags": ["pii"]}', condition => 'user.completed_pii_training',
                              reason => 'PII data needs completed PII training') IS NOT NULL AS created;
SELECT pg_temp.decide('pe_officer', 'query', 'pe-leads');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-leads');

-- masks: the strongest wins (redact > hash > partial > email), a tie goes to
-- the policy created first; unless exempts
SELECT datamesh.create_policy(name => 'email hidden', kind => 'privacy', effect => 'mask',
                              target => '{"columns": ["email"]}', parameters => '{"style": "email"}') IS NOT NULL AS created;
SET ROLE pe_sales_owner;
SELECT datamesh.create_policy(name => 'sales hashes pii', kind => 'privacy', effect => 'mask', domain => 'pe-sales',
                              condition => 'column.pii', parameters => '{"style": "hash"}') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'sales amount', kind => 'privacy', effect => 'mask', domain => 'pe-sales',
                              target => '{"columns": ["amount"]}', parameters => '{"style": "partial", "show_last": 2}') IS NOT NULL AS created;
RESET ROLE;
SELECT datamesh.create_policy(name => 'amount partial', kind => 'privacy', effect => 'mask',
                              target => '{"columns": ["amount"]}', parameters => '{"style": "partial"}') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'national ids redacted', kind => 'privacy', effect => 'redact',
                              target => '{"column_tags": ["national-id"]}', parameters => '{"replacement": "XXX-XX-XXXX"}',
                              unless => $$user.role == 'compliance_officer'$$) IS NOT NULL AS created;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', ARRAY['id', 'email', 'ssn', 'amount']);
SELECT pg_temp.decide('pe_officer', 'query', 'pe-orders', ARRAY['ssn']);
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-leads', ARRAY['email', 'ssn', 'nickname']);
-- the whole response (seed 002's /policy/evaluate shape, without the timing)
SELECT jsonb_pretty(datamesh.evaluate('pe_analyst', 'query', 'pe-orders', ARRAY['email', 'amount']) - 'evaluation_time_ms');
SELECT (datamesh.evaluate('pe_analyst', 'query', 'pe-orders') ->> 'evaluation_time_ms')::numeric >= 0 AS timed;

-- warn does not block but raises a WARNING and is recorded; audit is only recorded
SELECT datamesh.create_policy(name => 'night reads', kind => 'access', effect => 'deny', enforcement => 'warn',
                              target => '{"products": ["pe-orders"]}', condition => $$action == 'export'$$,
                              reason => '{user.name} exports {resource.id}') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'watch amounts', kind => 'privacy', effect => 'mask', enforcement => 'audit',
                              target => '{"columns": ["id"]}', parameters => '{"style": "hash"}') IS NOT NULL AS created;
SELECT pg_temp.decide('pe_analyst', 'export', 'pe-orders', ARRAY['id']);

-- row filters are returned for the enforcement layer
SELECT datamesh.create_policy(name => 'own region rows', kind => 'privacy', effect => 'row_filter',
                              target => '{"products": ["pe-leads"]}',
                              parameters => $${"filter": "row.region == user.region"}$$) IS NOT NULL AS created;
SELECT pg_temp.decide('pe_officer', 'query', 'pe-leads', ARRAY['email']);

------------------------------------------------- caches follow every change
-- role membership (transitive, from pg_auth_members)
SELECT pg_temp.decide('pe_newbie', 'query', 'pe-orders', ARRAY['id']);
GRANT pe_readers TO pe_team;
GRANT pe_team TO pe_newbie;
SELECT pg_temp.decide('pe_newbie', 'query', 'pe-orders', ARRAY['id']);
REVOKE pe_team FROM pe_newbie;
SELECT pg_temp.decide('pe_newbie', 'query', 'pe-orders', ARRAY['id']);
-- role renames (pg_authid)
SELECT datamesh.evaluate('pe_nobody', 'query', 'pe-orders', '{}') ->> 'principal' AS principal;
ALTER ROLE pe_nobody RENAME TO pe_nobody_renamed;
SELECT datamesh.evaluate('pe_nobody_renamed', 'query', 'pe-orders', '{}') ->> 'principal' AS principal;
ALTER ROLE pe_nobody_renamed RENAME TO pe_nobody;
-- policies
SELECT datamesh.disable_policy('readers read');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', ARRAY['id']);
SELECT datamesh.enable_policy('readers read');
SELECT datamesh.alter_policy('no interns in sales', condition => $$user.region == 'US'$$);
SELECT pg_temp.decide('pe_officer', 'query', 'pe-orders', ARRAY['id']);
SELECT datamesh.alter_policy('no interns in sales', condition => $$has(user.role) && user.role == 'intern'$$,
                             reason => '', name => 'interns stay out');
SELECT pg_temp.decide('pe_intern', 'query', 'pe-orders', ARRAY['id']);
-- the changing session sees its change at once, and forgets it when rolled back
BEGIN;
SELECT datamesh.create_policy(name => 'lockdown', kind => 'access', effect => 'deny') IS NOT NULL AS created;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', '{}');
ROLLBACK;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', '{}');
BEGIN;
SAVEPOINT s;
SELECT datamesh.disable_policy('readers read');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', '{}');
ROLLBACK TO SAVEPOINT s;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', '{}');
COMMIT;
-- principal attributes
SELECT datamesh.set_principal_attributes('pe_officer', '{"region": "CN", "role": "compliance_officer", "team": "risk"}');
SELECT pg_temp.decide('pe_officer', 'query', 'pe-leads', ARRAY['email']);
SELECT datamesh.set_principal_attributes('pe_officer', '{"region": "US", "role": "compliance_officer", "team": "risk", "completed_pii_training": true}');
-- the catalog: a new version with other tags
SELECT datamesh.register_product(pg_temp.manifest('pe-orders', 'pe-sales', '1.1.0', 'internal', '{orders,gdpr}')) ->> 'result' AS orders_1_1;
SELECT pg_temp.decide('pe_cn_user', 'query', 'pe-orders', ARRAY['id']);

-------------------------------------------------------- management details
SELECT datamesh.alter_policy('interns stay out', condition => $$user.region > 1$$);
SELECT datamesh.alter_policy('interns stay out', enforcement => 'loud');
SELECT datamesh.alter_policy('no such policy', reason => 'x');
-- a domain policy selects products of its own domain only, and registered ones
BEGIN;
SELECT datamesh.alter_policy('interns stay out', target => '{"products": ["pe-orders"]}');
ROLLBACK;
SELECT datamesh.alter_policy('interns stay out', target => '{"products": ["pe-leads"]}');
SELECT datamesh.alter_policy('interns stay out', target => '{"products": ["pe-nothing"]}');
SET ROLE pe_sales_owner;
SELECT datamesh.create_policy(name => 'readers read', kind => 'access', effect => 'deny', domain => 'pe-sales',
                              condition => 'false') IS NOT NULL AS created;
RESET ROLE;
SELECT datamesh.disable_policy('readers read');
SELECT name, provenance, kind, effect, enforcement, target, condition
  FROM datamesh.effective_policies('pe-sales') ORDER BY provenance, name;
SELECT count(*) AS global_only FROM datamesh.effective_policies(NULL);
SELECT * FROM datamesh.effective_policies('pe-nowhere');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-nowhere');
SELECT datamesh.evaluate(NULL, 'query', 'pe-orders');
SELECT datamesh.evaluate('pe_analyst', 'query', 'pe-orders', ARRAY['id', NULL]);

----------------------------------------------------------------- compliance
SELECT datamesh.create_policy(name => 'sla required', kind => 'quality', effect => 'require',
                              condition => 'has(resource.sla)', reason => 'All data products must define SLAs') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'short retention', kind => 'retention', effect => 'require', enforcement => 'warn',
                              condition => '!has(resource.retention_days) || resource.retention_days <= 365',
                              reason => 'Retention {resource.retention_days} days exceeds 365') IS NOT NULL AS created;
SET ROLE pe_sales_owner;
SELECT datamesh.create_policy(name => 'pii columns classified', kind => 'classification', effect => 'deny',
                              domain => 'pe-sales', enforcement => 'audit',
                              condition => $$column.pii && column.classification == 'unclassified'$$,
                              reason => 'PII column {column.name} has no classification') IS NOT NULL AS created;
RESET ROLE;
SELECT jsonb_pretty(datamesh.check_compliance('pe-orders'));
SELECT datamesh.check_compliance('pe-orders', '1.0.0') -> 'version' AS old_version;
-- a named version (as registration judges it) is loaded without the cache,
-- its columns only because a per-column policy applies: the same report
SELECT datamesh.check_compliance('pe-orders', '1.1.0') = datamesh.check_compliance('pe-orders') AS same_report,
       jsonb_array_length(datamesh.check_compliance('pe-orders', '1.1.0') -> 'audited') AS per_column_findings;
SELECT datamesh.check_compliance('pe-orders', '9.9.9');
SELECT datamesh.check_compliance('pe-nowhere');
-- registration: a block-level violation rejects it, itemized, nothing written
SELECT datamesh.register_product((pg_temp.manifest('pe-no-sla', 'pe-sales', '1.0.0', 'internal', '{}')::jsonb #- '{spec,sla}')::text);
SELECT count(*) AS written FROM datamesh.data_products WHERE product_id = 'pe-no-sla';
-- warnings are raised, returned and recorded
SELECT datamesh.register_product(pg_temp.manifest('pe-orders', 'pe-sales', '1.2.0', 'internal', '{orders}')) -> 'policy_warnings' AS policy_warnings;

-- at contract publication the contract is the contract root (wired by the
-- contracts feature; called directly here)
SELECT datamesh.create_policy(name => 'contracts active', kind => 'compliance', effect => 'require',
                              condition => $$!has(contract.status) || contract.status == 'active'$$,
                              reason => 'contract {contract.version} is {contract.status}') IS NOT NULL AS created;
SELECT datamesh._registration_compliance('pe-orders', '1.2.0', 'pe_sales_owner', '{"version": "1.0.0", "status": "active"}') -> 'compliant' AS compliant;
SELECT datamesh._registration_compliance('pe-orders', '1.2.0', 'pe_sales_owner', '{"version": "1.0.0", "status": "draft"}');
SELECT datamesh.drop_policy('contracts active');

------------------------------------------------------------------ the audit
SELECT principal, action, product_id, decision,
       ARRAY(SELECT coalesce((SELECT x.name FROM datamesh.policies x WHERE x.id = i), i) FROM unnest(policy_ids) i) AS policies,
       enforcement, reason
  FROM datamesh.policy_audit WHERE product_id LIKE 'pe-%' ORDER BY id;
UPDATE datamesh.policy_audit SET decision = 'allow';
DELETE FROM datamesh.policy_audit;
TRUNCATE datamesh.policy_audit;

-- policies are judged per product once (with only resource known) to leave out
-- those that can never take effect there; a has() test on another root keeps
-- a policy in, since it is not unknown without a principal
SELECT datamesh.create_policy(name => 'cleared staff only', kind => 'access', effect => 'deny',
                              condition => $$has(user.clearance) && user.clearance == 'confidential' && resource.id == 'pe-orders'$$,
                              reason => 'cleared staff use the vault') IS NOT NULL AS created;
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-orders', '{}');
SELECT pg_temp.decide('pe_analyst', 'query', 'pe-leads', '{}');
SELECT datamesh.drop_policy('cleared staff only');

-- compiled programs are checked when the cache loads them (then evaluated
-- unchecked): a damaged one stops decisions instead of being trusted
UPDATE datamesh.policies SET compiled_condition = '\x0102'::bytea WHERE name = 'risk team reads';
SELECT datamesh.evaluate('pe_analyst', 'query', 'pe-orders', '{}');
SELECT datamesh.alter_policy('risk team reads', condition => $$user.team == 'risk'$$);
SELECT datamesh.evaluate('pe_analyst', 'query', 'pe-orders', '{}') ->> 'decision' AS repaired;

-- a table the attribute functions come to read joins the invalidation with
-- one trigger naming the cache it feeds
CREATE TABLE pe_extra (x int);
CREATE TRIGGER feeds_products AFTER INSERT ON pe_extra FOR EACH STATEMENT
    EXECUTE FUNCTION datamesh._policy_invalidate('products');
CREATE TRIGGER feeds_nothing AFTER UPDATE ON pe_extra FOR EACH STATEMENT
    EXECUTE FUNCTION datamesh._policy_invalidate('everything');
INSERT INTO pe_extra VALUES (1);
UPDATE pe_extra SET x = 2;
DROP TABLE pe_extra;

-- an outcome that must be recorded cannot be decided where nothing may be written
BEGIN READ ONLY;
SELECT datamesh.evaluate('pe_nobody', 'query', 'pe-orders') ->> 'decision' AS decision;
ROLLBACK;
BEGIN READ ONLY;
SELECT datamesh.evaluate('pe_analyst', 'query', 'pe-orders', '{}') ->> 'decision' AS unaudited_allow;
ROLLBACK;

--------------------------------------------- context, declared attributes
-- the context root (statement time), a declared principal attribute, a
-- global policy limited to some domains, a redaction to NULL
SELECT datamesh.create_policy(name => 'any hour', kind => 'access', effect => 'deny', enforcement => 'audit',
                              condition => 'context.hour >= 0 && context.weekday <= 6',
                              reason => 'seen at hour {context.hour}') IS NOT NULL AS created;
SELECT datamesh.set_principal_attributes('pe_newbie', '{"cost_center": "cc-7", "completed_pii_training": true}');
SELECT datamesh.create_policy(name => 'cost center 7 reads marketing', kind => 'access', effect => 'allow',
                              target => '{"domains": ["pe-marketing"]}', condition => $$user.cost_center == 'cc-7'$$)
       IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'emails gone', kind => 'privacy', effect => 'redact',
                              target => '{"domains": ["pe-marketing"], "columns": ["email"]}',
                              parameters => '{"replacement": null}') IS NOT NULL AS created;
SELECT d ->> 'decision' AS decision, d -> 'transformations' AS transformations,
       (SELECT p ->> 'reason' LIKE 'seen at hour %' FROM jsonb_array_elements(d -> 'policies_applied') p
         WHERE p ->> 'name' = 'any hour') AS context_seen
  FROM datamesh.evaluate('pe_newbie', 'query', 'pe-leads', ARRAY['email']) d;
SELECT pg_temp.decide('pe_newbie', 'query', 'pe-orders', ARRAY['email']);
SELECT name, provenance FROM datamesh.effective_policies('pe-sales') WHERE name IN ('cost center 7 reads marketing', 'any hour');
SELECT name, provenance FROM datamesh.effective_policies('pe-marketing') WHERE name IN ('cost center 7 reads marketing', 'any hour')
 ORDER BY name;

------------------------------------------------------------------ clean up
SELECT datamesh.drop_policy(id) FROM datamesh.policies WHERE domain IS NULL;
SELECT datamesh.set_principal_attributes(r::regrole, NULL)
  FROM unnest(ARRAY['pe_analyst', 'pe_intern', 'pe_cn_user', 'pe_officer', 'pe_newbie']) r;
SELECT datamesh.delete_product(p) FROM unnest(ARRAY['pe-orders', 'pe-leads']) p;
SELECT datamesh.drop_domain(d) FROM unnest(ARRAY['pe-sales', 'pe-marketing']) d;
SELECT count(*) AS policies_left FROM datamesh.policies;  -- a dropped domain takes its policies
