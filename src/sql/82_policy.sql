/*
 * Policy engine: policies, principal attributes, the decision audit, and the
 * functions that manage and evaluate them (docs/policies.md).
 *
 * Conditions are written in the policy language (src/policy_lang.c), compiled
 * and type-checked when a policy is created, stored compiled, and cached per
 * backend by src/policy_engine.c.  Statement triggers on every table a
 * decision depends on invalidate those caches, so a decision never uses a
 * policy, attribute or product that changed and committed before it started.
 */

------------------------------------------------------------------- tables

CREATE SEQUENCE datamesh.policy_seq;
COMMENT ON SEQUENCE datamesh.policy_seq IS 'numbers the policy ids (<scope>.<kind>.<NNN>)';

CREATE TABLE datamesh.policies (
    id              pg_catalog.text PRIMARY KEY,
    name            pg_catalog.text NOT NULL
                    CHECK (pg_catalog.length(name) BETWEEN 1 AND 200),
    description     pg_catalog.text,
    domain          pg_catalog.text REFERENCES datamesh.domains (name) ON DELETE CASCADE,  -- a dropped domain takes its policies
    kind            pg_catalog.text NOT NULL
                    CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['access', 'privacy', 'retention', 'quality',
                                                                  'classification', 'compliance'])),
    effect          pg_catalog.text NOT NULL
                    CHECK (effect OPERATOR(pg_catalog.=) ANY (ARRAY['allow', 'deny', 'mask', 'redact',
                                                                    'require', 'row_filter'])),
    target          pg_catalog.jsonb NOT NULL DEFAULT '{}',
    condition       pg_catalog.text,
    unless_condition pg_catalog.text,
    parameters      pg_catalog.jsonb NOT NULL DEFAULT '{}',
    enforcement     pg_catalog.text NOT NULL DEFAULT 'block'
                    CHECK (enforcement OPERATOR(pg_catalog.=) ANY (ARRAY['block', 'warn', 'audit'])),
    reason          pg_catalog.text,
    enabled         pg_catalog.bool NOT NULL DEFAULT true,
    compiled_condition pg_catalog.bytea,
    compiled_unless pg_catalog.bytea,
    compiled_filter pg_catalog.bytea,
    created_by      pg_catalog.regrole NOT NULL,
    created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE UNIQUE INDEX policies_scope_name_idx
    ON datamesh.policies ((coalesce(domain, '')), name);
CREATE INDEX policies_domain_idx ON datamesh.policies (domain);
COMMENT ON TABLE datamesh.policies IS
    'governance policies: global (domain IS NULL) or of one domain, with compiled conditions';

CREATE TABLE datamesh.principal_attribute_types (
    name        pg_catalog.text PRIMARY KEY
                CHECK (name OPERATOR(pg_catalog.~) '^[a-z_][a-z0-9_]{0,62}$'
                       AND name OPERATOR(pg_catalog.<>) ALL (ARRAY['name', 'roles'])),
    type        pg_catalog.text NOT NULL
                CHECK (type OPERATOR(pg_catalog.=) ANY (ARRAY['string', 'number', 'bool',
                                                              'list<string>', 'list<number>'])),
    description pg_catalog.text,
    builtin     pg_catalog.bool NOT NULL DEFAULT false
);
COMMENT ON TABLE datamesh.principal_attribute_types IS
    'attributes a principal may carry (user.<name> in policies) and their types';

INSERT INTO datamesh.principal_attribute_types (name, type, description, builtin) VALUES
    ('role', 'string', 'business role, e.g. analyst, data_scientist, compliance_officer', true),
    ('region', 'string', 'where the principal works from, e.g. EU, US, CN', true),
    ('team', 'string', 'the principal''s team', true),
    ('email', 'string', 'e-mail address (compared with resource.owner)', true),
    ('department', 'string', 'organisational unit', true),
    ('clearance', 'string', 'highest classification the principal may read', true),
    ('completed_pii_training', 'bool', 'whether the principal completed PII training', true);

CREATE TABLE datamesh.principal_attributes (
    role        pg_catalog.regrole PRIMARY KEY,
    attributes  pg_catalog.jsonb NOT NULL CHECK (pg_catalog.jsonb_typeof(attributes) OPERATOR(pg_catalog.=) 'object'),
    updated_by  pg_catalog.regrole NOT NULL,
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE datamesh.principal_attributes IS
    'attributes of principals (roles) that policies see as user.<name>; written by administrators only';

CREATE TABLE datamesh.policy_audit (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY (CACHE 32),
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    principal    pg_catalog.text NOT NULL,
    requested_by pg_catalog.text NOT NULL,
    action       pg_catalog.text NOT NULL,
    product_id   pg_catalog.text,
    decision     pg_catalog.text NOT NULL,
    policy_ids   pg_catalog.text[] NOT NULL,
    enforcement  pg_catalog.text[] NOT NULL,
    reason       pg_catalog.text,
    details      pg_catalog.jsonb
);
-- One BRIN index over id and time: an append-only table's rows arrive in
-- (nearly) both orders, so it serves id and time-range queries and costs
-- almost nothing per row.  No btree: the identity sequence makes ids unique,
-- and only the engine writes rows (in batches, see docs/policies.md).
CREATE INDEX policy_audit_id_at_idx ON datamesh.policy_audit USING brin (id, at);
COMMENT ON TABLE datamesh.policy_audit IS
    'append-only record of every deny, mask, warn and audit decision and compliance warning';

SELECT pg_catalog.pg_extension_config_dump('datamesh.policy_seq', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.policies', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.principal_attribute_types', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('datamesh.principal_attributes', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.policy_audit', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.policy_audit_id_seq', '');

REVOKE ALL ON datamesh.policies, datamesh.principal_attribute_types, datamesh.principal_attributes,
              datamesh.policy_audit, datamesh.policy_seq FROM PUBLIC;
GRANT SELECT ON datamesh.policies, datamesh.principal_attribute_types TO datamesh_reader;
GRANT SELECT ON datamesh.policy_audit, datamesh.principal_attributes TO datamesh_admin;

----------------------------------------------------- cache invalidation

CREATE FUNCTION datamesh._policy_invalidate() RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'datamesh_policy_invalidate';
COMMENT ON FUNCTION datamesh._policy_invalidate() IS
    'internal: statement trigger that makes every backend drop the decision caches fed by the table (argument: policies, principals or products, the last through datamesh.policy_products_sentinel; default: the table itself)';

/*
 * The products cache is invalidated through a sentinel: an empty table no
 * query reads, whose relcache invalidation means "catalog data behind the
 * cached products changed".  Invalidating the catalog tables themselves
 * would also throw away every cached plan that reads them (the whole
 * registration path) in every backend, at each registration.
 */
CREATE TABLE datamesh.policy_products_sentinel ();
COMMENT ON TABLE datamesh.policy_products_sentinel IS
    'internal, always empty: its relcache invalidation tells every backend that the policy engine''s cached products are stale';
SELECT pg_catalog.pg_extension_config_dump('datamesh.policy_products_sentinel', '');
REVOKE ALL ON datamesh.policy_products_sentinel FROM PUBLIC;

DO $triggers$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['policies', 'principal_attributes'] LOOP
        EXECUTE pg_catalog.format(
            'CREATE TRIGGER policy_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datamesh.%I '
            'FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_invalidate()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['domains', 'data_products', 'product_versions', 'product_slas'] LOOP
        EXECUTE pg_catalog.format(
            'CREATE TRIGGER policy_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datamesh.%I '
            'FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_invalidate(''products'')', t);
    END LOOP;
END
$triggers$;

-- the contract root and column attributes come from contracts (lineage adds its tables in 86_lineage.sql)
CREATE TRIGGER policy_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datamesh.contracts
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_invalidate('products');
CREATE TRIGGER policy_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datamesh.contract_fields
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_invalidate('products');

----------------------------------------------------------- the audit log

CREATE FUNCTION datamesh._policy_audit_refuse() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RAISE EXCEPTION 'datamesh.policy_audit is append-only'
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = format('%s is refused for every role, the table owner included.', TG_OP);
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_audit_refuse() IS
    'internal: trigger refusing UPDATE, DELETE and TRUNCATE on the audit table';

CREATE TRIGGER policy_audit_append_only BEFORE UPDATE OR DELETE ON datamesh.policy_audit
    FOR EACH ROW EXECUTE FUNCTION datamesh._policy_audit_refuse();
CREATE TRIGGER policy_audit_no_truncate BEFORE TRUNCATE ON datamesh.policy_audit
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_audit_refuse();

------------------------------------------------------- attribute builders

/*
 * What a policy sees.  The C engine calls these functions
 * (_product_attributes, _product_columns, _product_contract, _principal_env)
 * when a product or principal is not yet in its per-backend cache (and never
 * otherwise); swapping a body changes what every policy sees.
 */

-- An interval as whole days, counting a year as 365 days and a month as 30
CREATE FUNCTION datamesh._interval_days(i pg_catalog.interval) RETURNS pg_catalog.numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN trim_scale(round(extract(year FROM i) * 365 + extract(month FROM i) * 30 + extract(day FROM i)
                            + extract(epoch FROM i - date_trunc('day', i)) / 86400, 3));
END
$fn$;
COMMENT ON FUNCTION datamesh._interval_days(pg_catalog.interval) IS
    'internal: an interval in days (a year is 365 days, a month 30), as policies see retention';

-- resource.*: one product version (the current one when version is NULL), or NULL if none
-- (PL/pgSQL, like the other attribute builders, so that its plan is cached;
-- a generic plan: its index lookups by product and version are the plan for
-- any arguments, and a custom plan per call cost more than the lookups)
CREATE FUNCTION datamesh._product_attributes(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    AS $fn$
BEGIN
    RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', v.product_id,
        'name', v.display_name,
        'domain', p.domain,
        'domain_owner', d.owner::text,
        'version', v.version::text,
        'status', v.status::text,
        'type', v.product_type::text,
        'classification', v.classification::text,
        'tags', to_jsonb(v.tags),
        'owner', coalesce(v.owner_email, v.owner_team),
        'owner_team', v.owner_team,
        'owner_email', v.owner_email,
        'retention_days', datamesh._interval_days(v.retention),
        'has_schema', v.schema IS NOT NULL,
        'sla', CASE WHEN s.product_id IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
                   'availability', trim_scale(s.availability),
                   'freshness_minutes', trim_scale(round(extract(epoch FROM s.freshness) / 60, 3)),
                   'completeness', trim_scale(s.completeness),
                   'accuracy', trim_scale(s.accuracy),
                   'timeliness', trim_scale(s.timeliness),
                   'retention_days', datamesh._interval_days(s.retention))) END,
        'quality_rules', (SELECT count(*) FROM datamesh.quality_rules q
                           WHERE q.product_id = v.product_id AND q.version OPERATOR(datamesh.=) v.version)))
      FROM datamesh.data_products p
      JOIN datamesh.domains d ON d.name = p.domain
      JOIN datamesh.product_versions v ON v.product_id = p.product_id
      LEFT JOIN datamesh.product_slas s ON s.product_id = v.product_id AND s.version OPERATOR(datamesh.=) v.version
     WHERE p.product_id = _product_attributes.product_id
       AND v.version OPERATOR(datamesh.=) coalesce(_product_attributes.version,
               (SELECT c.current_version FROM datamesh.products c WHERE c.product_id = _product_attributes.product_id)));
