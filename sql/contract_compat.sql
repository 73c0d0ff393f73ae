--
-- Contract compatibility checker: native and JSON Schema contracts,
-- modes, history, bumps, schema_fields and bad input
--
-- The extension is created by an earlier test.
SET search_path = datamesh, public;

-- a compact view of the changes
CREATE FUNCTION pg_temp.changes(o jsonb, n jsonb, m text DEFAULT 'FULL')
RETURNS TABLE (kind text, path text, o2n boolean, n2o boolean, severity text, bump text, message text)
LANGUAGE sql AS $$
  SELECT change_kind, path, old_reads_new, new_reads_old, severity, required_bump, message
    FROM datamesh.check_compatibility(o, n, m)
$$;

--
-- Seed 001's rules under the default mode (FULL)
--
\set base '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}'
-- identical: no changes, compatible, no bump
SELECT * FROM pg_temp.changes(:'base', :'base');
SELECT is_compatible(:'base', :'base'), required_bump(:'base', :'base');
-- adding an optional field is fine (minor)
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}, {"name": "segment", "type": "string"}]}');
-- adding a required field without a default breaks new readers of old data
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}, {"name": "segment", "type": "string", "required": true}]}');
-- ... unless it has a default
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}, {"name": "segment", "type": "string", "required": true, "default": "none"}]}');
-- removing a field is breaking (old readers query it)
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}');
-- ... even under plain BACKWARD it is allowed, FORWARD refuses it
-- (with a mode argument, literals need a cast: the jsonb[] history variant also matches)
SELECT m, is_compatible(:'base'::jsonb, '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}', m)
  FROM unnest(ARRAY['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'full', 'Backward']) m;
-- changing a type is breaking
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "integer", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}');
-- making an optional field required is breaking
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": "string", "required": true}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}');
-- making a required field optional breaks only old readers (FORWARD)
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "nullable": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}', 'BACKWARD');
-- documentation only: patch, info
SELECT * FROM pg_temp.changes(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true, "doc": "the id"}, {"name": "email", "type": ["null", "string"], "required": false, "pii": true, "privacy_classification": "sensitive"}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}');
SELECT required_bump(:'base', '{"fields": [{"name": "customer_id", "type": "string", "required": true, "doc": "the id"}, {"name": "email", "type": ["null", "string"], "required": false}, {"name": "country", "type": "string", "required": true}, {"name": "lifetime_value", "type": "double", "required": true, "min": 0}]}');

--
-- SQL type rules
--
CREATE FUNCTION pg_temp.t(a text, b text)
RETURNS TABLE (old_type text, new_type text, kind text, o2n boolean, n2o boolean)
LANGUAGE sql AS $$
  SELECT a, b, change_kind, old_reads_new, new_reads_old
    FROM datamesh.check_compatibility(jsonb_build_object('fields', jsonb_build_array(jsonb_build_object('name', 'f', 'type', a))),
                                      jsonb_build_object('fields', jsonb_build_array(jsonb_build_object('name', 'f', 'type', b))))
   WHERE change_kind LIKE 'type%'
   UNION ALL
  SELECT a, b, 'same', true, true
   WHERE NOT EXISTS (SELECT FROM datamesh.check_compatibility(jsonb_build_object('fields', jsonb_build_array(jsonb_build_object('name', 'f', 'type', a))),
                                      jsonb_build_object('fields', jsonb_build_array(jsonb_build_object('name', 'f', 'type', b))))
                      WHERE change_kind LIKE 'type%')
$$;
SELECT r.* FROM (VALUES ('smallint', 'integer'), ('integer', 'bigint'), ('int', 'long'), ('bigint', 'numeric'),
                        ('integer', 'numeric(10,0)'), ('integer', 'numeric(9,0)'), ('bigint', 'numeric(19,0)'),
                        ('numeric(10,2)', 'numeric(12,2)'), ('numeric(10,2)', 'numeric(10,3)'), ('numeric(10,2)', 'numeric(11,3)'),
                        ('numeric(12,2)', 'numeric'), ('real', 'double precision'), ('integer', 'double'),
                        ('bigint', 'double'), ('float', 'double precision'), ('double', 'numeric'),
                        ('varchar(10)', 'varchar(20)'), ('varchar(20)', 'varchar(10)'), ('varchar(10)', 'text'),
                        ('char(2)', 'varchar(2)'), ('uuid', 'text'), ('uuid', 'varchar(36)'), ('uuid', 'varchar(20)'),
                        ('date', 'timestamp'), ('date', 'timestamptz'), ('timestamp', 'timestamptz'),
                        ('string', 'bytes'), ('integer', 'string'), ('boolean', 'integer'),
                        ('TEXT', 'string'), ('int4', 'INTEGER'), ('json', 'jsonb'), ('object', 'jsonb'),
                        ('array<integer>', 'array<bigint>'), ('integer[]', 'array<int>'), ('bigint[]', 'integer[]'),
                        ('text[]', 'text')) v(a, b),
              LATERAL pg_temp.t(v.a, v.b) r;

