/*
 * The standard policy pack (seeds 001, 002 and 004): global policies an
 * administrator installs with one call.  docs/policies.md lists them.
 */

-- The pack, one row per policy, in installation order
CREATE FUNCTION datamesh._standard_policies()
    RETURNS TABLE (name pg_catalog.text, kind pg_catalog.text, effect pg_catalog.text,
                   condition pg_catalog.text, unless pg_catalog.text, target pg_catalog.jsonb,
                   parameters pg_catalog.jsonb, enforcement pg_catalog.text, reason pg_catalog.text,
                   description pg_catalog.text)
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    VALUES
    -- access by classification per role (seed 004 access_control)
    ('read-by-data-role', 'access', 'allow',
     $c$'data_consumer' in user.roles || 'data_producer' in user.roles || 'data_admin' in user.roles$c$, NULL,
     '{}'::jsonb, '{}'::jsonb, 'block',
     'role {user.name} may read {resource.classification} data',
     'data_consumer, data_producer and data_admin members may read data products (classification ceilings below)'),
    ('confidential-needs-producer', 'access', 'deny',
     $c$!('data_producer' in user.roles || 'data_admin' in user.roles)$c$, NULL,
     '{"classifications": ["confidential"]}', '{}', 'block',
     'confidential data product {resource.id} is readable by data_producer and data_admin members only',
     'data consumers read public and internal data only'),
    ('restricted-needs-admin', 'access', 'deny',
     $c$!('data_admin' in user.roles)$c$, NULL,
     '{"classifications": ["restricted"]}', '{}', 'block',
     'restricted data product {resource.id} is readable by data_admin members only',
     'only data administrators read restricted data'),
    -- seed 002: GDPR data cannot be accessed from China
    ('gdpr-denied-from-cn', 'access', 'deny',
     $c$has(user.region) && user.region == 'CN'$c$, NULL,
     '{"tags": ["gdpr"]}', '{}', 'block',
     'GDPR data cannot be accessed from China',
     'GDPR-tagged data products are denied to principals in region CN'),
    -- seed 002: privacy transformations
    ('email-masked-outside-eu', 'privacy', 'mask',
     $c$!has(user.region) || user.region != 'EU'$c$, NULL,
     '{"tags": ["gdpr"], "columns": ["email"]}', '{"style": "email", "pattern": "***@domain.com"}', 'block',
     'email of GDPR data is masked outside the EU',
     'mask e-mail addresses of GDPR data for principals outside the EU'),
    ('ssn-redacted', 'privacy', 'redact',
     NULL, $c$'compliance_officer' in user.roles || (has(user.role) && user.role == 'compliance_officer')$c$,
     '{"columns": ["ssn"]}', '{"replacement": "XXX-XX-XXXX"}', 'block',
     'SSN is redacted for everyone but compliance officers',
     'redact social security numbers except for compliance officers'),
    ('pii-masked', 'privacy', 'mask',
     $c$column.pii || column.classification in ['confidential', 'restricted']$c$,
     $c$'data_steward' in user.roles || 'data_admin' in user.roles$c$,
     '{}', '{"style": "partial", "show_first": 1}', 'block',
     'column {column.name} holds PII or confidential data',
     'confidential and PII columns are masked for readers who are not data stewards or administrators'),
    -- retention (seed 001 retention_limit, seed 004 data_classification)
    ('retention-max-7-years', 'retention', 'require',
     $c$!has(resource.retention_days) || resource.retention_days <= 2555$c$, NULL,
     '{}', '{}', 'block',
     'Retention {resource.retention_days} days exceeds limit 2555',
     'data cannot be retained longer than 7 years'),
    ('retention-public', 'retention', 'require',
     $c$!has(resource.retention_days) || resource.retention_days <= 2555$c$, NULL,
     '{"classifications": ["public"]}', '{}', 'warn',
     'public data: retention {resource.retention_days} days exceeds 7 years',
     'public data is retained at most 7 years'),
    ('retention-internal', 'retention', 'require',
     $c$!has(resource.retention_days) || resource.retention_days <= 1825$c$, NULL,
     '{"classifications": ["internal"]}', '{}', 'warn',
     'internal data: retention {resource.retention_days} days exceeds 5 years',
     'internal data is retained at most 5 years'),
    ('retention-confidential', 'retention', 'require',
     $c$!has(resource.retention_days) || resource.retention_days <= 1095$c$, NULL,
     '{"classifications": ["confidential"]}', '{}', 'warn',
     'confidential data: retention {resource.retention_days} days exceeds 3 years',
     'confidential data is retained at most 3 years'),
    ('retention-restricted', 'retention', 'require',
     $c$!has(resource.retention_days) || resource.retention_days <= 365$c$, NULL,
     '{"classifications": ["restricted"]}', '{}', 'warn',
     'restricted data: retention {resource.retention_days} days exceeds 1 year',
     'restricted data is retained at most 1 year'),
    -- seed 001 sla_required, owner
    ('sla-required', 'quality', 'require',
     $c$has(resource.sla)$c$, NULL, '{}', '{}', 'block',
     'All data products must define SLAs',
     'all data products must commit to SLAs'),
    ('owner-required', 'compliance', 'require',
     $c$has(resource.owner_email)$c$, NULL, '{}', '{}', 'block',
     'data product {resource.id} names no owner e-mail address',
     'every data product names an owner reachable by e-mail'),
    -- seed 004 data_quality thresholds on the declared SLA
    ('quality-completeness', 'quality', 'require',
     $c$!has(resource.sla.completeness) || resource.sla.completeness >= 95$c$, NULL, '{}', '{}', 'warn',
     'completeness {resource.sla.completeness}% is below 95%',
     'declared completeness is at least 95%'),
    ('quality-accuracy', 'quality', 'require',
     $c$!has(resource.sla.accuracy) || resource.sla.accuracy >= 98$c$, NULL, '{}', '{}', 'block',
     'accuracy {resource.sla.accuracy}% is below 98%',
     'declared accuracy is at least 98%')
$fn$;
COMMENT ON FUNCTION datamesh._standard_policies() IS 'internal: the standard policy pack';

CREATE FUNCTION datamesh._install_standard_policies(caller pg_catalog.regrole) RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    s record;
    installed text[] := '{}';
    present text[] := '{}';
    existing text;
BEGIN
    IF NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to install the standard policies'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of datamesh_admin manage global policies.';
    END IF;
    -- serialize concurrent installations
    PERFORM pg_advisory_xact_lock('datamesh.policies'::regclass::oid::bigint);
    FOR s IN SELECT * FROM datamesh._standard_policies() LOOP
        SELECT p.id INTO existing FROM datamesh.policies p WHERE p.domain IS NULL AND p.name = s.name;
        IF FOUND THEN
            present := present || existing;
            CONTINUE;
        END IF;
        installed := installed || datamesh._create_policy(s.name, s.kind, s.effect, s.condition, s.unless, NULL,
                                                          s.target, s.parameters, s.enforcement, s.description,
                                                          s.reason, true, caller);
    END LOOP;
    RETURN jsonb_build_object('installed', to_jsonb(installed), 'already_present', to_jsonb(present));
END
$fn$;
COMMENT ON FUNCTION datamesh._install_standard_policies(pg_catalog.regrole) IS
    'internal: implementation of datamesh.install_standard_policies';

CREATE FUNCTION datamesh.install_standard_policies() RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.install_standard_policies() IS
    'install the standard global policy pack (datamesh_admin only); idempotent: policies already present by name are kept as they are';