END
$fn$;
COMMENT ON FUNCTION datamesh._product_attributes(pg_catalog.text, datamesh.semver) IS
    'internal: the resource attributes policies see for a product version';

/*
 * contract.*: a contract as policies see it, from the contract in column
 * form (the keys of datamesh.contracts: product_id, version, status ...,
 * port_name, relation) and its fields (the keys of datamesh.contract_fields).
 * Lists of field names (all, pii, pii without a classification) let a
 * condition judge the fields without a loop.
 */
CREATE FUNCTION datamesh._contract_policy_attributes(c pg_catalog.jsonb, fields pg_catalog.jsonb)
    RETURNS pg_catalog.jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    WITH f AS (
        SELECT e AS f, coalesce((e ->> 'ordinal')::int, x.ord::int) AS ord
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fields) = 'array' THEN fields ELSE '[]' END)
               WITH ORDINALITY AS x(e, ord)
         WHERE jsonb_typeof(e) = 'object')
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', coalesce(c ->> 'contract_id', c ->> 'product_id'),
        'product_id', c ->> 'product_id',
        'version', c ->> 'version',
        'status', c ->> 'status',
        'compatibility', c ->> 'compatibility',
        'schema_format', c ->> 'schema_format',
        'product_version', c ->> 'product_version',
        'port', c ->> 'port_name',
        'relation', c ->> 'relation',
        'sla', CASE WHEN jsonb_typeof(c -> 'sla') = 'object' THEN c -> 'sla' END,
        'quality_rules', CASE WHEN jsonb_typeof(c -> 'quality_rules') = 'array'
                              THEN jsonb_array_length(c -> 'quality_rules') ELSE 0 END,
        'min_completeness', c -> 'min_completeness',
        'max_latency_minutes', c -> 'max_latency_minutes',
        'row_count_min', c -> 'row_count_min',
        'row_count_max', c -> 'row_count_max',
        'partition_by', CASE WHEN jsonb_typeof(c -> 'partition_by') = 'array' THEN c -> 'partition_by' ELSE '[]' END,
        'primary_key', CASE WHEN jsonb_typeof(c -> 'primary_key') = 'array' THEN c -> 'primary_key' ELSE '[]' END,
        'consumer_expectations', CASE WHEN jsonb_typeof(c -> 'consumer_expectations') IN ('object', 'array')
                                      THEN c -> 'consumer_expectations' END,
        'deprecation', CASE WHEN jsonb_typeof(c -> 'deprecation') = 'object' THEN c -> 'deprecation' END,
        'fields', coalesce((SELECT jsonb_agg(jsonb_build_object(
                               'name', f.f ->> 'name',
                               'type', coalesce(f.f ->> 'sql_type', f.f ->> 'type', 'unknown'),
                               'nullable', coalesce((f.f ->> 'nullable')::boolean, true),
                               'required', coalesce((f.f ->> 'required')::boolean, false),
                               'unique', coalesce((f.f ->> 'is_unique')::boolean, false),
                               'primary_key', coalesce((f.f ->> 'is_primary_key')::boolean, false),
                               'pii', coalesce((f.f ->> 'pii')::boolean, false),
                               'classification', coalesce(lower(f.f ->> 'classification'), 'unclassified'))
                               ORDER BY f.ord) FROM f), '[]'),
        'field_names', coalesce((SELECT jsonb_agg(f.f ->> 'name' ORDER BY f.ord) FROM f), '[]'),
        'pii_fields', coalesce((SELECT jsonb_agg(f.f ->> 'name' ORDER BY f.ord) FROM f
                                 WHERE (f.f ->> 'pii')::boolean), '[]'),
        'unclassified_pii_fields', coalesce((SELECT jsonb_agg(f.f ->> 'name' ORDER BY f.ord) FROM f
                                              WHERE (f.f ->> 'pii')::boolean
                                                AND coalesce(f.f ->> 'classification', '') = ''), '[]')))
$fn$;
COMMENT ON FUNCTION datamesh._contract_policy_attributes(pg_catalog.jsonb, pg_catalog.jsonb) IS
    'internal: the contract attributes policies see, from a contract and its fields in column form';

-- The contract a product version is judged with: its newest active contract
CREATE FUNCTION datamesh._policy_contract_version(product_id pg_catalog.text)
    RETURNS datamesh.semver
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN (SELECT k.version FROM datamesh.contracts k
             WHERE k.product_id = _policy_contract_version.product_id AND k.status = 'active'
             ORDER BY k.version DESC LIMIT 1);
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_contract_version(pg_catalog.text) IS
    'internal: the version of a product''s newest active contract, which evaluate and check_compliance see';

