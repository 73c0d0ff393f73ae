/*
 * Data contracts: storage, publishing, versioning, status, DDL scaffolding.
 *
 * A contract is a versioned promise about one data product's output: its
 * fields (types, nullability, constraints), keys, data quality rules, SLA and
 * deprecation policy.  It binds to the product's in-database output port; the
 * breaking-DDL guard and validate_data enforce every active, bound contract.
 *
 * Writes go through trampolines (src/invoker.c): datamesh.X runs as the
 * caller and calls datamesh._X(..., caller regrole), SECURITY DEFINER, which
 * checks that the caller manages the product's domain.
 */

CREATE TABLE datamesh.contracts (
    product_id    pg_catalog.text NOT NULL REFERENCES datamesh.data_products (product_id) ON DELETE CASCADE,
    version       datamesh.semver NOT NULL,
    status        pg_catalog.text NOT NULL
                  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['draft', 'active', 'deprecated', 'retired'])),
    compatibility pg_catalog.text NOT NULL
                  CHECK (compatibility OPERATOR(pg_catalog.=) ANY (ARRAY['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE',
                         'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'])),
    schema_format pg_catalog.text NOT NULL
                  CHECK (schema_format OPERATOR(pg_catalog.=) ANY (ARRAY['native', 'avro', 'json_schema'])),
    schema        pg_catalog.jsonb NOT NULL,
    product_version datamesh.semver,
    port_name     pg_catalog.text,
    relation      pg_catalog.regclass,
    partition_by  pg_catalog.text[] NOT NULL DEFAULT '{}',
    uniqueness_constraints pg_catalog.jsonb NOT NULL DEFAULT '[]',
    min_completeness pg_catalog.numeric CHECK (min_completeness BETWEEN 0 AND 1),
    max_latency_minutes pg_catalog.int4 CHECK (max_latency_minutes OPERATOR(pg_catalog.>) 0),
    row_count_min pg_catalog.int8 CHECK (row_count_min OPERATOR(pg_catalog.>=) 0),
    row_count_max pg_catalog.int8 CHECK (row_count_max OPERATOR(pg_catalog.>=) row_count_min),
    quality_rules pg_catalog.jsonb NOT NULL DEFAULT '[]',
    sla           pg_catalog.jsonb,
    consumer_expectations pg_catalog.jsonb,
    deprecation   pg_catalog.jsonb,
    effective_date pg_catalog.timestamptz,
    deprecated_date pg_catalog.timestamptz,
    manifest      pg_catalog.jsonb NOT NULL,
    published_by  pg_catalog.regrole NOT NULL,
    published_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- seed 001 fields and the document's origin
    contract_id   pg_catalog.text,
    schema_evolution_policy pg_catalog.text,
    primary_key   pg_catalog.text[] NOT NULL DEFAULT '{}',
    source_format pg_catalog.text NOT NULL DEFAULT 'datamesh'
                  CHECK (source_format OPERATOR(pg_catalog.=) ANY (ARRAY['datamesh', 'odcs'])),
    source_document pg_catalog.jsonb,
    status_changed_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    status_changed_by pg_catalog.regrole,
    PRIMARY KEY (product_id, version),
    FOREIGN KEY (product_id, product_version) REFERENCES datamesh.product_versions (product_id, version) ON DELETE CASCADE,
    CHECK ((port_name IS NULL) OR (product_version IS NOT NULL))
);
CREATE INDEX contracts_relation_idx ON datamesh.contracts (relation) WHERE relation IS NOT NULL;
COMMENT ON TABLE datamesh.contracts IS
    'data contracts: one row per product and contract version; enforced while status is active and relation is set';
COMMENT ON COLUMN datamesh.contracts.version IS 'the contract''s own semantic version';
COMMENT ON COLUMN datamesh.contracts.compatibility IS 'compatibility mode for later versions (upper case)';
COMMENT ON COLUMN datamesh.contracts.schema_format IS 'shape of schema: native fields, Avro record or JSON Schema';
COMMENT ON COLUMN datamesh.contracts.schema IS 'the schema definition as given';
COMMENT ON COLUMN datamesh.contracts.product_version IS 'the product version the contract binds to';
COMMENT ON COLUMN datamesh.contracts.port_name IS 'the in-database output port the contract binds to';
COMMENT ON COLUMN datamesh.contracts.relation IS 'that port''s relation (NULL: the contract is not enforced on a table)';
COMMENT ON COLUMN datamesh.contracts.uniqueness_constraints IS 'array of arrays of column names that must be unique together';
COMMENT ON COLUMN datamesh.contracts.quality_rules IS 'array of {name, rule (SQL boolean expression), severity, description}';
COMMENT ON COLUMN datamesh.contracts.manifest IS 'the whole contract document as JSON (for ODCS imports: the datamesh form)';
COMMENT ON COLUMN datamesh.contracts.source_format IS 'datamesh when published with publish_contract, odcs when imported';
COMMENT ON COLUMN datamesh.contracts.source_document IS 'for ODCS imports: the original ODCS document, merged back on export';

CREATE TABLE datamesh.contract_fields (
    product_id     pg_catalog.text NOT NULL,
    version        datamesh.semver NOT NULL,
    ordinal        pg_catalog.int4 NOT NULL,
    name           pg_catalog.text NOT NULL,
    type           pg_catalog.text NOT NULL,
    sql_type       pg_catalog.text NOT NULL,
    nullable       pg_catalog.bool NOT NULL,
    required       pg_catalog.bool NOT NULL,
    is_unique      pg_catalog.bool NOT NULL DEFAULT false,
    is_primary_key pg_catalog.bool NOT NULL DEFAULT false,
    default_value  pg_catalog.jsonb,
    doc            pg_catalog.text,
    pii            pg_catalog.bool NOT NULL DEFAULT false,
    classification pg_catalog.text,
    min_value      pg_catalog.numeric,
    max_value      pg_catalog.numeric,
    enum_values    pg_catalog.text[],
    pattern        pg_catalog.text,
    max_null_rate  pg_catalog.numeric CHECK (max_null_rate BETWEEN 0 AND 1),
    PRIMARY KEY (product_id, version, ordinal),
    UNIQUE (product_id, version, name),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.contracts ON DELETE CASCADE,
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value OPERATOR(pg_catalog.<=) max_value)
);
COMMENT ON TABLE datamesh.contract_fields IS
    'the fields a contract version promises, in canonical form (one row per top-level field)';
COMMENT ON COLUMN datamesh.contract_fields.type IS 'the type as written in the contract (JSON text when not a string)';
COMMENT ON COLUMN datamesh.contract_fields.sql_type IS 'the PostgreSQL type the field maps to';

