-- The standard policy pack: installed with one call (idempotent), then every
-- policy shown allowing, denying or masking (access and privacy), or
-- accepting, warning about or rejecting a registration (the rest).
\set SHOW_CONTEXT never

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['data_consumer', 'data_producer', 'data_admin', 'data_steward', 'compliance_officer',
                             'pk_owner', 'pk_consumer', 'pk_producer', 'pk_admin', 'pk_steward', 'pk_officer',
                             'pk_nobody', 'pk_platform']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;
GRANT datamesh_admin TO pk_platform;
GRANT data_consumer TO pk_consumer, pk_steward;
GRANT data_steward TO pk_steward;
GRANT data_producer TO pk_producer, pk_officer;
GRANT compliance_officer TO pk_officer;
GRANT data_admin TO pk_admin;

-- policy ids end in a mesh-wide number: start this test's at 101 whatever ran before
SELECT setval('datamesh.policy_seq', 100) AS numbered_after;

-- installation: administrators only, one call, a second call changes nothing
SET ROLE pk_owner;
SELECT datamesh.install_standard_policies();
RESET ROLE;
SET ROLE pk_platform;
SELECT jsonb_array_length(r -> 'installed') AS installed, jsonb_array_length(r -> 'already_present') AS present
  FROM datamesh.install_standard_policies() r;
SELECT jsonb_array_length(r -> 'installed') AS installed, jsonb_array_length(r -> 'already_present') AS present
  FROM datamesh.install_standard_policies() r;
RESET ROLE;
SELECT name, kind, effect, enforcement, target, condition, unless_condition
  FROM datamesh.effective_policies(NULL) ORDER BY policy_id;

SELECT datamesh.create_domain('pk-dom', 'pk_owner', 'standard pack test');
SELECT datamesh.set_principal_attributes('pk_consumer', '{"region": "US"}');
SELECT datamesh.set_principal_attributes('pk_steward', '{"region": "EU"}');
SELECT datamesh.set_principal_attributes('pk_admin', '{"region": "CN"}');
SELECT datamesh.set_principal_attributes('pk_officer', '{"region": "EU", "role": "compliance_officer"}');

CREATE FUNCTION pg_temp.manifest(name text, classification text, tags text[], fields jsonb,
                                 spec jsonb DEFAULT '{}', owner text DEFAULT 'pk@example.com') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'pk-dom', 'version', '1.0.0',
                                       'owner', owner, 'classification', classification, 'tags', to_jsonb(tags)),
        'spec', jsonb_build_object(
            'schema', jsonb_build_object('fields', fields),
            'sla', jsonb_build_object('availability', '99.9%', 'completeness', '99%', 'accuracy', '99%'),
            'retention', '1 year',
            'output_ports', jsonb_build_array(jsonb_build_object('name', 'events', 'type', 'stream', 'topic', name)))
            || spec)::text