-- contract.*: the product's newest active contract, or NULL (the root is then absent)
CREATE FUNCTION datamesh._product_contract(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN (SELECT datamesh._contract_policy_attributes(
               to_jsonb(k) - 'manifest' - 'source_document' - 'schema',
               (SELECT jsonb_agg(to_jsonb(f) ORDER BY f.ordinal) FROM datamesh.contract_fields f
                 WHERE f.product_id = k.product_id AND f.version OPERATOR(datamesh.=) k.version))
      FROM datamesh.contracts k
     WHERE k.product_id = _product_contract.product_id
       AND k.version OPERATOR(datamesh.=) datamesh._policy_contract_version(_product_contract.product_id));
END
$fn$;
COMMENT ON FUNCTION datamesh._product_contract(pg_catalog.text, datamesh.semver) IS
    'internal: the contract attributes policies see for a product (its newest active contract; NULL if none)';

/*
 * column.*: the columns of a product version, as a jsonb list of {name,
 * type, tags, classification, pii}.  The fields of the product's newest
 * active contract come first (in their order, typed with their SQL type),
 * then every other column lineage knows (the manifest's spec.schema, column
 * tags, column lineage, in-database output ports).  Tags, classification and
 * pii are lineage's effective ones (datamesh.column_attributes): declared on
 * the column (set_column_tags, spec.schema, the contract) or propagated
 * along column lineage.  A column that is not known is seen as {name, type:
 * "unknown", tags: [], classification: "unclassified", pii: false}.
 *
 * Two builders give the same answer: _policy_lineage_columns asks lineage
 * (propagation included, a traversal per column), _policy_declared_columns
 * reads what is declared in one query; _product_columns uses the second when
 * nothing can flow into the product (no column lineage edge ends in it), so
 * registration and cache reloads stay cheap.  (The one difference: a column
 * named only as a source in another product's manifest spec.lineage is not
 * listed by the second; requested by name, it has the same attributes.)
 * PL/pgSQL: the lineage tables and functions are created after this file.
 */
CREATE FUNCTION datamesh._policy_lineage_columns(pid pg_catalog.text, ver datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    kver datamesh.semver := datamesh._policy_contract_version(pid);
    lin jsonb := datamesh._lineage_product_columns(pid, ver);
BEGIN
    RETURN coalesce((
        WITH cf AS (
            SELECT f.ordinal, f.name, coalesce(f.sql_type, f.type) AS type, f.pii
              FROM datamesh.contract_fields f
             WHERE f.product_id = pid AND f.version OPERATOR(datamesh.=) kver),
        lc AS (
            SELECT e ->> 'name' AS name, e AS attrs, x.ord
              FROM jsonb_array_elements(lin) WITH ORDINALITY AS x(e, ord)),
        cols AS (
            SELECT cf.name, cf.ordinal::bigint AS k1, NULL::bigint AS k2, cf.type, cf.pii,
                   coalesce((SELECT lc.attrs FROM lc WHERE lc.name = cf.name),
                            datamesh.column_attributes(pid, cf.name)) AS attrs
              FROM cf
            UNION ALL
            SELECT lc.name, NULL, lc.ord, NULL, NULL, lc.attrs
              FROM lc WHERE NOT EXISTS (SELECT FROM cf WHERE cf.name = lc.name))
        SELECT jsonb_agg(jsonb_build_object(
                   'name', c.name,
                   'type', coalesce(c.type, c.attrs ->> 'type', 'unknown'),
                   'tags', CASE WHEN jsonb_typeof(c.attrs -> 'tags') = 'array' THEN c.attrs -> 'tags' ELSE '[]' END,
                   'classification', coalesce(c.attrs ->> 'classification', 'unclassified'),
                   'pii', coalesce(c.pii, false) OR coalesce((c.attrs ->> 'pii')::boolean, false))
                   ORDER BY c.k1 NULLS LAST, c.k2)
          FROM cols c), '[]');
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_lineage_columns(pg_catalog.text, datamesh.semver) IS
    'internal: a product version''s column attributes through lineage (propagated tags included)';

CREATE FUNCTION datamesh._policy_declared_columns(pid pg_catalog.text, ver datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    AS $fn$
DECLARE
    kver datamesh.semver := datamesh._policy_contract_version(pid);
    -- the current version, as datamesh.products chooses it
    cur datamesh.semver := (SELECT x.version FROM datamesh.product_versions x WHERE x.product_id = pid
                             ORDER BY array_position(ARRAY['active', 'deprecated', 'draft', 'retired']::datamesh.product_status[],
                                                     x.status), x.version DESC
                             LIMIT 1);
    levels CONSTANT text[] := '{public,internal,confidential,restricted}';
    vschema jsonb := (SELECT v.schema FROM datamesh.product_versions v
                       WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) ver);
    cschema jsonb := (SELECT v.schema FROM datamesh.product_versions v
                       WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) cur);
    vfields jsonb;
    cfields jsonb;
BEGIN
    -- a list of fields, as lineage reads spec.schema (other shapes through the checker)
    vfields := CASE WHEN jsonb_typeof(vschema) = 'array' THEN vschema
                    WHEN jsonb_typeof(vschema #> '{definition,fields}') = 'array' THEN vschema #> '{definition,fields}'
                    WHEN jsonb_typeof(vschema -> 'fields') = 'array' THEN vschema -> 'fields' END;
    IF vfields IS NULL THEN
        vfields := coalesce((SELECT jsonb_agg(jsonb_build_object('name', e.name) ORDER BY e.ord)
                               FROM datamesh._lineage_schema_fields(vschema) WITH ORDINALITY AS e(name, type, ord)), '[]');
    END IF;
    cfields := CASE WHEN jsonb_typeof(cschema) = 'array' THEN cschema
                    WHEN jsonb_typeof(cschema #> '{definition,fields}') = 'array' THEN cschema #> '{definition,fields}'
                    WHEN jsonb_typeof(cschema -> 'fields') = 'array' THEN cschema -> 'fields'
                    ELSE '[]' END;
    RETURN coalesce((
        WITH cf AS (        -- the active contract's fields
            SELECT f.ordinal, f.name, coalesce(f.sql_type, f.type) AS type, f.pii, lower(f.classification) AS cls
              FROM datamesh.contract_fields f
             WHERE f.product_id = pid AND f.version OPERATOR(datamesh.=) kver),
        sl AS (             -- the version's fields, in order
            SELECT x.e ->> 'name' AS name, x.ord
              FROM jsonb_array_elements(vfields) WITH ORDINALITY AS x(e, ord)
             WHERE jsonb_typeof(x.e) = 'object' AND x.e ? 'name'),
        sf AS (             -- the current version's fields: their attributes
            SELECT DISTINCT ON (x.e ->> 'name') x.e ->> 'name' AS name,
                   CASE jsonb_typeof(x.e -> 'type') WHEN 'string' THEN x.e ->> 'type' ELSE (x.e -> 'type')::text END AS type,
                   x.e -> 'pii' = 'true' AS pii,
                   CASE WHEN jsonb_typeof(x.e -> 'tags') = 'array'
                        THEN ARRAY(SELECT lower(t) FROM jsonb_array_elements_text(x.e -> 'tags') t) END AS tags,
                   lower(coalesce(x.e ->> 'classification', x.e ->> 'privacy_classification')) AS cls
              FROM jsonb_array_elements(cfields) WITH ORDINALITY AS x(e, ord)
             WHERE jsonb_typeof(x.e) = 'object' AND x.e ? 'name'
             ORDER BY x.e ->> 'name', x.ord),
        ct AS (
            SELECT t.column_name AS name, t.tags, t.classification::text AS cls
              FROM datamesh.column_tags t WHERE t.product_id = pid),
        ports_of AS (       -- columns of in-database output ports (version: listed; current: typed)
            SELECT o.version, o.name AS port, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type
              FROM datamesh.output_ports o
              JOIN pg_attribute a ON a.attrelid = o.relation AND a.attnum > 0 AND NOT a.attisdropped
             WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) ANY (ARRAY[ver, cur])),
        pt AS (
            SELECT DISTINCT ON (p.name) p.name, p.type FROM ports_of p
             WHERE p.version OPERATOR(datamesh.=) cur ORDER BY p.name, p.port),
        names AS (
            SELECT cf.name, cf.ordinal::bigint AS k1, NULL::bigint AS k2, NULL::text AS k3 FROM cf
            UNION ALL
            SELECT sl.name, NULL, sl.ord, NULL FROM sl WHERE NOT EXISTS (SELECT FROM cf WHERE cf.name = sl.name)
            UNION ALL
            SELECT o.name, NULL, NULL, o.name
              FROM (SELECT ct.name FROM ct
                    UNION SELECT p.name FROM ports_of p WHERE p.version OPERATOR(datamesh.=) ver
                    UNION SELECT l.source_column FROM datamesh.column_lineage l WHERE l.source_product = pid) o
             WHERE NOT EXISTS (SELECT FROM cf WHERE cf.name = o.name)
               AND NOT EXISTS (SELECT FROM sl WHERE sl.name = o.name)),
        attrs AS (
            SELECT n.k1, n.k2, n.k3, n.name,
                   coalesce(cf.type, sf.type, pt.type, 'unknown') AS type,
                   ARRAY(SELECT DISTINCT x.tag
                           FROM unnest(coalesce(ct.tags, '{}')
                                       || CASE WHEN sf.pii THEN '{pii}'::text[] ELSE '{}' END
                                       || coalesce(sf.tags, '{}')
                                       || CASE WHEN sf.cls <> ALL (levels) THEN ARRAY[sf.cls] ELSE '{}' END
                                       || CASE WHEN cf.pii THEN '{pii}'::text[] ELSE '{}' END
                                       || CASE WHEN cf.cls <> ALL (levels) THEN ARRAY[cf.cls] ELSE '{}' END) AS x(tag)
                          ORDER BY x.tag) AS tags,
                   greatest(ct.cls::datamesh.classification,
                            CASE WHEN sf.cls = ANY (levels) THEN sf.cls::datamesh.classification END,
                            CASE WHEN cf.cls = ANY (levels) THEN cf.cls::datamesh.classification END) AS cls,
                   coalesce(cf.pii, false) AS contract_pii
              FROM names n
              LEFT JOIN cf ON cf.name = n.name
              LEFT JOIN sf ON sf.name = n.name
              LEFT JOIN ct ON ct.name = n.name
              LEFT JOIN pt ON pt.name = n.name)
        SELECT jsonb_agg(jsonb_build_object(
                   'name', a.name,
                   'type', a.type,
                   'tags', to_jsonb(a.tags),
                   'classification', coalesce(a.cls::text, 'unclassified'),
                   'pii', a.contract_pii OR 'pii' = ANY (a.tags))
                   ORDER BY a.k1 NULLS LAST, a.k2 NULLS LAST, a.k3)
          FROM attrs a), '[]');
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_declared_columns(pg_catalog.text, datamesh.semver) IS
    'internal: a product version''s column attributes as declared (column tags, spec.schema, active contract), without propagation';

CREATE FUNCTION datamesh._product_columns(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text;
    ver datamesh.semver;
BEGIN
    SELECT v.product_id, v.version INTO pid, ver FROM datamesh.product_versions v
     WHERE v.product_id = _product_columns.product_id
       AND v.version OPERATOR(datamesh.=) coalesce(_product_columns.version,
               (SELECT c.current_version FROM datamesh.products c WHERE c.product_id = _product_columns.product_id));
    IF NOT FOUND THEN
        RETURN '[]';
    END IF;
    -- can anything flow in?  a declared edge, a manifest's spec.lineage, an OpenLineage column edge
    IF EXISTS (SELECT FROM datamesh.column_lineage l WHERE l.target_product = pid)
       OR EXISTS (SELECT FROM datamesh.product_versions v WHERE v.product_id = pid AND (v.manifest -> 'spec') ? 'lineage')
       OR EXISTS (SELECT FROM datamesh.openlineage_column_edges) THEN
        RETURN datamesh._policy_lineage_columns(pid, ver);
    END IF;
    RETURN datamesh._policy_declared_columns(pid, ver);
END
$fn$;
COMMENT ON FUNCTION datamesh._product_columns(pg_catalog.text, datamesh.semver) IS
    'internal: the column attributes policies see for a product version (active contract, lineage''s effective tags, spec.schema)';

/*
 * user.*: the role's name, its transitive role memberships (itself included)
 * and the attributes an administrator stored for it.  Nothing a session can
 * set (GUCs, session variables, SET ROLE) enters here.
 */
CREATE FUNCTION datamesh._principal_env(principal pg_catalog.regrole) RETURNS pg_catalog.jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    WITH RECURSIVE memberships(roleid) AS (
        SELECT principal::oid
        UNION
        SELECT m.roleid FROM pg_auth_members m JOIN memberships s ON m.member = s.roleid)
    SELECT coalesce((SELECT a.attributes FROM datamesh.principal_attributes a WHERE a.role = principal), '{}')
           || jsonb_build_object(
               'name', (SELECT r.rolname FROM pg_roles r WHERE r.oid = principal),
               'roles', (SELECT jsonb_agg(r.rolname ORDER BY r.rolname)
                           FROM memberships s JOIN pg_roles r ON r.oid = s.roleid))
$fn$;
COMMENT ON FUNCTION datamesh._principal_env(pg_catalog.regrole) IS
    'internal: the user attributes policies see for a role';

/*
 * The schema a condition is type-checked against: every root with its
 * attributes.  "column" exists only for policies evaluated per column and
 * "row" only for row filter expressions.
 */
CREATE FUNCTION datamesh._policy_schema(with_column pg_catalog.bool, with_row pg_catalog.bool)
    RETURNS pg_catalog.jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT jsonb_build_object(
        'user', jsonb_build_object('name', 'string', 'roles', 'list<string>')
                || coalesce((SELECT jsonb_object_agg(t.name, t.type) FROM datamesh.principal_attribute_types t), '{}'),
        'resource', jsonb_build_object(
            'id', 'string', 'name', 'string', 'domain', 'string', 'domain_owner', 'string',
            'version', 'string', 'status', 'string', 'type', 'string', 'classification', 'string',
            'tags', 'list<string>', 'owner', 'string', 'owner_team', 'string', 'owner_email', 'string',
            'retention_days', 'number', 'has_schema', 'bool', 'quality_rules', 'number',
            'sla', jsonb_build_object('availability', 'number', 'freshness_minutes', 'number',
                                      'completeness', 'number', 'accuracy', 'number',
                                      'timeliness', 'number', 'retention_days', 'number')),
        'contract', 'any',
        'action', 'string',
        'context', jsonb_build_object('time', 'string', 'hour', 'number', 'weekday', 'number'))
        || CASE WHEN with_column THEN jsonb_build_object('column', jsonb_build_object(
               'name', 'string', 'type', 'string', 'tags', 'list<string>',
               'classification', 'string', 'pii', 'bool')) ELSE '{}' END
        || CASE WHEN with_row THEN jsonb_build_object('row', 'any') ELSE '{}' END
$fn$;
COMMENT ON FUNCTION datamesh._policy_schema(pg_catalog.bool, pg_catalog.bool) IS
    'internal: roots and attribute types policy conditions are checked against';

-- The enabled policies as the engine loads them, in creation order
CREATE FUNCTION datamesh._policy_rows()
    RETURNS TABLE (id pg_catalog.text, name pg_catalog.text, domain pg_catalog.text, kind pg_catalog.text,
                   effect pg_catalog.text, enforcement pg_catalog.text,
                   products pg_catalog.text[], domains pg_catalog.text[], tags pg_catalog.text[],
                   classifications pg_catalog.text[], columns pg_catalog.text[], column_tags pg_catalog.text[],
                   compiled_condition pg_catalog.bytea, compiled_unless pg_catalog.bytea, reason pg_catalog.text,
                   style pg_catalog.text, pattern pg_catalog.text, replacement pg_catalog.text,
                   filter pg_catalog.text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT p.id, p.name, p.domain, p.kind, p.effect, p.enforcement,
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'products')),
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'domains')),
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'tags')),
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'classifications')),
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'columns')),
           ARRAY(SELECT jsonb_array_elements_text(p.target -> 'column_tags')),
           p.compiled_condition, p.compiled_unless, coalesce(p.reason, p.description),
           p.parameters ->> 'style', p.parameters ->> 'pattern', p.parameters ->> 'replacement',
           p.parameters ->> 'filter'
      FROM datamesh.policies p
     WHERE p.enabled
     ORDER BY substring(p.id, '[0-9]+$')::int8