SELECT pg_catalog.pg_extension_config_dump('datamesh.contracts', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_fields', '');
REVOKE ALL ON datamesh.contracts, datamesh.contract_fields FROM PUBLIC;
GRANT SELECT ON datamesh.contracts, datamesh.contract_fields TO datamesh_reader;

-------------------------------------------------------------- field types

/*
 * Map a field type of a native or Avro schema to PostgreSQL.  Returns
 * {"sql_type", "nullable" (the type is a union with null), "numeric",
 * "enum" (Avro enum symbols)} or {"problem"}.
 */
CREATE FUNCTION datamesh._contract_type(t pg_catalog.jsonb) RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    s text;
    m text[];
    inner_t jsonb;
    branches jsonb;
    n int;
    numeric_types CONSTANT text[] := '{smallint,integer,bigint,real,double precision,numeric}';
BEGIN
    IF t IS NULL THEN
        RETURN '{"problem": "required"}';
    END IF;
    CASE jsonb_typeof(t)
    WHEN 'string' THEN
        s := lower(btrim(t #>> '{}'));
        m := regexp_match(s, '^(decimal|numeric)\s*\(\s*([0-9]{1,4})\s*(?:,\s*([0-9]{1,4})\s*)?\)$');
        IF m IS NOT NULL THEN
            IF m[2]::int NOT BETWEEN 1 AND 1000 OR coalesce(m[3], '0')::int > m[2]::int THEN
                RETURN jsonb_build_object('problem', format('invalid precision or scale in type "%s"', t #>> '{}'));
            END IF;
            RETURN jsonb_build_object('sql_type', format('numeric(%s,%s)', m[2], coalesce(m[3], '0')),
                                      'nullable', false, 'numeric', true);
        END IF;
        m := regexp_match(s, '^(varchar|character varying|char|character)\s*\(\s*([0-9]{1,7})\s*\)$');
        IF m IS NOT NULL THEN
            IF m[2]::int NOT BETWEEN 1 AND 10485760 THEN
                RETURN jsonb_build_object('problem', format('invalid length in type "%s"', t #>> '{}'));
            END IF;
            RETURN jsonb_build_object('sql_type', format('%s(%s)', CASE WHEN m[1] LIKE 'char%' AND m[1] <> 'character varying'
                                                                    THEN 'char' ELSE 'varchar' END, m[2]),
                                      'nullable', false, 'numeric', false);
        END IF;
        m := regexp_match(s, '^(?:array\s*<\s*(.+)\s*>|(.+)\[\])$');
        IF m IS NOT NULL THEN
            inner_t := datamesh._contract_type(to_jsonb(coalesce(m[1], m[2])));
            IF inner_t ? 'problem' THEN
                RETURN inner_t;
            ELSIF (inner_t ->> 'sql_type') LIKE '%[]' OR inner_t ->> 'sql_type' = 'jsonb' THEN
                RETURN '{"sql_type": "jsonb", "nullable": false, "numeric": false}';
            END IF;
            RETURN jsonb_build_object('sql_type', (inner_t ->> 'sql_type') || '[]', 'nullable', false, 'numeric', false);
        END IF;
        s := CASE s
             WHEN 'string' THEN 'text' WHEN 'text' THEN 'text' WHEN 'varchar' THEN 'text'
             WHEN 'int' THEN 'integer' WHEN 'integer' THEN 'integer' WHEN 'int4' THEN 'integer' WHEN 'int32' THEN 'integer'
             WHEN 'long' THEN 'bigint' WHEN 'bigint' THEN 'bigint' WHEN 'int8' THEN 'bigint' WHEN 'int64' THEN 'bigint'
             WHEN 'smallint' THEN 'smallint' WHEN 'short' THEN 'smallint' WHEN 'int2' THEN 'smallint'
             WHEN 'real' THEN 'real' WHEN 'float4' THEN 'real'
             WHEN 'float' THEN 'double precision' WHEN 'double' THEN 'double precision'
             WHEN 'double precision' THEN 'double precision' WHEN 'float8' THEN 'double precision'
             WHEN 'decimal' THEN 'numeric' WHEN 'numeric' THEN 'numeric' WHEN 'number' THEN 'numeric'
             WHEN 'boolean' THEN 'boolean' WHEN 'bool' THEN 'boolean'
             WHEN 'date' THEN 'date'
             WHEN 'timestamptz' THEN 'timestamptz' WHEN 'timestamp with time zone' THEN 'timestamptz'
             WHEN 'timestamp' THEN 'timestamp' WHEN 'datetime' THEN 'timestamp' WHEN 'timestamp without time zone' THEN 'timestamp'
             WHEN 'time' THEN 'time' WHEN 'time without time zone' THEN 'time'
             WHEN 'interval' THEN 'interval' WHEN 'duration' THEN 'interval' WHEN 'struct' THEN 'jsonb'
             WHEN 'uuid' THEN 'uuid'
             WHEN 'bytes' THEN 'bytea' WHEN 'bytea' THEN 'bytea' WHEN 'binary' THEN 'bytea'
             WHEN 'json' THEN 'jsonb' WHEN 'jsonb' THEN 'jsonb' WHEN 'object' THEN 'jsonb' WHEN 'record' THEN 'jsonb'
             WHEN 'map' THEN 'jsonb' WHEN 'array' THEN 'jsonb'
             END;
        IF s IS NULL THEN
            RETURN jsonb_build_object('problem', format('unknown type "%s"', t #>> '{}'));
        END IF;
        RETURN jsonb_build_object('sql_type', s, 'nullable', false, 'numeric', s = ANY (numeric_types));
    WHEN 'array' THEN
        -- an Avro union: null plus one type maps to that type, nullable
        branches := (SELECT coalesce(jsonb_agg(b), '[]') FROM jsonb_array_elements(t) b WHERE b <> '"null"');
        n := jsonb_array_length(branches);
        IF n = 0 THEN
            RETURN jsonb_build_object('problem', format('union %s has no type besides "null"', t));
        ELSIF n = jsonb_array_length(t) - 2 OR EXISTS (SELECT FROM jsonb_array_elements(branches) b GROUP BY b HAVING count(*) > 1) THEN
            RETURN jsonb_build_object('problem', format('union %s lists a type twice', t));
        ELSIF n > 1 THEN
            FOR inner_t IN SELECT b FROM jsonb_array_elements(branches) b LOOP
                IF datamesh._contract_type(inner_t) ? 'problem' THEN
                    RETURN datamesh._contract_type(inner_t);
                END IF;
            END LOOP;
            RETURN jsonb_build_object('sql_type', 'jsonb', 'nullable', n < jsonb_array_length(t), 'numeric', false);
        END IF;
        inner_t := datamesh._contract_type(branches -> 0);
        IF inner_t ? 'problem' THEN
            RETURN inner_t;
        END IF;
        RETURN inner_t || jsonb_build_object('nullable', n < jsonb_array_length(t));
    WHEN 'object' THEN
        s := t ->> 'logicalType';
        CASE
        WHEN s = 'decimal' THEN
            IF jsonb_typeof(t -> 'precision') IS DISTINCT FROM 'number' OR (t ->> 'precision')::numeric NOT BETWEEN 1 AND 1000
               OR coalesce((t ->> 'scale')::numeric, 0) NOT BETWEEN 0 AND (t ->> 'precision')::numeric THEN
                RETURN jsonb_build_object('problem', format('decimal type %s needs a precision of 1 to 1000 and a scale not above it', t));
            END IF;
            RETURN jsonb_build_object('sql_type', format('numeric(%s,%s)', t ->> 'precision', coalesce(t ->> 'scale', '0')),
                                      'nullable', false, 'numeric', true);
        WHEN s = 'uuid' THEN
            RETURN '{"sql_type": "uuid", "nullable": false, "numeric": false}';
        WHEN s = 'date' THEN
            RETURN '{"sql_type": "date", "nullable": false, "numeric": false}';
        WHEN s IN ('timestamp-millis', 'timestamp-micros') THEN
            RETURN '{"sql_type": "timestamptz", "nullable": false, "numeric": false}';
        WHEN s IN ('local-timestamp-millis', 'local-timestamp-micros') THEN
            RETURN '{"sql_type": "timestamp", "nullable": false, "numeric": false}';
        WHEN s IN ('time-millis', 'time-micros') THEN
            RETURN '{"sql_type": "time", "nullable": false, "numeric": false}';
        ELSE
            NULL;
        END CASE;
        CASE t ->> 'type'
        WHEN 'array' THEN
            IF NOT t ? 'items' THEN
                RETURN jsonb_build_object('problem', 'array type without "items"');
            END IF;
            inner_t := datamesh._contract_type(t -> 'items');
            IF inner_t ? 'problem' THEN
                RETURN inner_t;
            ELSIF (inner_t ->> 'sql_type') LIKE '%[]' OR inner_t ->> 'sql_type' = 'jsonb' OR (inner_t ->> 'nullable')::bool THEN
                RETURN '{"sql_type": "jsonb", "nullable": false, "numeric": false}';
            END IF;
            RETURN jsonb_build_object('sql_type', (inner_t ->> 'sql_type') || '[]', 'nullable', false, 'numeric', false);
        WHEN 'map' THEN
            IF NOT t ? 'values' THEN
                RETURN jsonb_build_object('problem', 'map type without "values"');
            END IF;
            RETURN '{"sql_type": "jsonb", "nullable": false, "numeric": false}';
        WHEN 'record' THEN
            IF jsonb_typeof(t -> 'fields') IS DISTINCT FROM 'array' THEN
                RETURN jsonb_build_object('problem', 'record type without a "fields" list');
            END IF;
            RETURN '{"sql_type": "jsonb", "nullable": false, "numeric": false}';
        WHEN 'enum' THEN
            IF jsonb_typeof(t -> 'symbols') IS DISTINCT FROM 'array' OR jsonb_array_length(t -> 'symbols') = 0
               OR EXISTS (SELECT FROM jsonb_array_elements(t -> 'symbols') e WHERE jsonb_typeof(e) IS DISTINCT FROM 'string') THEN
                RETURN jsonb_build_object('problem', 'enum type needs a non-empty "symbols" list of strings');
            END IF;
            RETURN jsonb_build_object('sql_type', 'text', 'nullable', false, 'numeric', false, 'enum', t -> 'symbols');
        WHEN 'fixed' THEN
            RETURN '{"sql_type": "bytea", "nullable": false, "numeric": false}';
        ELSE
            IF jsonb_typeof(t -> 'type') = 'string' THEN
                RETURN datamesh._contract_type(t -> 'type');
            END IF;
            RETURN jsonb_build_object('problem', format('unknown type %s', left(t::text, 80)));
        END CASE;
    ELSE
        RETURN jsonb_build_object('problem', 'expected a type name, a union list or a type mapping, got ' || datamesh._describe(t));
    END CASE;
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_type(pg_catalog.jsonb) IS
    'internal: map a native or Avro field type to its PostgreSQL type, or say why it is not a type';

-- Whether a text is a valid PostgreSQL regular expression: NULL if so, else the error
CREATE FUNCTION datamesh._regex_problem(pattern pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    PERFORM '' ~ pattern;
    RETURN NULL;
EXCEPTION WHEN invalid_regular_expression THEN
    RETURN regexp_replace(SQLERRM, '^invalid regular expression: ', '');
END
$fn$;
COMMENT ON FUNCTION datamesh._regex_problem(pg_catalog.text) IS
    'internal: NULL if a pattern is a valid regular expression, else what is wrong with it';

-- A jsonb number or numeric string as numeric, NULL if it is not one
CREATE FUNCTION datamesh._json_number(v pg_catalog.jsonb) RETURNS pg_catalog.numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric
                WHEN jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^\s*-?[0-9]{1,30}(\.[0-9]{1,30})?\s*$'
                THEN (v #>> '{}')::numeric END;
END
$fn$;
COMMENT ON FUNCTION datamesh._json_number(pg_catalog.jsonb) IS
    'internal: a contract value as a number, NULL if it is not one';

-- A jsonb timestamp (ISO 8601 string or date) as timestamptz, NULL if it is not one
CREATE FUNCTION datamesh._json_timestamp(v pg_catalog.jsonb) RETURNS pg_catalog.timestamptz
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF jsonb_typeof(v) IS DISTINCT FROM 'string'
       OR (v #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$' THEN
        RETURN NULL;
    END IF;
    RETURN (v #>> '{}')::timestamptz;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION datamesh._json_timestamp(pg_catalog.jsonb) IS
    'internal: a contract date or timestamp as timestamptz, NULL if it is not one';

/*
 * Check one field of a contract schema and bring it to canonical form.
 * f is the field as a native field mapping (JSON Schema properties are
 * converted first; keymap names the original key of each native key so that
 * problems show the path the user wrote).  Returns {"field", "problems"}.
 */
CREATE FUNCTION datamesh._contract_field(f pg_catalog.jsonb, path pg_catalog.text, fmt pg_catalog.text,
                                         keymap pg_catalog.jsonb)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    known CONSTANT text[] := '{name,type,doc,description,required,nullable,default,pii,privacy_classification,classification,min,max,minimum,maximum,enum,pattern,unique,primary_key,max_null_rate,constraints,aliases,order,tags}';
    constraint_keys CONSTANT text[] := '{min,max,minimum,maximum,enum,pattern,unique,primary_key,max_null_rate,nullable,required}';
    k text;
    v jsonb;
    t jsonb;
    fname text;
    sql_type text;
    is_numeric bool := false;
    nullable bool;
    required bool;
    pk bool := false;
    uniq bool := false;
    pii bool := false;
    minv numeric;
    maxv numeric;
    rate numeric;
    enum_vals text[];
    pat text;
    msg text;
    doc text;
    cls text;
BEGIN
    IF jsonb_typeof(f) IS DISTINCT FROM 'object' THEN
        RETURN jsonb_build_object('problems', jsonb_build_array(
            format('%s: expected a field mapping with name and type, got %s', path, datamesh._describe(f))));
    END IF;
    IF fmt = 'native' AND (f - known) <> '{}' THEN
        problems := problems || datamesh._unknown_fields(f, known, path);
    END IF;

    -- seed 001 FieldContract.constraints: merged into the field, conflicts are errors
    v := f -> 'constraints';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'object' THEN
            problems := problems || format('%s.constraints: expected a mapping, got %s', path, datamesh._describe(v));
        ELSE
            IF (v - constraint_keys) <> '{}' THEN
                problems := problems || datamesh._unknown_fields(v, constraint_keys, path || '.constraints');
            END IF;
            FOR k IN SELECT jsonb_object_keys(v) LOOP
                CONTINUE WHEN NOT k = ANY (constraint_keys);
                IF f ? k AND f -> k <> v -> k THEN
                    problems := problems || format('%s.constraints.%s: contradicts %s.%s (%s)', path, k, path, k,
                                                   datamesh._describe(f -> k));
                END IF;
            END LOOP;
            f := (f - 'constraints') || (v - (SELECT coalesce(array_agg(x), '{}') FROM jsonb_object_keys(v) x
                                                WHERE NOT x = ANY (constraint_keys)));
        END IF;
    END IF;
    -- JSON Schema and ODCS spellings
    IF f ? 'minimum' THEN
        IF f ? 'min' THEN
            problems := problems || format('%s.minimum: give min or minimum, not both', path);
        END IF;
        f := (f - 'minimum') || jsonb_build_object('min', f -> 'minimum');
        keymap := keymap || '{"min": "minimum"}';
    END IF;
    IF f ? 'maximum' THEN
        IF f ? 'max' THEN
            problems := problems || format('%s.maximum: give max or maximum, not both', path);
        END IF;
        f := (f - 'maximum') || jsonb_build_object('max', f -> 'maximum');
        keymap := keymap || '{"max": "maximum"}';
    END IF;

    v := f -> 'name';
    IF v IS NULL THEN
        problems := problems || format('%s.%s: required', path, coalesce(keymap ->> 'name', 'name'));
    ELSIF jsonb_typeof(v) IS DISTINCT FROM 'string' OR btrim(v #>> '{}') = '' OR length(v #>> '{}') > 63 THEN
        problems := problems || format('%s.%s: expected a field name of 1 to 63 characters, got %s', path,
                                       coalesce(keymap ->> 'name', 'name'), datamesh._describe(v));
    ELSE
        fname := v #>> '{}';
    END IF;

    t := datamesh._contract_type(f -> 'type');
    IF t ? 'problem' THEN
        problems := problems || format('%s.%s: %s', path, coalesce(keymap ->> 'type', 'type'), t ->> 'problem');
    ELSE
        sql_type := t ->> 'sql_type';
        is_numeric := (t ->> 'numeric')::bool;
    END IF;

    FOREACH k IN ARRAY ARRAY['required', 'nullable', 'pii', 'unique', 'primary_key'] LOOP
        v := f -> k;
        IF v IS NOT NULL AND jsonb_typeof(v) IS DISTINCT FROM 'boolean' THEN
            problems := problems || format('%s.%s: expected true or false, got %s', path, coalesce(keymap ->> k, k),
                                           datamesh._describe(v));
            f := f - k;
        END IF;
    END LOOP;
    pk := coalesce((f ->> 'primary_key')::bool, false);
    uniq := coalesce((f ->> 'unique')::bool, false) OR pk;
    pii := coalesce((f ->> 'pii')::bool, false);
    nullable := (f ->> 'nullable')::bool;
    required := (f ->> 'required')::bool;
    IF coalesce((t ->> 'nullable')::bool, false) THEN
        IF nullable IS FALSE THEN
            problems := problems || format('%s.nullable: false contradicts the type %s, a union with "null"', path, f -> 'type');
        END IF;
        nullable := true;
    END IF;
    IF fmt = 'avro' THEN
        required := coalesce(required, NOT f ? 'default');
        nullable := coalesce(nullable, false);
    ELSE
        nullable := coalesce(nullable, CASE WHEN pk THEN false WHEN required IS NOT NULL THEN NOT required ELSE true END);
        required := coalesce(required, NOT nullable);
    END IF;
    IF required AND nullable AND fmt <> 'avro' THEN
        problems := problems || format('%s.%s: a required field cannot be nullable (required: true contradicts %s)', path,
                                       coalesce(keymap ->> 'required', 'required'),
                                       CASE WHEN f ? 'nullable' THEN 'nullable: true' ELSE 'its type ' || (f ->> 'type') END);
    END IF;
    IF pk AND nullable THEN
        problems := problems || format('%s.primary_key: a primary key field cannot be nullable', path);
    END IF;

    FOREACH k IN ARRAY ARRAY['min', 'max'] LOOP
        v := f -> k;
        CONTINUE WHEN v IS NULL OR v = 'null';
        IF datamesh._json_number(v) IS NULL THEN
            problems := problems || format('%s.%s: expected a number, got %s', path, coalesce(keymap ->> k, k), datamesh._describe(v));
        ELSIF sql_type IS NOT NULL AND NOT is_numeric THEN
            problems := problems || format('%s.%s: applies only to numeric fields, not to type %s', path,
                                           coalesce(keymap ->> k, k), f -> 'type');
        ELSIF k = 'min' THEN
            minv := datamesh._json_number(v);
        ELSE
            maxv := datamesh._json_number(v);
        END IF;
    END LOOP;
    IF minv > maxv THEN
        problems := problems || format('%s.%s: %s is greater than %s %s', path, coalesce(keymap ->> 'min', 'min'), minv,
                                       coalesce(keymap ->> 'max', 'max'), maxv);
    END IF;

    v := coalesce(f -> 'enum', t -> 'enum');
    IF v IS NOT NULL AND v <> 'null' THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'array' OR jsonb_array_length(v) = 0 THEN
            problems := problems || format('%s.%s: expected a non-empty list of values, got %s', path,
                                           coalesce(keymap ->> 'enum', 'enum'), datamesh._describe(v));
        ELSIF EXISTS (SELECT FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) NOT IN ('string', 'number', 'boolean')) THEN
            problems := problems || format('%s.%s: values must be strings, numbers or booleans', path, coalesce(keymap ->> 'enum', 'enum'));
        ELSE
            enum_vals := ARRAY(SELECT e #>> '{}' FROM jsonb_array_elements(v) WITH ORDINALITY AS x(e, o) ORDER BY o);
            IF (SELECT count(DISTINCT e) FROM unnest(enum_vals) e) < cardinality(enum_vals) THEN
                problems := problems || format('%s.%s: lists a value twice', path, coalesce(keymap ->> 'enum', 'enum'));
            END IF;
        END IF;
    END IF;

    v := f -> 'pattern';
    IF v IS NOT NULL AND v <> 'null' THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'string' THEN
            problems := problems || format('%s.pattern: expected a regular expression string, got %s', path, datamesh._describe(v));
        ELSIF sql_type IS NOT NULL AND sql_type NOT IN ('text', 'uuid') AND sql_type !~ '^(varchar|char)\(' THEN
            problems := problems || format('%s.pattern: applies only to text fields, not to type %s', path, f -> 'type');
        ELSE
            msg := datamesh._regex_problem(v #>> '{}');
            IF msg IS NOT NULL THEN
                problems := problems || format('%s.pattern: invalid regular expression %s: %s', path, v, msg);
            ELSE
                pat := v #>> '{}';
            END IF;
        END IF;
    END IF;

    v := f -> 'max_null_rate';
    IF v IS NOT NULL THEN
        rate := datamesh._json_number(v);
        IF rate IS NULL OR rate NOT BETWEEN 0 AND 1 THEN
            problems := problems || format('%s.max_null_rate: expected a rate between 0 and 1, got %s', path, datamesh._describe(v));
            rate := NULL;
        ELSIF NOT nullable AND rate > 0 THEN
            problems := problems || format('%s.max_null_rate: a non-nullable field has no nulls; %s contradicts nullable: false', path, rate);
        END IF;
    END IF;

    v := f -> 'default';
    IF v = 'null' AND NOT nullable THEN
        problems := problems || format('%s.default: null is not allowed for a non-nullable field', path);
    ELSIF v IS NOT NULL AND v <> 'null' AND enum_vals IS NOT NULL AND NOT (v #>> '{}') = ANY (enum_vals) THEN
        problems := problems || format('%s.default: %s is not one of the enum values', path, datamesh._describe(v));
    ELSIF v IS NOT NULL AND v <> 'null' AND (minv IS NOT NULL OR maxv IS NOT NULL) AND datamesh._json_number(v) IS NOT NULL
          AND (datamesh._json_number(v) < minv OR datamesh._json_number(v) > maxv) THEN
        problems := problems || format('%s.default: %s is outside min and max', path, v);
    END IF;

    FOREACH k IN ARRAY ARRAY['doc', 'description', 'classification', 'privacy_classification'] LOOP
        v := f -> k;
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) IS DISTINCT FROM 'string' THEN
            problems := problems || format('%s.%s: expected a string, got %s', path, coalesce(keymap ->> k, k), datamesh._describe(v));
            f := f - k;
        END IF;
    END LOOP;
    IF f ? 'doc' AND f ? 'description' AND f -> 'doc' <> f -> 'description' THEN
        problems := problems || format('%s.description: give doc or description, not both', path);
    END IF;
    IF f ? 'classification' AND f ? 'privacy_classification' AND f -> 'classification' <> f -> 'privacy_classification' THEN
        problems := problems || format('%s.privacy_classification: contradicts classification', path);
    END IF;
    doc := coalesce(f ->> 'doc', f ->> 'description');
    cls := lower(coalesce(f ->> 'privacy_classification', f ->> 'classification'));

    RETURN jsonb_build_object(
        'problems', to_jsonb(problems),
        'field', jsonb_build_object(
            'name', fname,
            'type', CASE WHEN jsonb_typeof(f -> 'type') = 'string' THEN f ->> 'type' ELSE (f -> 'type')::text END,
            'sql_type', sql_type, 'nullable', nullable, 'required', required,
            'is_unique', uniq, 'is_primary_key', pk, 'default_value', f -> 'default', 'doc', doc, 'pii', pii,
            'classification', cls, 'min_value', minv, 'max_value', maxv, 'enum_values', to_jsonb(enum_vals),
            'pattern', pat, 'max_null_rate', rate));
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_field(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
    'internal: check one contract field and return it in canonical form with every problem and its path';

/*
 * The fields of a contract schema in canonical form, with problems.
 * Returns {"format": native|avro|json_schema, "fields": [...], "problems": [...]}.
 */
CREATE FUNCTION datamesh._contract_schema_fields(def pg_catalog.jsonb, path pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    fields jsonb := '[]';
    fmt text;
    list jsonb;
    elem jsonb;
    r jsonb;
    k text;
    i int := 0;
    req text[];
    jtype jsonb;
    conv jsonb;
    avro_keys CONSTANT text[] := '{name,type,doc,default,aliases,order}';
BEGIN
    IF def IS NULL THEN
        RETURN jsonb_build_object('problems', jsonb_build_array(path || ': required'));
    END IF;
    IF jsonb_typeof(def) = 'array' THEN
        fmt := 'native';
        list := def;
    ELSIF jsonb_typeof(def) IS DISTINCT FROM 'object' THEN
        RETURN jsonb_build_object('problems', jsonb_build_array(format(
            '%s: expected a record with fields, a JSON Schema or a list of fields, got %s', path, datamesh._describe(def))));
    ELSIF def ? 'properties' OR def ? '$schema' OR def ->> 'type' = 'object' THEN
        fmt := 'json_schema';
    ELSIF def ? 'fields' THEN
        list := def -> 'fields';
        path := path || '.fields';
        IF jsonb_typeof(list) = 'array' AND def ->> 'type' = 'record'
           AND NOT EXISTS (SELECT FROM jsonb_array_elements(list) e
                            WHERE jsonb_typeof(e) IS DISTINCT FROM 'object' OR (e - avro_keys) <> '{}') THEN
            fmt := 'avro';
        ELSE
            fmt := 'native';
        END IF;
        IF def ? 'type' AND def ->> 'type' IS DISTINCT FROM 'record' THEN
            problems := problems || format('%s.type: expected "record", got %s', regexp_replace(path, '\.fields$', ''),
                                           datamesh._describe(def -> 'type'));
        END IF;
    ELSE
        RETURN jsonb_build_object('problems', jsonb_build_array(format(
            '%s: expected "fields" (native or Avro record) or "properties" (JSON Schema)', path)));
    END IF;

    IF fmt = 'json_schema' THEN
        IF def ? 'type' AND def -> 'type' <> '"object"' THEN
            problems := problems || format('%s.type: a JSON Schema contract describes an object, got %s', path, datamesh._describe(def -> 'type'));
        END IF;
        IF jsonb_typeof(def -> 'properties') IS DISTINCT FROM 'object' THEN
            RETURN jsonb_build_object('format', fmt, 'problems', to_jsonb(problems || format(
                '%s.properties: expected a mapping of property names to schemas, got %s', path, datamesh._describe(def -> 'properties'))));
        END IF;
        IF def ? 'required' AND (jsonb_typeof(def -> 'required') IS DISTINCT FROM 'array'
                                 OR EXISTS (SELECT FROM jsonb_array_elements(def -> 'required') e WHERE jsonb_typeof(e) IS DISTINCT FROM 'string')) THEN
            problems := problems || format('%s.required: expected a list of property names', path);
        ELSE
            req := ARRAY(SELECT jsonb_array_elements_text(coalesce(def -> 'required', '[]')));
            FOREACH k IN ARRAY req LOOP
                IF NOT def -> 'properties' ? k THEN
                    problems := problems || format('%s.required: "%s" is not a property', path, k);
                END IF;
            END LOOP;
        END IF;
        FOR k, elem IN SELECT key, value FROM jsonb_each(def -> 'properties') LOOP
            IF jsonb_typeof(elem) IS DISTINCT FROM 'object' THEN
                problems := problems || format('%s.properties.%s: expected a schema mapping, got %s', path, k, datamesh._describe(elem));
                CONTINUE;
            END IF;
            jtype := elem -> 'type';
            conv := jsonb_build_object('name', k);
            IF jsonb_typeof(jtype) = 'array' AND jtype @> '["null"]' AND jsonb_array_length(jtype) = 2 THEN
                conv := conv || '{"nullable": true}';
                jtype := (SELECT e FROM jsonb_array_elements(jtype) e WHERE e <> '"null"');
            END IF;
            conv := conv || jsonb_build_object('type', CASE
                WHEN jtype = '"string"' THEN to_jsonb(CASE elem ->> 'format' WHEN 'date-time' THEN 'timestamptz'
                    WHEN 'date' THEN 'date' WHEN 'time' THEN 'time' WHEN 'uuid' THEN 'uuid' ELSE 'text' END)
                WHEN jtype = '"integer"' THEN '"bigint"'
                WHEN jtype = '"number"' THEN '"numeric"'
                WHEN jtype = '"boolean"' THEN '"boolean"'
                WHEN jtype = '"object"' THEN '"jsonb"'
                WHEN jtype = '"array"' AND jsonb_typeof(elem -> 'items' -> 'type') = 'string'
                     AND elem #>> '{items,type}' IN ('string', 'integer', 'number', 'boolean')
                     THEN to_jsonb(CASE elem #>> '{items,type}' WHEN 'string' THEN 'text[]' WHEN 'integer' THEN 'bigint[]'
                                   WHEN 'number' THEN 'numeric[]' ELSE 'boolean[]' END)
                WHEN jtype = '"array"' THEN '"jsonb"'
                ELSE coalesce(jtype, '"(missing)"') END);
            IF jtype IS NULL THEN
                problems := problems || format('%s.properties.%s.type: required', path, k);
                CONTINUE;
            ELSIF jsonb_typeof(jtype) IS DISTINCT FROM 'string' OR jtype #>> '{}' NOT IN ('string', 'integer', 'number', 'boolean', 'object', 'array') THEN
                problems := problems || format('%s.properties.%s.type: unknown JSON Schema type %s', path, k, jtype);
                CONTINUE;
            END IF;
            conv := conv || jsonb_build_object('required', k = ANY (coalesce(req, '{}')));
            IF NOT k = ANY (coalesce(req, '{}')) AND NOT conv ? 'nullable' THEN
                conv := conv || '{"nullable": true}';
            END IF;
            conv := conv || jsonb_strip_nulls(jsonb_build_object(
                'doc', elem -> 'description', 'default', elem -> 'default', 'enum', elem -> 'enum',
                'pattern', elem -> 'pattern', 'minimum', elem -> 'minimum', 'maximum', elem -> 'maximum',
                'pii', elem -> 'x-pii', 'classification', elem -> 'x-classification',
                'unique', elem -> 'x-unique', 'primary_key', elem -> 'x-primary-key',
                'max_null_rate', elem -> 'x-max-null-rate'));
            IF elem ? 'default' AND elem -> 'default' = 'null' THEN
                conv := conv || '{"default": null}';
            END IF;
            IF (conv ->> 'required')::bool AND coalesce((conv ->> 'nullable')::bool, false) THEN
                -- required (present) but null allowed: in a table that is a nullable column
                conv := conv || '{"required": false}';
            END IF;
            r := datamesh._contract_field(conv, format('%s.properties.%s', path, k), 'json_schema',
                                          '{"doc": "description", "pii": "x-pii", "classification": "x-classification", "unique": "x-unique", "primary_key": "x-primary-key", "max_null_rate": "x-max-null-rate"}');
            problems := problems || ARRAY(SELECT jsonb_array_elements_text(r -> 'problems'));
            i := i + 1;
            fields := fields || jsonb_build_array((r -> 'field') || jsonb_build_object('ordinal', i));
        END LOOP;
    ELSE
        IF jsonb_typeof(list) IS DISTINCT FROM 'array' THEN
            RETURN jsonb_build_object('format', fmt, 'problems', to_jsonb(problems || format(
                '%s: expected a list of fields, got %s', path, datamesh._describe(list))));
        END IF;
        FOR elem IN SELECT e FROM jsonb_array_elements(list) WITH ORDINALITY AS x(e, o) ORDER BY o LOOP
            r := datamesh._contract_field(elem, format('%s[%s]', path, i), fmt, '{}');
            problems := problems || ARRAY(SELECT jsonb_array_elements_text(r -> 'problems'));
            i := i + 1;
            IF r ? 'field' THEN
                fields := fields || jsonb_build_array((r -> 'field') || jsonb_build_object('ordinal', i));
            END IF;
        END LOOP;
    END IF;

    FOR k IN SELECT e ->> 'name' FROM jsonb_array_elements(fields) e
              WHERE e ->> 'name' IS NOT NULL GROUP BY e ->> 'name' HAVING count(*) > 1 ORDER BY 1 LOOP
        problems := problems || format('%s: field "%s" is defined more than once', path, k);
    END LOOP;
    RETURN jsonb_build_object('format', fmt, 'fields', fields, 'problems', to_jsonb(problems));
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_schema_fields(pg_catalog.jsonb, pg_catalog.text) IS
    'internal: the top-level fields of a native, Avro or JSON Schema contract schema in canonical form, with problems';

-- A compatibility mode or seed 001 schema_evolution_policy as a mode name, NULL if unknown
CREATE FUNCTION datamesh._contract_mode(v pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE WHEN upper(btrim(v)) = ANY (ARRAY['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD',
                                                  'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'])
                THEN upper(btrim(v))
                WHEN lower(btrim(v)) = 'backward_compatible' THEN 'BACKWARD'
                WHEN lower(btrim(v)) = 'forward_compatible' THEN 'FORWARD'
                WHEN lower(btrim(v)) = 'full_compatible' THEN 'FULL'
           END
$fn$;
COMMENT ON FUNCTION datamesh._contract_mode(pg_catalog.text) IS
    'internal: normalize a compatibility mode or schema evolution policy, NULL if unknown';

/*
 * Check a DataContract document without looking at the catalog.  Returns
 * {"problems", "warnings", "contract" (column values), "fields"}.
 */
CREATE FUNCTION datamesh._check_contract(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    warnings text[] := '{}';
    top_keys CONSTANT text[] := '{apiVersion,kind,metadata,schema,sla,consumer_expectations,deprecation,partition_by,uniqueness_constraints,min_completeness,max_null_rate,max_latency_minutes,row_count,quality_rules,schema_evolution_policy,backward_compatible,effective_date,deprecated_date}';
    meta_keys CONSTANT text[] := '{product_id,version,contract_id,name,description,owner,product_version,port,status,labels,tags}';
    schema_keys CONSTANT text[] := '{format,registry,subject,compatibility,definition,primary_key}';
    meta jsonb;
    sch jsonb;
    v jsonb;
    e jsonb;
    k text;
    i int;
    sf jsonb := '{}';
    fields jsonb := '[]';
    names text[] := '{}';
    c jsonb := '{}';
    mode text;
    policy_mode text;
    pk text[] := '{}';
    parts text[] := '{}';
    uniq jsonb := '[]';
    rules jsonb := '[]';
    rule_names text[] := '{}';
    n numeric;
    d interval;
    eff timestamptz;
    dep timestamptz;
    rmin numeric;
    rmax numeric;
    msg text;
    sqlmap jsonb;
BEGIN
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN
        RETURN jsonb_build_object('problems', jsonb_build_array(
            '(document): expected a mapping with apiVersion, kind, metadata and schema, got ' || datamesh._describe(doc)),
            'warnings', '[]'::jsonb);
    END IF;
    problems := datamesh._check_envelope(doc, 'DataContract', top_keys, meta_keys);

    ------------------------------------------------------------------ metadata
    meta := doc -> 'metadata';
    IF jsonb_typeof(meta) IS DISTINCT FROM 'object' THEN
        meta := '{"product_id": null, "version": null}';   -- reported by _check_envelope
    END IF;
    v := meta -> 'product_id';
    IF v = 'null' AND NOT coalesce(doc -> 'metadata' ? 'product_id', false) THEN
        NULL;   -- metadata itself is missing: reported above
    ELSIF v IS NULL THEN
        problems := problems || 'metadata.product_id: required'::text;
    ELSIF jsonb_typeof(v) IS DISTINCT FROM 'string' OR NOT datamesh._is_product_name(v #>> '{}') THEN
        problems := problems || ('metadata.product_id: expected a data product name, got ' || datamesh._describe(v));
    ELSE
        c := c || jsonb_build_object('product_id', v);
    END IF;
    FOREACH k IN ARRAY ARRAY['version', 'product_version'] LOOP
        v := meta -> k;
        IF v = 'null' AND NOT coalesce(doc -> 'metadata' ? k, false) THEN
            NULL;
        ELSIF v IS NULL AND k = 'version' THEN
            problems := problems || 'metadata.version: required'::text;
        ELSIF v IS NULL THEN
            NULL;
        ELSIF jsonb_typeof(v) IS DISTINCT FROM 'string' OR NOT datamesh._is_semver_text(v #>> '{}') THEN
            problems := problems || format('metadata.%s: expected a semantic version such as "1.2.3", got %s', k, datamesh._describe(v));
        ELSE
            c := c || jsonb_build_object(k, v);
        END IF;
    END LOOP;
    FOREACH k IN ARRAY ARRAY['contract_id', 'name', 'description', 'owner', 'port'] LOOP
        v := meta -> k;
        IF v IS NOT NULL AND (jsonb_typeof(v) IS DISTINCT FROM 'string' OR btrim(v #>> '{}') = '') THEN
            problems := problems || format('metadata.%s: expected a non-empty string, got %s', k, datamesh._describe(v));
        END IF;
    END LOOP;
    c := c || jsonb_build_object('contract_id', meta -> 'contract_id', 'port_name', meta -> 'port');
    v := meta -> 'status';
    IF v IS NULL THEN
        c := c || '{"status": "active"}';
    ELSIF v NOT IN ('"draft"', '"active"') THEN
        problems := problems || ('metadata.status: a contract is published as "draft" or "active", got ' || datamesh._describe(v));
    ELSE
        c := c || jsonb_build_object('status', v);
    END IF;

    -------------------------------------------------------------------- schema
    sch := doc -> 'schema';
    IF sch IS NULL OR jsonb_typeof(sch) IS DISTINCT FROM 'object' THEN
        problems := problems || ('schema: ' || CASE WHEN sch IS NULL THEN 'required'
                                 ELSE 'expected a mapping with format, compatibility and definition, got ' || datamesh._describe(sch) END);
        sch := '{}';
    ELSE
        IF (sch - schema_keys) <> '{}' THEN
            problems := problems || datamesh._unknown_fields(sch, schema_keys, 'schema');
        END IF;
        v := sch -> 'format';
        IF v IS NOT NULL AND (jsonb_typeof(v) IS DISTINCT FROM 'string'
                              OR lower(v #>> '{}') NOT IN ('native', 'avro', 'json_schema', 'jsonschema', 'json-schema', 'json')) THEN
            problems := problems || ('schema.format: expected one of native, avro, json_schema, got ' || datamesh._describe(v));
        END IF;
        sf := datamesh._contract_schema_fields(sch -> 'definition', 'schema.definition');
        problems := problems || ARRAY(SELECT jsonb_array_elements_text(sf -> 'problems'));
        fields := coalesce(sf -> 'fields', '[]');
        c := c || jsonb_build_object('schema', sch -> 'definition', 'schema_format', sf -> 'format');
        -- (an ODCS contract may promise only an SLA: it has no schema objects)
        IF jsonb_array_length(fields) = 0 AND NOT sf -> 'problems' <> '[]' AND NOT doc ? 'x-odcs' THEN
            problems := problems || 'schema.definition: a contract promises at least one field'::text;
        END IF;
    END IF;
    names := ARRAY(SELECT x ->> 'name' FROM jsonb_array_elements(fields) x WHERE x ->> 'name' IS NOT NULL);
    -- the PostgreSQL type of each field is the compatibility checker's (datamesh.schema_fields),
    -- so that the checker, the DDL guard and validate_data read the schema alike
    IF cardinality(problems) = 0 AND jsonb_array_length(fields) > 0 THEN
        BEGIN
            SELECT jsonb_object_agg(x.name, x.sql_type) INTO sqlmap FROM datamesh.schema_fields(sch -> 'definition') x;
            SELECT jsonb_agg(x || jsonb_build_object('sql_type', coalesce(sqlmap ->> (x ->> 'name'), x ->> 'sql_type'))
                             ORDER BY (x ->> 'ordinal')::int)
              INTO fields FROM jsonb_array_elements(fields) x;
        EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            problems := problems || ('schema.definition: ' || msg);
        END;
    END IF;

    -- compatibility: schema.compatibility, else seed 001's schema_evolution_policy / backward_compatible
    v := sch -> 'compatibility';
    IF v IS NOT NULL THEN
        mode := datamesh._contract_mode(v #>> '{}');
        IF jsonb_typeof(v) IS DISTINCT FROM 'string' OR mode IS NULL THEN
            problems := problems || ('schema.compatibility: unknown mode ' || datamesh._describe(v)
                                     || ' (expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE)');
        END IF;
    END IF;
    v := doc -> 'schema_evolution_policy';
    IF v IS NOT NULL THEN
        policy_mode := datamesh._contract_mode(v #>> '{}');
        IF jsonb_typeof(v) IS DISTINCT FROM 'string' OR policy_mode IS NULL THEN
            problems := problems || ('schema_evolution_policy: unknown policy ' || datamesh._describe(v)
                                     || ' (expected backward_compatible, forward_compatible, full, none or a compatibility mode)');
        ELSIF mode IS NOT NULL AND mode <> policy_mode THEN
            problems := problems || format('schema_evolution_policy: "%s" contradicts schema.compatibility %s', v #>> '{}', mode);
        END IF;
    END IF;
    v := doc -> 'backward_compatible';
    IF v IS NOT NULL AND jsonb_typeof(v) IS DISTINCT FROM 'boolean' THEN
        problems := problems || ('backward_compatible: expected true or false, got ' || datamesh._describe(v));
    ELSIF v = 'false' AND coalesce(mode, policy_mode) IS NOT NULL AND coalesce(mode, policy_mode) LIKE ANY (ARRAY['BACKWARD%', 'FULL%']) THEN
        problems := problems || format('backward_compatible: false contradicts compatibility mode %s', coalesce(mode, policy_mode));
    END IF;
    c := c || jsonb_build_object('compatibility', coalesce(mode, policy_mode,
                                                          CASE WHEN v = 'false' THEN 'NONE' WHEN v = 'true' THEN 'BACKWARD' END, 'FULL'),
                                 'schema_evolution_policy', doc -> 'schema_evolution_policy');

    -- primary key: schema.primary_key, and fields marked primary_key
    v := sch -> 'primary_key';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) = 'string' THEN
            v := jsonb_build_array(v);
        END IF;
        IF jsonb_typeof(v) IS DISTINCT FROM 'array' OR jsonb_array_length(v) = 0
           OR EXISTS (SELECT FROM jsonb_array_elements(v) x WHERE jsonb_typeof(x) IS DISTINCT FROM 'string') THEN
            problems := problems || ('schema.primary_key: expected a list of field names, got ' || datamesh._describe(sch -> 'primary_key'));
        ELSE
            pk := ARRAY(SELECT x FROM jsonb_array_elements_text(v) WITH ORDINALITY AS y(x, o) ORDER BY o);
            FOREACH k IN ARRAY pk LOOP
                IF NOT k = ANY (names) THEN
                    problems := problems || format('schema.primary_key: "%s" is not a field of the schema', k);
                END IF;
            END LOOP;
        END IF;
    END IF;
    IF cardinality(pk) = 0 THEN
        pk := ARRAY(SELECT x ->> 'name' FROM jsonb_array_elements(fields) x WHERE (x ->> 'is_primary_key')::bool
                    ORDER BY (x ->> 'ordinal')::int);
    ELSIF EXISTS (SELECT FROM jsonb_array_elements(fields) x WHERE (x ->> 'is_primary_key')::bool
                   AND NOT (x ->> 'name') = ANY (pk)) THEN
        problems := problems || 'schema.primary_key: contradicts the fields marked primary_key'::text;
    END IF;
    -- a primary key field is not null and, alone, unique
    SELECT coalesce(jsonb_agg(CASE WHEN (x ->> 'name') = ANY (pk)
                                   THEN x || jsonb_build_object('is_primary_key', true, 'nullable', false, 'required', true,
                                                                'is_unique', (x ->> 'is_unique')::bool OR cardinality(pk) = 1)
                                   ELSE x END ORDER BY (x ->> 'ordinal')::int), '[]')
      INTO fields FROM jsonb_array_elements(fields) x;
    FOR e IN SELECT x FROM jsonb_array_elements(fields) x WHERE (x ->> 'name') = ANY (pk) LOOP
        IF (e ->> 'max_null_rate')::numeric > 0 THEN
            problems := problems || format('max_null_rate: primary key field "%s" cannot have nulls', e ->> 'name');
        END IF;
    END LOOP;
    c := c || jsonb_build_object('primary_key', to_jsonb(pk));

    ---------------------------------------------------- seed 001 contract keys
    v := doc -> 'partition_by';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) = 'string' THEN
            v := jsonb_build_array(v);
        END IF;
        IF jsonb_typeof(v) IS DISTINCT FROM 'array' OR EXISTS (SELECT FROM jsonb_array_elements(v) x WHERE jsonb_typeof(x) IS DISTINCT FROM 'string') THEN
            problems := problems || ('partition_by: expected a list of field names, got ' || datamesh._describe(doc -> 'partition_by'));
        ELSE
            parts := ARRAY(SELECT x FROM jsonb_array_elements_text(v) WITH ORDINALITY AS y(x, o) ORDER BY o);
            i := 0;
            FOREACH k IN ARRAY parts LOOP
                IF NOT k = ANY (names) THEN
                    problems := problems || format('partition_by[%s]: "%s" is not a field of the schema', i, k);
                END IF;
                i := i + 1;
            END LOOP;
        END IF;
    END IF;
    c := c || jsonb_build_object('partition_by', to_jsonb(parts));

    v := doc -> 'uniqueness_constraints';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'array' THEN
            problems := problems || ('uniqueness_constraints: expected a list of field names or of lists of field names, got ' || datamesh._describe(v));
        ELSE
            i := 0;
            FOR e IN SELECT x FROM jsonb_array_elements(v) WITH ORDINALITY AS y(x, o) ORDER BY o LOOP
                IF jsonb_typeof(e) = 'string' THEN
                    e := jsonb_build_array(e);
                END IF;
                IF jsonb_typeof(e) IS DISTINCT FROM 'array' OR jsonb_array_length(e) = 0
                   OR EXISTS (SELECT FROM jsonb_array_elements(e) x WHERE jsonb_typeof(x) IS DISTINCT FROM 'string') THEN
                    problems := problems || format('uniqueness_constraints[%s]: expected a field name or a list of field names, got %s',
                                                   i, datamesh._describe(v -> i));
                ELSE
                    FOR k IN SELECT jsonb_array_elements_text(e) LOOP
                        IF NOT k = ANY (names) THEN
                            problems := problems || format('uniqueness_constraints[%s]: "%s" is not a field of the schema', i, k);
                        END IF;
                    END LOOP;
                    uniq := uniq || jsonb_build_array(e);
                END IF;
                i := i + 1;
            END LOOP;
        END IF;
    END IF;
    -- a single-column uniqueness constraint makes the field unique
    SELECT coalesce(jsonb_agg(CASE WHEN EXISTS (SELECT FROM jsonb_array_elements(uniq) u
                                                 WHERE u = jsonb_build_array(x ->> 'name'))
                                   THEN x || '{"is_unique": true}' ELSE x END ORDER BY (x ->> 'ordinal')::int), '[]')
      INTO fields FROM jsonb_array_elements(fields) x;
    c := c || jsonb_build_object('uniqueness_constraints', uniq);

    v := doc -> 'min_completeness';
    IF v IS NOT NULL THEN
        n := datamesh._json_number(v);
        IF n IS NULL OR n NOT BETWEEN 0 AND 1 THEN
            problems := problems || ('min_completeness: expected a fraction between 0 and 1, got ' || datamesh._describe(v));
        ELSE
            c := c || jsonb_build_object('min_completeness', n);
        END IF;
    END IF;

    -- seed 001 max_null_rate: {field: rate}, merged into the fields
    v := doc -> 'max_null_rate';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'object' THEN
            problems := problems || ('max_null_rate: expected a mapping of field names to rates, got ' || datamesh._describe(v));
        ELSE
            FOR k, e IN SELECT key, value FROM jsonb_each(v) LOOP
                n := datamesh._json_number(e);
                IF NOT k = ANY (names) THEN
                    problems := problems || format('max_null_rate.%s: "%s" is not a field of the schema', k, k);
                ELSIF n IS NULL OR n NOT BETWEEN 0 AND 1 THEN
                    problems := problems || format('max_null_rate.%s: expected a rate between 0 and 1, got %s', k, datamesh._describe(e));
                ELSIF EXISTS (SELECT FROM jsonb_array_elements(fields) x WHERE x ->> 'name' = k
                                AND x ->> 'max_null_rate' IS NOT NULL AND (x ->> 'max_null_rate')::numeric <> n) THEN
                    problems := problems || format('max_null_rate.%s: contradicts the field''s own max_null_rate', k);
                ELSIF n > 0 AND EXISTS (SELECT FROM jsonb_array_elements(fields) x WHERE x ->> 'name' = k
                                          AND NOT (x ->> 'nullable')::bool) THEN
                    problems := problems || format('max_null_rate.%s: field "%s" is not nullable, so a rate of %s contradicts it', k, k, n);
                ELSE
                    SELECT jsonb_agg(CASE WHEN x ->> 'name' = k THEN x || jsonb_build_object('max_null_rate', n) ELSE x END
                                     ORDER BY (x ->> 'ordinal')::int)
                      INTO fields FROM jsonb_array_elements(fields) x;
                END IF;
            END LOOP;
        END IF;
    END IF;

    v := doc -> 'max_latency_minutes';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'number' OR (v #>> '{}') !~ '^[0-9]{1,9}$' OR (v #>> '{}')::int = 0 THEN
            problems := problems || ('max_latency_minutes: expected a positive whole number of minutes, got ' || datamesh._describe(v));
        ELSE
            c := c || jsonb_build_object('max_latency_minutes', v);
        END IF;
    END IF;

    v := doc -> 'row_count';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'object' OR (v - '{min,max}'::text[]) <> '{}' OR v = '{}' THEN
            problems := problems || ('row_count: expected a mapping with min and/or max, got ' || datamesh._describe(v));
        ELSE
            FOREACH k IN ARRAY ARRAY['min', 'max'] LOOP
                IF v ? k AND (jsonb_typeof(v -> k) IS DISTINCT FROM 'number' OR (v ->> k) !~ '^[0-9]{1,18}$') THEN
                    problems := problems || format('row_count.%s: expected a non-negative whole number, got %s', k, datamesh._describe(v -> k));
                END IF;
            END LOOP;
            rmin := CASE WHEN (v ->> 'min') ~ '^[0-9]{1,18}$' THEN (v ->> 'min')::numeric END;
            rmax := CASE WHEN (v ->> 'max') ~ '^[0-9]{1,18}$' THEN (v ->> 'max')::numeric END;
            IF rmin > rmax THEN
                problems := problems || format('row_count.min: %s is greater than row_count.max %s', rmin, rmax);
            END IF;
            c := c || jsonb_build_object('row_count_min', rmin, 'row_count_max', rmax);
        END IF;
    END IF;

    v := doc -> 'quality_rules';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) IS DISTINCT FROM 'array' THEN
            problems := problems || ('quality_rules: expected a list of rules, got ' || datamesh._describe(v));
        ELSE
            i := 0;
            FOR e IN SELECT x FROM jsonb_array_elements(v) WITH ORDINALITY AS y(x, o) ORDER BY o LOOP
                IF jsonb_typeof(e) IS DISTINCT FROM 'object' THEN
                    problems := problems || format('quality_rules[%s]: expected a mapping with name, rule and severity, got %s', i, datamesh._describe(e));
                ELSE
                    IF (e - '{name,rule,severity,description}'::text[]) <> '{}' THEN
                        problems := problems || datamesh._unknown_fields(e, '{name,rule,severity,description}', format('quality_rules[%s]', i));
                    END IF;
                    IF jsonb_typeof(e -> 'name') IS DISTINCT FROM 'string' OR (e ->> 'name') !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
                        problems := problems || format('quality_rules[%s].name: expected a rule name of letters, digits, "_", "-" and ".", got %s',
                                                       i, datamesh._describe(coalesce(e -> 'name', 'null')));
                    ELSIF (e ->> 'name') = ANY (rule_names) THEN
                        problems := problems || format('quality_rules[%s].name: rule "%s" is defined twice', i, e ->> 'name');
                    ELSE
                        rule_names := rule_names || (e ->> 'name');
                    END IF;
                    IF jsonb_typeof(e -> 'rule') IS DISTINCT FROM 'string' THEN
                        problems := problems || format('quality_rules[%s].rule: expected a SQL boolean expression, got %s',
                                                       i, datamesh._describe(coalesce(e -> 'rule', 'null')));
                    ELSE
                        msg := datamesh._check_sql_predicate(e ->> 'rule');
                        IF msg IS NOT NULL THEN
                            problems := problems || format('quality_rules[%s].rule: %s', i, msg);
                        END IF;
                    END IF;
                    IF e ? 'severity' AND (e -> 'severity') NOT IN ('"info"', '"warning"', '"error"') THEN
                        problems := problems || format('quality_rules[%s].severity: expected info, warning or error, got %s',
                                                       i, datamesh._describe(e -> 'severity'));
                    END IF;
                    rules := rules || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                        'name', e -> 'name', 'rule', e -> 'rule', 'severity', coalesce(e -> 'severity', '"error"'),
                        'description', e -> 'description')));
                END IF;
                i := i + 1;
            END LOOP;
        END IF;
    END IF;
    c := c || jsonb_build_object('quality_rules', rules);

    FOREACH k IN ARRAY ARRAY['sla', 'consumer_expectations', 'deprecation'] LOOP
        v := doc -> k;
        IF v IS NOT NULL AND jsonb_typeof(v) IS DISTINCT FROM 'object' THEN
            problems := problems || format('%s: expected a mapping, got %s', k, datamesh._describe(v));
        ELSE
            c := c || jsonb_build_object(k, v);
        END IF;
    END LOOP;
    -- freshness promise in minutes: max_latency_minutes, else sla.freshness(.target)
    IF NOT c ? 'max_latency_minutes' AND jsonb_typeof(doc -> 'sla') = 'object' AND doc -> 'sla' ? 'freshness' THEN
        v := doc #> '{sla,freshness}';
        IF jsonb_typeof(v) = 'object' THEN
            v := v -> 'target';
        END IF;
        d := datamesh._duration(v);
        IF d IS NULL THEN
            problems := problems || ('sla.freshness: expected a duration such as "1 hour", got ' || datamesh._describe(coalesce(v, 'null')));
        ELSIF extract(epoch FROM d) < 60 OR extract(epoch FROM d) > 2147483647 * 60.0 THEN
            problems := problems || format('sla.freshness: %s is not between one minute and 4000 years', v #>> '{}');
        ELSE
            c := c || jsonb_build_object('max_latency_minutes', ceil(extract(epoch FROM d) / 60)::int);
        END IF;
    END IF;

    FOREACH k IN ARRAY ARRAY['effective_date', 'deprecated_date'] LOOP
        v := doc -> k;
        IF v IS NOT NULL AND v <> 'null' THEN
            IF datamesh._json_timestamp(v) IS NULL THEN
                problems := problems || format('%s: expected an ISO 8601 date or timestamp, got %s', k, datamesh._describe(v));
            ELSIF k = 'effective_date' THEN
                eff := datamesh._json_timestamp(v);
            ELSE
                dep := datamesh._json_timestamp(v);
            END IF;
        END IF;
    END LOOP;
    IF dep < eff THEN
        problems := problems || format('deprecated_date: %s is before effective_date %s', doc ->> 'deprecated_date', doc ->> 'effective_date');
    END IF;
    c := c || jsonb_build_object('effective_date', eff, 'deprecated_date', dep);

    RETURN jsonb_build_object('problems', to_jsonb(problems), 'warnings', to_jsonb(warnings),
                              'contract', c, 'fields', fields);
END
$fn$;
COMMENT ON FUNCTION datamesh._check_contract(pg_catalog.jsonb) IS
    'internal: check a DataContract document; every problem with its path, and the contract in column form';

-------------------------------------------------------------- publishing

-- The semantic-version bump from one version to the next: major, minor, patch or none
CREATE FUNCTION datamesh._semver_bump(old datamesh.semver, new datamesh.semver) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE
           WHEN datamesh.semver_major(new) > datamesh.semver_major(old) THEN 'major'
           -- 0.y.z: anything may change; a minor bump is a major one (SemVer 2.0.0, item 4)
           WHEN datamesh.semver_major(old) = 0 AND datamesh.semver_minor(new) > datamesh.semver_minor(old) THEN 'major'
           WHEN datamesh.semver_minor(new) > datamesh.semver_minor(old) THEN 'minor'
           WHEN datamesh.semver_patch(new) > datamesh.semver_patch(old) THEN 'patch'
           -- from a pre-release to its release or a later pre-release: no promise was made
           WHEN datamesh.semver_is_prerelease(old) THEN 'major'
           ELSE 'none'
           END
$fn$;
COMMENT ON FUNCTION datamesh._semver_bump(datamesh.semver, datamesh.semver) IS
    'internal: which semantic-version bump leads from one version to a later one';

-- Rank of a bump for comparisons
CREATE FUNCTION datamesh._bump_rank(bump pg_catalog.text) RETURNS pg_catalog.int4
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT CASE bump WHEN 'major' THEN 3 WHEN 'minor' THEN 2 WHEN 'patch' THEN 1 ELSE 0 END
$fn$;
COMMENT ON FUNCTION datamesh._bump_rank(pg_catalog.text) IS 'internal: order of semantic-version bumps';

/*
 * What stops a new contract version: every change that breaks the mode of
 * the product's contracts, and every change that needs a larger version bump
 * than the one declared.  Returns {"items" (one line each), "against",
 * "mode", "declared_bump", "required_bump"}.
 */
CREATE FUNCTION datamesh._contract_evolution(pid pg_catalog.text, ver datamesh.semver, new_schema pg_catalog.jsonb,
                                             new_mode pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    prev_ver datamesh.semver;
    prev_schema jsonb;
    prev_mode text;
    line_schemas jsonb[];
    line_versions text[];
    declared text;
    required text;
    bump_text text;
    items text[] := '{}';
    x record;
BEGIN
    SELECT c.version, c.schema, c.compatibility INTO prev_ver, prev_schema, prev_mode
      FROM datamesh.contracts c
     WHERE c.product_id = pid AND c.status <> 'retired' AND c.version OPERATOR(datamesh.<) ver
     ORDER BY c.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('items', '[]'::jsonb, 'against', '[]'::jsonb);
    END IF;
    declared := datamesh._semver_bump(prev_ver, ver);
    bump_text := format('%s to %s is %s', prev_ver, ver,
                        CASE declared WHEN 'none' THEN 'no bump' ELSE 'a ' || declared || ' bump' END);

    -- the mode holds within a major version line (for 0.y.z: within a minor line);
    -- a new major version starts a new line.  The newest earlier version comes first.
    SELECT coalesce(array_agg(c.schema ORDER BY c.version DESC), '{}'),
           coalesce(array_agg(c.version::text ORDER BY c.version DESC), '{}')
      INTO line_schemas, line_versions
      FROM datamesh.contracts c
     WHERE c.product_id = pid AND c.status <> 'retired' AND c.version OPERATOR(datamesh.<) ver
       AND declared <> 'major'
       AND datamesh.semver_major(c.version) = datamesh.semver_major(ver)
       AND (datamesh.semver_major(ver) > 0 OR datamesh.semver_minor(c.version) = datamesh.semver_minor(ver));
    required := datamesh.required_bump(prev_schema, new_schema);

    -- one line per change: what it is, and every rule it breaks
    FOR x IN
        WITH mode_rows AS (
            SELECT r.against, r.path, r.change_kind, r.message
              FROM datamesh.check_compatibility(line_schemas, new_schema, prev_mode) r
             WHERE cardinality(line_schemas) > 0 AND r.severity = 'breaking'),
        bump_rows AS (
            SELECT 1 AS against, r.path, r.change_kind, r.message, r.required_bump
              FROM datamesh.check_compatibility(prev_schema, new_schema, prev_mode) r
             WHERE datamesh._bump_rank(required) > datamesh._bump_rank(declared)
               AND datamesh._bump_rank(r.required_bump) > datamesh._bump_rank(declared))
        SELECT coalesce(m.against, b.against) AS against, coalesce(m.path, b.path) AS path,
               coalesce(m.change_kind, b.change_kind) AS change_kind, coalesce(m.message, b.message) AS message,
               m.path IS NOT NULL AS breaks_mode, b.required_bump
          FROM mode_rows m FULL JOIN bump_rows b
            ON m.against = b.against AND m.path = b.path AND m.change_kind = b.change_kind
         ORDER BY 1, 2, 3
    LOOP
        items := items || format('%s [%s]',
            CASE WHEN x.message LIKE x.path || ':%' THEN x.message ELSE x.path || ': ' || x.message END,
            concat_ws('; ', x.change_kind,
                      CASE WHEN x.breaks_mode THEN format('breaks %s against version %s', prev_mode, line_versions[x.against]) END,
                      CASE WHEN x.required_bump IS NOT NULL THEN format('needs a %s version, %s', x.required_bump, bump_text) END));
    END LOOP;
    IF new_mode <> prev_mode AND declared <> 'major' THEN
        items := items || format('schema.compatibility: the mode changes from %s to %s [needs a major version, %s]',
                                 prev_mode, new_mode, bump_text);
    END IF;
    RETURN jsonb_build_object('items', to_jsonb(items), 'against', to_jsonb(line_versions),
                              'previous', prev_ver::text, 'mode', prev_mode,
                              'declared_bump', declared, 'required_bump', required);
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_evolution(pg_catalog.text, datamesh.semver, pg_catalog.jsonb, pg_catalog.text) IS
    'internal: the changes that stop a new contract version (mode broken, version bump too small)';

/*
 * Store a checked contract document: the product must exist and the caller
 * manage its domain; the product row is locked so that publishes of one
 * product serialize; nothing is written unless everything is valid.
 */
CREATE FUNCTION datamesh._store_contract(doc pg_catalog.jsonb, caller pg_catalog.regrole,
                                         source_format pg_catalog.text, source_document pg_catalog.jsonb)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    r jsonb := datamesh._check_contract(doc);
    c jsonb := r -> 'contract';
    problems text[] := ARRAY(SELECT jsonb_array_elements_text(r -> 'problems'));
    warnings text[] := ARRAY(SELECT jsonb_array_elements_text(r -> 'warnings'));
    pid text := c ->> 'product_id';
    ver datamesh.semver;
    dom text;
    pv datamesh.semver;
    port text := c ->> 'port_name';
    rel regclass;
    ports text[];
    existing jsonb;
    existing_src jsonb;
    existing_status text;
    higher datamesh.semver;
    evo jsonb := '{}';
    items text[];
    compliance jsonb;
BEGIN
    IF pid IS NOT NULL THEN
        SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = pid;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'data product "%" does not exist', pid
                USING ERRCODE = 'undefined_object',
                      DETAIL = 'metadata.product_id names no registered data product.',
                      HINT = 'Register the data product with datamesh.register_product() before publishing its contract.';
        END IF;
        IF NOT datamesh._can_manage_domain(caller, dom) THEN
            RAISE EXCEPTION 'permission denied to publish contracts of data product "%"', pid
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Members of the domain''s owner role and of datamesh_admin may publish its contracts.';
        END IF;
        -- serialize publishes of one product (and registrations, which lock the same row)
        PERFORM FROM datamesh.data_products p WHERE p.product_id = pid FOR UPDATE;

        -- bind to a product version and its in-database output port
        IF c ? 'product_version' THEN
            pv := (c ->> 'product_version')::datamesh.semver;
            PERFORM FROM datamesh.product_versions v WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) pv;
            IF NOT FOUND THEN
                problems := problems || format('metadata.product_version: version %s of data product "%s" is not registered', pv, pid);
                pv := NULL;
            END IF;
        ELSE
            SELECT v.version INTO pv FROM datamesh.product_versions v
             WHERE v.product_id = pid AND v.status <> 'retired'
             ORDER BY v.version DESC LIMIT 1;
            IF NOT FOUND THEN
                problems := problems || format('metadata.product_version: data product "%s" has no version that is not retired', pid);
            END IF;
        END IF;
        IF pv IS NOT NULL THEN
            IF port IS NOT NULL THEN
                SELECT o.relation INTO rel FROM datamesh.output_ports o
                 WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) pv AND o.name = port;
                IF NOT FOUND THEN
                    problems := problems || format('metadata.port: version %s of data product "%s" has no output port "%s"', pv, pid, port);
                ELSIF rel IS NULL THEN
                    problems := problems || format('metadata.port: output port "%s" is not an in-database relation', port);
                END IF;
            ELSE
                ports := ARRAY(SELECT o.name FROM datamesh.output_ports o
                                WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) pv AND o.relation IS NOT NULL
                                ORDER BY o.name);
                IF cardinality(ports) = 1 THEN
                    port := ports[1];
                    SELECT o.relation INTO rel FROM datamesh.output_ports o
                     WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) pv AND o.name = port;
                ELSIF cardinality(ports) > 1 THEN
                    problems := problems || format('metadata.port: required, version %s of data product "%s" has several in-database output ports (%s)',
                                                   pv, pid, array_to_string(ports, ', '));
                ELSE
                    warnings := warnings || format('version %s of data product "%s" has no in-database output port: the contract is not enforced on a relation', pv, pid);
                END IF;
            END IF;
        END IF;
    END IF;

    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION '%: % problem%', CASE WHEN pid IS NULL THEN 'invalid data contract'
                                  ELSE format('invalid data contract for data product "%s"', pid) END,
                        cardinality(problems), CASE WHEN cardinality(problems) > 1 THEN 's' ELSE '' END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = array_to_string(problems, E'\n'),
                  HINT = 'Fix every listed problem; datamesh.validate_contract() checks a contract without publishing it.';
    END IF;

    ver := (c ->> 'version')::datamesh.semver;
    SELECT x.manifest, x.source_document, x.status INTO existing, existing_src, existing_status
      FROM datamesh.contracts x WHERE x.product_id = pid AND x.version OPERATOR(datamesh.=) ver;
    IF FOUND THEN
        IF existing = doc AND existing_src IS NOT DISTINCT FROM source_document THEN
            RETURN jsonb_build_object('product_id', pid, 'version', ver::text, 'status', existing_status,
                                      'result', 'unchanged', 'warnings', to_jsonb(warnings));
        END IF;
        RAISE EXCEPTION 'version % of the contract of data product "%" is already published with different content', ver, pid
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'Published contract versions are immutable.',
                  HINT = 'Publish the change under a new contract version.';
    END IF;
    SELECT datamesh.max(x.version) INTO higher FROM datamesh.contracts x
     WHERE x.product_id = pid AND datamesh.semver_major(x.version) = datamesh.semver_major(ver)
       AND (datamesh.semver_major(ver) > 0 OR datamesh.semver_minor(x.version) = datamesh.semver_minor(ver))
       AND x.version OPERATOR(datamesh.>) ver;
    IF higher IS NOT NULL THEN
        RAISE EXCEPTION 'contract version % of data product "%" is lower than the published version %', ver, pid, higher
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Within one major version (for 0.y.z: one minor version), a new contract version must be higher than every published one.',
                  HINT = format('Publish it as a version above %s.', higher);
    END IF;

    evo := datamesh._contract_evolution(pid, ver, c -> 'schema', c ->> 'compatibility');
    items := ARRAY(SELECT jsonb_array_elements_text(evo -> 'items'));
    IF cardinality(items) > 0 THEN
        RAISE EXCEPTION 'contract version % of data product "%" is incompatible with version %: % change%', ver, pid,
                        evo ->> 'previous', cardinality(items), CASE WHEN cardinality(items) > 1 THEN 's' ELSE '' END
            USING ERRCODE = 'check_violation',
                  DETAIL = array_to_string(items, E'\n'),
                  HINT = CASE WHEN datamesh._bump_rank(evo ->> 'required_bump') > datamesh._bump_rank(evo ->> 'declared_bump')
                              THEN format('These changes need a %s version (at least %s).%s',
                                          evo ->> 'required_bump',
                                          CASE evo ->> 'required_bump'
                                          WHEN 'major' THEN (datamesh.semver_major((evo ->> 'previous')::datamesh.semver) + 1)::text || '.0.0'
                                          WHEN 'minor' THEN format('%s.%s.0', datamesh.semver_major((evo ->> 'previous')::datamesh.semver),
                                                                   datamesh.semver_minor((evo ->> 'previous')::datamesh.semver) + 1)
                                          ELSE format('%s.%s.%s', datamesh.semver_major((evo ->> 'previous')::datamesh.semver),
                                                      datamesh.semver_minor((evo ->> 'previous')::datamesh.semver),
                                                      datamesh.semver_patch((evo ->> 'previous')::datamesh.semver) + 1) END,
                                          CASE WHEN evo ->> 'required_bump' = 'major'
                                               THEN ' A new major version may break consumers on purpose: tell them first.' ELSE '' END)
                              ELSE 'Keep the change compatible, or publish it as a new major version to break consumers on purpose.' END;
    END IF;

    /*
     * Extension point: checks on the complete, valid contract that may still
     * refuse it (for example the policy engine's compliance check) are called
     * here, once, before anything is written.  The contract in column form is
     * c (with the binding in pv, port, rel), its fields r -> 'fields'.
     *
     * The policy engine (src/sql/82_policy.sql, created later: PL/pgSQL
     * resolves the call at run time) judges the bound product version with
     * this contract as the contract root: block-level violations raise and
     * nothing is written; warnings are raised and recorded in the audit.
     */
    compliance := datamesh._registration_compliance(pid, pv, caller,
        datamesh._contract_policy_attributes(
            c || jsonb_strip_nulls(jsonb_build_object('product_id', pid, 'version', ver::text,
                                                      'product_version', pv::text, 'port_name', port,
                                                      'relation', rel::text)),
            r -> 'fields'));

    INSERT INTO datamesh.contracts
        (product_id, version, status, compatibility, schema_format, schema, product_version, port_name, relation,
         partition_by, uniqueness_constraints, min_completeness, max_latency_minutes, row_count_min, row_count_max,
         quality_rules, sla, consumer_expectations, deprecation, effective_date, deprecated_date, manifest,
         published_by, contract_id, schema_evolution_policy, primary_key, source_format, source_document,
         status_changed_by)
    SELECT pid, ver, x.status, x.compatibility, x.schema_format, x.schema, pv, port, rel,
           x.partition_by, x.uniqueness_constraints, x.min_completeness, x.max_latency_minutes, x.row_count_min,
           x.row_count_max, x.quality_rules, x.sla, x.consumer_expectations, x.deprecation, x.effective_date,
           x.deprecated_date, doc, caller, x.contract_id, x.schema_evolution_policy, x.primary_key,
           _store_contract.source_format, _store_contract.source_document, caller
      FROM jsonb_to_record(c) AS x(status text, compatibility text, schema_format text, schema jsonb,
           partition_by text[], uniqueness_constraints jsonb, min_completeness numeric, max_latency_minutes int,
           row_count_min bigint, row_count_max bigint, quality_rules jsonb, sla jsonb, consumer_expectations jsonb,
           deprecation jsonb, effective_date timestamptz, deprecated_date timestamptz, contract_id text,
           schema_evolution_policy text, primary_key text[]);

    INSERT INTO datamesh.contract_fields
        (product_id, version, ordinal, name, type, sql_type, nullable, required, is_unique, is_primary_key,
         default_value, doc, pii, classification, min_value, max_value, enum_values, pattern, max_null_rate)
    SELECT pid, ver, f.ordinal, f.name, f.type, f.sql_type, f.nullable, f.required, f.is_unique, f.is_primary_key,
           f.default_value, f.doc, f.pii, f.classification, f.min_value, f.max_value, f.enum_values, f.pattern,
           f.max_null_rate
      FROM jsonb_to_recordset(r -> 'fields') AS f(ordinal int, name text, type text, sql_type text, nullable bool,
           required bool, is_unique bool, is_primary_key bool, default_value jsonb, doc text, pii bool,
           classification text, min_value numeric, max_value numeric, enum_values text[], pattern text,
           max_null_rate numeric);

    RETURN jsonb_strip_nulls(jsonb_build_object(
        'product_id', pid, 'version', ver::text, 'status', c ->> 'status', 'result', 'published',
        'compatibility', c ->> 'compatibility', 'schema_format', c ->> 'schema_format',
        'product_version', pv::text, 'port', port, 'relation', rel::text,
        'fields', jsonb_array_length(r -> 'fields'),
        'checked_against', evo -> 'against', 'declared_bump', evo -> 'declared_bump',
        'required_bump', evo -> 'required_bump')) || jsonb_build_object('warnings', to_jsonb(warnings))
        || CASE WHEN jsonb_array_length(compliance -> 'warnings') > 0
                THEN jsonb_build_object('policy_warnings', compliance -> 'warnings') ELSE '{}' END;
END
$fn$;
COMMENT ON FUNCTION datamesh._store_contract(pg_catalog.jsonb, pg_catalog.regrole, pg_catalog.text, pg_catalog.jsonb) IS
    'internal: check, bind and store a contract document for a caller (publish_contract, import_odcs)';

CREATE FUNCTION datamesh._publish_contract(manifest pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN datamesh._store_contract(datamesh._parse_manifest(manifest), caller, 'datamesh', NULL);
END
$fn$;
COMMENT ON FUNCTION datamesh._publish_contract(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.publish_contract';

CREATE FUNCTION datamesh.publish_contract(manifest pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.publish_contract(pg_catalog.text) IS
    'publish a version of a data product''s contract from a DataContract document (YAML or JSON); checks everything, compatibility with earlier versions included, and writes nothing unless all is valid';

CREATE FUNCTION datamesh._validate_contract(manifest pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    r jsonb := datamesh._check_contract(datamesh._parse_manifest(manifest));
BEGIN
    RETURN jsonb_build_object(
        'product_id', r #> '{contract,product_id}', 'version', r #> '{contract,version}',
        'valid', jsonb_array_length(r -> 'problems') = 0,
        'schema_format', r #> '{contract,schema_format}', 'compatibility', r #> '{contract,compatibility}',
        'fields', coalesce(r -> 'fields', '[]'),
        'problems', r -> 'problems', 'warnings', r -> 'warnings');
END
$fn$;
COMMENT ON FUNCTION datamesh._validate_contract(pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.validate_contract';

CREATE FUNCTION datamesh.validate_contract(manifest pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.validate_contract(pg_catalog.text) IS
    'check a DataContract document on its own (no catalog lookups, nothing written); lists every problem with its path and the fields in canonical form';

------------------------------------------------------------------ status

CREATE FUNCTION datamesh._set_contract_status(product_id pg_catalog.text, version datamesh.semver,
                                              status pg_catalog.text, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    dom text;
    current text;
    statuses CONSTANT text[] := '{draft,active,deprecated,retired}';
BEGIN
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = _set_contract_status.product_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" does not exist', product_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to change contracts of data product "%"', product_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the domain''s owner role and of datamesh_admin may change its contracts.';
    END IF;
    PERFORM FROM datamesh.data_products p WHERE p.product_id = _set_contract_status.product_id FOR UPDATE;
    SELECT c.status INTO current FROM datamesh.contracts c
     WHERE c.product_id = _set_contract_status.product_id AND c.version OPERATOR(datamesh.=) _set_contract_status.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" has no contract version %', product_id, version
            USING ERRCODE = 'undefined_object';
    END IF;
    IF status IS NULL OR NOT status = ANY (statuses) THEN
        RAISE EXCEPTION 'invalid contract status "%"', coalesce(status, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A contract status is draft, active, deprecated or retired.';
    END IF;
    IF array_position(statuses, status) < array_position(statuses, current) OR current = 'retired' THEN
        RAISE EXCEPTION 'cannot change status of contract version % of data product "%" from % to %',
                        version, product_id, current, status
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A contract moves forward only: draft, active, deprecated, retired.';
    END IF;
    UPDATE datamesh.contracts c
       SET status = _set_contract_status.status, status_changed_at = now(), status_changed_by = caller,
           deprecated_date = CASE WHEN _set_contract_status.status IN ('deprecated', 'retired')
                                  THEN coalesce(c.deprecated_date, now()) ELSE c.deprecated_date END
     WHERE c.product_id = _set_contract_status.product_id AND c.version OPERATOR(datamesh.=) _set_contract_status.version;
    RETURN jsonb_build_object('product_id', product_id, 'version', version::text, 'status', status,
                              'previous_status', current);
END
$fn$;
COMMENT ON FUNCTION datamesh._set_contract_status(pg_catalog.text, datamesh.semver, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.set_contract_status';

CREATE FUNCTION datamesh.set_contract_status(product_id pg_catalog.text, version datamesh.semver, status pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.set_contract_status(pg_catalog.text, datamesh.semver, pg_catalog.text) IS
    'move a contract version forward: draft, active, deprecated, retired (domain owner or admin)';

CREATE FUNCTION datamesh._activate_contract(product_id pg_catalog.text, version datamesh.semver, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT datamesh._set_contract_status(product_id, version, 'active', caller) $fn$;
COMMENT ON FUNCTION datamesh._activate_contract(pg_catalog.text, datamesh.semver, pg_catalog.regrole) IS
    'internal: implementation of datamesh.activate_contract';
CREATE FUNCTION datamesh.activate_contract(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.activate_contract(pg_catalog.text, datamesh.semver) IS
    'activate a draft contract version: from now on it is enforced';

CREATE FUNCTION datamesh._deprecate_contract(product_id pg_catalog.text, version datamesh.semver, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT datamesh._set_contract_status(product_id, version, 'deprecated', caller) $fn$;
COMMENT ON FUNCTION datamesh._deprecate_contract(pg_catalog.text, datamesh.semver, pg_catalog.regrole) IS
    'internal: implementation of datamesh.deprecate_contract';
CREATE FUNCTION datamesh.deprecate_contract(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.deprecate_contract(pg_catalog.text, datamesh.semver) IS
    'deprecate a contract version (no longer enforced by the breaking-DDL guard nor seen by policies; deprecated_date set to now unless the contract gives one)';

CREATE FUNCTION datamesh._retire_contract(product_id pg_catalog.text, version datamesh.semver, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT datamesh._set_contract_status(product_id, version, 'retired', caller) $fn$;
COMMENT ON FUNCTION datamesh._retire_contract(pg_catalog.text, datamesh.semver, pg_catalog.regrole) IS
    'internal: implementation of datamesh.retire_contract';
CREATE FUNCTION datamesh.retire_contract(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.retire_contract(pg_catalog.text, datamesh.semver) IS
    'retire a contract version: no longer enforced, and no longer part of the compatibility history';

----------------------------------------------------------------- reading

-- The contract version a reference means: the given one, else the highest active, else the highest
CREATE FUNCTION datamesh._contract_version(pid pg_catalog.text, want datamesh.semver) RETURNS datamesh.semver
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    v datamesh.semver;
BEGIN
    PERFORM FROM datamesh.data_products p WHERE p.product_id = pid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" does not exist', pid USING ERRCODE = 'undefined_object';
    END IF;
    SELECT c.version INTO v FROM datamesh.contracts c
     WHERE c.product_id = pid AND (want IS NULL OR c.version OPERATOR(datamesh.=) want)
     ORDER BY c.status = 'active' DESC, c.version DESC LIMIT 1;
    IF NOT FOUND THEN
        IF want IS NULL THEN
            RAISE EXCEPTION 'data product "%" has no contract', pid
                USING ERRCODE = 'undefined_object',
                      HINT = 'Publish one with datamesh.publish_contract().';
        END IF;
        RAISE EXCEPTION 'data product "%" has no contract version %', pid, want USING ERRCODE = 'undefined_object';
    END IF;
    RETURN v;
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_version(pg_catalog.text, datamesh.semver) IS
    'internal: resolve a contract version (NULL: the highest active one, else the highest)';

CREATE FUNCTION datamesh.get_contract(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    v datamesh.semver := datamesh._contract_version(product_id, version);
BEGIN
    RETURN (SELECT to_jsonb(c) - '{manifest,source_document}'::text[]
                   || jsonb_build_object('fields', (
                        SELECT coalesce(jsonb_agg(to_jsonb(f) - '{product_id,version}'::text[] ORDER BY f.ordinal), '[]')
                          FROM datamesh.contract_fields f
                         WHERE f.product_id = c.product_id AND f.version OPERATOR(datamesh.=) c.version))
              FROM datamesh.contracts c
             WHERE c.product_id = get_contract.product_id AND c.version OPERATOR(datamesh.=) v);
END
$fn$;
COMMENT ON FUNCTION datamesh.get_contract(pg_catalog.text, datamesh.semver) IS
    'a contract version with its fields as JSON (NULL version: the highest active one, else the highest)';

CREATE FUNCTION datamesh.export_contract(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    v datamesh.semver := datamesh._contract_version(product_id, version);
BEGIN
    RETURN (SELECT datamesh.jsonb_to_yaml(c.manifest) FROM datamesh.contracts c
             WHERE c.product_id = export_contract.product_id AND c.version OPERATOR(datamesh.=) v);
END
$fn$;
COMMENT ON FUNCTION datamesh.export_contract(pg_catalog.text, datamesh.semver) IS
    'the DataContract document of a contract version as YAML, as published (publish_contract reads it back unchanged)';

------------------------------------------------------------- scaffolding

-- A relation name as a quoted, possibly schema-qualified identifier
CREATE FUNCTION datamesh._quote_relation_name(name pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    parts text[];
BEGIN
    BEGIN
        parts := parse_ident(name);
    EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
        parts := NULL;
    END;
    IF parts IS NULL OR cardinality(parts) NOT IN (1, 2)
       OR EXISTS (SELECT FROM unnest(parts) p WHERE p = '' OR octet_length(p) > 63) THEN
        RAISE EXCEPTION 'invalid relation name "%"', name
            USING ERRCODE = 'invalid_name',
                  DETAIL = 'A relation name is an identifier or schema.identifier (quote identifiers with special characters).';
    END IF;
    RETURN (SELECT string_agg(quote_ident(p), '.' ORDER BY o) FROM unnest(parts) WITH ORDINALITY AS x(p, o));
END
$fn$;
COMMENT ON FUNCTION datamesh._quote_relation_name(pg_catalog.text) IS
    'internal: quote a (schema-qualified) relation name for DDL, error if it is not one';

CREATE FUNCTION datamesh.contract_ddl(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL,
                                      relation_name pg_catalog.text DEFAULT NULL)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    v datamesh.semver := datamesh._contract_version(product_id, version);
    c datamesh.contracts;
    f datamesh.contract_fields;
    rel text;
    base text;
    cols text[] := '{}';
    cons text[] := '{}';
    comments text[] := '{}';
    col text;
    u jsonb;
    i int := 0;
BEGIN
    SELECT * INTO c FROM datamesh.contracts x
     WHERE x.product_id = contract_ddl.product_id AND x.version OPERATOR(datamesh.=) v;
    IF relation_name IS NULL THEN
        rel := CASE WHEN c.relation IS NOT NULL
                    THEN (SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname)
                            FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.oid = c.relation)
                    ELSE quote_ident(replace(c.product_id, '-', '_')) END;
    ELSE
        rel := datamesh._quote_relation_name(relation_name);
    END IF;
    base := (parse_ident(rel))[cardinality(parse_ident(rel))];

    FOR f IN SELECT * FROM datamesh.contract_fields x
              WHERE x.product_id = c.product_id AND x.version OPERATOR(datamesh.=) c.version ORDER BY x.ordinal LOOP
        col := format('%I %s', f.name, f.sql_type);
        IF f.default_value IS NOT NULL AND f.default_value <> 'null' THEN
            col := col || format(' DEFAULT %s', CASE WHEN jsonb_typeof(f.default_value) IN ('string', 'number', 'boolean')
                                                     THEN format('%L::%s', f.default_value #>> '{}', f.sql_type)
                                                     ELSE format('%L::%s', f.default_value::text, f.sql_type) END);
        END IF;
        IF NOT f.nullable THEN
            col := col || ' NOT NULL';
        END IF;
        cols := cols || col;
        IF f.min_value IS NOT NULL THEN
            cons := cons || format('CONSTRAINT %I CHECK (%I >= %s)', left(f.name, 58) || '_min', f.name, f.min_value);
        END IF;
        IF f.max_value IS NOT NULL THEN
            cons := cons || format('CONSTRAINT %I CHECK (%I <= %s)', left(f.name, 58) || '_max', f.name, f.max_value);
        END IF;
        IF f.enum_values IS NOT NULL THEN
            cons := cons || CASE WHEN f.sql_type LIKE '%[]'
                                 THEN format('CONSTRAINT %I CHECK (%I <@ %L::%s)', left(f.name, 57) || '_enum', f.name,
                                             f.enum_values, f.sql_type)
                                 ELSE format('CONSTRAINT %I CHECK (%I IN (%s))', left(f.name, 57) || '_enum', f.name,
                                             (SELECT string_agg(format('%L::%s', e, f.sql_type), ', ' ORDER BY o)
                                                FROM unnest(f.enum_values) WITH ORDINALITY AS x(e, o))) END;
        END IF;
        IF f.pattern IS NOT NULL THEN
            cons := cons || format('CONSTRAINT %I CHECK (%I::text ~ %L)', left(f.name, 54) || '_pattern', f.name, f.pattern);
        END IF;
        IF f.is_unique AND NOT (f.is_primary_key AND cardinality(c.primary_key) = 1)
           AND NOT EXISTS (SELECT FROM jsonb_array_elements(c.uniqueness_constraints) uc
                            WHERE uc.value = jsonb_build_array(f.name)) THEN
            cons := cons || format('CONSTRAINT %I UNIQUE (%I)', left(f.name, 56) || '_key', f.name);
        END IF;
        IF f.doc IS NOT NULL THEN
            comments := comments || format('COMMENT ON COLUMN %s.%I IS %L;', rel, f.name, f.doc);
        END IF;
    END LOOP;
    IF cardinality(c.primary_key) > 0 THEN
        cons := cons || format('CONSTRAINT %I PRIMARY KEY (%s)', left(base, 58) || '_pkey',
                               (SELECT string_agg(quote_ident(k), ', ' ORDER BY o) FROM unnest(c.primary_key) WITH ORDINALITY AS x(k, o)));
    END IF;
    FOR u IN SELECT x FROM jsonb_array_elements(c.uniqueness_constraints) WITH ORDINALITY AS y(x, o) ORDER BY o LOOP
        i := i + 1;
        CONTINUE WHEN ARRAY(SELECT jsonb_array_elements_text(u)) = c.primary_key;
        cons := cons || format('CONSTRAINT %I UNIQUE (%s)', left(base, 50) || '_unique_' || i,
                               (SELECT string_agg(quote_ident(k), ', ' ORDER BY o) FROM jsonb_array_elements_text(u) WITH ORDINALITY AS x(k, o)));
    END LOOP;

    RETURN format(E'CREATE TABLE %s (\n    %s\n);\n', rel, array_to_string(cols || cons, E',\n    '))
        || format(E'COMMENT ON TABLE %s IS %L;\n', rel,
                  format('data product %s, contract version %s', c.product_id, c.version)
                  || coalesce(': ' || (c.manifest #>> '{metadata,description}'), ''))
        || CASE WHEN cardinality(comments) > 0 THEN array_to_string(comments, E'\n') || E'\n' ELSE '' END;
END
$fn$;
COMMENT ON FUNCTION datamesh.contract_ddl(pg_catalog.text, datamesh.semver, pg_catalog.text) IS
    'CREATE TABLE statement (types, NOT NULL, defaults, CHECKs for min/max/enum/pattern, keys, comments from docs) for a contract version';

CREATE FUNCTION datamesh.scaffold_table(product_id pg_catalog.text, relation_name pg_catalog.text,
                                        version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.regclass
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    parts text[];
BEGIN
    IF relation_name IS NULL THEN
        RAISE EXCEPTION 'relation name must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM datamesh._quote_relation_name(relation_name);
    parts := parse_ident(relation_name);
    IF cardinality(parts) <> 2 THEN
        RAISE EXCEPTION 'relation name "%" must be schema-qualified', relation_name
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'Name the schema to create the table in, e.g. sales.orders.';
    END IF;
    -- runs as the caller: the caller needs CREATE on the schema and owns the table
    EXECUTE datamesh.contract_ddl(product_id, version, relation_name);
    RETURN format('%I.%I', parts[1], parts[2])::regclass;
END
$fn$;
COMMENT ON FUNCTION datamesh.scaffold_table(pg_catalog.text, pg_catalog.text, datamesh.semver) IS
    'create a table from a contract version with contract_ddl, as the calling role (who needs CREATE on the schema and owns the table)';

REVOKE ALL ON FUNCTION datamesh.validate_contract(pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.get_contract(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.export_contract(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.contract_ddl(pg_catalog.text, datamesh.semver, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.scaffold_table(pg_catalog.text, pg_catalog.text, datamesh.semver) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.validate_contract(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.get_contract(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.export_contract(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.contract_ddl(pg_catalog.text, datamesh.semver, pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.scaffold_table(pg_catalog.text, pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._contract_version(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._quote_relation_name(pg_catalog.text) TO datamesh_reader;