--
-- Constraints, enums, defaults
--
\set c '{"fields": [{"name": "amount", "type": "numeric(12,2)", "min": 0, "max": 1000}, {"name": "status", "type": "string", "enum": ["new", "paid"]}, {"name": "code", "type": "string", "pattern": "^[A-Z]{2}$"}, {"name": "id", "type": "bigint", "unique": true, "required": true}]}'
-- tightened: min raised, max lowered, enum value removed, pattern changed, unique dropped
SELECT * FROM pg_temp.changes(:'c', '{"fields": [{"name": "amount", "type": "numeric(12,2)", "min": 1, "max": 500}, {"name": "status", "type": "string", "enum": ["new"]}, {"name": "code", "type": "string", "pattern": "^[A-Z]{3}$"}, {"name": "id", "type": "bigint", "required": true}]}');
-- relaxed: min lowered, max removed, enum value added, pattern removed
SELECT * FROM pg_temp.changes(:'c', '{"fields": [{"name": "amount", "type": "numeric(12,2)", "min": -10}, {"name": "status", "type": "string", "enum": ["new", "paid", "void"]}, {"name": "code", "type": "string"}, {"name": "id", "type": "bigint", "unique": true, "required": true}]}', 'BACKWARD');
-- constraints may be given in seed 001's constraints object, same result
SELECT is_compatible(:'c', '{"fields": [{"name": "amount", "type": "numeric(12,2)", "constraints": {"min": 0, "max": 1000}}, {"name": "status", "type": "string", "constraints": {"enum": ["new", "paid"]}}, {"name": "code", "type": "string", "constraints": {"pattern": "^[A-Z]{2}$"}}, {"name": "id", "type": "bigint", "nullable": false, "constraints": {"unique": true}}]}');
-- enum list added / removed
SELECT * FROM pg_temp.changes('[{"name": "s", "type": "text"}]', '[{"name": "s", "type": "text", "enum": ["a"]}]');
SELECT * FROM pg_temp.changes('[{"name": "s", "type": "text", "enum": ["a"]}]', '[{"name": "s", "type": "text"}]');
-- defaults
SELECT * FROM pg_temp.changes('[{"name": "n", "type": "int"}]', '[{"name": "n", "type": "int", "default": 0}]');
SELECT * FROM pg_temp.changes('[{"name": "n", "type": "int", "default": 1}]', '[{"name": "n", "type": "int", "default": 2}]');
SELECT * FROM pg_temp.changes('[{"name": "n", "type": "int", "default": 1}]', '[{"name": "n", "type": "int"}]');

--
-- Nested records, arrays of records (native fields with Avro-style types)
--
\set nest '[{"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string", "required": true}, {"name": "zip", "type": "varchar(5)"}]}}, {"name": "tags", "type": "array<text>"}]'
SELECT * FROM pg_temp.changes(:'nest', '[{"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string", "required": true}, {"name": "zip", "type": "varchar(10)"}, {"name": "street", "type": "string"}]}}, {"name": "tags", "type": "array<varchar(3)>"}]');

--
-- Schema forms: the whole schema section, a bare list, a named record
--
SELECT is_compatible('{"format": "native", "compatibility": "full", "definition": {"type": "record", "name": "X", "fields": [{"name": "a", "type": "int", "required": true}]}}',
                     '[{"name": "a", "type": "integer", "nullable": false}]');

