/*
 * Discovery: views and read functions over the catalog.  They run with the
 * caller's privileges; reading the catalog takes membership in
 * datamesh_reader (granted to every domain owner).
 */

-- The version of a product that consumers see: the highest active one, else
-- the highest deprecated, else the highest draft, else the highest retired.
CREATE VIEW datamesh.products AS
SELECT p.product_id, p.domain, v.display_name, v.version AS current_version, v.status,
       v.description, v.owner_team, v.owner_email, v.product_type, v.classification,
       v.retention, v.tags, s.availability, s.freshness, s.completeness,
       (SELECT pg_catalog.count(*) FROM datamesh.product_versions c
         WHERE c.product_id OPERATOR(pg_catalog.=) p.product_id) AS version_count,
       p.created_at, p.updated_at
  FROM datamesh.data_products p
 CROSS JOIN LATERAL (
       SELECT x.* FROM datamesh.product_versions x
        WHERE x.product_id OPERATOR(pg_catalog.=) p.product_id
        ORDER BY pg_catalog.array_position(ARRAY['active', 'deprecated', 'draft', 'retired']::datamesh.product_status[], x.status),
                 x.version DESC
        LIMIT 1) v
  LEFT JOIN datamesh.product_slas s
    ON s.product_id OPERATOR(pg_catalog.=) v.product_id AND s.version OPERATOR(datamesh.=) v.version;
COMMENT ON VIEW datamesh.products IS 'one row per data product with its current version';

CREATE VIEW datamesh.versions AS
SELECT v.product_id, v.version, v.status, v.display_name, v.classification, v.product_type,
       v.registered_by, v.created_at, v.status_changed_at,
       v.version OPERATOR(datamesh.=) pr.current_version AS is_current
  FROM datamesh.product_versions v
  JOIN datamesh.products pr ON pr.product_id OPERATOR(pg_catalog.=) v.product_id;
COMMENT ON VIEW datamesh.versions IS 'every registered version of every data product';

CREATE VIEW datamesh.product_ports AS
SELECT o.product_id, o.version, 'output'::pg_catalog.text AS direction, o.name, o.port_type,
       o.format, o.location, o.relation, NULL::pg_catalog.text AS source_product,
       NULL::pg_catalog.text AS version_range, NULL::datamesh.semver AS resolved_version
  FROM datamesh.output_ports o
  JOIN datamesh.products pr ON pr.product_id OPERATOR(pg_catalog.=) o.product_id
                           AND pr.current_version OPERATOR(datamesh.=) o.version
UNION ALL
SELECT i.product_id, i.version, 'input', i.source_product, i.mode, i.properties OPERATOR(pg_catalog.->>) 'format',
       NULL, NULL, i.source_product, i.version_range, i.resolved_version
  FROM datamesh.input_ports i
  JOIN datamesh.products pr ON pr.product_id OPERATOR(pg_catalog.=) i.product_id
                           AND pr.current_version OPERATOR(datamesh.=) i.version;
COMMENT ON VIEW datamesh.product_ports IS
    'output and input ports of each product''s current version';

GRANT SELECT ON datamesh.products, datamesh.versions, datamesh.product_ports TO datamesh_reader;

-- Resolve a product reference for the read functions, or raise undefined_object
CREATE FUNCTION datamesh._lookup_product(ref pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text;
    dom text;
BEGIN
    pid := CASE WHEN strpos(ref, '.') > 0 THEN substr(ref, strpos(ref, '.') + 1) ELSE ref END;
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = pid;
    IF NOT FOUND OR (strpos(ref, '.') > 0 AND split_part(ref, '.', 1) <> dom) THEN
        RAISE EXCEPTION 'data product "%" does not exist', ref USING ERRCODE = 'undefined_object';
    END IF;
    RETURN pid;
END
$fn$;
COMMENT ON FUNCTION datamesh._lookup_product(pg_catalog.text) IS
    'internal: resolve a possibly domain-qualified product reference or raise an error';

-- The version to read: the one asked for, or the current one
CREATE FUNCTION datamesh._lookup_version(pid pg_catalog.text, want datamesh.semver) RETURNS datamesh.semver
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    found_version datamesh.semver;
BEGIN
    IF want IS NULL THEN
        SELECT p.current_version INTO found_version FROM datamesh.products p WHERE p.product_id = pid;
    ELSE
        SELECT v.version INTO found_version FROM datamesh.product_versions v
         WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) want;
    END IF;
    IF found_version IS NULL THEN
        RAISE EXCEPTION 'version % of data product "%" does not exist', want, pid USING ERRCODE = 'undefined_object';
    END IF;
    RETURN found_version;
END
$fn$;
COMMENT ON FUNCTION datamesh._lookup_version(pg_catalog.text, datamesh.semver) IS
    'internal: the requested or current version of a product, or an error';

