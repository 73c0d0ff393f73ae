--
-- The three features working together: contract publication runs the policy
-- engine's compliance check (the contract is the contract root), policies see
-- column attributes from contracts and from lineage's propagated tags (and a
-- change to them reaches the next decision), the breaking-DDL guard names
-- transitive consumers through lineage.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = notice;
-- policy ids (<scope>.<kind>.<NNN>) appear in messages: number this file's
-- policies from 901 whatever ran before
SELECT setval('datamesh.policy_seq', 900) AS policy_seq;

CREATE ROLE wi_owner NOLOGIN;
CREATE ROLE wi_analyst NOLOGIN;
CREATE ROLE wi_admin NOLOGIN;
GRANT datamesh_admin TO wi_admin;
CREATE SCHEMA wi AUTHORIZATION wi_owner;
SELECT datamesh.create_domain('wi-shop', 'wi_owner', 'wiring test');

SET ROLE wi_owner;
CREATE TABLE wi.customers (id bigint PRIMARY KEY, email text NOT NULL, country text);
CREATE TABLE wi.profiles (id bigint PRIMARY KEY, email text, email_hash text, country text);
CREATE TABLE wi.reports (id bigint PRIMARY KEY, email text);
CREATE TABLE wi.odcs (id bigint PRIMARY KEY);
RESET ROLE;

-- products: wi-customers (source), wi-profiles (reads customers),
-- wi-reports (reads profiles); no schema in the manifests
CREATE FUNCTION pg_temp.product(name text, rel text, inputs jsonb DEFAULT '[]') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'wi-shop', 'version', '1.0.0',
                                       'owner', 'shop@example.com', 'classification', 'internal'),
        'spec', jsonb_build_object('sla', jsonb_build_object('availability', '99%'),
                                   'output_ports', jsonb_build_array(jsonb_build_object('name', 't', 'type', 'table',
                                                                                        'relation', rel)),
                                   'input_ports', inputs))::text
$$;
-- a contract for wi-customers; EXTRA is replaced by more top-level sections
\set contract 'apiVersion: datamesh.io/v1\nkind: DataContract\nmetadata:\n  product_id: wi-customers\n  version: VERSION\nschema:\n  definition:\n    fields:\n      - {name: id, type: long, required: true, primary_key: true}\n      - {name: email, type: string, required: true, pii: true CLASS}\n      - {name: country, type: string}\nEXTRA'

SET ROLE wi_owner;
SELECT datamesh.register_product(pg_temp.product('wi-customers', 'wi.customers')) ->> 'result' AS customers;
SELECT datamesh.register_product(pg_temp.product('wi-profiles', 'wi.profiles',
           '[{"source": "wi-customers", "version": "^1.0.0"}]')) ->> 'result' AS profiles;
SELECT datamesh.register_product(pg_temp.product('wi-reports', 'wi.reports',
           '[{"source": "wi-profiles", "version": "^1.0.0"}]')) ->> 'result' AS reports;
SELECT datamesh.register_product(pg_temp.product('wi-odcs', 'wi.odcs')) ->> 'result' AS odcs;
RESET ROLE;

-------------------------------------- 1. contract publication runs compliance

-- the contract root, as a policy sees it, before any contract: absent
SELECT datamesh.check_compliance('wi-customers') -> 'violations' AS no_policies_yet;
SET ROLE wi_admin;
SELECT datamesh.create_policy(name => 'wi contract sla', kind => 'compliance', effect => 'require',
         target => '{"products": ["wi-customers", "wi-odcs"]}',
         condition => $$action != 'publish' || has(contract.sla)$$,
         reason => 'contract {contract.version} declares no SLA') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'wi pii classified', kind => 'compliance', effect => 'require',
         target => '{"products": ["wi-customers"]}', enforcement => 'warn',
         condition => $$!has(contract.pii_fields) || size(contract.unclassified_pii_fields) == 0$$,
         reason => 'pii fields of contract {contract.version} need a classification') IS NOT NULL AS created;