--
-- JSON Schema contracts follow the native rules
--
\set js '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": ["string", "null"], "format": "email"}, "score": {"type": "number", "minimum": 0, "maximum": 100}, "kind": {"enum": ["a", "b"], "type": "string"}, "at": {"type": "string", "format": "date-time"}}, "required": ["id", "at"]}'
SELECT ordinal, name, type, sql_type, nullable, required, min_value, max_value, enum_values FROM schema_fields(:'js');
SELECT * FROM pg_temp.changes(:'js', '{"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "score": {"type": "number", "minimum": 10}, "kind": {"enum": ["a", "b", "c"], "type": "string"}, "at": {"type": "string", "format": "date-time"}, "note": {"type": "string"}}, "required": ["id", "at", "email"]}');
-- JSON Schema against native: compared on the same model
SELECT is_compatible('[{"name": "id", "type": "bigint", "required": true}]', '{"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}');

--
-- History variants (previous schemas newest first)
--
\set v1 '[{"name": "a", "type": "int", "required": true}]'
\set v2 '[{"name": "a", "type": "int", "required": true}, {"name": "b", "type": "string"}]'
\set v3 '[{"name": "a", "type": "int", "required": true}, {"name": "b", "type": "string"}, {"name": "c", "type": "string"}]'
-- v3 drops b: against v2 (newest) and v1
\set v4 '[{"name": "a", "type": "int", "required": true}, {"name": "c", "type": "string"}]'
SELECT against, change_kind, path, severity FROM check_compatibility(ARRAY[:'v3', :'v2', :'v1']::jsonb[], :'v4', 'FULL_TRANSITIVE');
SELECT against, change_kind, path, severity FROM check_compatibility(ARRAY[:'v3', :'v2', :'v1']::jsonb[], :'v4', 'BACKWARD');
SELECT m, is_compatible(ARRAY[:'v3', :'v2', :'v1']::jsonb[], :'v4'::jsonb, m)
  FROM unnest(ARRAY['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'NONE']) m;
-- an older version differs where the newest does not
\set w1 '[{"name": "a", "type": "int", "required": true}, {"name": "z", "type": "string", "required": true}]'
SELECT m, is_compatible(ARRAY[:'v1', :'w1']::jsonb[], :'v2'::jsonb, m)
  FROM unnest(ARRAY['FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE']) m;
SELECT is_compatible('{}'::jsonb[], :'v1'::jsonb, 'FULL_TRANSITIVE');

--
-- schema_fields: canonical fields of every form
--
SELECT * FROM schema_fields('{"type": "record", "name": "Customer360", "fields": [
  {"name": "customer_id", "type": "string", "doc": "Unique customer identifier", "required": true, "pii": false},
  {"name": "email", "type": ["null", "string"], "doc": "Customer email address", "required": false, "pii": true, "privacy_classification": "sensitive"},
  {"name": "lifetime_value", "type": "double", "required": true, "min": 0},
  {"name": "segment", "type": "string", "required": true, "enum": ["high_value", "medium_value", "low_value"]},
  {"name": "amount", "type": "decimal(12,2)", "default": 0, "max": 1e6},
  {"name": "created", "type": "timestamptz"}, {"name": "day", "type": "date"}, {"name": "uid", "type": "uuid", "unique": true},
  {"name": "blob", "type": "bytes"}, {"name": "meta", "type": "object"}, {"name": "tags", "type": "array<string>"},
  {"name": "nums", "type": "integer[]"}, {"name": "code", "type": "varchar(3)", "pattern": "^[A-Z]+$"},
  {"name": "small", "type": "smallint"}, {"name": "r", "type": "real"}, {"name": "f", "type": "float"},
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}');
-- Avro record schema
SELECT ordinal, name, type, sql_type, nullable, required, default_value, enum_values FROM schema_fields('{"type": "record", "name": "R", "namespace": "x.y", "fields": [
  {"name": "a", "type": "int"}, {"name": "b", "type": ["null", "long"], "default": null},
  {"name": "c", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]}},
  {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
  {"name": "e", "type": {"type": "int", "logicalType": "date"}}, {"name": "f", "type": "float"},
  {"name": "g", "type": {"type": "array", "items": "string"}}, {"name": "h", "type": {"type": "map", "values": "int"}},
  {"name": "i", "type": {"type": "fixed", "name": "F", "size": 16}}, {"name": "j", "type": "E"},
  {"name": "k", "type": {"type": "string", "logicalType": "uuid"}}]}');