CREATE FUNCTION datamesh.get_product(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET IntervalStyle = 'iso_8601'   -- durations as ISO 8601 ("PT1H") whatever the session's style
    AS $fn$
DECLARE
    pid text := datamesh._lookup_product(product_id);
    ver datamesh.semver := datamesh._lookup_version(pid, version);
    result jsonb;
BEGIN
    SELECT jsonb_build_object(
        'product_id', p.product_id,
        'domain', p.domain,
        'display_name', v.display_name,
        'version', v.version::text,
        'current_version', cur.current_version::text,
        'status', v.status,
        'description', v.description,
        'owner', jsonb_build_object('team', v.owner_team, 'email', v.owner_email),
        'type', v.product_type,
        'classification', v.classification,
        'retention', v.retention,
        'tags', to_jsonb(v.tags),
        'schema', v.schema,
        'storage_location', v.storage_location,
        'transformation_code_repo', v.code_repository,
        'sla', (SELECT jsonb_strip_nulls(to_jsonb(s) - '{product_id,version}'::text[])
                  FROM datamesh.product_slas s WHERE s.product_id = pid AND s.version OPERATOR(datamesh.=) ver),
        'output_ports', coalesce((
            SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                       'name', o.name, 'type', o.port_type, 'format', o.format, 'location', o.location,
                       'relation', o.relation::text)) || o.properties ORDER BY o.name)
              FROM datamesh.output_ports o WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) ver), '[]'),
        'input_ports', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'source', i.source_product, 'domain', sp.domain, 'type', i.mode,
                       'version_range', i.version_range, 'resolved_version', i.resolved_version::text,
                       'current_match', (SELECT datamesh.max(x.version)::text FROM datamesh.product_versions x
                                          WHERE x.product_id = i.source_product AND x.status = 'active'
                                            AND datamesh.satisfies(x.version, i.version_range)))
                       || i.properties ORDER BY i.ordinal)
              FROM datamesh.input_ports i JOIN datamesh.data_products sp ON sp.product_id = i.source_product
             WHERE i.product_id = pid AND i.version OPERATOR(datamesh.=) ver), '[]'),
        'dependencies', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'data_product', d.depends_on, 'domain', dp.domain,
                       'version_range', d.version_range, 'resolved_version', d.resolved_version::text,
                       'current_match', (SELECT datamesh.max(x.version)::text FROM datamesh.product_versions x
                                          WHERE x.product_id = d.depends_on AND x.status = 'active'
                                            AND datamesh.satisfies(x.version, d.version_range)))
                       ORDER BY d.ordinal)
              FROM datamesh.product_dependencies d JOIN datamesh.data_products dp ON dp.product_id = d.depends_on
             WHERE d.product_id = pid AND d.version OPERATOR(datamesh.=) ver), '[]'),
        'quality', coalesce((
            SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('name', q.name, 'rule', q.rule,
                       'severity', q.severity, 'description', q.description)) ORDER BY q.name)
              FROM datamesh.quality_rules q WHERE q.product_id = pid AND q.version OPERATOR(datamesh.=) ver), '[]'),
        'observability', jsonb_build_object(
            'metrics', coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('name', m.name,
                                        'type', m.metric_type, 'description', m.description)) ORDER BY m.name)
                                   FROM datamesh.observability_metrics m
                                  WHERE m.product_id = pid AND m.version OPERATOR(datamesh.=) ver), '[]'),
            'alerts', coalesce((SELECT jsonb_agg(jsonb_build_object('name', a.name, 'condition', a.condition,
                                       'severity', a.severity) ORDER BY a.name)
                                  FROM datamesh.observability_alerts a
                                 WHERE a.product_id = pid AND a.version OPERATOR(datamesh.=) ver), '[]')),
        'policies', coalesce((
            SELECT jsonb_agg(jsonb_build_object('type', dp.policy_type, 'rule', dp.rule) ORDER BY dp.ordinal)
              FROM datamesh.declared_policies dp WHERE dp.product_id = pid AND dp.version OPERATOR(datamesh.=) ver), '[]'),
        'consumers', coalesce((
            SELECT jsonb_agg(DISTINCT c.product_id)
              FROM (SELECT i.product_id FROM datamesh.input_ports i WHERE i.source_product = pid
                    UNION SELECT d.product_id FROM datamesh.product_dependencies d WHERE d.depends_on = pid) c),
            '[]'),
        'versions', (SELECT jsonb_agg(jsonb_build_object('version', x.version::text, 'status', x.status,
                                                         'created_at', x.created_at) ORDER BY x.version DESC)
                       FROM datamesh.product_versions x WHERE x.product_id = pid),
        'registered_by', v.registered_by::text,
        'created_at', v.created_at,
        'updated_at', p.updated_at)
      INTO result
      FROM datamesh.data_products p
      JOIN datamesh.product_versions v ON v.product_id = p.product_id AND v.version OPERATOR(datamesh.=) ver
     CROSS JOIN (SELECT pr.current_version FROM datamesh.products pr WHERE pr.product_id = pid) cur
     WHERE p.product_id = pid;
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION datamesh.get_product(pg_catalog.text, datamesh.semver) IS
    'everything about a data product version (default: the current one), dependencies resolved; durations in ISO 8601';

CREATE FUNCTION datamesh.export_manifest(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._lookup_product(product_id);
    ver datamesh.semver := datamesh._lookup_version(pid, version);
BEGIN
    RETURN datamesh.jsonb_to_yaml((SELECT v.manifest FROM datamesh.product_versions v
                                    WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) ver));
END
$fn$;
COMMENT ON FUNCTION datamesh.export_manifest(pg_catalog.text, datamesh.semver) IS
    'the YAML manifest of a product version (default: the current one); registering it again gives the identical product';
