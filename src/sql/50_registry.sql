/*
 * Domains and product registration.
 *
 * Public functions that change the catalog are LANGUAGE C trampolines
 * (datamesh_call_privileged, src/invoker.c): they run as the caller and call
 * datamesh._<name>(same arguments, caller regrole), a SECURITY DEFINER
 * implementation that nobody else may execute.  The implementation decides
 * what the caller may do.
 */

------------------------------------------------------------------- domains

-- Make a role a catalog reader unless it already is a direct member
CREATE FUNCTION datamesh._grant_reader(member pg_catalog.regrole) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    PERFORM FROM pg_auth_members m
      WHERE m.roleid = 'datamesh_reader'::regrole AND m.member = _grant_reader.member;
    IF NOT FOUND THEN
        EXECUTE format('GRANT datamesh_reader TO %s', member);  -- regrole text is quoted
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh._grant_reader(pg_catalog.regrole) IS
    'internal: grant datamesh_reader to a domain owner role';

CREATE FUNCTION datamesh._create_domain(name pg_catalog.text, owner pg_catalog.regrole,
                                        description pg_catalog.text, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to create domain "%"', name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of datamesh_admin create domains.';
    END IF;
    IF name IS NULL OR owner IS NULL THEN
        RAISE EXCEPTION 'domain name and owner must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF name !~ '^[a-z][a-z0-9-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid domain name "%"', name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A domain name starts with a lower-case letter and has at most 63 lower-case letters, digits and hyphens.';
    END IF;
    IF EXISTS (SELECT FROM datamesh.domains d WHERE d.name = _create_domain.name) THEN
        RAISE EXCEPTION 'domain "%" already exists', name
            USING ERRCODE = 'duplicate_object';
    END IF;
    INSERT INTO datamesh.domains (name, description, owner)
    VALUES (_create_domain.name, _create_domain.description, _create_domain.owner);
    -- owners of a domain can discover the catalog they publish into
    PERFORM datamesh._grant_reader(owner);
END
$fn$;
COMMENT ON FUNCTION datamesh._create_domain(pg_catalog.text, pg_catalog.regrole, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.create_domain';

CREATE FUNCTION datamesh.create_domain(name pg_catalog.text, owner pg_catalog.regrole,
                                       description pg_catalog.text DEFAULT NULL)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.create_domain(pg_catalog.text, pg_catalog.regrole, pg_catalog.text) IS
    'create a business domain owned by a role (datamesh_admin only)';

CREATE FUNCTION datamesh._alter_domain(name pg_catalog.text, owner pg_catalog.regrole,
                                       description pg_catalog.text, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    PERFORM FROM datamesh.domains d WHERE d.name = _alter_domain.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'domain "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
    IF owner IS NOT NULL AND NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to change the owner of domain "%"', name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of datamesh_admin change domain owners.';
    END IF;
    IF NOT datamesh._can_manage_domain(caller, name) THEN
        RAISE EXCEPTION 'permission denied to alter domain "%"', name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the domain''s owner role and of datamesh_admin may alter it.';
    END IF;
    UPDATE datamesh.domains d
       SET owner = coalesce(_alter_domain.owner, d.owner),
           description = coalesce(_alter_domain.description, d.description),
           updated_at = now()
     WHERE d.name = _alter_domain.name;
    IF owner IS NOT NULL THEN
        PERFORM datamesh._grant_reader(owner);
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh._alter_domain(pg_catalog.text, pg_catalog.regrole, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.alter_domain';

CREATE FUNCTION datamesh.alter_domain(name pg_catalog.text, owner pg_catalog.regrole DEFAULT NULL,
                                      description pg_catalog.text DEFAULT NULL)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.alter_domain(pg_catalog.text, pg_catalog.regrole, pg_catalog.text) IS
    'change a domain''s owner (datamesh_admin only) or description (owner or admin); NULL leaves a field unchanged';

CREATE FUNCTION datamesh._drop_domain(name pg_catalog.text, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    n bigint;
BEGIN
    IF NOT datamesh._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied to drop domain "%"', name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of datamesh_admin drop domains.';
    END IF;
    PERFORM FROM datamesh.domains d WHERE d.name = _drop_domain.name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'domain "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
    SELECT count(*) INTO n FROM datamesh.data_products p WHERE p.domain = _drop_domain.name;
    IF n > 0 THEN
        RAISE EXCEPTION 'cannot drop domain "%" because it has % data product(s)', name, n
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Delete or retire its data products first.';
    END IF;
    DELETE FROM datamesh.domains d WHERE d.name = _drop_domain.name;
END
$fn$;
COMMENT ON FUNCTION datamesh._drop_domain(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.drop_domain';

CREATE FUNCTION datamesh.drop_domain(name pg_catalog.text)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.drop_domain(pg_catalog.text) IS
    'drop a domain that has no data products (datamesh_admin only)';

-------------------------------------------------------------- registration

-- Parse a manifest given as YAML or JSON text
CREATE FUNCTION datamesh._parse_manifest(manifest pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF manifest IS NULL THEN
        RAISE EXCEPTION 'manifest must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN datamesh.yaml_to_jsonb(manifest);
END
$fn$;
COMMENT ON FUNCTION datamesh._parse_manifest(pg_catalog.text) IS
    'internal: parse a YAML or JSON manifest';

CREATE FUNCTION datamesh._validate_product(manifest pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    r jsonb := datamesh._check_manifest(datamesh._parse_manifest(manifest), caller);
    dom text := r #>> '{product,domain}';
BEGIN
    IF dom IS NOT NULL AND EXISTS (SELECT FROM datamesh.domains d WHERE d.name = dom)
       AND NOT datamesh._can_manage_domain(caller, dom) THEN
        r := jsonb_set(r, '{problems}', (r -> 'problems') || to_jsonb(format(
                 'metadata.domain: role "%s" may not register data products in domain "%s"', caller, dom)));
        r := jsonb_set(r, '{checks,ownership}', '"failed"');
    END IF;
    RETURN jsonb_build_object(
        'product_id', r #> '{product,product_id}',
        'version', r #> '{product,version}',
        'valid', jsonb_array_length(r -> 'problems') = 0,
        'validation_checks', r -> 'checks',
        'problems', r -> 'problems',
        'warnings', r -> 'warnings');
END
$fn$;
COMMENT ON FUNCTION datamesh._validate_product(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.validate_product';

CREATE FUNCTION datamesh.validate_product(manifest pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.validate_product(pg_catalog.text) IS
    'check a DataProduct manifest (YAML or JSON) without registering it; lists every problem with its path';

CREATE FUNCTION datamesh._register_product(manifest pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    doc jsonb := datamesh._parse_manifest(manifest);
    r jsonb;
    prod jsonb;
    pid text;
    ver datamesh.semver;
    dom text;
    existing_domain text;
    existing jsonb;
    status datamesh.product_status;
    problems text[]; compliance jsonb;  -- compliance: policy engine's verdict (82_policy.sql)
BEGIN
    r := datamesh._check_manifest(doc, caller);
    prod := r -> 'product';
    pid := prod ->> 'product_id';
    dom := prod ->> 'domain';

    -- who may write: members of the domain's owner role (both the product's
    -- current domain and the one named), or platform administrators
    SELECT p.domain INTO existing_domain FROM datamesh.data_products p WHERE p.product_id = pid;
    IF (dom IS NOT NULL AND EXISTS (SELECT FROM datamesh.domains d WHERE d.name = dom)
        AND NOT datamesh._can_manage_domain(caller, dom))
       OR (existing_domain IS NOT NULL AND NOT datamesh._can_manage_domain(caller, existing_domain)) THEN
        RAISE EXCEPTION 'permission denied to register data products in domain "%"', coalesce(existing_domain, dom)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the domain''s owner role and of datamesh_admin may register its data products.';
    END IF;

    problems := ARRAY(SELECT jsonb_array_elements_text(r -> 'problems'));
    IF pid IS NOT NULL AND prod ->> 'version' IS NOT NULL
       AND EXISTS (SELECT FROM datamesh.domains d WHERE d.name = dom) THEN
        /*
         * Serialize registrations of one product: create its row or wait for
         * a concurrent registration that is creating it, then lock it.  Each
         * statement sees what committed before it (READ COMMITTED), so a
         * concurrent registration of the same version is found below.
         */
        INSERT INTO datamesh.data_products (product_id, domain) VALUES (pid, dom)
            ON CONFLICT (product_id) DO NOTHING;
        SELECT p.domain INTO existing_domain FROM datamesh.data_products p
         WHERE p.product_id = pid FOR UPDATE;
        IF existing_domain <> dom AND NOT format('metadata.domain: data product "%s" belongs to domain "%s"; a product cannot move between domains',
                                                 pid, existing_domain) = ANY (problems) THEN
            problems := problems || format('metadata.domain: data product "%s" belongs to domain "%s"; a product cannot move between domains',
                                           pid, existing_domain);
        END IF;
        ver := (prod ->> 'version')::datamesh.semver;
        SELECT v.manifest, v.status INTO existing, status
          FROM datamesh.product_versions v WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) ver;
        IF FOUND THEN
            IF existing = doc THEN
                RETURN jsonb_build_object(
                    'product_id', pid, 'version', ver::text, 'status', status, 'result', 'unchanged',
                    'validation_checks', r -> 'checks', 'warnings', r -> 'warnings');
            END IF;
            RAISE EXCEPTION 'version % of data product "%" is already registered with different content', ver, pid
                USING ERRCODE = 'duplicate_object',
                      DETAIL = 'Registered versions are immutable.',
                      HINT = 'Register the change under a new version.';
        END IF;
    END IF;

    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION '%: % problem%', CASE WHEN pid IS NULL THEN 'invalid data product manifest'
                                  ELSE format('invalid manifest for data product "%s"', pid) END,
                        cardinality(problems), CASE WHEN cardinality(problems) > 1 THEN 's' ELSE '' END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = array_to_string(problems, E'\n'),
                  HINT = 'Fix every listed problem; datamesh.validate_product() checks a manifest without registering it.';
    END IF;

    UPDATE datamesh.data_products p SET updated_at = now() WHERE p.product_id = pid;
    INSERT INTO datamesh.product_versions
        (product_id, version, display_name, description, owner_team, owner_email, product_type,
         classification, retention, tags, status, schema, storage_location, code_repository,
         manifest, registered_by)
    SELECT pid, ver, x.display_name, x.description, x.owner_team, x.owner_email, x.product_type,
           x.classification, x.retention, x.tags, x.status, x.schema, x.storage_location,
           x.code_repository, doc, caller
      FROM jsonb_to_record(prod) AS x(display_name text, description text, owner_team text,
           owner_email text, product_type datamesh.product_type,
           classification datamesh.classification, retention interval, tags text[],
           status datamesh.product_status, schema jsonb, storage_location text, code_repository text);

    INSERT INTO datamesh.output_ports (product_id, version, name, port_type, format, location, relation, properties)
    SELECT pid, ver, x.name, x.port_type, x.format, x.location, x.relation::regclass, x.properties
      FROM jsonb_to_recordset(r -> 'output_ports')
           AS x(name text, port_type text, format text, location text, relation oid, properties jsonb);

    INSERT INTO datamesh.input_ports (product_id, version, ordinal, source_product, version_range, mode,
                                      resolved_version, properties)
    SELECT pid, ver, x.ordinal, x.product_id, x.version_range, x.mode, x.resolved_version, x.properties
      FROM jsonb_to_recordset(r -> 'input_ports')
           AS x(ordinal int, product_id text, version_range text, mode text,
                resolved_version datamesh.semver, properties jsonb);

    INSERT INTO datamesh.product_dependencies (product_id, version, ordinal, depends_on, version_range, resolved_version)
    SELECT pid, ver, x.ordinal, x.product_id, x.version_range, x.resolved_version
      FROM jsonb_to_recordset(r -> 'dependencies')
           AS x(ordinal int, product_id text, version_range text, resolved_version datamesh.semver);

    INSERT INTO datamesh.product_slas (product_id, version, availability, freshness, completeness, accuracy,
                                       timeliness, timeliness_within, retention)
    SELECT pid, ver, x.availability, x.freshness, x.completeness, x.accuracy, x.timeliness,
           x.timeliness_within, x.retention
      FROM jsonb_to_record(r -> 'sla')
           AS x(availability numeric, freshness interval, completeness numeric, accuracy numeric,
                timeliness numeric, timeliness_within interval, retention interval)
     WHERE jsonb_typeof(r -> 'sla') = 'object';

    INSERT INTO datamesh.quality_rules (product_id, version, name, rule, severity, description)
    SELECT pid, ver, x.name, x.rule, x.severity, x.description
      FROM jsonb_to_recordset(r -> 'quality') AS x(name text, rule text, severity text, description text);

    INSERT INTO datamesh.observability_metrics (product_id, version, name, metric_type, description)
    SELECT pid, ver, x.name, x.metric_type, x.description
      FROM jsonb_to_recordset(r -> 'metrics') AS x(name text, metric_type text, description text);

    INSERT INTO datamesh.observability_alerts (product_id, version, name, condition, severity)
    SELECT pid, ver, x.name, x.condition, x.severity
      FROM jsonb_to_recordset(r -> 'alerts') AS x(name text, condition text, severity text);

    INSERT INTO datamesh.declared_policies (product_id, version, ordinal, policy_type, rule)
    SELECT pid, ver, x.ordinal, x.policy_type, x.rule
      FROM jsonb_to_recordset(r -> 'policies') AS x(ordinal int, policy_type text, rule text);

    -- policy engine (src/sql/82_policy.sql): block-level violations raise and
    -- roll all of the above back; warnings are raised and recorded
    compliance := datamesh._registration_compliance(pid, ver, caller);

    RETURN jsonb_build_object(
        'product_id', pid, 'version', ver::text, 'status', prod ->> 'status', 'result', 'registered',
        'validation_checks', r -> 'checks', 'warnings', r -> 'warnings')
        || CASE WHEN jsonb_array_length(compliance -> 'warnings') > 0
                THEN jsonb_build_object('policy_warnings', compliance -> 'warnings') ELSE '{}' END;
END
$fn$;
COMMENT ON FUNCTION datamesh._register_product(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.register_product';

CREATE FUNCTION datamesh.register_product(manifest pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.register_product(pg_catalog.text) IS
    'register a data product version from a DataProduct manifest (YAML or JSON); validates everything first and writes nothing unless all is valid';

--------------------------------------------------------------- lifecycle

CREATE FUNCTION datamesh._set_version_status(product_id pg_catalog.text, version datamesh.semver,
                                             status datamesh.product_status, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    dom text;
    current datamesh.product_status;
BEGIN
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = _set_version_status.product_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" does not exist', product_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to change data product "%"', product_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the domain''s owner role and of datamesh_admin may change its data products.';
    END IF;
    SELECT v.status INTO current FROM datamesh.product_versions v
     WHERE v.product_id = _set_version_status.product_id AND v.version OPERATOR(datamesh.=) _set_version_status.version
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'version % of data product "%" does not exist', version, product_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF status IS NULL OR status < current OR current = 'retired' THEN
        RAISE EXCEPTION 'cannot change status of version % of data product "%" from % to %',
                        version, product_id, current, coalesce(status::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A version moves forward only: draft, active, deprecated, retired.';
    END IF;
    UPDATE datamesh.product_versions v
       SET status = _set_version_status.status, status_changed_at = now()
     WHERE v.product_id = _set_version_status.product_id AND v.version OPERATOR(datamesh.=) _set_version_status.version;
    UPDATE datamesh.data_products p SET updated_at = now() WHERE p.product_id = _set_version_status.product_id;
END
$fn$;
COMMENT ON FUNCTION datamesh._set_version_status(pg_catalog.text, datamesh.semver, datamesh.product_status, pg_catalog.regrole) IS
    'internal: implementation of datamesh.set_version_status';

CREATE FUNCTION datamesh.set_version_status(product_id pg_catalog.text, version datamesh.semver,
                                            status datamesh.product_status)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.set_version_status(pg_catalog.text, datamesh.semver, datamesh.product_status) IS
    'move a product version forward in its lifecycle (draft, active, deprecated, retired)';

CREATE FUNCTION datamesh._delete_product(product_id pg_catalog.text, caller pg_catalog.regrole)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    dom text;
    users text;
BEGIN
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = _delete_product.product_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" does not exist', product_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to delete data product "%"', product_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the domain''s owner role and of datamesh_admin may delete its data products.';
    END IF;
    SELECT string_agg(DISTINCT u.product_id, ', ') INTO users
      FROM (SELECT i.product_id FROM datamesh.input_ports i WHERE i.source_product = _delete_product.product_id
            UNION SELECT d.product_id FROM datamesh.product_dependencies d WHERE d.depends_on = _delete_product.product_id) u
     WHERE u.product_id <> _delete_product.product_id;
    IF users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot delete data product "%" because other data products depend on it', product_id
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Depending products: ' || users || '.';
    END IF;
    DELETE FROM datamesh.product_versions v WHERE v.product_id = _delete_product.product_id;
    DELETE FROM datamesh.data_products p WHERE p.product_id = _delete_product.product_id;
END
$fn$;
COMMENT ON FUNCTION datamesh._delete_product(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.delete_product';

CREATE FUNCTION datamesh.delete_product(product_id pg_catalog.text)
    RETURNS void
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.delete_product(pg_catalog.text) IS
    'delete a data product and all its versions when no other product depends on it';