--
-- Bad input: every error names the argument and the JSON path
--
\i test/sql/err.sql
SELECT pg_temp.err($q$SELECT datamesh.is_compatible('[]'::jsonb, '[]', 'SIDEWAYS')$q$);
SELECT pg_temp.err($q$SELECT datamesh.is_compatible('[]'::jsonb, '[]', '')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('"just a string"')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"foo": 1}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": {"name": "a"}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"type": "int"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "integr"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "array<integr>"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "varchar(0)"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "numeric(5,7)"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": 42}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "text"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "min": 10, "max": 1}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "constraints": {"min": 10, "max": 1}}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "min": "zero"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "min": 1}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "pattern": "([a-z"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "pattern": "a{3,1}"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "enum": []}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "enum": ["x", "x"]}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "enum": [["x"]]}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "required": true, "nullable": true}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": ["null", "text"], "required": true}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "required": "yes"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "colour": "red"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "default": "zero"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "text", "enum": ["x"], "default": "y"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "max": 5, "default": 6}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "required": true, "default": null}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "min": 1, "constraints": {"minimum": 2}}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "a", "type": "int", "max_null_rate": 2}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"fields": [{"name": "", "type": "int"}]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "table", "fields": []}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"format": "xml", "definition": {"fields": []}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('[{"name": "a", "type": ["int", "int"]}]')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "object", "properties": {"a": {"type": "integer", "minimum": 5, "maximum": 1}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "object", "properties": {"a": {"type": "string", "pattern": "(("}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "object", "properties": {"a": {"type": "strng"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "object", "properties": {"a": {"$ref": "#/defs/x"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}')$q$);
SELECT pg_temp.err($q$SELECT * FROM schema_fields('{"type": "array", "properties": {}}')$q$);
-- the old and new arguments are named apart
SELECT pg_temp.err($q$SELECT datamesh.is_compatible('[]', '[{"name": "a", "type": "int", "min": 3, "max": 2}]')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.check_compatibility('[{"name": "a", "type": "nope"}]', '[]')$q$);
SELECT pg_temp.err($q$SELECT datamesh.is_compatible(ARRAY['[]', '[{"name": "a"}]']::jsonb[], '[]'::jsonb, 'FULL_TRANSITIVE')$q$);
SELECT pg_temp.err($q$SELECT datamesh.is_compatible(ARRAY[NULL]::jsonb[], '[]'::jsonb, 'FULL')$q$);
SELECT pg_temp.err($q$SELECT datamesh.is_compatible(ARRAY[['[]'::jsonb]], '[]'::jsonb, 'FULL')$q$);

--
-- Format detection: schema_format, and the rules that follow from it
--
SELECT schema_format(s) AS format, s
  FROM (VALUES ('[{"name": "a", "type": "int"}]'::jsonb),
               ('{"fields": [{"name": "a", "type": "int"}]}'),
               ('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}'),
               ('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "required": true}]}'),
               ('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "integer"}]}'),
               ('{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["null", "integer"]}]}'),
               ('{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "record", "name": "S", "fields": [{"name": "x", "type": "int", "required": true}]}}]}'),
               ('{"type": "object", "properties": {"a": {"type": "integer"}}}'),
               ('{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {}}'),
               ('{"format": "avro", "compatibility": "backward", "definition": {"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]}}')) t(s);
-- "float" is 32-bit in Avro and double precision natively (like SQL's float)
SELECT (SELECT sql_type FROM schema_fields('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "float"}]}')) AS avro_float,
       (SELECT sql_type FROM schema_fields('[{"name": "a", "type": "float"}]')) AS native_float;
-- a record with an invalid Avro field name is native when another field is native
SELECT name, sql_type, nullable FROM schema_fields('{"type": "record", "name": "R", "fields": [{"name": "a-b", "type": "int"}, {"name": "c", "type": "text", "required": true}]}');
-- ... and an Avro error when every field is pure Avro
SELECT pg_temp.err($q$SELECT datamesh.schema_format('{"type": "record", "name": "R", "fields": [{"name": "a-b", "type": "int"}, {"name": "c", "type": "string"}]}')$q$);
-- Avro against native: the native (SQL) rules apply
SELECT change_kind, path, old_reads_new, new_reads_old
  FROM check_compatibility('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": ["null", "string"], "default": null}]}',
                           '[{"name": "a", "type": "bigint", "required": true}]');

--
-- Seed 002's DataContract schema section, read from its YAML
--
\set seed_yaml 'schema:\n  format: avro\n  registry: schema-registry.datamesh.company.com\n  compatibility: backward  # Allows adding optional fields, removing fields\n\n  definition:\n    type: record\n    name: Customer360\n    fields:\n      - name: customer_id\n        type: string\n        doc: "Unique customer identifier"\n        required: true\n        pii: false\n\n      - name: email\n        type: ["null", "string"]\n        doc: "Customer email address"\n        required: false\n        pii: true\n        privacy_classification: sensitive\n\n      - name: country\n        type: string\n        doc: "Customer country (ISO 3166-1 alpha-2)"\n        required: true\n        pii: false\n\n      - name: lifetime_value\n        type: double\n        doc: "Total revenue from customer (USD)"\n        required: true\n        pii: false\n        min: 0\n\n      - name: segment\n        type: string\n        doc: "Customer segment"\n        required: true\n        pii: false\n        enum: ["high_value", "medium_value", "low_value"]\n'
CREATE TEMP TABLE seed002 AS SELECT datamesh.yaml_to_jsonb(E:'seed_yaml') -> 'schema' AS s;
SELECT schema_format(s) FROM seed002;
SELECT f.* FROM seed002, schema_fields(s) f;
-- its declared mode (backward) lets a field go; the default (FULL) does not
SELECT m, is_compatible(s, s #- '{definition,fields,2}', m) FROM seed002, unnest(ARRAY[s ->> 'compatibility', 'FULL']) m;
-- a new optional field passes both
SELECT m, is_compatible(s, jsonb_insert(s, '{definition,fields,5}', '{"name": "nickname", "type": ["null", "string"], "required": false}'), m)
  FROM seed002, unnest(ARRAY[s ->> 'compatibility', 'FULL']) m;

--
-- More native shapes: unions of several types, maps, Avro enums, arrays of
-- records in JSON Schema, renames with aliases, required without nullability
--
SELECT * FROM pg_temp.changes('[{"name": "v", "type": ["int", "string"]}]', '[{"name": "v", "type": ["long", "string"]}]');
SELECT * FROM pg_temp.changes('[{"name": "v", "type": ["int", "string"]}]', '[{"name": "v", "type": ["int", "string", "boolean"]}]');
SELECT * FROM pg_temp.changes('[{"name": "m", "type": {"type": "map", "values": "int"}}]', '[{"name": "m", "type": {"type": "map", "values": "bigint"}}]');
SELECT * FROM pg_temp.changes('[{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}]',
                              '[{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}}]');
SELECT * FROM pg_temp.changes('[{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}]', '[{"name": "e", "type": "text"}]');
SELECT * FROM pg_temp.changes('{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}, "required": ["sku"]}}}}',
                              '{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string", "maxLength": 20}, "qty": {"type": "integer", "minimum": 0}}, "required": ["sku", "qty"]}}}}');
-- a native rename: the new field reads the old through its alias, old queries lose the column
SELECT * FROM pg_temp.changes('[{"name": "cust", "type": "text"}]', '[{"name": "customer", "type": "text", "aliases": ["cust"]}]');
-- required without a change of nullability
SELECT * FROM pg_temp.changes('[{"name": "a", "type": "int", "required": false, "nullable": false}]', '[{"name": "a", "type": "int", "required": true}]');
-- nested record renamed (native: documentation), record doc
SELECT * FROM pg_temp.changes('[{"name": "r", "type": {"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]}}]',
                              '[{"name": "r", "type": {"type": "record", "name": "B", "fields": [{"name": "x", "type": "int"}]}}]');
-- field order does not matter
SELECT * FROM pg_temp.changes('[{"name": "a", "type": "int"}, {"name": "b", "type": "text"}]', '[{"name": "b", "type": "text"}, {"name": "a", "type": "int"}]');
-- quoted paths for names that are not identifiers
SELECT * FROM pg_temp.changes('[{"name": "order id", "type": "int"}]', '[{"name": "order id", "type": "text"}]');

--
-- JSON Schema local references (#/definitions/NAME, #/$defs/NAME)
--
\set jr '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "$defs": {"money": {"type": "number", "minimum": 0}, "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string", "maxLength": 5}}, "required": ["city"]}}, "properties": {"price": {"$ref": "#/$defs/money", "description": "unit price"}, "billing": {"$ref": "#/$defs/address"}, "shipping": {"$ref": "#/$defs/address"}}, "required": ["price"]}'
SELECT ordinal, name, type, sql_type, nullable, required, doc, min_value FROM schema_fields(:'jr');
-- changing the definition changes every field that uses it
SELECT * FROM pg_temp.changes(:'jr', replace(:'jr', '"maxLength": 5', '"maxLength": 10')::jsonb);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "properties": {"a": {"$ref": "other.json#/x"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "properties": {"a": {"$ref": "#/definitions/missing"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}}}}, "properties": {"a": {"$ref": "#/definitions/n"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "definitions": {"a": {"b": {}}}, "properties": {"a": {"$ref": "#/definitions/a/b"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "definitions": {"a": 1}, "properties": {"a": {"$ref": "#/definitions/a"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "$defs": {"a": {"type": "integer", "minimum": 9, "maximum": 1}}, "properties": {"a": {"$ref": "#/$defs/a"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"$ref": "#/$defs/a", "$defs": {"a": {"type": "object"}}}')$q$);
SELECT pg_temp.err($q$SELECT * FROM datamesh.schema_fields('{"type": "object", "$ref": "#/$defs/a", "$defs": {"a": {"type": "object"}}}')$q$);
-- a union branch read by another branch: the rows agree with the verdict
SELECT * FROM pg_temp.changes('[{"name": "v", "type": ["varchar(10)", "int"]}]', '[{"name": "v", "type": ["varchar(5)", "text", "int"]}]', 'BACKWARD');
SELECT is_compatible('[{"name": "v", "type": ["varchar(10)", "int"]}]'::jsonb, '[{"name": "v", "type": ["varchar(5)", "text", "int"]}]', 'BACKWARD');

--
-- Random native schema pairs (fixed seed): the verdict of is_compatible and
-- the flags of the rows always agree, both ways
--
SELECT setseed(0.42);
CREATE TEMP TABLE fuzz AS
SELECT g AS id,
  (SELECT jsonb_agg(f) FROM (
     SELECT jsonb_strip_nulls(jsonb_build_object('name', 'f' || j,
        'type', (ARRAY['int','bigint','smallint','text','varchar(5)','varchar(10)','numeric(10,2)','numeric','double','real','date','timestamptz','uuid','boolean'])[1 + floor(random()*14)::int],
        'nullable', CASE WHEN random() < 0.5 THEN random() < 0.5 END,
        'min', CASE WHEN random() < 0.2 THEN floor(random()*3) END)) AS f
       FROM generate_series(1, 1 + floor(random()*4)::int + 0 * g) j) s) AS schema
FROM generate_series(1, 150) g;
-- min only on numeric types: drop min elsewhere
UPDATE fuzz SET schema = (SELECT jsonb_agg(CASE WHEN f->>'type' IN ('text','varchar(5)','varchar(10)','date','timestamptz','uuid','boolean') THEN f - 'min' ELSE f END) FROM jsonb_array_elements(schema) f);
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE is_compatible(a.schema, b.schema, 'BACKWARD') IS DISTINCT FROM
                        (SELECT coalesce(bool_and(new_reads_old), true) FROM check_compatibility(a.schema, b.schema))) AS backward_mismatch,
       count(*) FILTER (WHERE is_compatible(a.schema, b.schema, 'FORWARD') IS DISTINCT FROM
                        (SELECT coalesce(bool_and(old_reads_new), true) FROM check_compatibility(a.schema, b.schema))) AS forward_mismatch,
       count(*) FILTER (WHERE is_compatible(a.schema, b.schema, 'BACKWARD')) AS backward_ok
  FROM fuzz a JOIN fuzz b ON b.id BETWEEN a.id + 1 AND a.id + 20;
-- the record's own documentation
SELECT * FROM pg_temp.changes('{"type": "record", "name": "R", "doc": "old words", "fields": [{"name": "a", "type": "int"}]}',
                              '{"type": "record", "name": "R", "doc": "new words", "fields": [{"name": "a", "type": "int"}]}');
