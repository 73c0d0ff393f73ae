/*
 * Contracts on live data: verify_contract (the relation's shape against its
 * contract), validate_data (every data rule of the contract over the rows, in
 * one scan), and the breaking-DDL guard's catalog side (the rules it
 * enforces, consumers, audited overrides).  The guard itself is C
 * (src/contract_guard.c); validate_data's runner is C (src/contract_verify.c).
 */

------------------------------------------------------------------- tables

CREATE TABLE datamesh.contract_validation_runs (
    run_id      pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    relation    pg_catalog.text NOT NULL,
    row_count   pg_catalog.int8,
    rules       pg_catalog.int4 NOT NULL,
    failed      pg_catalog.int4 NOT NULL,
    passed      pg_catalog.bool NOT NULL,
    run_by      pg_catalog.regrole NOT NULL,
    started_at  pg_catalog.timestamptz NOT NULL,
    finished_at pg_catalog.timestamptz NOT NULL
);
CREATE INDEX contract_validation_runs_product_idx
    ON datamesh.contract_validation_runs (product_id, version, started_at);
COMMENT ON TABLE datamesh.contract_validation_runs IS
    'one row per datamesh.validate_data() run: which contract, how many rules failed, when and by whom';

CREATE TABLE datamesh.contract_validation_results (
    run_id       pg_catalog.int8 NOT NULL REFERENCES datamesh.contract_validation_runs ON DELETE CASCADE,
    ordinal      pg_catalog.int4 NOT NULL,
    rule_name    pg_catalog.text NOT NULL,
    rule_kind    pg_catalog.text NOT NULL,
    column_name  pg_catalog.text,
    severity     pg_catalog.text NOT NULL,
    passed       pg_catalog.bool NOT NULL,
    measured     pg_catalog.numeric,
    threshold    pg_catalog.text,
    failing_rows pg_catalog.int8,
    example_keys pg_catalog.jsonb,
    message      pg_catalog.text NOT NULL,
    PRIMARY KEY (run_id, ordinal)
);
COMMENT ON TABLE datamesh.contract_validation_results IS
    'per rule outcome of a validate_data() run: passed, measured value, threshold, failing rows, example keys';