$fn$;
COMMENT ON FUNCTION datamesh._policy_rows() IS
    'internal: the enabled policies as the decision cache loads them, in creation order';

---------------------------------------------------------------- compiling

CREATE FUNCTION datamesh._policy_compile(source pg_catalog.text, schema pg_catalog.jsonb, what pg_catalog.text)
    RETURNS pg_catalog.bytea
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_policy_compile';
COMMENT ON FUNCTION datamesh._policy_compile(pg_catalog.text, pg_catalog.jsonb, pg_catalog.text) IS
    'internal: compile and type-check a policy condition, or raise an error naming the offset';

CREATE FUNCTION datamesh._policy_roots(program pg_catalog.bytea) RETURNS pg_catalog.text[]
    LANGUAGE C IMMUTABLE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_policy_roots';
COMMENT ON FUNCTION datamesh._policy_roots(pg_catalog.bytea) IS
    'internal: the roots (user, resource, column ...) a compiled condition reads';

------------------------------------------------------------- management

-- Whether a role may manage policies of a scope (NULL = global)
CREATE FUNCTION datamesh._can_manage_policies(caller pg_catalog.regrole, domain_name pg_catalog.text)
    RETURNS pg_catalog.bool
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE WHEN domain_name IS NULL THEN datamesh._is_admin(caller)
                ELSE datamesh._can_manage_domain(caller, domain_name) END
