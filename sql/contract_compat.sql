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
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
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
