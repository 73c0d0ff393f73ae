-- Contract compatibility: every change, both directions, modes and version bumps
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo 'K1. Seed 002''s Customer360 schema against a next version: every change, whether old'
\echo '    readers read new data and new readers old data, and the bump it needs (mode FULL)'
\set v1 '{"type": "record", "name": "Customer360", "fields": [{"name": "customer_id", "type": "string", "doc": "Unique customer identifier", "required": true, "pii": false}, {"name": "email", "type": ["null", "string"], "doc": "Customer email address", "required": false, "pii": true, "privacy_classification": "sensitive"}, {"name": "country", "type": "string", "doc": "Customer country (ISO 3166-1 alpha-2)", "required": true, "pii": false}, {"name": "lifetime_value", "type": "double", "doc": "Total revenue from customer (USD)", "required": true, "pii": false, "min": 0}, {"name": "segment", "type": "string", "doc": "Customer segment", "required": true, "pii": false, "enum": ["high_value", "medium_value", "low_value"]}]}'
\set v2 '{"type": "record", "name": "Customer360", "fields": [{"name": "customer_id", "type": "string", "doc": "Unique customer identifier (UUID)", "required": true, "pii": false}, {"name": "email", "type": "string", "doc": "Customer email address", "required": true, "pii": true, "privacy_classification": "sensitive"}, {"name": "lifetime_value", "type": "numeric(14,2)", "doc": "Total revenue from customer (USD)", "required": true, "pii": false, "min": 0}, {"name": "segment", "type": "string", "doc": "Customer segment", "required": true, "pii": false, "enum": ["high_value", "medium_value", "low_value", "churned"]}, {"name": "nickname", "type": ["null", "string"], "required": false}]}'
SELECT change_kind, path, old_value, new_value, old_reads_new AS old_reads, new_reads_old AS new_reads,
       severity, required_bump AS bump
  FROM datamesh.check_compatibility(:'v1', :'v2');
SELECT message FROM datamesh.check_compatibility(:'v1', :'v2') WHERE severity = 'breaking';

\echo 'K2. The verdict under each mode, and the version the change needs'
SELECT m AS mode, datamesh.is_compatible(:'v1'::jsonb, :'v2', m) AS compatible
  FROM unnest(ARRAY['NONE', 'BACKWARD', 'FORWARD', 'FULL']) m;
SELECT datamesh.required_bump(:'v1', :'v2') AS v1_to_v2,
       datamesh.required_bump(:'v1', replace(:'v1', 'Unique customer identifier', 'The customer id')::jsonb) AS doc_only;

\echo 'K3. Avro schemas follow Apache Avro''s resolution: a field with a default, a promotion,'
\echo '    an enum symbol the old reader maps to its default; the promotion breaks old readers'
\set a1 '{"type": "record", "name": "Order", "namespace": "shop", "fields": [{"name": "id", "type": "string"}, {"name": "qty", "type": "int"}, {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "UNKNOWN"], "default": "UNKNOWN"}}]}'
\set a2 '{"type": "record", "name": "Order", "namespace": "shop", "fields": [{"name": "id", "type": "string"}, {"name": "qty", "type": "long"}, {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED", "UNKNOWN"], "default": "UNKNOWN"}}, {"name": "coupon", "type": ["null", "string"], "default": null}]}'
SELECT change_kind, path, old_value, new_value, old_reads_new AS old_reads, new_reads_old AS new_reads, severity
  FROM datamesh.check_compatibility(:'a1'::jsonb, :'a2', 'BACKWARD');
SELECT m AS mode, datamesh.is_compatible(:'a1'::jsonb, :'a2', m) AS compatible
  FROM unnest(ARRAY['BACKWARD', 'FORWARD', 'FULL']) m;

\echo 'K4. Transitive modes look at every earlier version, newest first'
\set h1 '[{"name": "id", "type": "bigint", "required": true}, {"name": "note", "type": "text", "required": true}]'
\set h2 '[{"name": "id", "type": "bigint", "required": true}, {"name": "note", "type": "text"}]'
\set h3 '[{"name": "id", "type": "bigint", "required": true}, {"name": "note", "type": "text"}, {"name": "tag", "type": "text"}]'
SELECT m AS mode, datamesh.is_compatible(ARRAY[:'h2', :'h1']::jsonb[], :'h3'::jsonb, m) AS compatible
  FROM unnest(ARRAY['FORWARD', 'FORWARD_TRANSITIVE']) m;
SELECT against, change_kind, path, severity
  FROM datamesh.check_compatibility(ARRAY[:'h2', :'h1']::jsonb[], :'h3'::jsonb, 'FORWARD_TRANSITIVE');

\echo 'K5. Bad schemas are refused with the argument and the JSON path'
SELECT datamesh.is_compatible(:'v1', '[{"name": "amount", "type": "numeric(12,2)", "min": 100, "max": 1}]');
SELECT datamesh.is_compatible(:'v1', '[{"name": "code", "type": "text", "pattern": "[A-Z"}]');