RESET ROLE;

-- no SLA: refused, nothing written
SET ROLE wi_owner;
SELECT datamesh.publish_contract(replace(replace(replace(:'contract', 'VERSION', '1.0.0'), 'EXTRA', ''), ' CLASS', ''));
RESET ROLE;
SELECT count(*) AS contracts, (SELECT count(*) FROM datamesh.contract_fields) AS fields FROM datamesh.contracts;
-- an SLA, a pii field without classification: published with a warning,
-- returned and recorded in the audit
SET ROLE wi_owner;
SELECT r ->> 'result' AS result, r -> 'policy_warnings' -> 0 ->> 'reason' AS policy_warning
  FROM datamesh.publish_contract(replace(replace(replace(:'contract', 'VERSION', '1.0.0'),
                                                 'EXTRA', E'sla:\n  availability: 99.9%\n'), ' CLASS', '')) r;
RESET ROLE;
SELECT principal, action, product_id, decision, policy_ids, enforcement, reason, details
  FROM datamesh.policy_audit WHERE product_id = 'wi-customers' ORDER BY id;
-- ODCS imports take the same path: an ODCS contract without slaProperties
-- is refused, one with them is published
\set validity `cat test/fixtures/odcs/column-validity.odcs.yaml`
\set odcs_sla `cat test/fixtures/odcs/database-table-sla.odcs.yaml`
SET ROLE wi_owner;
SELECT datamesh.import_odcs(:'validity', 'wi-odcs');
SELECT datamesh.import_odcs(:'odcs_sla', 'wi-odcs') ->> 'result' AS odcs_with_sla;
RESET ROLE;
-- classified: no warning
SET ROLE wi_owner;
SELECT r ->> 'result' AS result, r ? 'policy_warnings' AS warned
  FROM datamesh.publish_contract(replace(replace(replace(:'contract', 'VERSION', '1.1.0'),
                                                 'EXTRA', E'sla:\n  availability: 99.9%\n'),
                                         ' CLASS', ', privacy_classification: confidential')) r;
RESET ROLE;

-- evaluate and check_compliance see the newest active contract as the
-- contract root (an audit-level rule showing it, a deny reading it)
SET ROLE wi_admin;
SELECT datamesh.create_policy(name => 'wi contract seen', kind => 'compliance', effect => 'require',
         target => '{"products": ["wi-customers"]}', enforcement => 'audit',
         condition => '!has(contract.version)',
         reason => 'contract {contract.version} {contract.status} {contract.compatibility}, fields {contract.field_names}, pii {contract.pii_fields}') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'wi readers', kind => 'access', effect => 'allow',
         target => '{"products": ["wi-customers", "wi-profiles", "wi-reports"]}') IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'wi deprecated contracts', kind => 'access', effect => 'deny',
         target => '{"products": ["wi-customers"]}',
         condition => $$has(contract.deprecation) && action == 'export'$$,
         reason => 'contract {contract.version} of {contract.product_id} is being deprecated') IS NOT NULL AS created;
RESET ROLE;
SELECT datamesh.check_compliance('wi-customers') -> 'audited' -> 0 ->> 'reason' AS contract_root;
SELECT datamesh.evaluate('wi_analyst', 'export', 'wi-customers') ->> 'decision' AS export_before;
-- a new contract version announcing its deprecation schedule: the next
-- decision sees it
SET ROLE wi_owner;
SELECT datamesh.publish_contract(replace(replace(replace(:'contract', 'VERSION', '1.2.0'),
           'EXTRA', E'sla:\n  availability: 99.9%\ndeprecation:\n  notice_period: 90 days\n'),
           ' CLASS', ', privacy_classification: confidential')) ->> 'result' AS result;
RESET ROLE;
SELECT e ->> 'decision' AS export_after, e ->> 'reason' AS reason
  FROM datamesh.evaluate('wi_analyst', 'export', 'wi-customers') e;