$$;
CREATE FUNCTION pg_temp.register(m text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(r ->> 'result', 'null') || coalesce(' with ' || (SELECT string_agg(w ->> 'policy', ', ')
                                                                    FROM jsonb_array_elements(r -> 'policy_warnings') w), '')
      FROM datamesh.register_product(m) r
$$;
CREATE FUNCTION pg_temp.decide(who regrole, pid text, cols text[] DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s: %s', e ->> 'decision', e ->> 'reason')
           || coalesce(E'\n  transform: ' || (SELECT string_agg(format('%s %s(%s) by %s', t ->> 'column', t ->> 'action',
                                                        coalesce(t ->> 'pattern', t ->> 'replacement'),
                                                        (SELECT x.name FROM datamesh.policies x WHERE x.id = t ->> 'policy_id')), ', ')
                                           FROM jsonb_array_elements(e -> 'transformations') t), '')
      FROM datamesh.evaluate(who, 'query', pid, cols) e
$$;

SET ROLE pk_owner;
SELECT pg_temp.register(pg_temp.manifest('pk-public', 'public', '{}', '[{"name": "id"}]'));
SELECT pg_temp.register(pg_temp.manifest('pk-internal', 'internal', '{}',
    '[{"name": "id"}, {"name": "email", "pii": true}, {"name": "salary", "classification": "confidential"}]'));
SELECT pg_temp.register(pg_temp.manifest('pk-confidential', 'confidential', '{pii}', '[{"name": "id"}]'));
SELECT pg_temp.register(pg_temp.manifest('pk-restricted', 'restricted', '{}', '[{"name": "id"}]'));
SELECT pg_temp.register(pg_temp.manifest('pk-gdpr', 'internal', '{gdpr}',
    '[{"name": "id"}, {"name": "email"}, {"name": "ssn"}]'));
RESET ROLE;

------------------------------------------------------------ access policies
-- read-by-data-role: data roles read; anyone else is denied by default
SELECT pg_temp.decide('pk_consumer', 'pk-public');
SELECT pg_temp.decide('pk_nobody', 'pk-public');
-- confidential-needs-producer
SELECT pg_temp.decide('pk_consumer', 'pk-confidential');
SELECT pg_temp.decide('pk_producer', 'pk-confidential');
-- restricted-needs-admin
SELECT pg_temp.decide('pk_producer', 'pk-restricted');
SELECT pg_temp.decide('pk_admin', 'pk-restricted');
-- gdpr-denied-from-cn (pk_admin works from CN)
SELECT pg_temp.decide('pk_admin', 'pk-gdpr', ARRAY['id']);
SELECT datamesh.set_principal_attributes('pk_admin', '{"region": "US"}');
SELECT pg_temp.decide('pk_admin', 'pk-gdpr', ARRAY['id']);

----------------------------------------------------------- privacy policies
-- email-masked-outside-eu
SELECT pg_temp.decide('pk_consumer', 'pk-gdpr', ARRAY['id', 'email']);
SELECT pg_temp.decide('pk_steward', 'pk-gdpr', ARRAY['id', 'email']);
-- ssn-redacted, except for compliance officers
SELECT pg_temp.decide('pk_steward', 'pk-gdpr', ARRAY['ssn']);
SELECT pg_temp.decide('pk_officer', 'pk-gdpr', ARRAY['ssn']);
-- pii-masked: PII and confidential columns, except for data stewards and admins
SELECT pg_temp.decide('pk_consumer', 'pk-internal');
SELECT pg_temp.decide('pk_steward', 'pk-internal');

------------------------------------------------- policies on registrations
SET ROLE pk_owner;
-- retention-max-7-years (block)
SELECT pg_temp.register(pg_temp.manifest('pk-forever', 'public', '{}', '[]', '{"retention": "8 years"}'));
SELECT pg_temp.register(pg_temp.manifest('pk-seven', 'public', '{}', '[]', '{"retention": "7 years"}'));
-- retention-public (warn): shown with the 7-year limit disabled
RESET ROLE;
SELECT datamesh.disable_policy('retention-max-7-years');
SET ROLE pk_owner;
SELECT pg_temp.register(pg_temp.manifest('pk-public-8y', 'public', '{}', '[]', '{"retention": "8 years"}'));
RESET ROLE;
SELECT datamesh.enable_policy('retention-max-7-years');
SELECT c -> 'compliant' AS compliant, c -> 'violations' -> 0 ->> 'policy' AS violation,
       c -> 'warnings' -> 0 ->> 'reason' AS warning
  FROM datamesh.check_compliance('pk-public-8y') c;
SET ROLE pk_owner;
-- retention-internal, retention-confidential, retention-restricted (warn)
SELECT pg_temp.register(pg_temp.manifest('pk-internal-6y', 'internal', '{}', '[]', '{"retention": "6 years"}'));
SELECT pg_temp.register(pg_temp.manifest('pk-internal-5y', 'internal', '{}', '[]', '{"retention": "5 years"}'));
SELECT pg_temp.register(pg_temp.manifest('pk-confidential-4y', 'confidential', '{}', '[]', '{"retention": "4 years"}'));
SELECT pg_temp.register(pg_temp.manifest('pk-restricted-2y', 'restricted', '{}', '[]', '{"retention": "2 years"}'));
-- sla-required (block)
SELECT pg_temp.register((pg_temp.manifest('pk-no-sla', 'internal', '{}', '[]')::jsonb #- '{spec,sla}')::text);
-- owner-required (block): an owner team alone names no e-mail address
SELECT pg_temp.register(pg_temp.manifest('pk-no-email', 'internal', '{}', '[]', '{}', 'pk-team'));
-- quality-completeness (warn) and quality-accuracy (block)
SELECT pg_temp.register(pg_temp.manifest('pk-incomplete', 'internal', '{}', '[]',
    '{"sla": {"availability": "99%", "completeness": "90%"}}'));
SELECT pg_temp.register(pg_temp.manifest('pk-inaccurate', 'internal', '{}', '[]',
    '{"sla": {"availability": "99%", "accuracy": "97.5%"}}'));
-- everything at once: every violation is listed, nothing is written
SELECT pg_temp.register((pg_temp.manifest('pk-bad', 'restricted', '{}', '[]', '{"retention": "10 years"}', 'pk-team')::jsonb
                         #- '{spec,sla}')::text);
RESET ROLE;
SELECT product_id FROM datamesh.data_products WHERE domain = 'pk-dom' ORDER BY 1;
SELECT product_id, decision, reason FROM datamesh.policy_audit
 WHERE product_id LIKE 'pk-%' AND action = 'register' ORDER BY id;

------------------------------------------------------------------ clean up
SELECT datamesh.drop_policy(id) FROM datamesh.policies ORDER BY id;
SELECT datamesh.set_principal_attributes(r::regrole, NULL)
  FROM unnest(ARRAY['pk_consumer', 'pk_steward', 'pk_admin', 'pk_officer']) r;
SELECT count(datamesh.delete_product(product_id)) AS deleted FROM datamesh.data_products WHERE domain = 'pk-dom';
SELECT datamesh.drop_domain('pk-dom');