$fn$;
COMMENT ON FUNCTION datamesh._can_manage_policies(pg_catalog.regrole, pg_catalog.text) IS
    'internal: administrators manage global policies, domain owners their domain''s policies';

-- Raise unless the caller may manage policies of the scope
CREATE FUNCTION datamesh._check_policy_scope(caller pg_catalog.regrole, domain_name pg_catalog.text,
                                             verb pg_catalog.text, policy_name pg_catalog.text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF datamesh._can_manage_policies(caller, domain_name) THEN
        RETURN;
    END IF;
    IF domain_name IS NULL THEN
        RAISE EXCEPTION 'permission denied to % global policy "%"', verb, policy_name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of datamesh_admin manage global policies; domain owners manage their domain''s policies.';
    END IF;
    RAISE EXCEPTION 'permission denied to % policy "%" of domain "%"', verb, policy_name, domain_name
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Members of the domain''s owner role and of datamesh_admin manage its policies.';
END
$fn$;
COMMENT ON FUNCTION datamesh._check_policy_scope(pg_catalog.regrole, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'internal: refuse policy changes outside the caller''s scope';

-- Raise unless value is one of allowed
CREATE FUNCTION datamesh._check_choice(what pg_catalog.text, value pg_catalog.text, allowed pg_catalog.text[])
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF value IS NULL THEN
        RAISE EXCEPTION 'policy % must not be null', what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT value = ANY (allowed) THEN
        RAISE EXCEPTION 'unknown policy % "%"', what, value
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Expected one of: %s.', array_to_string(allowed, ', '));
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh._check_choice(pg_catalog.text, pg_catalog.text, pg_catalog.text[]) IS
    'internal: check a policy field against its allowed values';

/*
 * Validate and compile a whole policy (for create and alter).  Returns the
 * normalized target and parameters and the compiled programs; raises on the
 * first problem, naming the field.
 */
CREATE FUNCTION datamesh._policy_prepare(
        p_name pg_catalog.text, p_kind pg_catalog.text, p_effect pg_catalog.text,
        p_condition pg_catalog.text, p_unless pg_catalog.text, p_domain pg_catalog.text,
        p_target pg_catalog.jsonb, p_parameters pg_catalog.jsonb, p_enforcement pg_catalog.text,
        OUT target pg_catalog.jsonb, OUT parameters pg_catalog.jsonb,
        OUT compiled_condition pg_catalog.bytea, OUT compiled_unless pg_catalog.bytea,
        OUT compiled_filter pg_catalog.bytea)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    request_kind boolean;
    per_column boolean;
    k text;
    v jsonb;
    allowed_params text[];
    roots text[] := '{}';
BEGIN
    IF p_name IS NULL OR btrim(p_name) = '' OR length(p_name) > 200 THEN
        RAISE EXCEPTION 'policy name must be 1 to 200 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM datamesh._check_choice('kind', p_kind,
        '{access,privacy,retention,quality,classification,compliance}');
    PERFORM datamesh._check_choice('effect', p_effect, '{allow,deny,mask,redact,require,row_filter}');
    PERFORM datamesh._check_choice('enforcement level', p_enforcement, '{block,warn,audit}');
    request_kind := p_kind IN ('access', 'privacy');
    IF NOT request_kind AND p_effect NOT IN ('require', 'deny') THEN
        RAISE EXCEPTION 'a % policy cannot have effect "%"', p_kind, p_effect
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Retention, quality, classification and compliance policies judge a data product: their effect is require or deny.';
    END IF;
    IF p_effect = 'allow' AND p_enforcement <> 'block' THEN
        RAISE EXCEPTION 'an allow policy cannot have enforcement level "%"', p_enforcement
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Enforcement levels apply to restrictions; an allow policy always grants.';
    END IF;
    IF p_effect = 'require' AND p_condition IS NULL THEN
        RAISE EXCEPTION 'a require policy needs a condition' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- target selector: each key a list of strings
    target := coalesce(p_target, '{}');
    IF jsonb_typeof(target) <> 'object' THEN
        RAISE EXCEPTION 'policy target must be a JSON object' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Keys: products, domains, tags, classifications, columns, column_tags; each a list of strings.';
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(target) LOOP
        IF k NOT IN ('products', 'domains', 'tags', 'classifications', 'columns', 'column_tags') THEN
            RAISE EXCEPTION 'unknown policy target "%"', k USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'Expected one of: products, domains, tags, classifications, columns, column_tags.';
        END IF;
        IF jsonb_typeof(v) <> 'array' OR jsonb_array_length(v) = 0
           OR EXISTS (SELECT FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
            RAISE EXCEPTION 'policy target "%" must be a non-empty list of strings', k
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF target ? 'domains' AND p_domain IS NOT NULL THEN
        RAISE EXCEPTION 'a domain policy cannot select domains' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Policy "%s" applies within domain "%s" only.', p_name, p_domain);
    END IF;
    SELECT e INTO k FROM jsonb_array_elements_text(target -> 'classifications') e
     WHERE NOT e = ANY (enum_range(NULL::datamesh.classification)::text[]) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown classification "%" in policy target', k USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Expected one of: public, internal, confidential, restricted.';
    END IF;
    IF p_effect = 'allow' AND (target ? 'columns' OR target ? 'column_tags') THEN
        RAISE EXCEPTION 'an allow policy cannot select columns' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Access is granted to a whole data product; restrict columns with deny, mask or redact policies.';
    END IF;

    -- parameters
    parameters := coalesce(p_parameters, '{}');
    IF jsonb_typeof(parameters) <> 'object' THEN
        RAISE EXCEPTION 'policy parameters must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    allowed_params := CASE p_effect WHEN 'mask' THEN '{style,pattern,show_first,show_last}'::text[]
                                    WHEN 'redact' THEN '{replacement}'::text[]
                                    WHEN 'row_filter' THEN '{filter}'::text[]
                                    ELSE '{}'::text[] END;
    SELECT x INTO k FROM jsonb_object_keys(parameters) x WHERE NOT x = ANY (allowed_params) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown parameter "%" for a % policy', k, p_effect USING ERRCODE = 'invalid_parameter_value',
            DETAIL = CASE WHEN cardinality(allowed_params) = 0 THEN format('A %s policy takes no parameters.', p_effect)
                          ELSE format('Expected: %s.', array_to_string(allowed_params, ', ')) END;
    END IF;
    IF p_effect = 'mask' THEN
        parameters := jsonb_build_object('style', 'partial') || parameters;
        PERFORM datamesh._check_choice('mask style', parameters ->> 'style', '{email,partial,hash}');
        IF jsonb_typeof(parameters -> 'style') <> 'string'
           OR (parameters ? 'pattern' AND jsonb_typeof(parameters -> 'pattern') <> 'string') THEN
            RAISE EXCEPTION 'mask style and pattern must be strings' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOREACH k IN ARRAY ARRAY['show_first', 'show_last'] LOOP
            IF parameters ? k AND (jsonb_typeof(parameters -> k) <> 'number'
                                   OR (parameters ->> k)::numeric NOT BETWEEN 0 AND 64
                                   OR (parameters ->> k)::numeric <> trunc((parameters ->> k)::numeric)) THEN
                RAISE EXCEPTION 'mask parameter "%" must be an integer from 0 to 64', k
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END LOOP;
        parameters := parameters || jsonb_build_object('pattern', coalesce(parameters ->> 'pattern',
            CASE parameters ->> 'style'
                WHEN 'email' THEN '***@domain'
                WHEN 'hash' THEN 'sha256'
                ELSE repeat('x', coalesce((parameters ->> 'show_first')::int, 1)) || '***'
                     || repeat('x', coalesce((parameters ->> 'show_last')::int, 0)) END));
    ELSIF p_effect = 'redact' THEN
        IF parameters ? 'replacement' AND jsonb_typeof(parameters -> 'replacement') NOT IN ('string', 'null') THEN
            RAISE EXCEPTION 'redact parameter "replacement" must be a string or null' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        parameters := jsonb_build_object('replacement', 'REDACTED') || parameters;
    ELSIF p_effect = 'row_filter' THEN
        IF jsonb_typeof(parameters -> 'filter') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'a row_filter policy needs parameters.filter, an expression over row'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        compiled_filter := datamesh._policy_compile(parameters ->> 'filter', datamesh._policy_schema(false, true), 'parameters.filter');
    END IF;

    -- conditions: compiled against the roots this policy may read
    per_column := p_effect <> 'allow';
    IF p_condition IS NOT NULL THEN
        compiled_condition := datamesh._policy_compile(p_condition, datamesh._policy_schema(per_column, false), 'condition');
        roots := roots || datamesh._policy_roots(compiled_condition);
    END IF;
    IF p_unless IS NOT NULL THEN
        compiled_unless := datamesh._policy_compile(p_unless, datamesh._policy_schema(per_column, false), 'unless');
        roots := roots || datamesh._policy_roots(compiled_unless);
    END IF;
    IF p_effect IN ('mask', 'redact') AND NOT (target ? 'columns' OR target ? 'column_tags' OR 'column' = ANY (roots)) THEN
        RAISE EXCEPTION 'a % policy must select columns', p_effect USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give target columns or column_tags, or test column attributes (column.pii, column.tags ...) in the condition.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_prepare(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text) IS
    'internal: validate and compile a policy';

-- The id of a policy named by id or by name
CREATE FUNCTION datamesh._policy_resolve(ref pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    ids text[];
BEGIN
    PERFORM FROM datamesh.policies p WHERE p.id = ref;
    IF FOUND THEN
        RETURN ref;
    END IF;
    ids := ARRAY(SELECT p.id FROM datamesh.policies p WHERE p.name = ref ORDER BY p.id);
    IF cardinality(ids) = 0 THEN
        RAISE EXCEPTION 'policy "%" does not exist', ref USING ERRCODE = 'undefined_object';
    ELSIF cardinality(ids) > 1 THEN
        RAISE EXCEPTION 'policy name "%" is ambiguous', ref USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Policies %s have this name.', array_to_string(ids, ', ')),
            HINT = 'Name the policy by its id.';
    END IF;
    RETURN ids[1];
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_resolve(pg_catalog.text) IS 'internal: find a policy by id or name';

-- Every product a policy target names exists and, for a domain policy, is of that domain
CREATE FUNCTION datamesh._policy_check_products(p_name pg_catalog.text, p_domain pg_catalog.text,
                                                p_target pg_catalog.jsonb) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text;
    pdomain text;
BEGIN
    FOR pid IN SELECT e FROM jsonb_array_elements_text(p_target -> 'products') WITH ORDINALITY t (e, n) ORDER BY n LOOP
        SELECT p.domain INTO pdomain FROM datamesh.data_products p WHERE p.product_id = pid;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'data product "%" does not exist', pid USING ERRCODE = 'undefined_object',
                DETAIL = format('Policy "%s" selects it in target products.', p_name);
        END IF;
        IF p_domain IS NOT NULL AND pdomain <> p_domain THEN
            RAISE EXCEPTION 'data product "%" of domain "%" cannot be selected by a policy of domain "%"',
                            pid, pdomain, p_domain USING ERRCODE = 'invalid_parameter_value',
                DETAIL = format('Policy "%s" applies within domain "%s" only.', p_name, p_domain);
        END IF;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION datamesh._policy_check_products(pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
    'internal: check the products a policy target selects (registered, in the policy''s domain)';

CREATE FUNCTION datamesh._create_policy(
        p_name pg_catalog.text, p_kind pg_catalog.text, p_effect pg_catalog.text,
        p_condition pg_catalog.text, p_unless pg_catalog.text, p_domain pg_catalog.text,
        p_target pg_catalog.jsonb, p_parameters pg_catalog.jsonb, p_enforcement pg_catalog.text,
        p_description pg_catalog.text, p_reason pg_catalog.text, p_enabled pg_catalog.bool,
        caller pg_catalog.regrole)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    prep record;
    new_id text;
BEGIN
    IF p_domain IS NOT NULL THEN
        PERFORM FROM datamesh.domains d WHERE d.name = p_domain;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'domain "%" does not exist', p_domain USING ERRCODE = 'undefined_object';
        END IF;
    END IF;
    PERFORM datamesh._check_policy_scope(caller, p_domain, 'create', p_name);
    prep := datamesh._policy_prepare(p_name, p_kind, p_effect, p_condition, p_unless, p_domain,
                                     p_target, p_parameters, coalesce(p_enforcement, 'block'));
    PERFORM datamesh._policy_check_products(p_name, p_domain, prep.target);
    PERFORM FROM datamesh.policies p WHERE coalesce(p.domain, '') = coalesce(p_domain, '') AND p.name = p_name;
    IF FOUND THEN
        RAISE EXCEPTION 'policy "%" already exists in %', p_name,
                        CASE WHEN p_domain IS NULL THEN 'the global scope' ELSE format('domain "%s"', p_domain) END
            USING ERRCODE = 'duplicate_object';
    END IF;
    new_id := format('%s.%s.%s', coalesce(p_domain, 'global'), p_kind,
                     lpad(nextval('datamesh.policy_seq')::text, 3, '0'));
    INSERT INTO datamesh.policies (id, name, description, domain, kind, effect, target, condition,
                                   unless_condition, parameters, enforcement, reason, enabled,
                                   compiled_condition, compiled_unless, compiled_filter, created_by)
    VALUES (new_id, p_name, p_description, p_domain, p_kind, p_effect, prep.target, p_condition,
            p_unless, prep.parameters, coalesce(p_enforcement, 'block'), p_reason, coalesce(p_enabled, true),
            prep.compiled_condition, prep.compiled_unless, prep.compiled_filter, caller);
    RETURN new_id;
END
$fn$;
COMMENT ON FUNCTION datamesh._create_policy(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text, pg_catalog.text,
    pg_catalog.text, pg_catalog.bool, pg_catalog.regrole) IS
    'internal: implementation of datamesh.create_policy';

CREATE FUNCTION datamesh.create_policy(
        name pg_catalog.text, kind pg_catalog.text, effect pg_catalog.text,
        condition pg_catalog.text DEFAULT NULL, unless pg_catalog.text DEFAULT NULL,
        domain pg_catalog.text DEFAULT NULL, target pg_catalog.jsonb DEFAULT '{}',
        parameters pg_catalog.jsonb DEFAULT '{}', enforcement pg_catalog.text DEFAULT 'block',
        description pg_catalog.text DEFAULT NULL, reason pg_catalog.text DEFAULT NULL,
        enabled pg_catalog.bool DEFAULT true)
    RETURNS pg_catalog.text
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.create_policy(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text, pg_catalog.text,
    pg_catalog.text, pg_catalog.bool) IS
    'create a global (datamesh_admin) or domain (domain owner) policy; its conditions are compiled and checked first; returns its id';

CREATE FUNCTION datamesh._alter_policy(
        p_policy pg_catalog.text, p_condition pg_catalog.text, p_unless pg_catalog.text,
        p_target pg_catalog.jsonb, p_parameters pg_catalog.jsonb, p_enforcement pg_catalog.text,
        p_description pg_catalog.text, p_reason pg_catalog.text, p_name pg_catalog.text,
        caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._policy_resolve(p_policy);
    cur datamesh.policies;
    prep record;
    new_condition text;
    new_unless text;
BEGIN
    SELECT * INTO cur FROM datamesh.policies p WHERE p.id = pid FOR UPDATE;
    PERFORM datamesh._check_policy_scope(caller, cur.domain, 'alter', cur.name);
    new_condition := CASE WHEN p_condition IS NULL THEN cur.condition
                          WHEN btrim(p_condition) = '' THEN NULL ELSE p_condition END;
    new_unless := CASE WHEN p_unless IS NULL THEN cur.unless_condition
                       WHEN btrim(p_unless) = '' THEN NULL ELSE p_unless END;
    prep := datamesh._policy_prepare(coalesce(p_name, cur.name), cur.kind, cur.effect, new_condition, new_unless,
                                     cur.domain, coalesce(p_target, cur.target),
                                     coalesce(p_parameters, cur.parameters), coalesce(p_enforcement, cur.enforcement));
    IF p_target IS NOT NULL THEN
        -- a stored target is kept as it is (a product it names may have been deleted since)
        PERFORM datamesh._policy_check_products(coalesce(p_name, cur.name), cur.domain, prep.target);
    END IF;
    IF p_name IS NOT NULL AND p_name <> cur.name THEN
        PERFORM FROM datamesh.policies p WHERE coalesce(p.domain, '') = coalesce(cur.domain, '') AND p.name = p_name;
        IF FOUND THEN
            RAISE EXCEPTION 'policy "%" already exists in %', p_name,
                            CASE WHEN cur.domain IS NULL THEN 'the global scope' ELSE format('domain "%s"', cur.domain) END
                USING ERRCODE = 'duplicate_object';
        END IF;
    END IF;
    UPDATE datamesh.policies p
       SET name = coalesce(p_name, cur.name),
           description = CASE WHEN p_description IS NULL THEN cur.description ELSE nullif(p_description, '') END,
           condition = new_condition, unless_condition = new_unless,
           target = prep.target, parameters = prep.parameters,
           enforcement = coalesce(p_enforcement, cur.enforcement),
           reason = CASE WHEN p_reason IS NULL THEN cur.reason ELSE nullif(p_reason, '') END,
           compiled_condition = prep.compiled_condition, compiled_unless = prep.compiled_unless,
           compiled_filter = prep.compiled_filter, updated_at = now()
     WHERE p.id = pid;
END
$fn$;
COMMENT ON FUNCTION datamesh._alter_policy(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb,
    pg_catalog.jsonb, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.alter_policy';

CREATE FUNCTION datamesh.alter_policy(
        policy pg_catalog.text, condition pg_catalog.text DEFAULT NULL, unless pg_catalog.text DEFAULT NULL,
        target pg_catalog.jsonb DEFAULT NULL, parameters pg_catalog.jsonb DEFAULT NULL,
        enforcement pg_catalog.text DEFAULT NULL, description pg_catalog.text DEFAULT NULL,
        reason pg_catalog.text DEFAULT NULL, name pg_catalog.text DEFAULT NULL)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.alter_policy(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb,
    pg_catalog.jsonb, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'change a policy (by id or name); NULL leaves a field unchanged, an empty condition, unless, reason or description removes it';

CREATE FUNCTION datamesh._set_policy_enabled(p_policy pg_catalog.text, p_enabled pg_catalog.bool,
                                             caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._policy_resolve(p_policy);
    cur datamesh.policies;
BEGIN
    SELECT * INTO cur FROM datamesh.policies p WHERE p.id = pid FOR UPDATE;
    PERFORM datamesh._check_policy_scope(caller, cur.domain, CASE WHEN p_enabled THEN 'enable' ELSE 'disable' END,
                                         cur.name);
    UPDATE datamesh.policies p SET enabled = p_enabled, updated_at = now() WHERE p.id = pid;
END
$fn$;
COMMENT ON FUNCTION datamesh._set_policy_enabled(pg_catalog.text, pg_catalog.bool, pg_catalog.regrole) IS
    'internal: enable or disable a policy';

CREATE FUNCTION datamesh._enable_policy(p_policy pg_catalog.text, caller pg_catalog.regrole) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT datamesh._set_policy_enabled(p_policy, true, caller) $fn$;
COMMENT ON FUNCTION datamesh._enable_policy(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.enable_policy';

CREATE FUNCTION datamesh.enable_policy(policy pg_catalog.text) RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.enable_policy(pg_catalog.text) IS 'enable a policy (by id or name)';

CREATE FUNCTION datamesh._disable_policy(p_policy pg_catalog.text, caller pg_catalog.regrole) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT datamesh._set_policy_enabled(p_policy, false, caller) $fn$;
COMMENT ON FUNCTION datamesh._disable_policy(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.disable_policy';

CREATE FUNCTION datamesh.disable_policy(policy pg_catalog.text) RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.disable_policy(pg_catalog.text) IS
    'disable a policy (by id or name); it stays stored but no decision uses it';

CREATE FUNCTION datamesh._drop_policy(p_policy pg_catalog.text, caller pg_catalog.regrole) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._policy_resolve(p_policy);
    cur datamesh.policies;
BEGIN
    SELECT * INTO cur FROM datamesh.policies p WHERE p.id = pid FOR UPDATE;
    PERFORM datamesh._check_policy_scope(caller, cur.domain, 'drop', cur.name);
    DELETE FROM datamesh.policies p WHERE p.id = pid;
END
$fn$;
COMMENT ON FUNCTION datamesh._drop_policy(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.drop_policy';

CREATE FUNCTION datamesh.drop_policy(policy pg_catalog.text) RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.drop_policy(pg_catalog.text) IS 'drop a policy (by id or name)';

CREATE FUNCTION datamesh.effective_policies(domain pg_catalog.text)
    RETURNS TABLE (policy_id pg_catalog.text, name pg_catalog.text, provenance pg_catalog.text,
                   kind pg_catalog.text, effect pg_catalog.text, enforcement pg_catalog.text,
                   target pg_catalog.jsonb, condition pg_catalog.text, unless_condition pg_catalog.text,
                   parameters pg_catalog.jsonb, description pg_catalog.text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF effective_policies.domain IS NOT NULL THEN
        PERFORM FROM datamesh.domains d WHERE d.name = effective_policies.domain;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'domain "%" does not exist', effective_policies.domain USING ERRCODE = 'undefined_object';
        END IF;
    END IF;
    RETURN QUERY
    SELECT p.id, p.name, CASE WHEN p.domain IS NULL THEN 'global' ELSE 'domain ' || p.domain END,
           p.kind, p.effect, p.enforcement, p.target, p.condition, p.unless_condition, p.parameters, p.description
      FROM datamesh.policies p
     WHERE p.enabled
       AND (p.domain = effective_policies.domain
            OR (p.domain IS NULL AND (NOT p.target ? 'domains' OR effective_policies.domain IS NULL
                                      OR p.target -> 'domains' ? effective_policies.domain)))
     ORDER BY p.domain IS NOT NULL, p.id;
END
$fn$;
COMMENT ON FUNCTION datamesh.effective_policies(pg_catalog.text) IS
    'enabled policies that apply in a domain: global ones first, then the domain''s own, with provenance';

------------------------------------------------------------- principals

CREATE FUNCTION datamesh._define_principal_attribute(p_name pg_catalog.text, p_type pg_catalog.text,
                                                     p_description pg_catalog.text, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to define principal attribute "%"', p_name
            USING ERRCODE = 'insufficient_privilege', HINT = 'Only members of datamesh_admin define principal attributes.';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z_][a-z0-9_]{0,62}$' OR p_name IN ('name', 'roles') THEN
        RAISE EXCEPTION 'invalid principal attribute name "%"', p_name USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A name has lower-case letters, digits and underscores; "name" and "roles" are built in.';
    END IF;
    PERFORM datamesh._check_choice('attribute type', p_type, '{string,number,bool,list<string>,list<number>}');
    PERFORM FROM datamesh.principal_attribute_types t WHERE t.name = p_name;
    IF FOUND THEN
        RAISE EXCEPTION 'principal attribute "%" already exists', p_name USING ERRCODE = 'duplicate_object';
    END IF;
    INSERT INTO datamesh.principal_attribute_types (name, type, description) VALUES (p_name, p_type, p_description);
END
$fn$;
COMMENT ON FUNCTION datamesh._define_principal_attribute(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.define_principal_attribute';

CREATE FUNCTION datamesh.define_principal_attribute(name pg_catalog.text, type pg_catalog.text,
                                                    description pg_catalog.text DEFAULT NULL)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.define_principal_attribute(pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'declare a principal attribute policies may read as user.<name> (datamesh_admin only)';

CREATE FUNCTION datamesh._set_principal_attributes(p_role pg_catalog.regrole, p_attributes pg_catalog.jsonb,
                                                   caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    k text;
    v jsonb;
    t text;
    attrs jsonb;
    well_typed boolean;
BEGIN
    IF NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to set attributes of role "%"', p_role
            USING ERRCODE = 'insufficient_privilege', HINT = 'Only members of datamesh_admin set principal attributes.';
    END IF;
    IF p_role IS NULL THEN
        RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_attributes IS NULL THEN
        DELETE FROM datamesh.principal_attributes a WHERE a.role = p_role;
        RETURN;
    END IF;
    IF jsonb_typeof(p_attributes) <> 'object' THEN
        RAISE EXCEPTION 'principal attributes must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    attrs := jsonb_strip_nulls(p_attributes);
    FOR k, v IN SELECT * FROM jsonb_each(attrs) LOOP
        SELECT a.type INTO t FROM datamesh.principal_attribute_types a WHERE a.name = k;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown principal attribute "%"', k USING ERRCODE = 'invalid_parameter_value',
                HINT = 'datamesh.define_principal_attribute() declares new attributes; name and roles are computed.';
        END IF;
        well_typed := CASE t WHEN 'string' THEN jsonb_typeof(v) = 'string'
                             WHEN 'number' THEN jsonb_typeof(v) = 'number'
                             WHEN 'bool' THEN jsonb_typeof(v) = 'boolean'
                             ELSE jsonb_typeof(v) = 'array' AND NOT EXISTS (
                                      SELECT FROM jsonb_array_elements(v) e
                                       WHERE jsonb_typeof(e) <> CASE t WHEN 'list<string>' THEN 'string' ELSE 'number' END) END;
        IF NOT well_typed THEN
            RAISE EXCEPTION 'principal attribute "%" must be %, got %', k, t, jsonb_typeof(v)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    INSERT INTO datamesh.principal_attributes AS a (role, attributes, updated_by) VALUES (p_role, attrs, caller)
        ON CONFLICT (role) DO UPDATE SET attributes = excluded.attributes, updated_by = excluded.updated_by,
                                         updated_at = now();
END
$fn$;
COMMENT ON FUNCTION datamesh._set_principal_attributes(pg_catalog.regrole, pg_catalog.jsonb, pg_catalog.regrole) IS
    'internal: implementation of datamesh.set_principal_attributes';

CREATE FUNCTION datamesh.set_principal_attributes(role pg_catalog.regrole, attributes pg_catalog.jsonb)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.set_principal_attributes(pg_catalog.regrole, pg_catalog.jsonb) IS
    'replace the attributes policies see for a role (datamesh_admin only); NULL removes them';

CREATE FUNCTION datamesh._principal_attributes(p_role pg_catalog.regrole, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF NOT (datamesh._is_admin(caller) OR pg_has_role(caller::oid, p_role::oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'permission denied to read attributes of role "%"', p_role
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Administrators read every role''s attributes, other roles their own.';
    END IF;
    RETURN (SELECT a.attributes FROM datamesh.principal_attributes a WHERE a.role = p_role);
END
$fn$;
COMMENT ON FUNCTION datamesh._principal_attributes(pg_catalog.regrole, pg_catalog.regrole) IS
    'internal: implementation of datamesh.principal_attributes';

CREATE FUNCTION datamesh.principal_attributes(role pg_catalog.regrole) RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.principal_attributes(pg_catalog.regrole) IS
    'the attributes stored for a role (administrators: any role; others: roles they are members of)';

--------------------------------------------------------------- decisions

CREATE FUNCTION datamesh.evaluate(principal pg_catalog.regrole, action pg_catalog.text,
                                  product_id pg_catalog.text, columns pg_catalog.text[] DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_evaluate';
COMMENT ON FUNCTION datamesh.evaluate(pg_catalog.regrole, pg_catalog.text, pg_catalog.text, pg_catalog.text[]) IS
    'access decision for a principal, an action and a data product''s columns: decision, policies applied, transformations';

CREATE FUNCTION datamesh.check_compliance(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_check_compliance';
COMMENT ON FUNCTION datamesh.check_compliance(pg_catalog.text, datamesh.semver) IS
    'judge a data product version (default: current) against the retention, quality, classification and compliance policies';

CREATE FUNCTION datamesh._policy_compliance(product_id pg_catalog.text, version datamesh.semver,
                                            principal pg_catalog.regrole, contract pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_policy_compliance';
COMMENT ON FUNCTION datamesh._policy_compliance(pg_catalog.text, datamesh.semver, pg_catalog.regrole, pg_catalog.jsonb) IS
    'internal: check_compliance on behalf of a role, at registration or (with a contract) at contract publication';

/*
 * Compliance at registration (called by _register_product after it wrote
 * the version) or at contract publication (with the contract as a jsonb
 * object, seen by policies as the contract root): block-level violations
 * raise an error listing every one, which rolls the change back; warnings
 * are raised as WARNING and recorded in the audit table, as are audit-level
 * findings.
 */
CREATE FUNCTION datamesh._registration_compliance(pid pg_catalog.text, ver datamesh.semver,
                                                  caller pg_catalog.regrole, contract pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    r jsonb := datamesh._policy_compliance(pid, ver, caller, contract);
    w jsonb;
    n int := jsonb_array_length(r -> 'violations');
    what text := CASE WHEN contract IS NULL THEN 'register' ELSE 'publish' END;
BEGIN
    IF n > 0 THEN
        RAISE EXCEPTION '% violates % polic%',
                        CASE WHEN contract IS NULL THEN format('data product "%s" version %s', pid, ver)
                             ELSE format('contract version %s of data product "%s" (product version %s)',
                                         contract ->> 'version', pid, ver) END,
                        n, CASE WHEN n > 1 THEN 'ies' ELSE 'y' END
            USING ERRCODE = 'check_violation',
                  DETAIL = (SELECT string_agg(format('%s (%s): %s', v ->> 'policy', v ->> 'policy_id', v ->> 'reason'),
                                              E'\n' ORDER BY x.ord)
                              FROM jsonb_array_elements(r -> 'violations') WITH ORDINALITY AS x(v, ord)),
                  HINT = CASE WHEN contract IS NULL
                              THEN 'Nothing was registered; datamesh.check_compliance() judges a registered product.'
                              ELSE 'Nothing was published.' END;
    END IF;
    FOR w IN SELECT * FROM jsonb_array_elements(r -> 'warnings') LOOP
        RAISE WARNING '%: policy "%" (%): %',
                      CASE WHEN contract IS NULL THEN format('data product "%s" version %s', pid, ver)
                           ELSE format('contract version %s of data product "%s"', contract ->> 'version', pid) END,
                      w ->> 'policy', w ->> 'policy_id', w ->> 'reason';
    END LOOP;
    -- (no statement at all when there is nothing to record: the common case)
    IF jsonb_array_length(r -> 'warnings') > 0 OR jsonb_array_length(r -> 'audited') > 0 THEN
        INSERT INTO datamesh.policy_audit (principal, requested_by, action, product_id, decision, policy_ids,
                                           enforcement, reason, details)
        SELECT caller::text, session_user, what, pid, f ->> 'severity',
               ARRAY[f ->> 'policy_id'], ARRAY[CASE f ->> 'severity' WHEN 'warning' THEN 'warn' ELSE 'audit' END],
               f ->> 'reason', jsonb_build_object('version', ver::text)
                               || CASE WHEN contract ? 'version'
                                       THEN jsonb_build_object('contract_version', contract ->> 'version') ELSE '{}' END
          FROM jsonb_array_elements((r -> 'warnings') || (r -> 'audited')) f;
    END IF;
    RETURN r;
END
$fn$;
COMMENT ON FUNCTION datamesh._registration_compliance(pg_catalog.text, datamesh.semver, pg_catalog.regrole, pg_catalog.jsonb) IS
    'internal: run compliance for a version being registered or a contract being published: reject on violations, warn and record the rest';

REVOKE ALL ON FUNCTION datamesh.evaluate(pg_catalog.regrole, pg_catalog.text, pg_catalog.text, pg_catalog.text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.check_compliance(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.effective_policies(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.evaluate(pg_catalog.regrole, pg_catalog.text, pg_catalog.text, pg_catalog.text[]) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.check_compliance(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.effective_policies(pg_catalog.text) TO datamesh_reader;