SELECT datamesh.check_compliance('wi-customers') -> 'audited' -> 0 ->> 'reason' AS contract_root;
-- deprecating 1.2.0: 1.1.0 is the newest active contract again
SET ROLE wi_owner;
SELECT datamesh.deprecate_contract('wi-customers', '1.2.0') ->> 'status' AS status;
RESET ROLE;
SELECT datamesh.evaluate('wi_analyst', 'export', 'wi-customers') ->> 'decision' AS export_deprecated;
SELECT datamesh.check_compliance('wi-customers') -> 'audited' -> 0 ->> 'reason' AS contract_root;

------------------------------------- 2. column attributes: contracts, lineage

-- a mask on pii columns for analysts
SET ROLE wi_admin;
SELECT datamesh.create_policy(name => 'wi pii masked', kind => 'privacy', effect => 'mask',
         target => '{"column_tags": ["pii"]}', parameters => '{"style": "email"}',
         unless => $$'wi_owner' in user.roles$$) IS NOT NULL AS created;
RESET ROLE;
CREATE FUNCTION pg_temp.masked(pid text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(t ->> 'column' || ' ' || (t ->> 'action'), ', ' ORDER BY t ->> 'column'), 'nothing')
      FROM jsonb_array_elements(datamesh.evaluate('wi_analyst', 'query', pid) -> 'transformations') t
$$;
-- the contract's fields are the product's columns (pii from the contract)
SELECT pg_temp.masked('wi-customers') AS customers;
SELECT c ->> 'name' AS name, c ->> 'type' AS type, c -> 'tags' AS tags, c ->> 'classification' AS classification,
       c -> 'pii' AS pii
  FROM jsonb_array_elements(datamesh._product_columns('wi-customers', NULL)) c;
SELECT datamesh.check_compliance('wi-customers') ->> 'compliant' AS compliant;
-- the derived product: nobody tagged its columns; nothing masked yet
SELECT pg_temp.masked('wi-profiles') AS profiles;
-- an identity edge copies the e-mail: the mask follows it, one hop and two
SET ROLE wi_owner;
SELECT datamesh.add_column_lineage('wi-customers', 'email', 'wi-profiles', 'email') ->> 'result' AS edge;
SELECT datamesh.add_column_lineage('wi-profiles', 'email', 'wi-reports', 'email') ->> 'result' AS edge;
RESET ROLE;
SELECT pg_temp.masked('wi-profiles') AS profiles, pg_temp.masked('wi-reports') AS reports;
-- the owner is exempt
SELECT datamesh.evaluate('wi_owner', 'query', 'wi-profiles') -> 'transformations' AS owner_transformations;
-- a hash edge removes the content: email_hash is not masked (email still is)
SET ROLE wi_owner;
SELECT datamesh.add_column_lineage('wi-customers', 'email', 'wi-profiles', 'email_hash', 'hash') ->> 'result' AS edge;
RESET ROLE;
SELECT pg_temp.masked('wi-profiles') AS profiles;
-- removing the identity edge: the next decision no longer masks either product
SET ROLE wi_owner;
SELECT datamesh.remove_column_lineage('wi-customers', 'email', 'wi-profiles', 'email') AS removed;
RESET ROLE;
SELECT pg_temp.masked('wi-profiles') AS profiles, pg_temp.masked('wi-reports') AS reports;
-- tags set by hand propagate too, and their removal is seen at once
SET ROLE wi_owner;
SELECT datamesh.add_column_lineage('wi-customers', 'country', 'wi-profiles', 'country') ->> 'result' AS edge;
SELECT datamesh.set_column_tags('wi-customers', 'country', '{pii}') ->> 'product_id' AS tagged;
RESET ROLE;
SELECT pg_temp.masked('wi-profiles') AS profiles;
SET ROLE wi_owner;
SELECT datamesh.set_column_tags('wi-customers', 'country', '{}') ->> 'product_id' AS untagged;
RESET ROLE;
SELECT pg_temp.masked('wi-profiles') AS profiles;
-- without an edge into a product, its columns are read from what is
-- declared in one query; that gives what lineage gives, for every product
-- here (this test's, and the demo mesh's left by earlier tests)
SET ROLE wi_owner;
SELECT datamesh.set_column_tags('wi-customers', 'country', '{gdpr}', 'confidential') ->> 'product_id' AS tagged;
RESET ROLE;
SELECT count(*) AS products,
       count(*) FILTER (WHERE datamesh._policy_declared_columns(p.product_id, p.current_version)
                              IS DISTINCT FROM datamesh._policy_lineage_columns(p.product_id, p.current_version)) AS differ
  FROM datamesh.products p
 WHERE NOT EXISTS (SELECT FROM datamesh.column_lineage_edges e WHERE e.target_product = p.product_id);
