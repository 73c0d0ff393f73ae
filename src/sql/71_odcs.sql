/*
 * ODCS v3 (Open Data Contract Standard, bitol-io) import and export.
 *
 * import_odcs converts an ODCS document into a datamesh DataContract and
 * publishes it like publish_contract; the original document is stored in
 * contracts.source_document.  export_odcs writes a contract as ODCS: for an
 * imported contract the original document with every section datamesh
 * models refreshed from the catalog (so sections datamesh does not model,
 * such as servers, team, roles, price, support, are kept); for a native
 * contract a new document.  What ODCS has no field for travels in
 * customProperties named "datamesh.<key>".
 */

-- The ODCS logical type of a PostgreSQL type
CREATE FUNCTION datamesh._odcs_logical_type(sql_type pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE
           WHEN sql_type LIKE '%[]' THEN 'array'
           WHEN sql_type IN ('smallint', 'integer', 'bigint') THEN 'integer'
           WHEN sql_type IN ('real', 'double precision') OR sql_type LIKE 'numeric%' THEN 'number'
           WHEN sql_type = 'boolean' THEN 'boolean'
           WHEN sql_type = 'date' THEN 'date'
           WHEN sql_type IN ('timestamptz', 'timestamp') THEN 'timestamp'
           WHEN sql_type = 'time' THEN 'time'
           WHEN sql_type = 'jsonb' THEN 'object'
           ELSE 'string' END
$fn$;
COMMENT ON FUNCTION datamesh._odcs_logical_type(pg_catalog.text) IS
    'internal: the ODCS logicalType of a PostgreSQL type';

-- The value of customProperties entry "name" in an ODCS element, NULL if absent
CREATE FUNCTION datamesh._odcs_custom(elem pg_catalog.jsonb, name pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT (SELECT c -> 'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(elem -> 'customProperties') = 'array'
                                                               THEN elem -> 'customProperties' ELSE '[]' END) c
             WHERE c ->> 'property' = name LIMIT 1)
$fn$;
COMMENT ON FUNCTION datamesh._odcs_custom(pg_catalog.jsonb, pg_catalog.text) IS
    'internal: a customProperties value of an ODCS element';

-- customProperties of an ODCS element without datamesh's own entries, plus new ones
CREATE FUNCTION datamesh._odcs_merge_custom(elem pg_catalog.jsonb, additions pg_catalog.jsonb) RETURNS pg_catalog.jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE WHEN jsonb_array_length(x) = 0 THEN elem - 'customProperties'
                ELSE elem || jsonb_build_object('customProperties', x) END
      FROM (SELECT coalesce((SELECT jsonb_agg(c ORDER BY o) FROM jsonb_array_elements(
                                CASE WHEN jsonb_typeof(elem -> 'customProperties') = 'array'
                                     THEN elem -> 'customProperties' ELSE '[]' END) WITH ORDINALITY AS y(c, o)
                              WHERE coalesce(c ->> 'property', '') NOT LIKE 'datamesh.%'), '[]') || additions AS x) s
$fn$;
COMMENT ON FUNCTION datamesh._odcs_merge_custom(pg_catalog.jsonb, pg_catalog.jsonb) IS
    'internal: replace the datamesh.* customProperties of an ODCS element';

-- The value of an ODCS SLA property as an interval (value + unit), NULL if it is not one
CREATE FUNCTION datamesh._odcs_duration(item pg_catalog.jsonb) RETURNS pg_catalog.interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE WHEN jsonb_typeof(item -> 'value') = 'number' AND (item ->> 'value') ~ '^[0-9]{1,9}(\.[0-9]{1,6})?$'
                THEN (item ->> 'value')::numeric * CASE lower(coalesce(item ->> 'unit', 'd'))
                     WHEN 'y' THEN interval '1 year' WHEN 'yr' THEN interval '1 year' WHEN 'year' THEN interval '1 year'
                     WHEN 'years' THEN interval '1 year'
                     WHEN 'm' THEN interval '1 month' WHEN 'month' THEN interval '1 month' WHEN 'months' THEN interval '1 month'
                     WHEN 'w' THEN interval '1 week' WHEN 'week' THEN interval '1 week' WHEN 'weeks' THEN interval '1 week'
                     WHEN 'd' THEN interval '1 day' WHEN 'day' THEN interval '1 day' WHEN 'days' THEN interval '1 day'
                     WHEN 'h' THEN interval '1 hour' WHEN 'hr' THEN interval '1 hour' WHEN 'hour' THEN interval '1 hour'
                     WHEN 'hours' THEN interval '1 hour'
                     WHEN 'min' THEN interval '1 minute' WHEN 'minute' THEN interval '1 minute'
                     WHEN 'minutes' THEN interval '1 minute'
                     END
           END
$fn$;
COMMENT ON FUNCTION datamesh._odcs_duration(pg_catalog.jsonb) IS
    'internal: an ODCS SLA value with its unit as an interval';

-- The row count bounds {min, max} an ODCS rowCount check states (NULL members if open)
CREATE FUNCTION datamesh._odcs_row_bounds(q pg_catalog.jsonb) RETURNS pg_catalog.jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT jsonb_build_object(
        'min', coalesce(CASE WHEN jsonb_typeof(q -> 'mustBeGreaterThan') = 'number' THEN floor((q ->> 'mustBeGreaterThan')::numeric) + 1 END,
                        CASE WHEN jsonb_typeof(q -> 'mustBeGreaterOrEqualTo') = 'number' THEN ceil((q ->> 'mustBeGreaterOrEqualTo')::numeric) END,
                        CASE WHEN jsonb_typeof(q #> '{mustBeBetween,0}') = 'number' THEN ceil((q #>> '{mustBeBetween,0}')::numeric) END,
                        CASE WHEN jsonb_typeof(q -> 'mustBe') = 'number' THEN (q ->> 'mustBe')::numeric END),
        'max', coalesce(CASE WHEN jsonb_typeof(q -> 'mustBeLessThan') = 'number' THEN ceil((q ->> 'mustBeLessThan')::numeric) - 1 END,
                        CASE WHEN jsonb_typeof(q -> 'mustBeLessOrEqualTo') = 'number' THEN floor((q ->> 'mustBeLessOrEqualTo')::numeric) END,
                        CASE WHEN jsonb_typeof(q #> '{mustBeBetween,1}') = 'number' THEN floor((q #>> '{mustBeBetween,1}')::numeric) END,
                        CASE WHEN jsonb_typeof(q -> 'mustBe') = 'number' THEN (q ->> 'mustBe')::numeric END))
$fn$;
COMMENT ON FUNCTION datamesh._odcs_row_bounds(pg_catalog.jsonb) IS
    'internal: the row count bounds of an ODCS rowCount quality check';

/*
 * Convert an ODCS v3 document to a datamesh DataContract document.  Problems
 * in the ODCS structure are errors naming the ODCS path; what the converted
 * contract gets wrong is reported by publishing it.
 */
CREATE FUNCTION datamesh.odcs_to_contract(document pg_catalog.text, product_id pg_catalog.text DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    doc jsonb := datamesh._parse_manifest(document);
    problems text[] := '{}';
    pid text := product_id;
    objects jsonb;
    obj jsonb;
    obj_index int;
    prop jsonb;
    p text;
    i int;
    fields jsonb := '[]';
    f jsonb;
    t text;
    opts jsonb;
    q jsonb;
    pk jsonb := '[]';
    parts jsonb := '[]';
    rules jsonb := '[]';
    rmin numeric;
    rmax numeric;
    sla jsonb := '{}';
    item jsonb;
    latency interval;
    rels text[];
    c jsonb;
    status text;
    out jsonb;
    m text[];
BEGIN
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN
        PERFORM datamesh._raise_problems('invalid ODCS document',
            ARRAY['(document): expected an ODCS data contract mapping, got ' || datamesh._describe(doc)]);
    END IF;
    IF doc -> 'kind' IS DISTINCT FROM '"DataContract"' THEN
        problems := problems || ('kind: expected "DataContract", got ' || datamesh._describe(coalesce(doc -> 'kind', 'null')));
    END IF;
    IF jsonb_typeof(doc -> 'apiVersion') IS DISTINCT FROM 'string' OR (doc ->> 'apiVersion') !~ '^v3\.[0-9]+\.[0-9]+$' THEN
        problems := problems || ('apiVersion: expected an ODCS v3 version such as "v3.1.0", got '
                                 || datamesh._describe(coalesce(doc -> 'apiVersion', 'null')));
    END IF;
    IF coalesce(jsonb_typeof(doc -> 'id'), 'null') NOT IN ('string', 'number') THEN
        problems := problems || ('id: required (the contract''s stable identifier), got ' || datamesh._describe(coalesce(doc -> 'id', 'null')));
    END IF;
    IF jsonb_typeof(doc -> 'version') IS DISTINCT FROM 'string' THEN
        problems := problems || ('version: expected a semantic version such as "1.2.3", got ' || datamesh._describe(coalesce(doc -> 'version', 'null')));
    END IF;
    status := lower(doc ->> 'status');
    IF status IS NULL OR status NOT IN ('proposed', 'draft', 'active', 'deprecated', 'retired') THEN
        problems := problems || ('status: expected proposed, draft, active, deprecated or retired, got '
                                 || datamesh._describe(coalesce(doc -> 'status', 'null')));
    END IF;

    -- the data product: the argument, else customProperties datamesh.product_id, else dataProduct
    pid := coalesce(pid, datamesh._odcs_custom(doc, 'datamesh.product_id') #>> '{}', doc ->> 'dataProduct');
    IF pid IS NULL THEN
        problems := problems || 'dataProduct: required unless the product is given to import_odcs (product_id => ...)'::text;
    ELSIF NOT datamesh._is_product_name(pid) THEN
        problems := problems || format('dataProduct: "%s" is not a datamesh data product name; give the product to import_odcs (product_id => ...)', pid);
    END IF;

    objects := coalesce(doc -> 'schema', '[]');
    IF jsonb_typeof(objects) IS DISTINCT FROM 'array' THEN
        problems := problems || ('schema: expected a list of schema objects, got ' || datamesh._describe(objects));
        objects := '[]';
    END IF;
    IF cardinality(problems) > 0 THEN
        PERFORM datamesh._raise_problems('invalid ODCS document', problems);
    END IF;

    -- the schema object the contract is about: the one named like the relation of one of
    -- the product's in-database ports, else the first
    rels := ARRAY(SELECT r.relname::text FROM datamesh.output_ports o JOIN pg_class r ON r.oid = o.relation
                   WHERE o.product_id = pid);
    SELECT x.o - 1, x.e INTO obj_index, obj
      FROM jsonb_array_elements(objects) WITH ORDINALITY AS x(e, o)
     ORDER BY (x.e ->> 'physicalName' = ANY (rels) OR x.e ->> 'name' = ANY (rels)) DESC, x.o
     LIMIT 1;
    obj := coalesce(obj, '{}');
    IF jsonb_typeof(obj) IS DISTINCT FROM 'object' THEN
        PERFORM datamesh._raise_problems('invalid ODCS document',
            ARRAY[format('schema[%s]: expected a schema object mapping, got %s', obj_index, datamesh._describe(obj))]);
    END IF;
    IF obj ? 'properties' AND jsonb_typeof(obj -> 'properties') IS DISTINCT FROM 'array' THEN
        PERFORM datamesh._raise_problems('invalid ODCS document',
            ARRAY[format('schema[%s].properties: expected a list of properties, got %s', obj_index, datamesh._describe(obj -> 'properties'))]);
    END IF;

    i := 0;
    FOR prop IN SELECT e FROM jsonb_array_elements(coalesce(obj -> 'properties', '[]')) WITH ORDINALITY AS x(e, o) ORDER BY o LOOP
        p := format('schema[%s].properties[%s]', obj_index, i);
        IF jsonb_typeof(prop) IS DISTINCT FROM 'object' OR jsonb_typeof(prop -> 'name') IS DISTINCT FROM 'string' THEN
            problems := problems || format('%s: expected a property mapping with a name, got %s', p, datamesh._describe(prop));
            i := i + 1;
            CONTINUE;
        END IF;
        IF prop ? 'logicalType' AND coalesce(prop ->> 'logicalType', '') NOT IN
               ('string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean') THEN
            problems := problems || format('%s.logicalType: expected one of string, date, timestamp, time, number, integer, object, array, boolean, got %s',
                                           p, datamesh._describe(prop -> 'logicalType'));
            i := i + 1;
            CONTINUE;
        END IF;
        -- the type: physicalType when datamesh knows it, else logicalType
        IF jsonb_typeof(prop -> 'physicalType') = 'string'
           AND NOT datamesh._contract_type(prop -> 'physicalType') ? 'problem' THEN
            t := prop ->> 'physicalType';
        ELSE
            t := CASE prop ->> 'logicalType'
                 WHEN 'string' THEN CASE WHEN prop #>> '{logicalTypeOptions,format}' = 'uuid' THEN 'uuid' ELSE 'text' END
                 WHEN 'date' THEN 'date' WHEN 'timestamp' THEN 'timestamptz' WHEN 'time' THEN 'time'
                 WHEN 'number' THEN 'numeric' WHEN 'boolean' THEN 'boolean' WHEN 'object' THEN 'jsonb'
                 WHEN 'integer' THEN CASE WHEN prop #>> '{logicalTypeOptions,format}' IN ('i8', 'i16', 'u8') THEN 'smallint'
                                          WHEN prop #>> '{logicalTypeOptions,format}' IN ('i32', 'u16') THEN 'integer'
                                          ELSE 'bigint' END
                 WHEN 'array' THEN CASE prop #>> '{items,logicalType}' WHEN 'string' THEN 'text[]' WHEN 'integer' THEN 'bigint[]'
                                        WHEN 'number' THEN 'numeric[]' WHEN 'boolean' THEN 'boolean[]' ELSE 'jsonb' END
                 END;
            IF t IS NULL THEN
                problems := problems || format('%s.logicalType: required when physicalType (%s) is not a type datamesh knows',
                                               p, datamesh._describe(coalesce(prop -> 'physicalType', 'null')));
                i := i + 1;
                CONTINUE;
            END IF;
        END IF;
        opts := CASE WHEN jsonb_typeof(prop -> 'logicalTypeOptions') = 'object' THEN prop -> 'logicalTypeOptions' ELSE '{}' END;
        f := jsonb_strip_nulls(jsonb_build_object(
            'name', coalesce(prop -> 'physicalName', prop -> 'name'),
            'type', t,
            'description', prop -> 'description',
            'required', CASE WHEN (prop ->> 'primaryKey')::bool IS TRUE THEN NULL ELSE prop -> 'required' END,
            'unique', prop -> 'unique',
            'primary_key', prop -> 'primaryKey',
            'classification', prop -> 'classification',
            'min', CASE WHEN jsonb_typeof(opts -> 'minimum') = 'number' THEN opts -> 'minimum' END,
            'max', CASE WHEN jsonb_typeof(opts -> 'maximum') = 'number' THEN opts -> 'maximum' END,
            'pattern', opts -> 'pattern',
            'pii', datamesh._odcs_custom(prop, 'datamesh.pii'),
            'enum', datamesh._odcs_custom(prop, 'datamesh.enum'),
            'default', datamesh._odcs_custom(prop, 'datamesh.default')));
        IF datamesh._odcs_custom(prop, 'datamesh.nullable') IS NOT NULL THEN
            f := f || jsonb_build_object('nullable', datamesh._odcs_custom(prop, 'datamesh.nullable'));
        END IF;
        IF datamesh._odcs_custom(prop, 'datamesh.default') = 'null' THEN
            f := f || '{"default": null}';
        END IF;
        -- property quality: nullValues bounds the null rate, invalidValues with validValues
        -- and no tolerance is an enum, duplicateValues of 0 is uniqueness
        FOR q IN SELECT e FROM jsonb_array_elements(CASE WHEN jsonb_typeof(prop -> 'quality') = 'array'
                                                          THEN prop -> 'quality' ELSE '[]' END) e LOOP
            CONTINUE WHEN coalesce(q ->> 'type', 'library') <> 'library';
            IF q ->> 'metric' = 'nullValues' AND (q -> 'mustBe' = '0' OR jsonb_typeof(q -> 'mustBeLessOrEqualTo') = 'number') THEN
                f := f || jsonb_build_object('max_null_rate', CASE
                    WHEN q -> 'mustBe' = '0' THEN 0
                    WHEN q ->> 'unit' = 'percent' THEN trim_scale((q ->> 'mustBeLessOrEqualTo')::numeric / 100)
                    ELSE NULL END);
                IF f -> 'max_null_rate' = 'null' THEN
                    f := f - 'max_null_rate';
                END IF;
            ELSIF q ->> 'metric' = 'invalidValues' AND q -> 'mustBe' = '0'
                  AND jsonb_typeof(q #> '{arguments,validValues}') = 'array' AND NOT f ? 'enum' THEN
                f := f || jsonb_build_object('enum', q #> '{arguments,validValues}');
            ELSIF q ->> 'metric' = 'duplicateValues' AND q -> 'mustBe' = '0' THEN
                f := f || '{"unique": true}';
            END IF;
        END LOOP;
        fields := fields || jsonb_build_array(f);
        IF (prop ->> 'primaryKey')::bool IS TRUE THEN
            pk := pk || jsonb_build_array(jsonb_build_object('name', f -> 'name', 'pos', coalesce((prop ->> 'primaryKeyPosition')::int, 0), 'i', i));
        END IF;
        IF (prop ->> 'partitioned')::bool IS TRUE THEN
            parts := parts || jsonb_build_array(jsonb_build_object('name', f -> 'name', 'pos', coalesce((prop ->> 'partitionKeyPosition')::int, 0), 'i', i));
        END IF;
        i := i + 1;
    END LOOP;
    IF cardinality(problems) > 0 THEN
        PERFORM datamesh._raise_problems('invalid ODCS document', problems);
    END IF;

    -- object quality: rowCount bounds; sql checks written by export_odcs are rules
    FOR q IN SELECT e FROM jsonb_array_elements(CASE WHEN jsonb_typeof(obj -> 'quality') = 'array'
                                                      THEN obj -> 'quality' ELSE '[]' END) e LOOP
        IF coalesce(q ->> 'type', 'library') = 'library' AND q ->> 'metric' = 'rowCount' THEN
            rmin := coalesce((datamesh._odcs_row_bounds(q) ->> 'min')::numeric, rmin);
            rmax := coalesce((datamesh._odcs_row_bounds(q) ->> 'max')::numeric, rmax);
        ELSIF q ->> 'type' = 'sql' AND q -> 'mustBe' = '0' AND jsonb_typeof(q -> 'name') = 'string' THEN
            m := regexp_match(q ->> 'query', '^SELECT count\(\*\) FROM \$\{object\} WHERE NOT \((.*)\)$');
            IF m IS NOT NULL THEN
                rules := rules || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                    'name', q -> 'name', 'rule', m[1], 'severity', q -> 'severity', 'description', q -> 'description')));
            END IF;
        END IF;
    END LOOP;

    -- SLA properties: keyed by property (a list when repeated); latency is the freshness promise,
    -- generalAvailability and endOfSupport the effective and deprecated dates
    FOR item IN SELECT e FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'slaProperties') = 'array'
                                                         THEN doc -> 'slaProperties' ELSE '[]' END) WITH ORDINALITY AS x(e, o)
                 ORDER BY o LOOP
        CONTINUE WHEN jsonb_typeof(item) IS DISTINCT FROM 'object' OR jsonb_typeof(item -> 'property') IS DISTINCT FROM 'string';
        sla := sla || jsonb_build_object(item ->> 'property', CASE
            WHEN sla ? (item ->> 'property') AND jsonb_typeof(sla -> (item ->> 'property')) = 'array'
                THEN (sla -> (item ->> 'property')) || jsonb_build_array(item - 'property')
            WHEN sla ? (item ->> 'property') THEN jsonb_build_array(sla -> (item ->> 'property'), item - 'property')
            ELSE item - 'property' END);
        IF lower(item ->> 'property') IN ('latency', 'freshness') THEN
            latency := datamesh._odcs_duration(item);
        END IF;
    END LOOP;

    c := jsonb_build_object(
        'apiVersion', 'datamesh.io/v1', 'kind', 'DataContract',
        'metadata', jsonb_strip_nulls(jsonb_build_object(
            'product_id', pid, 'version', doc -> 'version', 'contract_id', to_jsonb(doc ->> 'id'),
            'name', CASE WHEN jsonb_typeof(doc -> 'name') = 'string' THEN doc -> 'name' END,
            'description', CASE WHEN jsonb_typeof(doc -> 'description') = 'string' THEN doc -> 'description'
                                ELSE doc #> '{description,purpose}' END,
            'status', CASE WHEN status IN ('proposed', 'draft') THEN 'draft' ELSE 'active' END,
            'port', datamesh._odcs_custom(doc, 'datamesh.port'),
            'product_version', datamesh._odcs_custom(doc, 'datamesh.product_version'),
            'tags', CASE WHEN jsonb_typeof(doc -> 'tags') = 'array' THEN doc -> 'tags' END)),
        'schema', jsonb_strip_nulls(jsonb_build_object(
            'format', 'native',
            'compatibility', datamesh._odcs_custom(doc, 'datamesh.compatibility'),
            'primary_key', CASE WHEN jsonb_array_length(pk) > 0 THEN (
                SELECT jsonb_agg(x -> 'name' ORDER BY (x ->> 'pos')::int, (x ->> 'i')::int) FROM jsonb_array_elements(pk) x) END,
            'definition', jsonb_build_object('fields', fields))),
        'x-odcs', jsonb_build_object('schema_object', obj_index, 'status', status));
    out := jsonb_strip_nulls(jsonb_build_object(
        'partition_by', CASE WHEN jsonb_array_length(parts) > 0 THEN (
            SELECT jsonb_agg(x -> 'name' ORDER BY (x ->> 'pos')::int, (x ->> 'i')::int) FROM jsonb_array_elements(parts) x) END,
        'uniqueness_constraints', datamesh._odcs_custom(doc, 'datamesh.uniqueness_constraints'),
        'min_completeness', datamesh._odcs_custom(doc, 'datamesh.min_completeness'),
        'max_latency_minutes', coalesce(datamesh._odcs_custom(doc, 'datamesh.max_latency_minutes'),
                                        to_jsonb(ceil(extract(epoch FROM latency) / 60)::int)),
        'row_count', CASE WHEN rmin IS NOT NULL OR rmax IS NOT NULL
                          THEN jsonb_strip_nulls(jsonb_build_object('min', rmin, 'max', rmax)) END,
        'quality_rules', CASE WHEN jsonb_array_length(rules) > 0 THEN rules END,
        'sla', coalesce(datamesh._odcs_custom(doc, 'datamesh.sla'), CASE WHEN sla <> '{}' THEN sla END),
        'consumer_expectations', datamesh._odcs_custom(doc, 'datamesh.consumer_expectations'),
        'deprecation', datamesh._odcs_custom(doc, 'datamesh.deprecation'),
        'schema_evolution_policy', datamesh._odcs_custom(doc, 'datamesh.schema_evolution_policy'),
        'effective_date', coalesce(datamesh._odcs_custom(doc, 'datamesh.effective_date'),
                                   sla #> '{generalAvailability,value}'),
        'deprecated_date', coalesce(datamesh._odcs_custom(doc, 'datamesh.deprecated_date'),
                                    sla #> '{endOfSupport,value}')));
    RETURN c || out;
END
$fn$;
COMMENT ON FUNCTION datamesh.odcs_to_contract(pg_catalog.text, pg_catalog.text) IS
    'convert an ODCS v3 data contract (YAML or JSON) to a datamesh DataContract document, without publishing it';

CREATE FUNCTION datamesh._import_odcs(document pg_catalog.text, product_id pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    c jsonb := datamesh.odcs_to_contract(document, product_id);
    r jsonb;
    want text := c #>> '{x-odcs,status}';
BEGIN
    r := datamesh._store_contract(c, caller, 'odcs', datamesh._parse_manifest(document));
    -- an ODCS contract may arrive deprecated or retired: publish it, then move it forward
    IF r ->> 'result' = 'published' AND want IN ('deprecated', 'retired') THEN
        UPDATE datamesh.contracts x
           SET status = want, deprecated_date = coalesce(x.deprecated_date, now())
         WHERE x.product_id = r ->> 'product_id' AND x.version OPERATOR(datamesh.=) (r ->> 'version')::datamesh.semver;
        r := r || jsonb_build_object('status', want);
    END IF;
    RETURN r || jsonb_build_object('source_format', 'odcs');
END
$fn$;
COMMENT ON FUNCTION datamesh._import_odcs(pg_catalog.text, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.import_odcs';

CREATE FUNCTION datamesh.import_odcs(document pg_catalog.text, product_id pg_catalog.text DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.import_odcs(pg_catalog.text, pg_catalog.text) IS
    'publish an ODCS v3 data contract (YAML or JSON) as a datamesh contract; the original document is kept for export';

/*
 * An ODCS document for a contract version.  Sections datamesh models are
 * written from the catalog; for an imported contract everything else comes
 * from the original document.
 */
CREATE FUNCTION datamesh.export_odcs(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    v datamesh.semver := datamesh._contract_version(product_id, version);
    c datamesh.contracts;
    dom text;
    base jsonb;
    objects jsonb;
    obj jsonb;
    obj_index int;
    props jsonb := '[]';
    orig jsonb;
    prop jsonb;
    f datamesh.contract_fields;
    opts jsonb;
    quality jsonb;
    custom jsonb;
    relname text;
    out jsonb;
    sla_items jsonb;
    k text;
BEGIN
    SELECT * INTO c FROM datamesh.contracts x
     WHERE x.product_id = export_odcs.product_id AND x.version OPERATOR(datamesh.=) v;
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = c.product_id;
    SELECT r.relname INTO relname FROM pg_class r WHERE r.oid = c.relation;
    base := coalesce(c.source_document, '{}');
    objects := CASE WHEN jsonb_typeof(base -> 'schema') = 'array' THEN base -> 'schema' ELSE '[]' END;
    obj_index := coalesce((c.manifest #>> '{x-odcs,schema_object}')::int, 0);
    obj := coalesce(objects -> obj_index, jsonb_build_object('name', coalesce(relname, replace(c.product_id, '-', '_')),
                                                             'physicalType', 'table'));
    IF relname IS NOT NULL AND NOT obj ? 'physicalName' AND obj ->> 'name' IS DISTINCT FROM relname THEN
        obj := obj || jsonb_build_object('physicalName', relname);
    END IF;

    FOR f IN SELECT * FROM datamesh.contract_fields x
              WHERE x.product_id = c.product_id AND x.version OPERATOR(datamesh.=) c.version ORDER BY x.ordinal LOOP
        orig := coalesce((SELECT e FROM jsonb_array_elements(CASE WHEN jsonb_typeof(obj -> 'properties') = 'array'
                                                                  THEN obj -> 'properties' ELSE '[]' END) e
                           WHERE coalesce(e ->> 'physicalName', e ->> 'name') = f.name LIMIT 1),
                         jsonb_build_object('name', f.name));
        prop := orig || jsonb_build_object('logicalType', coalesce(orig ->> 'logicalType', datamesh._odcs_logical_type(f.sql_type)));
        -- physicalType: the original when it means the contract's type, else the type as
        -- written when that is a type name, else the PostgreSQL type
        IF NOT orig ? 'physicalType'
           OR (NOT datamesh._contract_type(orig -> 'physicalType') ? 'problem'
               AND datamesh._contract_type(orig -> 'physicalType') ->> 'sql_type' IS DISTINCT FROM f.sql_type) THEN
            prop := prop || jsonb_build_object('physicalType',
                CASE WHEN datamesh._contract_type(to_jsonb(f.type)) ->> 'sql_type' = f.sql_type
                          AND NOT (datamesh._contract_type(to_jsonb(f.type)) ->> 'nullable')::bool
                     THEN f.type ELSE f.sql_type END);
        END IF;
        prop := prop - '{required,unique,primaryKey,primaryKeyPosition,partitioned,partitionKeyPosition}'::text[]
                || CASE WHEN f.required OR orig ? 'required' THEN jsonb_build_object('required', f.required) ELSE '{}' END
                || CASE WHEN (f.is_unique AND NOT (f.is_primary_key AND cardinality(c.primary_key) = 1)) OR orig ? 'unique'
                        THEN jsonb_build_object('unique', f.is_unique) ELSE '{}' END
                || CASE WHEN f.is_primary_key THEN jsonb_build_object('primaryKey', true, 'primaryKeyPosition',
                                                                      array_position(c.primary_key, f.name))
                        WHEN orig ? 'primaryKey' THEN jsonb_build_object('primaryKey', false, 'primaryKeyPosition', -1)
                        ELSE '{}' END
                || CASE WHEN f.name = ANY (c.partition_by) THEN jsonb_build_object('partitioned', true, 'partitionKeyPosition',
                                                                                  array_position(c.partition_by, f.name))
                        WHEN orig ? 'partitioned' THEN jsonb_build_object('partitioned', false, 'partitionKeyPosition', -1)
                        ELSE '{}' END;
        IF f.doc IS NOT NULL THEN
            prop := prop || jsonb_build_object('description', f.doc);
        END IF;
        IF f.classification IS NOT NULL THEN
            prop := prop || jsonb_build_object('classification', f.classification);
        END IF;
        opts := CASE WHEN jsonb_typeof(prop -> 'logicalTypeOptions') = 'object' THEN prop -> 'logicalTypeOptions' ELSE '{}' END;
        opts := opts - '{minimum,maximum,pattern}'::text[] || jsonb_strip_nulls(jsonb_build_object(
                    'minimum', f.min_value, 'maximum', f.max_value, 'pattern', f.pattern));
        -- keep non-numeric bounds (dates) the original gave
        opts := opts || jsonb_strip_nulls(jsonb_build_object(
                    'minimum', CASE WHEN jsonb_typeof(orig #> '{logicalTypeOptions,minimum}') IS DISTINCT FROM 'number' THEN orig #> '{logicalTypeOptions,minimum}' END,
                    'maximum', CASE WHEN jsonb_typeof(orig #> '{logicalTypeOptions,maximum}') IS DISTINCT FROM 'number' THEN orig #> '{logicalTypeOptions,maximum}' END));
        prop := CASE WHEN opts = '{}' THEN prop - 'logicalTypeOptions' ELSE prop || jsonb_build_object('logicalTypeOptions', opts) END;
        -- the null rate as a nullValues check, unless the original states it
        quality := CASE WHEN jsonb_typeof(orig -> 'quality') = 'array' THEN orig -> 'quality' ELSE '[]' END;
        IF f.max_null_rate IS NOT NULL AND NOT EXISTS (SELECT FROM jsonb_array_elements(quality) q
                                                        WHERE q ->> 'metric' = 'nullValues') THEN
            quality := quality || jsonb_build_array(CASE WHEN f.max_null_rate = 0
                THEN jsonb_build_object('metric', 'nullValues', 'mustBe', 0, 'type', 'library', 'dimension', 'completeness')
                ELSE jsonb_build_object('metric', 'nullValues', 'mustBeLessOrEqualTo', trim_scale(f.max_null_rate * 100), 'unit', 'percent',
                                        'type', 'library', 'dimension', 'completeness') END);
        END IF;
        prop := CASE WHEN jsonb_array_length(quality) = 0 THEN prop - 'quality' ELSE prop || jsonb_build_object('quality', quality) END;
        custom := '[]';
        IF f.pii THEN
            custom := custom || '[{"property": "datamesh.pii", "value": true}]';
        END IF;
        IF f.enum_values IS NOT NULL THEN
            custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.enum', 'value', to_jsonb(f.enum_values)));
        END IF;
        IF f.default_value IS NOT NULL THEN
            custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.default', 'value', f.default_value));
        END IF;
        -- nullable differs from ODCS's reading (nullable unless required) only for primary keys
        IF f.nullable = f.required THEN
            custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.nullable', 'value', f.nullable));
        END IF;
        prop := datamesh._odcs_merge_custom(prop, custom);
        props := props || jsonb_build_array(prop);
    END LOOP;
    obj := obj || jsonb_build_object('properties', props);

    -- row count bounds and SQL rules on the object
    -- (original rowCount checks stay when they state the contract's bounds)
    quality := (SELECT coalesce(jsonb_agg(q ORDER BY o), '[]')
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(obj -> 'quality') = 'array' THEN obj -> 'quality' ELSE '[]' END)
                       WITH ORDINALITY AS x(q, o)
                 WHERE NOT (q ->> 'type' = 'sql' AND q ->> 'query' LIKE 'SELECT count(*) FROM ${object} WHERE NOT (%')
                   AND NOT (coalesce(q ->> 'type', 'library') = 'library' AND q ->> 'metric' = 'rowCount'
                            AND datamesh._odcs_row_bounds(q) IS DISTINCT FROM jsonb_build_object('min', c.row_count_min, 'max', c.row_count_max)));
    IF (c.row_count_min IS NOT NULL OR c.row_count_max IS NOT NULL)
       AND NOT EXISTS (SELECT FROM jsonb_array_elements(quality) q WHERE q ->> 'metric' = 'rowCount') THEN
        quality := quality || jsonb_build_array(
            coalesce((SELECT q FROM jsonb_array_elements(CASE WHEN jsonb_typeof(obj -> 'quality') = 'array'
                                                              THEN obj -> 'quality' ELSE '[]' END) q
                       WHERE coalesce(q ->> 'type', 'library') = 'library' AND q ->> 'metric' = 'rowCount' LIMIT 1), '{}')
            - '{mustBe,mustNotBe,mustBeGreaterThan,mustBeGreaterOrEqualTo,mustBeLessThan,mustBeLessOrEqualTo,mustBeBetween,mustNotBeBetween}'::text[]
            || jsonb_build_object('metric', 'rowCount', 'type', 'library')
            || CASE WHEN c.row_count_min IS NOT NULL AND c.row_count_max IS NOT NULL
                    THEN jsonb_build_object('mustBeBetween', jsonb_build_array(c.row_count_min, c.row_count_max))
                    WHEN c.row_count_min IS NOT NULL THEN jsonb_build_object('mustBeGreaterOrEqualTo', c.row_count_min)
                    ELSE jsonb_build_object('mustBeLessOrEqualTo', c.row_count_max) END);
    END IF;
    quality := quality || coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'name', r -> 'name', 'type', 'sql', 'query', format('SELECT count(*) FROM ${object} WHERE NOT (%s)', r ->> 'rule'),
                   'mustBe', 0, 'severity', r -> 'severity', 'description', r -> 'description')) ORDER BY o)
                 FROM jsonb_array_elements(c.quality_rules) WITH ORDINALITY AS x(r, o)), '[]');
    obj := CASE WHEN jsonb_array_length(quality) = 0 THEN obj - 'quality' ELSE obj || jsonb_build_object('quality', quality) END;
    IF jsonb_array_length(objects) > obj_index THEN
        objects := jsonb_set(objects, ARRAY[obj_index::text], obj);
    ELSIF jsonb_array_length(props) = 0 AND c.source_document IS NOT NULL THEN
        NULL;   -- an imported contract without schema objects (SLA only) keeps none
    ELSE
        objects := jsonb_build_array(obj);
    END IF;

    -- SLA: an imported contract's slaProperties stay; a native contract's SLA travels as is
    custom := '[]';
    IF c.source_document IS NULL THEN
        sla_items := '[]';
        IF c.max_latency_minutes IS NOT NULL THEN
            sla_items := sla_items || jsonb_build_array(jsonb_build_object('property', 'latency', 'value', c.max_latency_minutes, 'unit', 'min'));
        END IF;
        IF c.effective_date IS NOT NULL THEN
            sla_items := sla_items || jsonb_build_array(jsonb_build_object('property', 'generalAvailability',
                                                                           'value', to_jsonb(c.effective_date)));
        END IF;
        IF c.deprecated_date IS NOT NULL THEN
            sla_items := sla_items || jsonb_build_array(jsonb_build_object('property', 'endOfSupport',
                                                                           'value', to_jsonb(c.deprecated_date)));
        END IF;
        IF jsonb_array_length(sla_items) > 0 THEN
            base := base || jsonb_build_object('slaProperties', sla_items);
        END IF;
        IF c.sla IS NOT NULL THEN
            custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.sla', 'value', c.sla));
        END IF;
        IF c.max_latency_minutes IS NOT NULL THEN
            custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.max_latency_minutes', 'value', c.max_latency_minutes));
        END IF;
    END IF;
    custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.product_id', 'value', c.product_id),
                                          jsonb_build_object('property', 'datamesh.compatibility', 'value', c.compatibility));
    FOREACH k IN ARRAY ARRAY['uniqueness_constraints', 'min_completeness', 'consumer_expectations', 'deprecation',
                             'schema_evolution_policy', 'port', 'product_version'] LOOP
        CONTINUE WHEN k = 'uniqueness_constraints' AND c.uniqueness_constraints = '[]';
        CONTINUE WHEN k IN ('port', 'product_version') AND NOT c.manifest -> 'metadata' ? k;
        custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.' || k, 'value', CASE k
            WHEN 'uniqueness_constraints' THEN c.uniqueness_constraints
            WHEN 'min_completeness' THEN to_jsonb(c.min_completeness)
            WHEN 'consumer_expectations' THEN c.consumer_expectations
            WHEN 'deprecation' THEN c.deprecation
            WHEN 'schema_evolution_policy' THEN to_jsonb(c.schema_evolution_policy)
            ELSE c.manifest -> 'metadata' -> k END));
        IF custom -> -1 -> 'value' = 'null' THEN
            custom := custom - (-1);
        END IF;
    END LOOP;
    IF c.source_document IS NOT NULL AND datamesh._odcs_custom(c.source_document, 'datamesh.effective_date') IS NOT NULL THEN
        custom := custom || jsonb_build_array(jsonb_build_object('property', 'datamesh.effective_date', 'value', to_jsonb(c.effective_date)));
    END IF;

    out := base || jsonb_build_object(
        'apiVersion', coalesce(base ->> 'apiVersion', 'v3.1.0'),
        'kind', 'DataContract',
        'id', coalesce(base -> 'id', to_jsonb(coalesce(c.contract_id, c.product_id))),
        'version', c.version::text,
        'status', CASE WHEN c.status = 'draft' AND base ->> 'status' = 'proposed' THEN 'proposed' ELSE c.status END,
        'domain', coalesce(base -> 'domain', to_jsonb(dom)),
        'dataProduct', coalesce(base -> 'dataProduct', to_jsonb(c.product_id)))
        || CASE WHEN base ? 'schema' OR jsonb_array_length(objects) > 0 THEN jsonb_build_object('schema', objects) ELSE '{}' END;
    IF NOT base ? 'name' AND c.manifest #>> '{metadata,name}' IS NOT NULL THEN
        out := out || jsonb_build_object('name', c.manifest #> '{metadata,name}');
    END IF;
    IF NOT base ? 'description' AND c.manifest #>> '{metadata,description}' IS NOT NULL THEN
        out := out || jsonb_build_object('description', jsonb_build_object('purpose', c.manifest #> '{metadata,description}'));
    END IF;
    IF NOT base ? 'tags' AND c.manifest #> '{metadata,tags}' IS NOT NULL THEN
        out := out || jsonb_build_object('tags', c.manifest #> '{metadata,tags}');
    END IF;
    RETURN datamesh.jsonb_to_yaml(datamesh._odcs_merge_custom(out, custom));
END
$fn$;
COMMENT ON FUNCTION datamesh.export_odcs(pg_catalog.text, datamesh.semver) IS
    'a contract version as an ODCS v3.1.0 document (YAML); an imported contract keeps every section of its original document';

REVOKE ALL ON FUNCTION datamesh.odcs_to_contract(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.export_odcs(pg_catalog.text, datamesh.semver) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.odcs_to_contract(pg_catalog.text, pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.export_odcs(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._parse_manifest(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._describe(pg_catalog.jsonb) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._is_product_name(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._raise_problems(pg_catalog.text, pg_catalog.text[], pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._contract_type(pg_catalog.jsonb) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._odcs_custom(pg_catalog.jsonb, pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._odcs_duration(pg_catalog.jsonb) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._odcs_row_bounds(pg_catalog.jsonb) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._odcs_logical_type(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._odcs_merge_custom(pg_catalog.jsonb, pg_catalog.jsonb) TO datamesh_reader;
