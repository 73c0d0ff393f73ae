/*
 * Manifest validation.
 *
 * Function bodies pin search_path to pg_catalog, pg_temp, so built-in names
 * inside them resolve only to pg_catalog; datamesh objects are qualified.
 */

CREATE FUNCTION datamesh._check_sql_predicate(rule pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'check_sql_predicate';
COMMENT ON FUNCTION datamesh._check_sql_predicate(pg_catalog.text) IS
    'internal: NULL if a quality rule is a single SQL boolean expression, else what is wrong with it';

-- A jsonb percentage ("99.9%", "99.9", 99.9) as numeric, or NULL if it is not one
CREATE FUNCTION datamesh._percent(v pg_catalog.jsonb) RETURNS pg_catalog.numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN CASE jsonb_typeof(v)
           WHEN 'number' THEN (v #>> '{}')::numeric
           WHEN 'string' THEN (regexp_match(v #>> '{}', '^\s*([0-9]{1,3}(?:\.[0-9]{1,6})?)\s*%?\s*$'))[1]::numeric
           END;
END
$fn$;
COMMENT ON FUNCTION datamesh._percent(pg_catalog.jsonb) IS
    'internal: parse a percentage from a manifest value, NULL if it is not one';

-- A jsonb duration ("1 hour", "2 years", "PT30M") as interval, or NULL if it is not one
CREATE FUNCTION datamesh._duration(v pg_catalog.jsonb) RETURNS pg_catalog.interval
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN CASE WHEN jsonb_typeof(v) = 'string'
                 AND ((v #>> '{}') ~* '^\s*([0-9]{1,6}(\.[0-9]{1,6})?\s*(microseconds?|us|milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|months?|mons?|years?|yrs?|y)\s*,?\s*)+$'
                      OR (v #>> '{}') ~ '^P(?=[0-9T])([0-9]{1,6}Y)?([0-9]{1,6}M)?([0-9]{1,6}W)?([0-9]{1,6}D)?(T(?=[0-9])([0-9]{1,6}H)?([0-9]{1,6}M)?([0-9]{1,6}(\.[0-9]{1,6})?S)?)?$')
           THEN replace(v #>> '{}', ',', ' ')::interval
           END;
END
$fn$;
COMMENT ON FUNCTION datamesh._duration(pg_catalog.jsonb) IS
    'internal: parse a duration ("1 hour", "2 years", ISO 8601 "PT1H") from a manifest value, NULL if it is not one';

-- Describe a manifest value for an error message: its type, and its text if short
CREATE FUNCTION datamesh._describe(v pg_catalog.jsonb) RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN CASE jsonb_typeof(v)
           WHEN 'object' THEN 'a mapping'
           WHEN 'array' THEN 'a list'
           WHEN 'null' THEN 'null'
           WHEN 'string' THEN CASE WHEN length(v #>> '{}') <= 60 THEN format('"%s"', v #>> '{}')
                                   ELSE format('"%s..."', left(v #>> '{}', 57)) END
           ELSE format('%s %s', jsonb_typeof(v), left(v #>> '{}', 60))
           END;
END
$fn$;
COMMENT ON FUNCTION datamesh._describe(pg_catalog.jsonb) IS
    'internal: short description of a manifest value for messages';

-- Problems for each key of obj not in known (keys starting with "x-" are extensions);
-- callers first test (obj - known) <> '{}' inline, so this runs only when needed
CREATE FUNCTION datamesh._unknown_fields(obj pg_catalog.jsonb, known pg_catalog.text[], path pg_catalog.text)
    RETURNS pg_catalog.text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT coalesce(array_agg(CASE WHEN path = '' THEN k ELSE path || '.' || k END
                              || ': unknown field' ORDER BY k), '{}')
      FROM jsonb_object_keys(obj) AS k
     WHERE k <> ALL (known) AND k NOT LIKE 'x-%'
$fn$;
COMMENT ON FUNCTION datamesh._unknown_fields(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.text) IS
    'internal: list the unknown fields of a manifest mapping';

-- Whether a text is a data product name: lower-case letters, digits, "-" and "_", at most 63 characters
CREATE FUNCTION datamesh._is_product_name(v pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT v ~ '^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$'
$fn$;
COMMENT ON FUNCTION datamesh._is_product_name(pg_catalog.text) IS
    'internal: whether a text is a valid data product name';

-- Whether a text is a SemVer 2.0.0 version whose numbers have at most 18 digits
CREATE FUNCTION datamesh._is_semver_text(v pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT v ~ '^(0|[1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,17})(-(0|[1-9][0-9]{0,17}|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]{0,17}|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*)?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$'
$fn$;
COMMENT ON FUNCTION datamesh._is_semver_text(pg_catalog.text) IS
    'internal: whether a text is a semantic version a manifest or contract may name';

-- Raise one invalid_parameter_value error for a list of problems:
-- "<what>: N problem(s)", one problem a DETAIL line, and the hint if given
CREATE FUNCTION datamesh._raise_problems(what pg_catalog.text, problems pg_catalog.text[],
                                         hint pg_catalog.text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF hint IS NULL THEN
        RAISE EXCEPTION '%: % problem%', what, cardinality(problems), CASE WHEN cardinality(problems) > 1 THEN 's' ELSE '' END
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(problems, E'\n');
    END IF;
    RAISE EXCEPTION '%: % problem%', what, cardinality(problems), CASE WHEN cardinality(problems) > 1 THEN 's' ELSE '' END
        USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(problems, E'\n'), HINT = hint;
END
$fn$;
COMMENT ON FUNCTION datamesh._raise_problems(pg_catalog.text, pg_catalog.text[], pg_catalog.text) IS
    'internal: raise the error that lists every problem of a document';

/*
 * Problems with the envelope every datamesh document shares: unknown top-level
 * fields, apiVersion "datamesh.io/v1", the kind, and metadata as a mapping with
 * no unknown fields.  doc must be a mapping; callers report other values.
 */
CREATE FUNCTION datamesh._check_envelope(doc pg_catalog.jsonb, kind pg_catalog.text,
                                         top_keys pg_catalog.text[], meta_keys pg_catalog.text[])
    RETURNS pg_catalog.text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    v jsonb;
BEGIN
    IF (doc - top_keys) <> '{}' THEN
        problems := problems || datamesh._unknown_fields(doc, top_keys, '');
    END IF;
    v := doc -> 'apiVersion';
    IF v IS NULL THEN
        problems := problems || 'apiVersion: required (expected "datamesh.io/v1")'::text;
    ELSIF v <> '"datamesh.io/v1"' THEN
        problems := problems || ('apiVersion: unsupported value ' || datamesh._describe(v) || ' (expected "datamesh.io/v1")');
    END IF;
    v := doc -> 'kind';
    IF v IS NULL THEN
        problems := problems || format('kind: required (expected "%s")', kind);
    ELSIF v IS DISTINCT FROM to_jsonb(kind) THEN
        problems := problems || format('kind: expected "%s", got %s', kind, datamesh._describe(v));
    END IF;
    v := doc -> 'metadata';
    IF v IS NULL OR jsonb_typeof(v) <> 'object' THEN
        problems := problems || ('metadata: ' || CASE WHEN v IS NULL THEN 'required'
                                 ELSE 'expected a mapping, got ' || datamesh._describe(v) END);
    ELSIF (v - meta_keys) <> '{}' THEN
        problems := problems || datamesh._unknown_fields(v, meta_keys, 'metadata');
    END IF;
    RETURN problems;
END
$fn$;
COMMENT ON FUNCTION datamesh._check_envelope(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text[], pg_catalog.text[]) IS
    'internal: problems with the apiVersion, kind and metadata envelope of a datamesh document';

-- Whether a role is a platform administrator (superuser or member of datamesh_admin)
CREATE FUNCTION datamesh._is_admin(caller pg_catalog.regrole) RETURNS pg_catalog.bool
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN pg_has_role(caller::oid, 'datamesh_admin', 'MEMBER');
END
$fn$;
COMMENT ON FUNCTION datamesh._is_admin(pg_catalog.regrole) IS
    'internal: whether a role is a datamesh platform administrator';

-- Whether a role may manage a domain's products (owner member or admin)
CREATE FUNCTION datamesh._can_manage_domain(caller pg_catalog.regrole, domain_name pg_catalog.text)
    RETURNS pg_catalog.bool
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN datamesh._is_admin(caller)
        OR coalesce((SELECT pg_has_role(caller::oid, d.owner::oid, 'MEMBER')
                       FROM datamesh.domains d WHERE d.name = domain_name), false);
END
$fn$;
COMMENT ON FUNCTION datamesh._can_manage_domain(pg_catalog.regrole, pg_catalog.text) IS
    'internal: whether a role may register and change data products of a domain';

/*
 * Resolve a product reference and a semver range to the highest active
 * matching version.  Returns {"product_id", "resolved_version"} or {"problem"}.
 */
CREATE FUNCTION datamesh._resolve_dependency(ref pg_catalog.jsonb, range_value pg_catalog.jsonb,
                                             self_id pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    range_text text := coalesce(range_value #>> '{}', '*');
    ref_text text := ref #>> '{}';
    want_domain text;
    name text;
    actual_domain text;
    resolved datamesh.semver;
    available text;
BEGIN
    IF ref IS NULL THEN
        RETURN jsonb_build_object('problem', 'required');
    ELSIF jsonb_typeof(ref) <> 'string' THEN
        RETURN jsonb_build_object('problem', 'expected a product reference string, got ' || datamesh._describe(ref));
    END IF;
    IF range_value IS NOT NULL AND jsonb_typeof(range_value) <> 'string' THEN
        RETURN jsonb_build_object('problem', 'version: expected a semver range string such as ">=1.0.0", got '
                                  || datamesh._describe(range_value));
    END IF;
    IF NOT datamesh.semver_range_valid(range_text) THEN
        RETURN jsonb_build_object('problem', format('version: invalid semver range "%s"', range_text));
    END IF;
    -- "raw-users" or "customer-domain.raw-users"
    name := ref_text;
    IF strpos(ref_text, '.') > 0 THEN
        want_domain := split_part(ref_text, '.', 1);
        name := substr(ref_text, length(want_domain) + 2);
    END IF;
    SELECT p.domain, (SELECT datamesh.max(v.version) FROM datamesh.product_versions v
                       WHERE v.product_id = p.product_id AND v.status = 'active'
                         AND datamesh.satisfies(v.version, range_text))
      INTO actual_domain, resolved
      FROM datamesh.data_products p WHERE p.product_id = name;
    IF actual_domain IS NULL THEN
        RETURN jsonb_build_object('problem', format('data product "%s" does not exist', ref_text));
    ELSIF want_domain IS NOT NULL AND want_domain <> actual_domain THEN
        RETURN jsonb_build_object('problem', format('data product "%s" belongs to domain "%s", not "%s"',
                                                    name, actual_domain, want_domain));
    ELSIF name = self_id THEN
        RETURN jsonb_build_object('problem', 'a data product cannot depend on itself');
    ELSIF resolved IS NULL THEN
        SELECT string_agg(v.version::text || CASE WHEN v.status <> 'active' THEN ' (' || v.status || ')' ELSE '' END,
                          ', ' ORDER BY v.version)
          INTO available
          FROM datamesh.product_versions v WHERE v.product_id = name;
        RETURN jsonb_build_object('problem',
            format('version: no active version of "%s" satisfies "%s" (registered: %s)', name, range_text, coalesce(available, 'none')));
    END IF;
    RETURN jsonb_build_object('product_id', name, 'version_range', range_text, 'resolved_version', resolved::text);
END
$fn$;
COMMENT ON FUNCTION datamesh._resolve_dependency(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text) IS
    'internal: resolve a dependency to the highest active version satisfying its range';

/*
 * Validate a parsed DataProduct manifest for a caller.  Collects every problem
 * with its path instead of stopping at the first, and returns the normalized
 * catalog rows to write:
 *   {"problems": [...], "warnings": [...], "checks": {...},
 *    "product": {...}, "output_ports": [...], "input_ports": [...],
 *    "dependencies": [...], "sla": {...}, "quality": [...], "metrics": [...],
 *    "alerts": [...], "policies": [...]}
 */
CREATE FUNCTION datamesh._check_manifest(doc pg_catalog.jsonb, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    warnings text[] := '{}';
    meta jsonb;
    spec jsonb;
    v jsonb;
    elem jsonb;
    p text;
    i int;
    n int;
    pid text;
    port_loc text;
    other_pid text;
    section text;
    ref_key text;
    dom text;
    dom_exists bool := false;
    ver text;
    owner_email text;
    owner_team text;
    classification text := 'internal';
    status text := 'active';
    ptype text;
    retention interval;
    tags text[] := '{}';
    names text[];
    rel regclass;
    relname text;
    relkind "char";
    relowner oid;
    reltemp bool;
    loc text;
    pct numeric;
    dur interval;
    res jsonb;
    out_ports jsonb := '[]';
    in_ports jsonb := '[]';
    deps jsonb := '[]';
    sla jsonb;
    quality jsonb := '[]';
    metrics jsonb := '[]';
    alerts jsonb := '[]';
    policies jsonb := '[]';
    checks jsonb;
    db_port_kinds CONSTANT jsonb := '{"table": ["r", "p"], "view": ["v"], "materialized_view": ["m"], "foreign_table": ["f"]}';
BEGIN
    IF jsonb_typeof(doc) <> 'object' THEN
        RETURN jsonb_build_object('problems', jsonb_build_array(
            '(document): expected a mapping with apiVersion, kind, metadata and spec, got ' || datamesh._describe(doc)),
            'warnings', '[]'::jsonb, 'checks', '{"manifest_format": "failed"}'::jsonb);
    END IF;
    problems := datamesh._check_envelope(doc, 'DataProduct', '{apiVersion,kind,metadata,spec}',
        '{name,display_name,domain,version,owner,owner_team,owner_email,tags,classification,status,labels}');

    ------------------------------------------------------------------ metadata
    meta := doc -> 'metadata';
    IF jsonb_typeof(meta) IS DISTINCT FROM 'object' THEN
        meta := '{}';   -- reported by _check_envelope
    END IF;

    v := meta -> 'name';
    IF v IS NULL THEN
        problems := problems || 'metadata.name: required'::text;
    ELSIF jsonb_typeof(v) <> 'string' OR NOT datamesh._is_product_name(v #>> '{}') THEN
        problems := problems || ('metadata.name: expected a product name of lower-case letters, digits, "-" and "_" (at most 63 characters), got '
                                 || datamesh._describe(v));
    ELSE
        pid := v #>> '{}';
    END IF;

    v := meta -> 'domain';
    IF v IS NULL THEN
        problems := problems || 'metadata.domain: required'::text;
    ELSIF jsonb_typeof(v) <> 'string' THEN
        problems := problems || ('metadata.domain: expected a domain name, got ' || datamesh._describe(v));
    ELSE
        dom := v #>> '{}';
        dom_exists := EXISTS (SELECT FROM datamesh.domains d WHERE d.name = dom);
        IF NOT dom_exists THEN
            problems := problems || format('metadata.domain: domain "%s" does not exist', dom);
        ELSIF pid IS NOT NULL THEN
            SELECT dp.domain INTO p FROM datamesh.data_products dp WHERE dp.product_id = pid;
            IF FOUND AND p <> dom THEN
                problems := problems || format('metadata.domain: data product "%s" belongs to domain "%s"; a product cannot move between domains', pid, p);
            END IF;
        END IF;
    END IF;

    v := meta -> 'version';
    IF v IS NULL THEN
        problems := problems || 'metadata.version: required'::text;
    ELSIF jsonb_typeof(v) <> 'string' OR NOT datamesh._is_semver_text(v #>> '{}') THEN
        problems := problems || ('metadata.version: expected a semantic version such as "1.2.3", got ' || datamesh._describe(v));
    ELSE
        ver := v #>> '{}';
    END IF;

    v := meta -> 'display_name';
    IF v IS NOT NULL AND jsonb_typeof(v) <> 'string' THEN
        problems := problems || ('metadata.display_name: expected a string, got ' || datamesh._describe(v));
    END IF;

    -- owner: an e-mail address or a team name; owner_team/owner_email explicit
    FOREACH p IN ARRAY ARRAY['owner', 'owner_team', 'owner_email'] LOOP
        v := meta -> p;
        IF v IS NOT NULL AND (jsonb_typeof(v) <> 'string' OR btrim(v #>> '{}') = '') THEN
            problems := problems || format('metadata.%s: expected a non-empty string, got %s', p, datamesh._describe(v));
        END IF;
    END LOOP;
    owner_email := meta ->> 'owner_email';
    owner_team := meta ->> 'owner_team';
    IF jsonb_typeof(meta -> 'owner') = 'string' THEN
        IF (meta ->> 'owner') LIKE '%@%' THEN
            owner_email := coalesce(owner_email, meta ->> 'owner');
        ELSE
            owner_team := coalesce(owner_team, meta ->> 'owner');
        END IF;
    END IF;
    IF owner_email IS NOT NULL AND owner_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        problems := problems || format('metadata.owner_email: "%s" is not an e-mail address', owner_email);
    END IF;
    owner_team := coalesce(owner_team, split_part(owner_email, '@', 1));
    IF nullif(btrim(owner_team), '') IS NULL AND NOT EXISTS (
        SELECT FROM unnest(problems) q WHERE q LIKE 'metadata.owner%') THEN
        problems := problems || 'metadata.owner: required (an owner e-mail address or team name)'::text;
    END IF;

    v := meta -> 'tags';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) <> 'array' THEN
            problems := problems || ('metadata.tags: expected a list of strings, got ' || datamesh._describe(v));
        ELSE
            FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
                IF jsonb_typeof(v -> i) <> 'string' OR btrim(v ->> i) = '' THEN
                    problems := problems || format('metadata.tags[%s]: expected a non-empty string, got %s', i, datamesh._describe(v -> i));
                ELSIF NOT (v ->> i) = ANY (tags) THEN
                    tags := tags || (v ->> i);
                END IF;
            END LOOP;
        END IF;
    END IF;

    v := meta -> 'classification';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) <> 'string' OR NOT (v #>> '{}') = ANY (enum_range(NULL::datamesh.classification)::text[]) THEN
            problems := problems || ('metadata.classification: expected one of public, internal, confidential, restricted, got '
                                     || datamesh._describe(v));
        ELSE
            classification := v #>> '{}';
        END IF;
    END IF;

    v := meta -> 'status';
    IF v IS NOT NULL THEN
        IF v NOT IN ('"draft"', '"active"') THEN
            problems := problems || ('metadata.status: a new version is registered as draft or active, got ' || datamesh._describe(v));
        ELSE
            status := v #>> '{}';
        END IF;
    END IF;

    v := meta -> 'labels';
    IF v IS NOT NULL AND jsonb_typeof(v) <> 'object' THEN
        problems := problems || ('metadata.labels: expected a mapping, got ' || datamesh._describe(v));
    END IF;

    ---------------------------------------------------------------------- spec
    spec := doc -> 'spec';
    IF spec IS NULL OR jsonb_typeof(spec) <> 'object' THEN
        problems := problems || ('spec: ' || CASE WHEN spec IS NULL THEN 'required'
                                 ELSE 'expected a mapping, got ' || datamesh._describe(spec) END);
        spec := '{}';
    ELSE
        IF (spec - '{description,type,schema,output_ports,input_ports,dependencies,sla,retention,quality,policies,observability,infrastructure,storage_location,transformation_code_repo,lineage}'::text[]) <> '{}' THEN
            problems := problems || datamesh._unknown_fields(spec, '{description,type,schema,output_ports,input_ports,dependencies,sla,retention,quality,policies,observability,infrastructure,storage_location,transformation_code_repo,lineage}', 'spec');
        END IF;
    END IF;

    FOREACH p IN ARRAY ARRAY['description', 'storage_location', 'transformation_code_repo'] LOOP
        v := spec -> p;
        IF v IS NOT NULL AND jsonb_typeof(v) <> 'string' THEN
            problems := problems || format('spec.%s: expected a string, got %s', p, datamesh._describe(v));
        END IF;
    END LOOP;

    v := spec -> 'type';
    IF v IS NULL THEN
        ptype := CASE WHEN spec ? 'input_ports' OR spec ? 'dependencies' THEN 'derived' ELSE 'source' END;
    ELSIF jsonb_typeof(v) <> 'string' OR NOT (v #>> '{}') = ANY (enum_range(NULL::datamesh.product_type)::text[]) THEN
        problems := problems || ('spec.type: expected one of source, aggregate, consumer_aligned, derived, got ' || datamesh._describe(v));
    ELSE
        ptype := v #>> '{}';
    END IF;

    v := spec -> 'schema';
    IF v IS NULL THEN
        warnings := warnings || 'spec.schema: no schema declared; consumers cannot check compatibility'::text;
    ELSIF jsonb_typeof(v) NOT IN ('object', 'array') THEN
        problems := problems || ('spec.schema: expected a mapping or a list of fields, got ' || datamesh._describe(v));
    END IF;

    FOREACH p IN ARRAY ARRAY['infrastructure', 'observability'] LOOP
        v := spec -> p;
        IF v IS NOT NULL AND jsonb_typeof(v) <> 'object' THEN
            problems := problems || format('spec.%s: expected a mapping, got %s', p, datamesh._describe(v));
        END IF;
    END LOOP;

    -------------------------------------------------------------- output ports
    v := spec -> 'output_ports';
    IF v IS NULL OR (jsonb_typeof(v) = 'array' AND jsonb_array_length(v) = 0) THEN
        problems := problems || 'spec.output_ports: at least one output port is required'::text;
    ELSIF jsonb_typeof(v) <> 'array' THEN
        problems := problems || ('spec.output_ports: expected a list of ports, got ' || datamesh._describe(v));
    ELSE
        names := '{}';
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            elem := v -> i;
            p := format('spec.output_ports[%s]', i);
            IF jsonb_typeof(elem) <> 'object' THEN
                problems := problems || format('%s: expected a mapping, got %s', p, datamesh._describe(elem));
                CONTINUE;
            END IF;
            IF (elem - '{name,type,format,location,endpoint,topic,relation,schema_ref,partitioning,access_mode,rate_limit,authentication,description}'::text[]) <> '{}' THEN
                problems := problems || datamesh._unknown_fields(elem, '{name,type,format,location,endpoint,topic,relation,schema_ref,partitioning,access_mode,rate_limit,authentication,description}', p);
            END IF;
            IF jsonb_typeof(elem -> 'name') IS DISTINCT FROM 'string' OR (elem ->> 'name') !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' THEN
                problems := problems || (p || '.name: ' || CASE WHEN elem ? 'name'
                    THEN 'expected a port name of letters, digits, ".", "-" and "_", got ' || datamesh._describe(elem -> 'name')
                    ELSE 'required' END);
            ELSIF (elem ->> 'name') = ANY (names) THEN
                problems := problems || format('%s.name: duplicate output port name "%s"', p, elem ->> 'name');
            ELSE
                names := names || (elem ->> 'name');
            END IF;
            FOREACH loc IN ARRAY ARRAY['format', 'location', 'endpoint', 'topic', 'relation', 'schema_ref', 'access_mode', 'authentication', 'description'] LOOP
                IF elem ? loc AND jsonb_typeof(elem -> loc) <> 'string' THEN
                    problems := problems || format('%s.%s: expected a string, got %s', p, loc, datamesh._describe(elem -> loc));
                END IF;
            END LOOP;
            IF NOT (elem ? 'type') THEN
                problems := problems || (p || '.type: required'::text);
                CONTINUE;
            ELSIF jsonb_typeof(elem -> 'type') <> 'string' OR NOT (elem ->> 'type') = ANY (
                    ARRAY['table', 'view', 'materialized_view', 'foreign_table', 'rest-api', 'stream', 'file', 'batch']) THEN
                problems := problems || (p || '.type: expected one of table, view, materialized_view, foreign_table, rest-api, stream, file, batch, got '
                                         || datamesh._describe(elem -> 'type'));
                CONTINUE;
            END IF;
            rel := NULL;
            IF db_port_kinds ? (elem ->> 'type') THEN
                -- an in-database port: the relation must exist, be of the right kind, and belong to the caller
                relname := coalesce(elem ->> 'relation', elem ->> 'location');
                IF relname IS NULL THEN
                    problems := problems || format('%s.relation: required for a %s port (a schema-qualified name)', p, elem ->> 'type');
                ELSIF relname !~ '^\s*("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*\.\s*("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*$' THEN
                    problems := problems || format('%s.relation: "%s" is not a schema-qualified relation name such as "sales.orders"', p, relname);
                ELSE
                    rel := to_regclass(relname);
                    IF rel IS NULL THEN
                        problems := problems || format('%s.relation: relation "%s" does not exist', p, relname);
                    ELSE
                        SELECT c.relkind, c.relowner, c.relpersistence = 't'
                          INTO relkind, relowner, reltemp
                          FROM pg_class c WHERE c.oid = rel;
                        IF reltemp THEN
                            problems := problems || format('%s.relation: temporary relation "%s" cannot be an output port', p, relname);
                            rel := NULL;
                        ELSIF NOT (db_port_kinds -> (elem ->> 'type')) ? relkind::text THEN
                            problems := problems || format('%s.relation: "%s" is not a %s', p, relname, replace(elem ->> 'type', '_', ' '));
                            rel := NULL;
                        ELSIF NOT pg_has_role(caller::oid, relowner, 'MEMBER') AND NOT datamesh._is_admin(caller) THEN
                            problems := problems || format('%s.relation: role "%s" does not own relation "%s"', p, caller, relname);
                            rel := NULL;
                        END IF;
                    END IF;
                END IF;
            ELSIF elem ->> 'type' = 'rest-api' AND NOT (elem ? 'endpoint') THEN
                problems := problems || (p || '.endpoint: required for a rest-api port'::text);
            ELSIF elem ->> 'type' = 'stream' AND NOT (elem ? 'topic' OR elem ? 'location') THEN
                problems := problems || (p || '.topic: required for a stream port'::text);
            ELSIF elem ->> 'type' IN ('file', 'batch') AND NOT (elem ? 'location') THEN
                problems := problems || format('%s.location: required for a %s port', p, elem ->> 'type');
            END IF;
            -- a location names a dataset that OpenLineage events map to a product:
            -- a port must not claim another domain's location, nor an in-database
            -- dataset without owning its relation
            port_loc := rtrim(coalesce(elem ->> 'location', elem ->> 'endpoint', elem ->> 'topic'), '/');
            IF rel IS NULL AND NOT db_port_kinds ? (elem ->> 'type') AND port_loc IS NOT NULL THEN
                IF port_loc ~* '^postgres(ql)?://' THEN
                    problems := problems || format('%s.location: "%s" names an in-database relation; declare a table or view port with its relation', p, port_loc);
                ELSE
                    -- through output_ports_location_idx (OFFSET 0 keeps the planner from
                    -- walking every port in product order instead)
                    SELECT min(dp.product_id) INTO other_pid
                      FROM (SELECT o.product_id FROM datamesh.output_ports o
                             WHERE rtrim(o.location, '/') = port_loc AND o.product_id IS DISTINCT FROM pid
                            OFFSET 0) o
                      JOIN datamesh.data_products dp ON dp.product_id = o.product_id
                     WHERE NOT datamesh._can_manage_domain(caller, dp.domain);
                    IF other_pid IS NOT NULL THEN
                        problems := problems || format('%s.location: "%s" is the location of data product "%s" of another domain', p, port_loc, other_pid);
                    END IF;
                END IF;
            END IF;
            out_ports := out_ports || jsonb_build_object(
                'name', elem ->> 'name', 'port_type', elem ->> 'type', 'format', elem ->> 'format',
                'location', CASE WHEN rel IS NULL THEN coalesce(elem ->> 'location', elem ->> 'endpoint', elem ->> 'topic') END,
                'relation', rel::oid,
                'properties', elem - ARRAY['name', 'type', 'format', 'location', 'relation']);
        END LOOP;
    END IF;

    --------------------------------------------------- input ports, dependencies
    -- both name a product (input_ports[].source, dependencies[].data_product)
    -- and a semver range, resolved to the highest active matching version
    FOREACH section IN ARRAY ARRAY['input_ports', 'dependencies'] LOOP
        ref_key := CASE section WHEN 'input_ports' THEN 'source' ELSE 'data_product' END;
        v := spec -> section;
        IF v IS NOT NULL AND jsonb_typeof(v) <> 'array' THEN
            problems := problems || format('spec.%s: expected a list%s, got %s', section,
                                           CASE section WHEN 'input_ports' THEN ' of ports' ELSE '' END,
                                           datamesh._describe(v));
            CONTINUE;
        END IF;
        FOR i IN 0 .. coalesce(jsonb_array_length(v), 0) - 1 LOOP
            elem := v -> i;
            p := format('spec.%s[%s]', section, i);
            IF jsonb_typeof(elem) <> 'object' THEN
                problems := problems || format('%s: expected a mapping, got %s', p, datamesh._describe(elem));
                CONTINUE;
            END IF;
            names := CASE section WHEN 'input_ports' THEN '{source,type,version,description,format}'::text[]
                                  ELSE '{data_product,version,description}'::text[] END;
            IF (elem - names) <> '{}' THEN
                problems := problems || datamesh._unknown_fields(elem, names, p);
            END IF;
            IF section = 'input_ports' AND elem ? 'type' AND elem -> 'type' NOT IN ('"batch"', '"stream"') THEN
                problems := problems || (p || '.type: expected batch or stream, got ' || datamesh._describe(elem -> 'type'));
            END IF;
            res := datamesh._resolve_dependency(elem -> ref_key, elem -> 'version', pid);
            IF res ? 'problem' THEN
                problems := problems || (p || CASE WHEN res ->> 'problem' LIKE 'version:%' THEN '.'
                                                   ELSE '.' || ref_key || ': ' END || (res ->> 'problem'));
            ELSIF section = 'input_ports' THEN
                in_ports := in_ports || (res || jsonb_build_object(
                    'ordinal', i, 'mode', coalesce(elem ->> 'type', 'batch'),
                    'properties', elem - ARRAY['source', 'type', 'version']));
            ELSE
                deps := deps || (res || jsonb_build_object('ordinal', i));
            END IF;
        END LOOP;
    END LOOP;

    ----------------------------------------------------------------------- SLA
    v := spec -> 'sla';
    IF v IS NULL THEN
        warnings := warnings || 'spec.sla: no SLA declared'::text;
    ELSIF jsonb_typeof(v) <> 'object' THEN
        problems := problems || ('spec.sla: expected a mapping, got ' || datamesh._describe(v));
    ELSE
        IF (v - '{availability,freshness,completeness,accuracy,timeliness,retention}'::text[]) <> '{}' THEN
            problems := problems || datamesh._unknown_fields(v, '{availability,freshness,completeness,accuracy,timeliness,retention}', 'spec.sla');
        END IF;
        sla := '{}';
        FOREACH p IN ARRAY ARRAY['availability', 'completeness', 'accuracy'] LOOP
            IF v ? p THEN
                pct := datamesh._percent(v -> p);
                IF pct IS NULL THEN
                    problems := problems || format('spec.sla.%s: expected a percentage such as "99.9%%", got %s', p, datamesh._describe(v -> p));
                ELSIF pct > 100 THEN
                    problems := problems || format('spec.sla.%s: %s%% is more than 100%%', p, pct);
                ELSIF p = 'availability' AND pct < 95 THEN
                    problems := problems || format('spec.sla.availability: must be at least 95%% (got %s%%)', pct);
                ELSE
                    sla := sla || jsonb_build_object(p, pct);
                END IF;
            END IF;
        END LOOP;
        IF v ? 'freshness' THEN
            dur := datamesh._duration(v -> 'freshness');
            IF dur IS NULL OR dur <= interval '0' THEN
                problems := problems || ('spec.sla.freshness: expected a positive duration such as "1 hour", got ' || datamesh._describe(v -> 'freshness'));
            ELSE
                sla := sla || jsonb_build_object('freshness', dur);
            END IF;
        END IF;
        IF v ? 'timeliness' THEN
            res := to_jsonb(regexp_match(v ->> 'timeliness', '^\s*([0-9]{1,3}(?:\.[0-9]{1,6})?)\s*%\s+within\s+(.+)$'));
            IF jsonb_typeof(v -> 'timeliness') <> 'string' OR res IS NULL
               OR datamesh._percent(res -> 0) > 100 OR datamesh._duration(res -> 1) IS NULL THEN
                problems := problems || ('spec.sla.timeliness: expected "<percentage> within <duration>" such as "95% within 1 hour", got '
                                         || datamesh._describe(v -> 'timeliness'));
            ELSE
                sla := sla || jsonb_build_object('timeliness', datamesh._percent(res -> 0),
                                                 'timeliness_within', datamesh._duration(res -> 1));
            END IF;
        END IF;
    END IF;

    -- retention: spec.retention or spec.sla.retention ("2 years", or a number of days as in seed 001)
    FOREACH p IN ARRAY ARRAY['retention', 'sla.retention'] LOOP
        v := spec #> string_to_array(p, '.');
        CONTINUE WHEN v IS NULL OR (p = 'sla.retention' AND jsonb_typeof(spec -> 'sla') <> 'object');
        dur := CASE WHEN jsonb_typeof(v) = 'number' AND (v #>> '{}') ~ '^[0-9]{1,7}$'
                    THEN make_interval(days => (v #>> '{}')::int)
                    ELSE datamesh._duration(v) END;
        IF dur IS NULL OR dur <= interval '0' THEN
            problems := problems || format('spec.%s: expected a positive duration such as "2 years" or a number of days, got %s',
                                           p, datamesh._describe(v));
        ELSIF retention IS NOT NULL AND retention <> dur THEN
            problems := problems || format('spec.sla.retention: %s differs from spec.retention %s',
                                           datamesh._describe(v), datamesh._describe(spec -> 'retention'));
        ELSE
            retention := dur;
        END IF;
    END LOOP;
    IF sla IS NOT NULL AND jsonb_typeof(spec #> '{sla,retention}') IS NOT NULL THEN
        sla := sla || jsonb_build_object('retention', retention);
    END IF;

    ------------------------------------------------------------------- quality
    v := spec -> 'quality';
    IF v IS NOT NULL AND jsonb_typeof(v) <> 'array' THEN
        problems := problems || ('spec.quality: expected a list of rules, got ' || datamesh._describe(v));
    ELSIF v IS NOT NULL THEN
        names := '{}';
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            elem := v -> i;
            p := format('spec.quality[%s]', i);
            IF jsonb_typeof(elem) <> 'object' THEN
                problems := problems || format('%s: expected a mapping with name, rule and severity, got %s', p, datamesh._describe(elem));
                CONTINUE;
            END IF;
            IF (elem - '{name,rule,severity,description}'::text[]) <> '{}' THEN
                problems := problems || datamesh._unknown_fields(elem, '{name,rule,severity,description}', p);
            END IF;
            n := cardinality(problems);
            IF jsonb_typeof(elem -> 'name') IS DISTINCT FROM 'string' OR btrim(elem ->> 'name') = '' THEN
                problems := problems || (p || '.name: ' || CASE WHEN elem ? 'name' THEN 'expected a non-empty string, got '
                                         || datamesh._describe(elem -> 'name') ELSE 'required' END);
            ELSIF (elem ->> 'name') = ANY (names) THEN
                problems := problems || format('%s.name: duplicate quality rule name "%s"', p, elem ->> 'name');
            ELSE
                names := names || (elem ->> 'name');
            END IF;
            IF jsonb_typeof(elem -> 'rule') IS DISTINCT FROM 'string' THEN
                problems := problems || (p || '.rule: ' || CASE WHEN elem ? 'rule' THEN 'expected a SQL predicate string, got '
                                         || datamesh._describe(elem -> 'rule') ELSE 'required' END);
            ELSE
                loc := datamesh._check_sql_predicate(elem ->> 'rule');
                IF loc IS NOT NULL THEN
                    problems := problems || format('%s.rule: not a valid SQL predicate: %s', p, loc);
                END IF;
            END IF;
            IF elem ? 'severity' AND elem -> 'severity' NOT IN ('"info"', '"warning"', '"error"') THEN
                problems := problems || (p || '.severity: expected info, warning or error, got ' || datamesh._describe(elem -> 'severity'));
            END IF;
            IF elem ? 'description' AND jsonb_typeof(elem -> 'description') <> 'string' THEN
                problems := problems || (p || '.description: expected a string, got ' || datamesh._describe(elem -> 'description'));
            END IF;
            IF cardinality(problems) = n THEN
                quality := quality || jsonb_build_object('name', elem ->> 'name', 'rule', elem ->> 'rule',
                    'severity', coalesce(elem ->> 'severity', 'error'), 'description', elem ->> 'description');
            END IF;
        END LOOP;
    END IF;

    ------------------------------------------------------------- observability
    v := spec -> 'observability';
    IF jsonb_typeof(v) = 'object' THEN
        IF (v - '{metrics,alerts}'::text[]) <> '{}' THEN
            problems := problems || datamesh._unknown_fields(v, '{metrics,alerts}', 'spec.observability');
        END IF;
        IF v ? 'metrics' AND jsonb_typeof(v -> 'metrics') <> 'array' THEN
            problems := problems || ('spec.observability.metrics: expected a list, got ' || datamesh._describe(v -> 'metrics'));
        ELSIF v ? 'metrics' THEN
            names := '{}';
            FOR i IN 0 .. jsonb_array_length(v -> 'metrics') - 1 LOOP
                elem := v -> 'metrics' -> i;
                p := format('spec.observability.metrics[%s]', i);
                IF jsonb_typeof(elem) <> 'object' OR jsonb_typeof(elem -> 'name') IS DISTINCT FROM 'string'
                   OR elem -> 'type' NOT IN ('"counter"', '"gauge"', '"histogram"', '"summary"') OR NOT elem ? 'type' THEN
                    problems := problems || (p || ': expected a mapping with a name and a type (counter, gauge, histogram, summary), got '
                                             || datamesh._describe(elem));
                ELSIF (elem ->> 'name') = ANY (names) THEN
                    problems := problems || format('%s.name: duplicate metric name "%s"', p, elem ->> 'name');
                ELSE
                    names := names || (elem ->> 'name');
                    IF (elem - '{name,type,description}'::text[]) <> '{}' THEN
                        problems := problems || datamesh._unknown_fields(elem, '{name,type,description}', p);
                    END IF;
                    metrics := metrics || jsonb_build_object('name', elem ->> 'name', 'metric_type', elem ->> 'type',
                                                             'description', elem ->> 'description');
                END IF;
            END LOOP;
        END IF;
        IF v ? 'alerts' AND jsonb_typeof(v -> 'alerts') <> 'array' THEN
            problems := problems || ('spec.observability.alerts: expected a list, got ' || datamesh._describe(v -> 'alerts'));
        ELSIF v ? 'alerts' THEN
            names := '{}';
            FOR i IN 0 .. jsonb_array_length(v -> 'alerts') - 1 LOOP
                elem := v -> 'alerts' -> i;
                p := format('spec.observability.alerts[%s]', i);
                IF jsonb_typeof(elem) <> 'object' OR jsonb_typeof(elem -> 'name') IS DISTINCT FROM 'string'
                   OR jsonb_typeof(elem -> 'condition') IS DISTINCT FROM 'string'
                   OR coalesce(elem -> 'severity', '"warning"') NOT IN ('"info"', '"warning"', '"critical"') THEN
                    problems := problems || (p || ': expected a mapping with a name, a condition and a severity (info, warning, critical), got '
                                             || datamesh._describe(elem));
                ELSIF (elem ->> 'name') = ANY (names) THEN
                    problems := problems || format('%s.name: duplicate alert name "%s"', p, elem ->> 'name');
                ELSE
                    names := names || (elem ->> 'name');
                    IF (elem - '{name,condition,severity}'::text[]) <> '{}' THEN
                        problems := problems || datamesh._unknown_fields(elem, '{name,condition,severity}', p);
                    END IF;
                    alerts := alerts || jsonb_build_object('name', elem ->> 'name', 'condition', elem ->> 'condition',
                                                           'severity', coalesce(elem ->> 'severity', 'warning'));
                END IF;
            END LOOP;
        END IF;
    END IF;

    ------------------------------------------------------------------ policies
    v := spec -> 'policies';
    IF v IS NOT NULL AND jsonb_typeof(v) <> 'array' THEN
        problems := problems || ('spec.policies: expected a list, got ' || datamesh._describe(v));
    ELSIF v IS NOT NULL THEN
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            elem := v -> i;
            p := format('spec.policies[%s]', i);
            IF jsonb_typeof(elem) <> 'object' OR jsonb_typeof(elem -> 'type') IS DISTINCT FROM 'string'
               OR jsonb_typeof(elem -> 'rule') IS DISTINCT FROM 'string' THEN
                problems := problems || (p || ': expected a mapping with a type and a rule, got ' || datamesh._describe(elem));
            ELSE
                IF (elem - '{type,rule}'::text[]) <> '{}' THEN
                    problems := problems || datamesh._unknown_fields(elem, '{type,rule}', p);
                END IF;
                policies := policies || jsonb_build_object('ordinal', i, 'policy_type', elem ->> 'type', 'rule', elem ->> 'rule');
            END IF;
        END LOOP;
    END IF;

    ------------------------------------------------------- column lineage
    IF spec ? 'lineage' THEN
        problems := problems || datamesh._check_manifest_lineage(spec -> 'lineage', pid);
    END IF;

    -------------------------------------------------------------------- result
    IF cardinality(problems) = 0 THEN
        checks := '{"manifest_format": "passed", "metadata": "passed", "domain": "passed", "ownership": "passed",
                    "output_ports": "passed", "dependencies": "passed", "sla": "passed",
                    "quality_rules": "passed", "spec": "passed"}';
    ELSE
    SELECT jsonb_object_agg(c.name, CASE WHEN EXISTS (
               SELECT FROM unnest(problems) q WHERE q ~ c.pattern) THEN 'failed' ELSE 'passed' END)
      INTO checks
      FROM (VALUES ('manifest_format', '^(\(document\)|apiVersion|kind|[A-Za-z_-]+: unknown field)'),
                   ('metadata', '^metadata\.'),
                   ('domain', '^metadata\.domain'),
                   ('ownership', '^metadata\.owner|does not own relation'),
                   ('output_ports', '^spec\.output_ports'),
                   ('dependencies', '^spec\.(input_ports|dependencies)'),
                   ('sla', '^spec\.(sla|retention)'),
                   ('quality_rules', '^spec\.quality'),
                   ('spec', '^spec(:|\.(description|type|schema|infrastructure|observability|policies|storage_location|transformation_code_repo|lineage|[a-z_]+: unknown))')
           ) AS c(name, pattern);
    END IF;

    RETURN jsonb_build_object(
        'problems', to_jsonb(problems),
        'warnings', to_jsonb(warnings),
        'checks', checks,
        'product', jsonb_build_object(
            'product_id', pid, 'domain', dom, 'version', ver,
            'display_name', coalesce(meta ->> 'display_name', pid),
            'description', spec ->> 'description',
            'owner_team', owner_team, 'owner_email', owner_email,
            'product_type', ptype, 'classification', classification,
            'retention', retention, 'tags', to_jsonb(tags), 'status', status,
            'schema', spec -> 'schema',
            'storage_location', spec ->> 'storage_location',
            'code_repository', spec ->> 'transformation_code_repo'),
        'output_ports', out_ports, 'input_ports', in_ports, 'dependencies', deps,
        'sla', sla, 'quality', quality, 'metrics', metrics, 'alerts', alerts,
        'policies', policies);
END
$fn$;
COMMENT ON FUNCTION datamesh._check_manifest(pg_catalog.jsonb, pg_catalog.regrole) IS
    'internal: validate a DataProduct manifest, collecting every problem with its path';