SELECT datamesh._policy_declared_columns('wi-customers', '1.0.0') AS declared;
SET ROLE wi_owner;
SELECT datamesh.set_column_tags('wi-customers', 'country', '{}') ->> 'product_id' AS untagged;
RESET ROLE;
-- a per-column compliance rule sees contract-derived columns
SET ROLE wi_admin;
SELECT datamesh.create_policy(name => 'wi pii columns classified', kind => 'classification', effect => 'require',
         target => '{"column_tags": ["pii"]}', enforcement => 'warn',
         condition => $$column.classification != 'unclassified'$$,
         reason => 'pii column {column.name} is {column.classification}') IS NOT NULL AS created;
RESET ROLE;
SELECT datamesh.check_compliance('wi-customers') -> 'warnings' AS customers_warnings;
-- deprecating 1.1.0 leaves 1.0.0 (e-mail unclassified) the newest active
-- contract: the next check sees it
SET ROLE wi_owner;
SELECT datamesh.deprecate_contract('wi-customers', '1.1.0') ->> 'status' AS status;
RESET ROLE;
SELECT w ->> 'column' AS col, w ->> 'reason' AS reason
  FROM jsonb_array_elements(datamesh.check_compliance('wi-customers') -> 'warnings') w;
SET ROLE wi_admin;
SELECT datamesh.drop_policy('wi pii columns classified');
SELECT datamesh.drop_policy('wi pii masked');
RESET ROLE;

----------------------------- 3. the guard names transitive consumers (lineage)

SET ROLE wi_owner;
ALTER TABLE wi.customers DROP COLUMN email;
ALTER TABLE wi.customers ALTER COLUMN id TYPE text, DROP COLUMN email;
-- the same statement, the same text
ALTER TABLE wi.customers DROP COLUMN email;
RESET ROLE;
SELECT consumer, consumer_version, via FROM datamesh._contract_consumers('wi-customers');
SELECT consumer, consumer_version, via FROM datamesh._contract_consumers('wi-reports');

-- no active contract: the contract root is absent, the guard lets it pass
SET ROLE wi_owner;
SELECT datamesh.deprecate_contract('wi-customers', '1.0.0') ->> 'status' AS status;
RESET ROLE;
SELECT datamesh.check_compliance('wi-customers') -> 'audited' AS audited;
SET ROLE wi_owner;
ALTER TABLE wi.customers DROP COLUMN country;
RESET ROLE;

-- clean up
SET client_min_messages = warning;
SET ROLE wi_admin;
SELECT datamesh.drop_policy(p) FROM unnest('{wi contract sla,wi pii classified,wi contract seen,wi readers,wi deprecated contracts}'::text[]) p;
RESET ROLE;
UPDATE datamesh.contracts SET status = 'retired' WHERE product_id IN ('wi-customers', 'wi-odcs');
DELETE FROM datamesh.contracts WHERE product_id IN ('wi-customers', 'wi-odcs');
SET ROLE wi_owner;
SELECT datamesh.delete_product(p) FROM unnest('{wi-reports,wi-profiles,wi-customers,wi-odcs}'::text[]) p;
DROP SCHEMA wi CASCADE;
RESET ROLE;
SELECT datamesh.drop_domain('wi-shop');
DROP ROLE wi_owner, wi_analyst, wi_admin;