CREATE TABLE datamesh.contract_guard_overrides (
    override_id  pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   pg_catalog.text NOT NULL,
    reason       pg_catalog.text NOT NULL,
    granted_by   pg_catalog.regrole NOT NULL,
    session_role pg_catalog.text NOT NULL,
    xact_id      pg_catalog.xid8 NOT NULL,
    granted_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX contract_guard_overrides_xact_idx ON datamesh.contract_guard_overrides (xact_id, product_id);
COMMENT ON TABLE datamesh.contract_guard_overrides IS
    'append-only audit: emergency overrides of the breaking-DDL guard (who, when, why; valid for one transaction)';

CREATE TABLE datamesh.contract_guard_overridden_changes (
    override_id      pg_catalog.int8 NOT NULL REFERENCES datamesh.contract_guard_overrides,
    contract_version datamesh.semver NOT NULL,
    statement        pg_catalog.text NOT NULL,
    change           pg_catalog.text NOT NULL,
    executed_by      pg_catalog.regrole NOT NULL,
    executed_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
CREATE INDEX contract_guard_overridden_changes_idx ON datamesh.contract_guard_overridden_changes (override_id);
COMMENT ON TABLE datamesh.contract_guard_overridden_changes IS
    'append-only audit: each breaking change a statement made under an override, with the statement text';

SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_validation_runs', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_validation_results', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_guard_overrides', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_guard_overridden_changes', '');
-- and the identity sequences, so that restored rows keep their numbers unique
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('datamesh.contract_validation_runs', 'run_id'), '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('datamesh.contract_guard_overrides', 'override_id'), '');
REVOKE ALL ON datamesh.contract_validation_runs, datamesh.contract_validation_results,
              datamesh.contract_guard_overrides, datamesh.contract_guard_overridden_changes FROM PUBLIC;
GRANT SELECT ON datamesh.contract_validation_runs,
                datamesh.contract_guard_overrides, datamesh.contract_guard_overridden_changes TO datamesh_reader;
-- example keys are values of the data (a natural key, such as an e-mail
-- address): only administrators read them back; validate_data returns them
-- to its caller, who could read the rows
GRANT SELECT (run_id, ordinal, rule_name, rule_kind, column_name, severity, passed, measured, threshold,
              failing_rows, message) ON datamesh.contract_validation_results TO datamesh_reader;
GRANT SELECT ON datamesh.contract_validation_results TO datamesh_admin;

-- Monitoring: the latest validate_data run of every contract version
CREATE VIEW datamesh.contract_validation_latest AS
SELECT DISTINCT ON (r.product_id, r.version)
       r.product_id, r.version, r.run_id, r.relation, r.row_count, r.rules, r.failed, r.passed,
       r.run_by, r.started_at, r.finished_at,
       ARRAY(SELECT x.rule_name FROM datamesh.contract_validation_results x
              WHERE x.run_id OPERATOR(pg_catalog.=) r.run_id AND NOT x.passed ORDER BY x.ordinal) AS failed_rules
  FROM datamesh.contract_validation_runs r
 ORDER BY r.product_id, r.version, r.started_at DESC, r.run_id DESC;
COMMENT ON VIEW datamesh.contract_validation_latest IS
    'the latest validate_data run of every contract version, with the names of the rules that failed';
REVOKE ALL ON datamesh.contract_validation_latest FROM PUBLIC;
GRANT SELECT ON datamesh.contract_validation_latest TO datamesh_reader;

-- Refuse UPDATE, DELETE and TRUNCATE of the audit tables
CREATE FUNCTION datamesh._append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RAISE EXCEPTION 'table "datamesh.%" is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Contract guard overrides are an audit trail; rows are never changed or removed.';
END
$fn$;
COMMENT ON FUNCTION datamesh._append_only() IS 'internal: trigger keeping the override audit append-only';
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON datamesh.contract_guard_overrides
    FOR EACH ROW EXECUTE FUNCTION datamesh._append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON datamesh.contract_guard_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._append_only();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON datamesh.contract_guard_overridden_changes
    FOR EACH ROW EXECUTE FUNCTION datamesh._append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON datamesh.contract_guard_overridden_changes
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._append_only();

------------------------------------------------------------- the DDL guard

/*
 * The guard caches are invalidated through a sentinel: an empty table no
 * query reads, whose relcache invalidation means "contracts or their fields
 * changed".  Invalidating datamesh.contracts and datamesh.contract_fields
 * themselves would also make every backend re-plan every cached plan that
 * reads them, at each publish.
 */
CREATE TABLE datamesh.contract_guard_sentinel ();
COMMENT ON TABLE datamesh.contract_guard_sentinel IS
    'internal, always empty: its relcache invalidation tells every backend that the breaking-DDL guard''s cached contracts are stale';
SELECT pg_catalog.pg_extension_config_dump('datamesh.contract_guard_sentinel', '');
REVOKE ALL ON datamesh.contract_guard_sentinel FROM PUBLIC;

-- Invalidates every backend's guard cache (through the sentinel); locks a newly enforced relation
CREATE FUNCTION datamesh._contract_guard_trigger() RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'datamesh_contract_guard_trigger';
COMMENT ON FUNCTION datamesh._contract_guard_trigger() IS
    'internal: contract changes invalidate the DDL guard caches and lock the relation a contract starts to guard';
CREATE TRIGGER contract_guard AFTER INSERT OR UPDATE ON datamesh.contracts
    FOR EACH ROW EXECUTE FUNCTION datamesh._contract_guard_trigger();
CREATE TRIGGER contract_guard_delete AFTER DELETE OR TRUNCATE ON datamesh.contracts
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._contract_guard_trigger();
CREATE TRIGGER contract_guard AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datamesh.contract_fields
    FOR EACH STATEMENT EXECUTE FUNCTION datamesh._contract_guard_trigger();

-- A PostgreSQL type name as (type oid, typmod); NULLs if it names no type
CREATE FUNCTION datamesh._parse_type(type_name pg_catalog.text, OUT typid pg_catalog.oid,
                                     OUT typmod pg_catalog.int4)
    LANGUAGE C STABLE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_parse_type';
COMMENT ON FUNCTION datamesh._parse_type(pg_catalog.text) IS
    'internal: resolve a type name such as numeric(12,2) to its OID and typmod';

-- The row checks a contract field states (min, max, enum, pattern), each as
-- the predicate a passing row satisfies, written the way contract_ddl()
-- writes its CHECK constraints
CREATE FUNCTION datamesh._field_checks(name pg_catalog.text, typcategory "char", min_value pg_catalog.numeric,
                                       max_value pg_catalog.numeric, enum_values pg_catalog.text[],
                                       pattern pg_catalog.text)
    RETURNS TABLE (kind pg_catalog.text, threshold pg_catalog.text, pass pg_catalog.text)
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT 'min', min_value::text, format('%I >= %s', name, min_value)
     WHERE min_value IS NOT NULL AND typcategory = 'N'
    UNION ALL
    SELECT 'max', max_value::text, format('%I <= %s', name, max_value)
     WHERE max_value IS NOT NULL AND typcategory = 'N'
    UNION ALL
    SELECT 'enum', array_to_string(enum_values, '|'),
           format('%I%s IN (%s)', name, CASE WHEN typcategory = 'S' THEN '' ELSE '::pg_catalog.text' END,
                  (SELECT string_agg(quote_literal(x), ', ') FROM unnest(enum_values) x))
     WHERE enum_values IS NOT NULL
    UNION ALL
    SELECT 'pattern', pattern, format('%I::pg_catalog.text OPERATOR(pg_catalog.~) %L', name, pattern)
     WHERE pattern IS NOT NULL
$fn$;
COMMENT ON FUNCTION datamesh._field_checks(pg_catalog.text, "char", pg_catalog.numeric, pg_catalog.numeric, pg_catalog.text[], pg_catalog.text) IS
    'internal: the min/max/enum/pattern checks of a contract field as row predicates';

-- What the guard enforces: one 'contract' row per enforced contract, then its
-- 'field' rows and its promised 'unique' keys (the guard's cache is built
-- from this, ordered)
CREATE FUNCTION datamesh._contract_guard_rules()
    RETURNS TABLE (relid pg_catalog.oid, product_id pg_catalog.text, version pg_catalog.text,
                   kind pg_catalog.text, names pg_catalog.text[], not_null pg_catalog.bool,
                   check_kinds pg_catalog.text[], checks pg_catalog.text[],
                   sql_typid pg_catalog.oid, sql_typmod pg_catalog.int4)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    WITH c AS (
        SELECT c.relation::oid AS relid, c.product_id, c.version, c.uniqueness_constraints
          FROM datamesh.contracts c
         WHERE c.status = 'active' AND c.relation IS NOT NULL
    ), f AS (
        SELECT c.relid, c.product_id, c.version, f.ordinal, f.name, f.sql_type,
               (NOT f.nullable OR f.required OR f.is_primary_key) AS not_null,
               ARRAY(SELECT x.kind FROM datamesh._field_checks(f.name, t.typcategory, f.min_value, f.max_value,
                                                               f.enum_values, f.pattern) x ORDER BY x.kind) AS check_kinds,
               ARRAY(SELECT x.pass FROM datamesh._field_checks(f.name, t.typcategory, f.min_value, f.max_value,
                                                               f.enum_values, f.pattern) x ORDER BY x.kind) AS checks,
               f.is_unique, f.is_primary_key
          FROM c JOIN datamesh.contract_fields f
            ON f.product_id = c.product_id AND f.version OPERATOR(datamesh.=) c.version
          LEFT JOIN pg_attribute a ON a.attrelid = c.relid AND a.attname = f.name AND a.attnum > 0
                                  AND NOT a.attisdropped
          LEFT JOIN pg_type t ON t.oid = a.atttypid
    )
    SELECT relid, product_id, version::text, kind, names, not_null, check_kinds, checks,
           (datamesh._parse_type(sql_type)).typid, (datamesh._parse_type(sql_type)).typmod FROM (
        SELECT c.relid, c.product_id, c.version, 'contract' AS kind, NULL::text[] AS names,
               NULL::bool AS not_null, NULL::text[] AS check_kinds, NULL::text[] AS checks,
               NULL::text AS sql_type, 0 AS ord
          FROM c
        UNION ALL
        SELECT f.relid, f.product_id, f.version, 'field', ARRAY[f.name], f.not_null, f.check_kinds, f.checks,
               f.sql_type, f.ordinal
          FROM f
        UNION ALL
        SELECT f.relid, f.product_id, f.version, 'unique', ARRAY[f.name], NULL, NULL, NULL, NULL, f.ordinal
          FROM f WHERE f.is_unique
        UNION ALL
        SELECT f.relid, f.product_id, f.version, 'unique', array_agg(f.name ORDER BY f.ordinal),
               NULL, NULL, NULL, NULL, 100000
          FROM f WHERE f.is_primary_key GROUP BY f.relid, f.product_id, f.version
        UNION ALL
        SELECT c.relid, c.product_id, c.version, 'unique',
               CASE jsonb_typeof(u.value) WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(u.value))
                                          ELSE ARRAY[u.value #>> '{}'] END,
               NULL, NULL, NULL, NULL, 100000 + u.ordinality::int
          FROM c, jsonb_array_elements(CASE jsonb_typeof(c.uniqueness_constraints)
                                       WHEN 'array' THEN c.uniqueness_constraints ELSE '[]' END)
                  WITH ORDINALITY AS u(value, ordinality)
    ) r
    ORDER BY relid, product_id, version, kind, ord
$fn$;
COMMENT ON FUNCTION datamesh._contract_guard_rules() IS
    'internal: enforced contracts, their fields and promised unique keys, for the DDL guard cache';

-- The data products that consume a product (the guard names them): every
-- downstream product, as lineage finds it (datamesh._lineage_consumers,
-- created later in the install script)
CREATE FUNCTION datamesh._contract_consumers(product_id pg_catalog.text)
    RETURNS TABLE (consumer pg_catalog.text, consumer_version datamesh.semver, via pg_catalog.text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RETURN QUERY SELECT * FROM datamesh._lineage_consumers(_contract_consumers.product_id);
END
$fn$;
COMMENT ON FUNCTION datamesh._contract_consumers(pg_catalog.text) IS
    'internal: products downstream of a product (named by the DDL guard), from lineage';

CREATE FUNCTION datamesh._override_contract_guard(product_id pg_catalog.text, reason pg_catalog.text,
                                                  caller pg_catalog.regrole)
    RETURNS pg_catalog.int8
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    dom text;
    id bigint;
BEGIN
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = _override_contract_guard.product_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data product "%" does not exist', product_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to override the contract guard of data product "%"', product_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of the domain''s owner role and of datamesh_admin may override it.';
    END IF;
    IF reason IS NULL OR length(btrim(reason)) < 10 THEN
        RAISE EXCEPTION 'an override of the contract guard needs a reason of at least 10 characters'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO datamesh.contract_guard_overrides (product_id, reason, granted_by, session_role, xact_id)
    VALUES (_override_contract_guard.product_id, btrim(reason), caller, session_user, pg_current_xact_id())
    RETURNING override_id INTO id;
    RETURN id;
END
$fn$;
COMMENT ON FUNCTION datamesh._override_contract_guard(pg_catalog.text, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.override_contract_guard';

CREATE FUNCTION datamesh.override_contract_guard(product_id pg_catalog.text, reason pg_catalog.text)
    RETURNS pg_catalog.int8
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.override_contract_guard(pg_catalog.text, pg_catalog.text) IS
    'emergency: let breaking DDL on a product''s contracted relations through for the rest of this transaction (product owner only, audited)';

------------------------------------------------------------ verify_contract

-- The contract verify_contract and validate_data use: the given version, or
-- the highest active one, or else the highest of any status
CREATE FUNCTION datamesh._pick_contract(product_id pg_catalog.text, version datamesh.semver)
    RETURNS datamesh.contracts
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    c datamesh.contracts;
BEGIN
    IF version IS NOT NULL THEN
        SELECT * INTO c FROM datamesh.contracts k
         WHERE k.product_id = _pick_contract.product_id AND k.version OPERATOR(datamesh.=) _pick_contract.version;
    ELSE
        SELECT * INTO c FROM datamesh.contracts k WHERE k.product_id = _pick_contract.product_id
         ORDER BY (k.status = 'active') DESC, k.version USING OPERATOR(datamesh.>) LIMIT 1;
    END IF;
    IF c.product_id IS NULL THEN
        IF version IS NULL THEN
            RAISE EXCEPTION 'data product "%" has no contract', product_id USING ERRCODE = 'undefined_object';
        END IF;
        RAISE EXCEPTION 'data product "%" has no contract version %', product_id, version
            USING ERRCODE = 'undefined_object';
    END IF;
    IF c.relation IS NULL THEN
        RAISE EXCEPTION 'contract "%" % is not bound to an in-database relation', c.product_id, c.version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Bind the contract to an output port whose type is table, view, materialized_view or foreign_table.';
    END IF;
    RETURN c;
END
$fn$;
COMMENT ON FUNCTION datamesh._pick_contract(pg_catalog.text, datamesh.semver) IS
    'internal: the contract version verify_contract and validate_data work on';

-- Columns of the unique indexes (and constraints) of a relation usable as a key
CREATE FUNCTION datamesh._unique_keys(rel pg_catalog.regclass)
    RETURNS TABLE (index_name pg_catalog.text, is_primary pg_catalog.bool, columns pg_catalog.text[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT i.indexrelid::regclass::text, i.indisprimary,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)
      FROM pg_index i
     WHERE i.indrelid = rel AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
       AND NOT (0 = ANY (i.indkey[0:i.indnkeyatts - 1]::int2[]))
$fn$;
COMMENT ON FUNCTION datamesh._unique_keys(pg_catalog.regclass) IS
    'internal: unique, valid, non-partial column indexes of a relation';

-- Promised unique keys of a contract (unique fields, the primary key, uniqueness_constraints)
CREATE FUNCTION datamesh._contract_unique_sets(c datamesh.contracts)
    RETURNS TABLE (kind pg_catalog.text, columns pg_catalog.text[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT DISTINCT ON (columns) kind, columns FROM (
        SELECT 'primary_key' AS kind, array_agg(f.name ORDER BY f.ordinal) AS columns, 0 AS ord
          FROM datamesh.contract_fields f
         WHERE f.product_id = c.product_id AND f.version OPERATOR(datamesh.=) c.version AND f.is_primary_key
        HAVING count(*) > 0
        UNION ALL
        SELECT 'unique', ARRAY[f.name], f.ordinal
          FROM datamesh.contract_fields f
         WHERE f.product_id = c.product_id AND f.version OPERATOR(datamesh.=) c.version AND f.is_unique
        UNION ALL
        SELECT 'unique', CASE jsonb_typeof(u.value) WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(u.value))
                              ELSE ARRAY[u.value #>> '{}'] END, 100000 + u.n::int
          FROM jsonb_array_elements(CASE jsonb_typeof(c.uniqueness_constraints)
                                    WHEN 'array' THEN c.uniqueness_constraints ELSE '[]' END)
               WITH ORDINALITY u(value, n)
    ) s ORDER BY columns, ord
$fn$;
COMMENT ON FUNCTION datamesh._contract_unique_sets(datamesh.contracts) IS
    'internal: the unique keys a contract promises';

CREATE FUNCTION datamesh.verify_contract(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS TABLE (kind pg_catalog.text, column_name pg_catalog.text, expected pg_catalog.text,
                   actual pg_catalog.text, message pg_catalog.text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    c datamesh.contracts := datamesh._pick_contract(product_id, version);
    rel regclass;
    relkind "char";
    f record;
    u record;
    want_oid oid;
    want_mod int;
    att record;
    part text[];
BEGIN
    SELECT k.oid, k.relkind INTO rel, relkind FROM pg_class k WHERE k.oid = c.relation::oid;
    IF rel IS NULL THEN
        RETURN QUERY SELECT 'relation_missing', NULL::text, c.relation::oid::text, NULL::text,
            format('the relation of contract "%s" %s no longer exists', c.product_id, c.version);
        RETURN;
    END IF;

    FOR f IN SELECT * FROM datamesh.contract_fields cf
              WHERE cf.product_id = c.product_id AND cf.version OPERATOR(datamesh.=) c.version
              ORDER BY cf.ordinal LOOP
        SELECT a.atttypid, a.atttypmod, a.attnotnull OR d.not_null AS attnotnull,
               format_type(a.atttypid, a.atttypmod) AS typename, t.typcategory, d.base_type, d.base_typmod
          INTO att FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
               CROSS JOIN LATERAL datamesh._column_domain(a.attrelid, a.attnum) d
         WHERE a.attrelid = rel AND a.attname = f.name AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'missing_column', f.name::text, f.sql_type, NULL::text,
                format('column "%s" of the contract is missing from %s', f.name, rel);
            CONTINUE;
        END IF;
        SELECT t.typid, t.typmod INTO want_oid, want_mod FROM datamesh._parse_type(f.sql_type) t;
        IF want_oid IS NULL THEN
            RETURN QUERY SELECT 'unknown_type', f.name::text, f.sql_type, att.typename,
                format('type "%s" of column "%s" is not a PostgreSQL type', f.sql_type, f.name);
        ELSIF want_oid = att.atttypid AND (want_mod = -1 OR want_mod = att.atttypmod) THEN
            NULL;  -- equal
        ELSIF want_oid = att.base_type AND (want_mod = -1 OR want_mod = att.base_typmod) THEN
            NULL;  -- a domain over the contract's type (its NOT NULL and CHECKs count below)
        ELSIF want_oid <> att.base_type AND EXISTS (SELECT FROM pg_cast k
                     WHERE k.castsource = att.base_type AND k.casttarget = want_oid AND k.castcontext = 'i') THEN
            NULL;  -- compatible: the relation's values convert implicitly to the contract's type
        ELSE
            RETURN QUERY SELECT 'type_mismatch', f.name::text, format_type(want_oid, want_mod), att.typename,
                format('column "%s" is %s, the contract says %s', f.name, att.typename, format_type(want_oid, want_mod));
        END IF;
        -- constraints can only be declared on tables; views are checked by validate_data
        IF relkind IN ('r', 'p', 'f') THEN
            IF (NOT f.nullable OR f.required OR f.is_primary_key) AND NOT att.attnotnull THEN
                RETURN QUERY SELECT 'nullable', f.name::text, 'NOT NULL', 'nullable',
                    format('column "%s" is required by the contract but nullable in %s', f.name, rel);
            END IF;
            IF relkind <> 'f' THEN
                RETURN QUERY
                SELECT 'missing_check', f.name::text, x.kind || ' ' || x.threshold, NULL::text,
                       format('no validated CHECK constraint of %s guarantees the contract''s %s %s of column "%s"',
                              rel, x.kind, x.threshold, f.name)
                  FROM datamesh._field_checks(f.name, att.typcategory, f.min_value, f.max_value,
                                              f.enum_values, f.pattern) x
                 WHERE NOT datamesh._implied_by_constraints(rel, x.pass);
            END IF;
        END IF;
    END LOOP;

    IF relkind IN ('r', 'p', 'm') THEN
        FOR u IN SELECT * FROM datamesh._contract_unique_sets(c) LOOP
            IF u.kind = 'primary_key' AND NOT EXISTS (SELECT FROM datamesh._unique_keys(rel) k
                                                         WHERE k.is_primary AND k.columns = u.columns)
               AND relkind <> 'm' THEN
                RETURN QUERY SELECT 'missing_primary_key', array_to_string(u.columns, ', '),
                    format('PRIMARY KEY (%s)', array_to_string(u.columns, ', ')),
                    (SELECT format('PRIMARY KEY (%s)', array_to_string(k.columns, ', '))
                       FROM datamesh._unique_keys(rel) k WHERE k.is_primary),
                    format('%s has no primary key on (%s)', rel, array_to_string(u.columns, ', '));
            ELSIF NOT EXISTS (SELECT FROM datamesh._unique_keys(rel) k WHERE k.columns <@ u.columns) THEN
                RETURN QUERY SELECT 'missing_unique', array_to_string(u.columns, ', '),
                    format('UNIQUE (%s)', array_to_string(u.columns, ', ')), NULL::text,
                    format('no unique constraint or index of %s enforces uniqueness of (%s)', rel,
                           array_to_string(u.columns, ', '));
            END IF;
        END LOOP;
    END IF;

    IF cardinality(c.partition_by) > 0 THEN
        SELECT ARRAY(SELECT a.attname::text FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(attnum, n)
                       JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum ORDER BY k.n)
          INTO part FROM pg_partitioned_table p WHERE p.partrelid = rel;
        IF part IS DISTINCT FROM c.partition_by THEN
            RETURN QUERY SELECT 'partitioning', NULL::text, array_to_string(c.partition_by, ', '),
                array_to_string(part, ', '),
                CASE WHEN part IS NULL THEN format('%s is not partitioned; the contract says partition by (%s)',
                                                   rel, array_to_string(c.partition_by, ', '))
                     ELSE format('%s is partitioned by (%s); the contract says (%s)', rel,
                                 array_to_string(part, ', '), array_to_string(c.partition_by, ', ')) END;
        END IF;
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh.verify_contract(pg_catalog.text, datamesh.semver) IS
    'compare a contract with its relation (columns, types, NOT NULL, unique/primary keys, CHECKs, partitioning); one row per mismatch';

-- Whether the validated CHECK constraints of a table prove a predicate never false
CREATE FUNCTION datamesh._implied_by_constraints(rel pg_catalog.regclass, predicate pg_catalog.text)
    RETURNS pg_catalog.bool
    LANGUAGE C STABLE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_implied_by_constraints';
COMMENT ON FUNCTION datamesh._implied_by_constraints(pg_catalog.regclass, pg_catalog.text) IS
    'internal: whether validate_data may skip a rule because CHECK constraints (of the table or its columns'' domains) already guarantee it';

-- The type beneath a column's domains and whether one of them is NOT NULL
CREATE FUNCTION datamesh._column_domain(rel pg_catalog.regclass, attnum pg_catalog.int2,
                                        OUT base_type pg_catalog.oid, OUT base_typmod pg_catalog.int4,
                                        OUT not_null pg_catalog.bool)
    LANGUAGE C STABLE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_column_domain';
COMMENT ON FUNCTION datamesh._column_domain(pg_catalog.regclass, pg_catalog.int2) IS
    'internal: the base type of a column (beneath its domains) and whether its domain is NOT NULL, as the contract guard reads them';


------------------------------------------------------------- validate_data

-- The rules of a contract and the queries that measure them (one scan of the
-- relation with a FILTERed aggregate per rule, one grouped pass per unique
-- key that no unique index guarantees, one LIMITed query per failing rule for
-- example keys).  Built privileged; run by the caller.
CREATE FUNCTION datamesh._validation_plan(product_id pg_catalog.text, version datamesh.semver,
                                          caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    c datamesh.contracts;
    rel regclass;
    relname text;
    aggs text[] := ARRAY['count(*)'];
    enum_vals text[];
    rules jsonb := '[]';
    f record;
    u record;
    q record;
    col text;
    key_cols text[];
    key_expr text;
    present text[] := '{}';
    problem text;
    n int := 0;
    null_agg int;
    null_aggs int[] := '{}';
    guaranteed text;
    trusted boolean;
    checks jsonb;
    chk jsonb;
BEGIN
    IF NOT pg_has_role(caller::oid, 'datamesh_reader', 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied to read the contracts of data product "%"', product_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of datamesh_reader may read contracts.';
    END IF;
    c := datamesh._pick_contract(product_id, version);
    SELECT k.oid, format('%I.%I', n.nspname, k.relname),
           k.relkind = 'p' OR (k.relkind = 'r' AND NOT k.relhassubclass)
      INTO rel, relname, trusted
      FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = c.relation::oid;
    IF rel IS NULL THEN
        RAISE EXCEPTION 'the relation of contract "%" % no longer exists', c.product_id, c.version
            USING ERRCODE = 'undefined_table';
    END IF;

    -- example keys: the contract's primary key, else its first unique key, else ctid
    SELECT s.columns INTO key_cols FROM datamesh._contract_unique_sets(c) s
     WHERE NOT EXISTS (SELECT FROM unnest(s.columns) x(name)
                        WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = rel
                                             AND a.attname = x.name AND a.attnum > 0 AND NOT a.attisdropped))
     ORDER BY s.kind <> 'primary_key' LIMIT 1;
    IF key_cols IS NULL THEN
        key_expr := 'pg_catalog.jsonb_build_object(''ctid'', ctid::text)';
    ELSE
        key_expr := format('pg_catalog.jsonb_build_object(%s)',
                           (SELECT string_agg(format('%L, %I', x, x), ', ') FROM unnest(key_cols) x));
    END IF;

    IF c.row_count_min IS NOT NULL OR c.row_count_max IS NOT NULL THEN
        n := n + 1;
        rules := rules || jsonb_build_object('ordinal', n, 'name', 'row_count', 'kind', 'row_count',
            'severity', 'error', 'agg', 1, 'min', c.row_count_min, 'max', c.row_count_max);
    END IF;

    FOR f IN SELECT cf.*, a.atttypid, a.attnotnull, d.not_null AS domain_not_null, t.typcategory
               FROM datamesh.contract_fields cf
               LEFT JOIN pg_attribute a ON a.attrelid = rel AND a.attname = cf.name AND a.attnum > 0
                                        AND NOT a.attisdropped
               LEFT JOIN pg_type t ON t.oid = a.atttypid
               LEFT JOIN LATERAL datamesh._column_domain(rel, a.attnum) d ON true
              WHERE cf.product_id = c.product_id AND cf.version OPERATOR(datamesh.=) c.version
              ORDER BY cf.ordinal LOOP
        IF f.atttypid IS NULL THEN
            n := n + 1;
            rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.present', 'kind', 'column_present',
                'column', f.name, 'severity', 'error');
            CONTINUE;
        END IF;
        present := present || f.name::text;
        col := quote_ident(f.name);
        -- NULLs: a NOT NULL column (or one of a NOT NULL domain) has none
        -- (unless inheritance children may)
        IF (f.attnotnull OR f.domain_not_null) AND trusted THEN
            null_agg := NULL;
        ELSIF NOT f.nullable OR f.required OR f.is_primary_key OR f.max_null_rate IS NOT NULL
              OR c.min_completeness IS NOT NULL THEN
            aggs := aggs || format('count(*) FILTER (WHERE %s IS NULL)', col);
            null_agg := cardinality(aggs);
            null_aggs := null_aggs || null_agg;
        END IF;
        IF NOT f.nullable OR f.required OR f.is_primary_key THEN
            n := n + 1;
            rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.not_null', 'kind', 'not_null',
                'column', f.name, 'severity', 'error', 'agg', null_agg, 'pred', format('%s IS NULL', col),
                'guaranteed_by', CASE WHEN null_agg IS NULL AND f.attnotnull THEN 'NOT NULL constraint'
                                  WHEN null_agg IS NULL THEN 'NOT NULL domain ' || format_type(f.atttypid, NULL) END);
        END IF;
        IF f.max_null_rate IS NOT NULL THEN
            n := n + 1;
            rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.max_null_rate', 'kind', 'max_null_rate',
                'column', f.name, 'severity', 'error', 'agg', null_agg, 'rate', f.max_null_rate,
                'pred', CASE WHEN null_agg IS NOT NULL THEN format('%s IS NULL', col) END);
        END IF;
        IF (f.min_value IS NOT NULL OR f.max_value IS NOT NULL) AND f.typcategory <> 'N' THEN
            n := n + 1;
            rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.range', 'kind', 'range',
                'column', f.name, 'severity', 'error', 'threshold', concat_ws(' .. ', f.min_value, f.max_value),
                'problem', format('column "%s" is %s, not numeric: min/max cannot be checked', f.name,
                                  format_type(f.atttypid, NULL)));
        END IF;
        SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') INTO checks
          FROM datamesh._field_checks(f.name, f.typcategory, f.min_value, f.max_value, f.enum_values, f.pattern) x;
        FOR chk IN SELECT x FROM jsonb_array_elements(checks) x LOOP
            n := n + 1;
            IF datamesh._implied_by_constraints(rel, chk ->> 'pass') THEN
                rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.' || (chk ->> 'kind'),
                    'kind', chk ->> 'kind', 'column', f.name, 'severity', 'error', 'threshold', chk ->> 'threshold',
                    'guaranteed_by', 'CHECK constraint');
            ELSE
                -- an enum list of fewer than 9 values is padded to 9 by repeating its
                -- first value: the planner then evaluates IN with a hash table
                -- (PostgreSQL hashes constant lists of 9 or more; same result)
                enum_vals := ARRAY(SELECT x FROM unnest(f.enum_values) WITH ORDINALITY e(x, o)
                                    WHERE x IS NOT NULL ORDER BY o);
                IF chk ->> 'kind' = 'enum' AND cardinality(enum_vals) BETWEEN 1 AND 8 THEN
                    enum_vals := enum_vals || array_fill(enum_vals[1], ARRAY[9 - cardinality(enum_vals)]);
                    aggs := aggs || format('count(*) FILTER (WHERE NOT (%I%s IN (%s)))', f.name,
                        CASE WHEN f.typcategory = 'S' THEN '' ELSE '::pg_catalog.text' END,
                        (SELECT string_agg(quote_literal(x), ', ' ORDER BY o) FROM unnest(enum_vals) WITH ORDINALITY e(x, o)));
                ELSE
                    aggs := aggs || format('count(*) FILTER (WHERE NOT (%s))', chk ->> 'pass');
                END IF;
                rules := rules || jsonb_build_object('ordinal', n, 'name', f.name || '.' || (chk ->> 'kind'),
                    'kind', chk ->> 'kind', 'column', f.name, 'severity', 'error', 'agg', cardinality(aggs),
                    'threshold', chk ->> 'threshold', 'pred', format('NOT (%s)', chk ->> 'pass'));
            END IF;
        END LOOP;
    END LOOP;

    IF c.min_completeness IS NOT NULL AND cardinality(present) > 0 THEN
        n := n + 1;
        rules := rules || jsonb_build_object('ordinal', n, 'name', 'completeness', 'kind', 'completeness',
            'severity', 'error', 'null_aggs', to_jsonb(null_aggs), 'fields', cardinality(present),
            'rate', c.min_completeness);
    END IF;

    FOR u IN SELECT * FROM datamesh._contract_unique_sets(c) LOOP
        n := n + 1;
        IF NOT (u.columns <@ present) THEN
            rules := rules || jsonb_build_object('ordinal', n, 'name', 'unique(' || array_to_string(u.columns, ',') || ')',
                'kind', u.kind, 'column', array_to_string(u.columns, ', '), 'severity', 'error',
                'problem', 'a column of this key is missing from the relation');
            CONTINUE;
        END IF;
        SELECT k.index_name INTO guaranteed FROM datamesh._unique_keys(rel) k WHERE k.columns <@ u.columns LIMIT 1;
        rules := rules || jsonb_build_object('ordinal', n, 'name', 'unique(' || array_to_string(u.columns, ',') || ')',
            'kind', u.kind, 'column', array_to_string(u.columns, ', '), 'severity', 'error',
            'guaranteed_by', 'unique index ' || guaranteed,
            'group_sql', CASE WHEN guaranteed IS NULL THEN format(
                'SELECT pg_catalog.count(*), pg_catalog.sum(n), pg_catalog.jsonb_agg(k) FILTER (WHERE r OPERATOR(pg_catalog.<=) 5) FROM (SELECT pg_catalog.count(*) AS n, pg_catalog.jsonb_build_object(%s) AS k, pg_catalog.row_number() OVER () AS r FROM %s WHERE %s GROUP BY %s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1) d',
                (SELECT string_agg(format('%L, %I', x, x), ', ') FROM unnest(u.columns) x), relname,
                (SELECT string_agg(format('%I IS NOT NULL', x), ' AND ') FROM unnest(u.columns) x),
                (SELECT string_agg(quote_ident(x), ', ') FROM unnest(u.columns) x)) END);
    END LOOP;

    FOR q IN SELECT r.value, r.n FROM jsonb_array_elements(CASE jsonb_typeof(c.quality_rules)
                                     WHEN 'array' THEN c.quality_rules ELSE '[]' END) WITH ORDINALITY r(value, n) LOOP
        problem := datamesh._check_sql_predicate(q.value ->> 'rule');
        IF q.value ->> 'rule' IS NULL OR problem IS NOT NULL THEN
            RAISE EXCEPTION 'quality rule % of contract "%" % is not a valid SQL boolean expression',
                coalesce(q.value ->> 'name', q.n::text), c.product_id, c.version
                USING ERRCODE = 'invalid_parameter_value', DETAIL = coalesce(problem, 'The rule is missing.');
        END IF;
        n := n + 1;
        IF datamesh._implied_by_constraints(rel, q.value ->> 'rule') THEN
            rules := rules || jsonb_build_object('ordinal', n, 'name', coalesce(q.value ->> 'name', 'quality_rule_' || q.n),
                'kind', 'quality_rule', 'severity', coalesce(q.value ->> 'severity', 'error'),
                'threshold', q.value ->> 'rule', 'guaranteed_by', 'CHECK constraint');
            CONTINUE;
        END IF;
        -- the rule stands on lines of its own: a trailing "--" comment ends there
        aggs := aggs || format(E'count(*) FILTER (WHERE (\n%s\n) IS FALSE)', q.value ->> 'rule');
        rules := rules || jsonb_build_object('ordinal', n, 'name', coalesce(q.value ->> 'name', 'quality_rule_' || q.n),
            'kind', 'quality_rule', 'severity', coalesce(q.value ->> 'severity', 'error'), 'agg', cardinality(aggs),
            'threshold', q.value ->> 'rule', 'pred', format(E'(\n%s\n) IS FALSE', q.value ->> 'rule'));
    END LOOP;

    RETURN jsonb_build_object(
        'product_id', c.product_id, 'version', c.version::text, 'relation', relname, 'key_expr', key_expr,
        'scan_sql', format(E'SELECT %s\nFROM %s', array_to_string(aggs, E',\n       '), relname),
        'rules', rules);
END
$fn$;
COMMENT ON FUNCTION datamesh._validation_plan(pg_catalog.text, datamesh.semver, pg_catalog.regrole) IS
    'internal: the rules of a contract and the generated queries validate_data runs as its caller';

-- Judge the measurements of a run, record it and return its results
CREATE FUNCTION datamesh._record_validation(plan pg_catalog.jsonb, measures pg_catalog.jsonb,
                                            started_at pg_catalog.timestamptz, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    scan jsonb := measures -> 'scan';
    nrows bigint := (measures #>> '{scan,0}')::bigint;
    r jsonb;
    m jsonb;
    results jsonb := '[]';
    passed boolean;
    measured numeric;
    threshold text;
    failing bigint;
    msg text;
    id bigint;
    nfailed int := 0;
    overall boolean := true;
BEGIN
    FOR r IN SELECT x FROM jsonb_array_elements(plan -> 'rules') x ORDER BY (x ->> 'ordinal')::int LOOP
        m := coalesce(measures -> 'rules' -> (r ->> 'ordinal'), '{}');
        failing := CASE WHEN r ->> 'agg' IS NOT NULL THEN (scan ->> ((r ->> 'agg')::int - 1))::bigint
                        ELSE coalesce((m ->> 'failing')::bigint, 0) END;
        threshold := r ->> 'threshold';
        measured := failing;
        CASE
        WHEN r ? 'problem' OR r ->> 'kind' = 'column_present' THEN
            passed := false; measured := NULL; failing := NULL;
            msg := coalesce(r ->> 'problem', format('column "%s" is missing from %s', r ->> 'column', plan ->> 'relation'));
        WHEN r ->> 'kind' = 'row_count' THEN
            measured := nrows; failing := NULL;
            threshold := CASE WHEN r ->> 'max' IS NULL THEN '>= ' || (r ->> 'min')
                              WHEN r ->> 'min' IS NULL THEN '<= ' || (r ->> 'max')
                              ELSE concat(r ->> 'min', ' .. ', r ->> 'max') END;
            passed := nrows >= coalesce((r ->> 'min')::bigint, 0) AND nrows <= coalesce((r ->> 'max')::bigint, nrows);
            msg := format('%s rows, expected %s', nrows, threshold);
        WHEN r ->> 'guaranteed_by' IS NOT NULL THEN
            passed := true; measured := 0; failing := 0;
            threshold := coalesce(threshold, '0');
            msg := format('guaranteed by %s', r ->> 'guaranteed_by');
        WHEN r ->> 'kind' = 'max_null_rate' THEN
            measured := CASE WHEN nrows = 0 THEN 0 ELSE round(failing::numeric / nrows, 6) END;
            threshold := r ->> 'rate';
            passed := measured <= (r ->> 'rate')::numeric;
            msg := format('null rate of "%s" is %s, at most %s allowed', r ->> 'column', measured, threshold);
        WHEN r ->> 'kind' = 'completeness' THEN
            failing := (SELECT coalesce(sum((scan ->> (i::int - 1))::bigint), 0)
                          FROM jsonb_array_elements_text(r -> 'null_aggs') i);
            measured := CASE WHEN nrows = 0 THEN 1
                             ELSE round(1 - failing::numeric / (nrows * (r ->> 'fields')::int), 6) END;
            threshold := r ->> 'rate';
            passed := measured >= (r ->> 'rate')::numeric;
            msg := format('completeness is %s, at least %s required (%s missing values in %s fields)',
                          measured, threshold, failing, r ->> 'fields');
        WHEN r ->> 'kind' IN ('unique', 'primary_key') THEN
            threshold := '0';
            measured := coalesce((m ->> 'groups')::bigint, 0);
            passed := measured = 0;
            msg := format('%s duplicated keys in %s rows', measured, failing);
        ELSE
            threshold := coalesce(threshold, '0');
            passed := failing = 0;
            msg := format('%s of %s rows fail%s', failing, nrows,
                          CASE WHEN r ->> 'kind' = 'quality_rule' THEN format(' "%s"', r ->> 'threshold')
                               WHEN r ->> 'kind' = 'not_null' THEN format(': "%s" is null', r ->> 'column')
                               WHEN r ->> 'kind' = 'min' THEN format(': "%s" below %s', r ->> 'column', threshold)
                               WHEN r ->> 'kind' = 'max' THEN format(': "%s" above %s', r ->> 'column', threshold)
                               WHEN r ->> 'kind' = 'enum' THEN format(': "%s" not in %s', r ->> 'column', threshold)
                               WHEN r ->> 'kind' = 'pattern' THEN format(': "%s" does not match', r ->> 'column')
                               ELSE '' END);
        END CASE;
        IF NOT passed THEN
            nfailed := nfailed + 1;
            IF r ->> 'severity' = 'error' THEN
                overall := false;
            END IF;
        END IF;
        results := results || jsonb_build_object(
            'ordinal', (r ->> 'ordinal')::int, 'rule_name', r ->> 'name', 'rule_kind', r ->> 'kind',
            'column_name', r ->> 'column', 'severity', r ->> 'severity', 'passed', passed,
            'measured', measured, 'threshold', threshold, 'failing_rows', failing,
            'example_keys', CASE WHEN passed THEN NULL ELSE m -> 'examples' END, 'message', msg);
    END LOOP;

    INSERT INTO datamesh.contract_validation_runs
        (product_id, version, relation, row_count, rules, failed, passed, run_by, started_at, finished_at)
    VALUES (plan ->> 'product_id', (plan ->> 'version')::datamesh.semver, plan ->> 'relation', nrows,
            jsonb_array_length(results), nfailed, overall, caller, started_at, clock_timestamp())
    RETURNING run_id INTO id;
    INSERT INTO datamesh.contract_validation_results
        (run_id, ordinal, rule_name, rule_kind, column_name, severity, passed, measured, threshold,
         failing_rows, example_keys, message)
    SELECT id, x.ordinal, x.rule_name, x.rule_kind, x.column_name, x.severity, x.passed, x.measured,
           x.threshold, x.failing_rows, x.example_keys, x.message
      FROM jsonb_to_recordset(results) AS x(ordinal int, rule_name text, rule_kind text, column_name text,
           severity text, passed boolean, measured numeric, threshold text, failing_rows bigint,
           example_keys jsonb, message text);
    RETURN jsonb_build_object('run_id', id, 'passed', overall, 'results', results);
END
$fn$;
COMMENT ON FUNCTION datamesh._record_validation(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.timestamptz, pg_catalog.regrole) IS
    'internal: judge and record the measurements of a validate_data run';

CREATE FUNCTION datamesh.validate_data_json(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_validate_data';
COMMENT ON FUNCTION datamesh.validate_data_json(pg_catalog.text, datamesh.semver) IS
    'run every data rule of a contract on its relation as the caller; the recorded run as jsonb (run_id, passed, results)';

CREATE FUNCTION datamesh.validate_data(product_id pg_catalog.text, version datamesh.semver DEFAULT NULL)
    RETURNS TABLE (rule_name pg_catalog.text, rule_kind pg_catalog.text, column_name pg_catalog.text,
                   severity pg_catalog.text, passed pg_catalog.bool, measured pg_catalog.numeric,
                   threshold pg_catalog.text, failing_rows pg_catalog.int8, example_keys pg_catalog.jsonb,
                   message pg_catalog.text)
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT x.rule_name, x.rule_kind, x.column_name, x.severity, x.passed, x.measured, x.threshold,
           x.failing_rows, x.example_keys, x.message
      FROM jsonb_to_recordset(datamesh.validate_data_json(product_id, version) -> 'results')
           AS x(ordinal int, rule_name text, rule_kind text, column_name text, severity text,
                passed boolean, measured numeric, threshold text, failing_rows bigint,
                example_keys jsonb, message text)
     ORDER BY x.ordinal
$fn$;
COMMENT ON FUNCTION datamesh.validate_data(pg_catalog.text, datamesh.semver) IS
    'run every data rule of a contract on its relation as the caller, in one scan; one row per rule, recorded for monitoring';

REVOKE ALL ON FUNCTION datamesh.verify_contract(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.validate_data(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.validate_data_json(pg_catalog.text, datamesh.semver) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.verify_contract(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.validate_data(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.validate_data_json(pg_catalog.text, datamesh.semver) TO datamesh_reader;

-- verify_contract runs as its caller and needs these helpers
GRANT EXECUTE ON FUNCTION datamesh._pick_contract(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._parse_type(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._unique_keys(pg_catalog.regclass) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._contract_unique_sets(datamesh.contracts) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._field_checks(pg_catalog.text, "char", pg_catalog.numeric, pg_catalog.numeric, pg_catalog.text[], pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._implied_by_constraints(pg_catalog.regclass, pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._column_domain(pg_catalog.regclass, pg_catalog.int2) TO datamesh_reader;
